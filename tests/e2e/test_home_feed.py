"""The home feed in a real browser, in English and French, at 1280 px and 375 px: ranked and
recent orders, the empty state, the "why" page and the "N new posts" pill; no serious axe
violation, no sideways scroll on a phone, no JavaScript error, every control named. Infinite
scroll appends the next page; the pill appears when feed.js hears a new post and loads it.

The socket itself is tested in maillage/feed/tests/test_live.py (the live test server has no
WebSocket): here the DOM event app.js dispatches for it is fired in the page.

Set MAILLAGE_FEED_SHOTS=/some/folder to keep a screenshot of each page."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import ProfileFactory
from maillage.feed import services
from maillage.feed.models import Hashtag, Post
from maillage.feed.polls import PollInput
from maillage.network.tests.factories import connect, follow

from .conftest import AXE_JS
from .test_account_journey import logged_in_context_cookie
from .test_network_a11y import OVERFLOW_JS, UNNAMED_CONTROLS_JS

SHOTS = os.environ.get("MAILLAGE_FEED_SHOTS", "")


def person(first, last, headline=""):
    member = ProfileFactory(member__language="en", member__first_name=first, member__last_name=last).member
    if headline:
        member.profile.headline = headline
        member.profile.save()
    return member


def publish(author, body, hours=0.0, **kw):
    post = services.post_create(author=author, data=services.PostInput(body=body, **kw))
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(hours=hours))
    return post


def build():
    me = person("Camille", "Martin", "Product designer")
    alice = person("Alice", "Moreau-Vandenberghe", "Head of people, Coopérative du Rhône")
    bruno = person("Bruno", "Lefèvre", "Backend engineer")
    chloe = person("Chloé", "Dubois", "Community manager")
    connect(me, alice)
    connect(alice, bruno)
    follow(me, chloe)
    tag = publish(bruno, "Four-day week: our numbers after a year #Teletravail", hours=5)
    services.hashtag_follow(member=me, hashtag=Hashtag.objects.get(key="teletravail"))
    first = publish(alice, "We just shipped **remote-first** hiring at our co-op. #Hiring", hours=2)
    publish(chloe, "Meetup in Lyon next Thursday — who's in?", hours=1,
            poll=PollInput(question="Which topic first?", options=["Onboarding", "Salary bands"]))
    commented = publish(bruno, "Why we write design docs before code.", hours=8)
    services.comment_create(author=alice, post=commented, body="Same here, it saves weeks.")
    for who in (alice, chloe, bruno):
        services.reaction_set(member=who, kind="like", post=first)
    for i in range(14):
        publish(alice if i % 2 else chloe, f"Note {i}: small things we learned this week.", hours=10 + i)
    return me, {"alice": alice, "bruno": bruno, "tag": tag, "first": first}


def check(page, url, name, *, phone):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return problems_on(page, name, phone=phone)


def problems_on(page, name, *, phone):
    problems = []
    if phone and page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        problems.append(f"{name}: scrolls sideways {page.evaluate(OVERFLOW_JS)}")
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    if unnamed:
        problems.append(f"{name}: unnamed controls {unnamed}")
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;")
    violations = page.evaluate(
        "async () => { const r = await window.__axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.filter(v => ['serious','critical'].includes(v.impact))"
        ".map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')); }"
    )
    problems += [f"{name}: axe {v}" for v in violations]
    if page.js_errors:
        problems.append(f"{name}: JS errors {page.js_errors}")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=not name.endswith("pill"))
    return problems


@pytest.mark.django_db(transaction=True)
def test_home_feed_pages_in_both_languages_on_desktop_and_phone(live_server, new_page):
    me, people = build()
    newcomer = person("Nina", "Nouvelle")
    base = live_server.url
    problems = []
    for locale, lang in (("en-GB", "en"), ("fr-FR", "fr")):
        for width in (1280, 375):
            phone = width == 375
            suffix = f"{lang}-{width}"
            for who in (me, newcomer):
                who.language = lang
                who.save(update_fields=["language"])
            services.feed_order_set(member=me, order="ranked")
            page = new_page(locale=locale, width=width, height=900)
            page.context.add_cookies([logged_in_context_cookie(me, base)])
            problems += check(page, base + reverse("home"), f"home-ranked-{suffix}", phone=phone)
            problems += check(page, base + reverse("post_why", args=[people["first"].public_id]), f"why-{suffix}", phone=phone)
            # Sort by "Recent" with the control at the top of the feed.
            page.goto(base + reverse("home"))
            page.locator('.feed-sort button[value="recent"]').click()
            page.wait_for_load_state("networkidle")
            assert page.locator('.feed-sort button[value="recent"]').get_attribute("aria-pressed") == "true"
            problems += problems_on(page, f"home-recent-{suffix}", phone=phone)
            # A new post arrives: the pill says so, and a click loads it at the top.
            page.goto(base + reverse("home"))
            page.wait_for_load_state("networkidle")
            fresh = publish(people["alice"], f"Fresh news {suffix}")
            page.evaluate(
                "id => document.dispatchEvent(new CustomEvent('maillage:feed.new_post', {detail: {post: id}}))",
                str(fresh.public_id),
            )
            pill = page.locator("[data-feed-pill]")
            pill.wait_for()
            assert ("1 new post" if lang == "en" else "1") in pill.inner_text()
            problems += problems_on(page, f"home-pill-{suffix}", phone=phone)
            pill.click()
            page.wait_for_function("() => !document.querySelector('[data-feed-pill]')")
            assert f"Fresh news {suffix}" in page.locator("#feed-list article").first.inner_text()
            # The reaction picker fits the screen (on a phone its six kinds wrap in rows).
            page.locator("#feed-list .post__picker-button").first.click()
            panel = page.locator("#feed-list .post__picker-panel:visible").first
            panel.wait_for()
            box = panel.bounding_box()
            if box["x"] < 0 or box["x"] + box["width"] > width:
                problems.append(f"reaction picker off screen at {suffix}: {box}")
            newcomer_page = new_page(locale=locale, width=width, height=900)
            newcomer_page.context.add_cookies([logged_in_context_cookie(newcomer, base)])
            problems += check(newcomer_page, base + reverse("home"), f"home-empty-{suffix}", phone=phone)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_infinite_scroll_appends_the_next_page_without_repeats(live_server, new_page):
    me, _people = build()
    services.feed_order_set(member=me, order="recent")
    page = new_page(locale="en-GB", width=1280, height=900)
    page.context.add_cookies([logged_in_context_cookie(me, live_server.url)])
    page.goto(live_server.url + reverse("home"))
    page.wait_for_load_state("networkidle")
    assert page.locator("#feed-list article.post").count() == 10
    page.locator(".feed-more").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelectorAll('#feed-list article.post').length > 10")
    ids = page.eval_on_selector_all("#feed-list article.post", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)) == 18
    assert "caught up" in page.locator(".feed-end").inner_text()
    assert not page.js_errors
