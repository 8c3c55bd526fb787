"""Post cards and the pages around a post, in a real browser, in English and French, at 1280 px
and 375 px wide: no serious or critical axe violation, no sideways scroll on a phone, no
JavaScript error, every control named; the reaction picker and the "…" menu work with the
keyboard alone, and a reaction swaps the action bar in place.

Set MAILLAGE_POST_SHOTS=/some/folder to keep a screenshot of each page."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.tests.factories import ProfileFactory
from maillage.feed import services
from maillage.feed.models import LinkPreview, Post
from maillage.feed.polls import PollInput
from maillage.feed.tests.composer_files import jpeg, png
from maillage.network.tests.factories import connect
from maillage.search.services import member_index

from .conftest import AXE_JS, htmx_settled
from .test_account_journey import logged_in_context_cookie
from .test_network_a11y import OVERFLOW_JS, UNNAMED_CONTROLS_JS

SHOTS = os.environ.get("MAILLAGE_POST_SHOTS", "")


def member(first, last, headline=""):
    person = ProfileFactory(member__language="en", member__first_name=first, member__last_name=last).member
    if headline:
        person.profile.headline = headline
        person.profile.save()
    return person


def publish(author, body, **kw):
    return services.post_create(author=author, data=services.PostInput(body=body, **kw))


def build():
    me = member("Camille", "Martin-Desrosiers", "Product designer at Maillage")
    alice = member("Alice", "Moreau-Vandenberghe", "Head of people, Coopérative du Rhône — hiring designers and engineers")
    bruno = member("Bruno", "Lefèvre", "Backend engineer")
    connect(me, alice)
    connect(alice, bruno)
    for person in (me, alice, bruno):
        member_index(member_id=person.pk)  # mention suggestions come from people search
    text = publish(
        alice,
        "We just shipped **remote-first** hiring at our co-op. #Teletravail #Hiring\n\n"
        + "Here is what we learned after six months of interviews across three time zones. " * 6,
    )
    images = publish(bruno, "Our new office, finally ☀️", images=[(jpeg(size=(1600, 900)), "An open-plan office with plants"), (png(), "A floor plan")])
    poll = publish(alice, "Help us pick the next meetup topic #Hiring", poll=PollInput(question="Which topic first?", options=["Remote onboarding", "Salary bands", "Four-day week"]))
    link = publish(bruno, "A good read on team rituals: https://example.org/rituals")
    preview, _ = LinkPreview.objects.get_or_create(
        url_hash="e" * 64,
        defaults={"url": "https://example.org/rituals", "status": "ready", "title": "Team rituals that scale",
                  "description": "How small teams keep their habits as they grow.", "site_name": "Example"},
    )
    Post.objects.filter(pk=link.pk).update(link_preview=preview)
    quote = services.repost_create(member=me, original=text, body="Worth reading if you hire remotely. #Hiring")
    services.repost_create(member=bruno, original=poll)
    for who, kind in ((me, "celebrate"), (bruno, "insightful")):
        services.reaction_set(member=who, kind=kind, post=text)
    first = services.comment_create(author=bruno, post=text, body="Great write-up, thanks for sharing!")
    services.comment_create(author=alice, post=text, body="Thank you Bruno — more to come.", parent=first)
    services.comment_create(author=me, post=text, body="How did you handle time zones for interviews?")
    services.reaction_set(member=alice, kind="love", comment=first)
    services.post_save_for_later(member=me, post=text)
    services.post_save_for_later(member=me, post=images)
    return me, alice, {"text": text, "images": images, "poll": poll, "link": link, "quote": quote}


def check(page, base, path, name, *, phone, shots_dir):
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    problems = []
    if phone:
        wide = page.evaluate(OVERFLOW_JS)
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            problems.append(f"{path}: scrolls sideways {wide}")
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    if unnamed:
        problems.append(f"{path}: unnamed controls {unnamed}")
    violations = page.evaluate(
        "async () => { const r = await window.__axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.filter(v => ['serious','critical'].includes(v.impact))"
        ".map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')); }"
    )
    problems += [f"{path}: axe {v}" for v in violations]
    if page.js_errors:
        problems.append(f"{path}: JS errors {page.js_errors}")
    if shots_dir:
        page.screenshot(path=str(shots_dir / f"{name}.png"), full_page=True)
    return problems


def test_post_pages_in_both_languages_on_desktop_and_phone(live_server, new_page):
    me, alice, posts = build()
    base = live_server.url
    pages = {
        "card-kinds": reverse("member_posts", args=[alice.profile.address]),
        "quote-and-plain-repost": reverse("member_posts", args=[me.profile.address]),
        "post-with-comments": reverse("post", args=[posts["text"].public_id]),
        "images-post": reverse("post", args=[posts["images"].public_id]),
        "link-post": reverse("post", args=[posts["link"].public_id]),
        "reactions": reverse("post_reactions", args=[posts["text"].public_id]),
        "hashtag": reverse("hashtag", args=["hiring"]),
        "saved": reverse("saved"),
        "repost-form": reverse("post_repost", args=[posts["text"].public_id]),
    }
    cookie = logged_in_context_cookie(me, base)
    problems: list[str] = []
    for locale, language in (("en-US", "en"), ("fr-FR", "fr")):
        me.language = language
        me.save(update_fields=["language"])
        for width in (1280, 375):
            page = new_page(locale=locale, width=width, height=900)
            page.context.add_cookies([cookie])
            page.context.add_init_script(script=AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;")
            shots_dir = None
            if SHOTS:
                shots_dir = Path(SHOTS)
                shots_dir.mkdir(parents=True, exist_ok=True)
            for name, path in pages.items():
                cache.clear()
                problems += check(page, base, path, f"{name}-{language}-{width}", phone=width < 600, shots_dir=shots_dir)
            page.context.close()
    assert problems == [], "\n".join(problems)


def test_reaction_picker_and_menu_with_the_keyboard(live_server, new_page):
    me, _alice, posts = build()
    page = new_page(locale="en-US", width=1280)
    page.context.add_cookies([logged_in_context_cookie(me, live_server.url)])
    page.goto(live_server.url + reverse("post", args=[posts["link"].public_id]))
    page.wait_for_load_state("networkidle")
    picker = page.get_by_role("button", name="Choose a reaction").first
    picker.focus()
    page.keyboard.press("Enter")
    funny = page.locator(".post__picker-panel:not([hidden]) button[value=funny]")
    expect(funny).to_be_visible()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "picker-open-en-1280.png"))
    funny.focus()
    page.keyboard.press("Enter")
    htmx_settled(page)
    bar = page.locator(f"#post-actions-{posts['link'].public_id}")
    expect(bar.locator("button[aria-pressed=true]").first).to_contain_text("Funny")
    expect(bar).to_contain_text("1 reaction")
    assert Post.objects.get(pk=posts["link"].pk).reaction_counts == {"funny": 1}
    # The "…" menu opens from the keyboard and reaches "Report post".
    more = page.get_by_role("button", name="More actions for the post by Bruno Lefèvre")
    more.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Open the post")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Report post")).to_be_focused()
    # A comment mentioning someone, picked from the suggestions (the composer's script).
    page.keyboard.press("Escape")
    box = page.get_by_role("textbox", name="Add a comment")
    box.click()
    box.press_sequentially("Thanks @Ali")
    suggestion = page.locator("#comment-form-mentions li").first
    expect(suggestion).to_be_visible()
    suggestion.click()
    box.press_sequentially(" for this")
    page.get_by_role("button", name="Comment", exact=True).last.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".comment__text a", has_text="@Alice Moreau-Vandenberghe")).to_be_visible()
    # "…see more" opens the long text.
    page.goto(live_server.url + reverse("post", args=[posts["text"].public_id]))
    summary = page.locator(".post__more summary").first
    text = page.locator(".post__text").first
    collapsed = text.evaluate("e => e.getBoundingClientRect().height")
    summary.focus()
    page.keyboard.press("Enter")
    assert text.evaluate("e => e.getBoundingClientRect().height") > collapsed
