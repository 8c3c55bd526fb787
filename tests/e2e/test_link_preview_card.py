"""A post's link preview card, fetched for real from a web server on 127.0.0.1, in a browser:
English and French, 1280 px and 375 px wide — the card shows the page's picture, title and
domain, links out with rel="nofollow ugc noopener", metadata full of markup stays text (no
script runs), no serious axe violation in the card, no sideways scroll on a phone.

Set MAILLAGE_LINK_SHOTS=/some/folder to keep a screenshot of each page."""

from __future__ import annotations

import io
import ipaddress
import os
from html import escape
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image, ImageDraw

from maillage.accounts.tests.factories import ProfileFactory
from maillage.feed import link_preview, services
from maillage.feed.models import LinkPreview
from maillage.feed.tests.test_link_preview import Site, send
from maillage.network.tests.factories import connect

from .conftest import AXE_JS
from .test_account_journey import logged_in_context_cookie
from .test_network_a11y import OVERFLOW_JS

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("MAILLAGE_LINK_SHOTS", "")
XSS_TITLE = '<script>window.__pwned = 1</script>"><img src=x onerror="window.__pwned = 2">'


def picture() -> bytes:
    image = Image.new("RGB", (1200, 627))
    draw = ImageDraw.Draw(image)
    for x in range(1200):
        draw.line([(x, 0), (x, 627)], fill=(14, 107 - x // 20, 94 + x // 12))
    draw.ellipse((760, 120, 1140, 500), fill=(255, 244, 213))
    draw.rectangle((80, 380, 620, 440), fill=(255, 255, 255))
    draw.rectangle((80, 470, 460, 510), fill=(227, 241, 238))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def page_html(title: str, description: str, site_name: str, image: str | None) -> bytes:
    image_tag = f'<meta property="og:image" content="{image}">' if image else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>ignored</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
<meta property="og:site_name" content="{escape(site_name)}">
{image_tag}</head><body></body></html>""".encode()


@pytest.fixture
def site(monkeypatch):
    server = Site()
    real_is_public = link_preview._is_public
    loopback = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(link_preview, "_is_public", lambda a: a == loopback or real_is_public(a))
    monkeypatch.setattr(link_preview, "ALLOWED_PORTS", frozenset({80, 443, server.port}))
    monkeypatch.setattr(
        link_preview,
        "_resolve",
        lambda host, port: ["127.0.0.1"] if host == "www.rituals.test" else [],
    )
    server.routes["/team-rituals"] = lambda h: send(
        h,
        page_html(
            "Team rituals that scale: how small teams keep their habits as they grow",
            "Weekly demos, written decisions and a calm on-call: what changed when we went from "
            "8 to 80 people, and what we would do again.",
            "The Rituals Journal",
            "/cover.png",
        ),
    )
    server.routes["/cover.png"] = lambda h: send(h, picture(), "image/png")
    server.routes["/tricky"] = lambda h: send(
        h, page_html(XSS_TITLE, '"><svg onload=alert(1)>', "</a><a href=javascript:alert(1)>", None)
    )
    yield server
    server.close()


def test_link_preview_card_in_both_languages_on_desktop_and_phone(live_server, new_page, site):
    author = ProfileFactory(
        member__first_name="Bruno", member__last_name="Lefèvre", member__language="en"
    ).member
    author.profile.headline = "Backend engineer"
    author.profile.save()
    viewer = ProfileFactory(
        member__first_name="Camille", member__last_name="Martin", member__language="en"
    ).member
    connect(author, viewer)
    good = services.post_create(
        author=author,
        data=services.PostInput(
            body=f"A good read on team rituals: {site.url('/team-rituals', host='www.rituals.test')}"
        ),
    )
    tricky = services.post_create(
        author=author,
        data=services.PostInput(body=f"Odd page: {site.url('/tricky', host='www.rituals.test')}"),
    )
    # The fetch ran after commit (tasks run at once in tests) against the local server.
    for post in (good, tricky):
        post.refresh_from_db()
        assert post.link_preview.status == LinkPreview.Status.READY, post.link_preview.error
    assert good.link_preview.image

    cookie = logged_in_context_cookie(viewer, live_server.url)
    shots = Path(SHOTS) if SHOTS else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for locale, language in (("en-US", "en"), ("fr-FR", "fr")):
        viewer.language = language
        viewer.save(update_fields=["language"])
        for width in (1280, 375):
            page = new_page(locale=locale, width=width, height=900)
            page.on("dialog", on_dialog)
            page.context.add_cookies([cookie])
            page.context.add_init_script(
                script=AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;"
            )
            for name, post in (("link-card", good), ("link-card-markup", tricky)):
                cache.clear()
                page.goto(live_server.url + reverse("post", args=[post.public_id]))
                page.wait_for_load_state("networkidle")
                card = page.locator("a.link-card").first
                if card.count() == 0:
                    problems.append(f"{name} {language} {width}: no card")
                    continue
                if card.get_attribute("rel") != "nofollow ugc noopener":
                    problems.append(f"{name}: rel is {card.get_attribute('rel')}")
                if not card.get_attribute("href").startswith("http://www.rituals.test:"):
                    problems.append(f"{name}: href {card.get_attribute('href')}")
                if "rituals.test" not in card.inner_text():
                    problems.append(f"{name}: no domain in the card")
                if post is good:
                    loaded = page.evaluate(
                        "() => { const i = document.querySelector('.link-card__image');"
                        " return i && i.complete && i.naturalWidth; }"
                    )
                    if loaded != 1200:
                        problems.append(f"{name} {language} {width}: image not shown ({loaded})")
                else:
                    if XSS_TITLE[:40] not in card.inner_text():
                        problems.append(f"{name}: markup not shown as text: {card.inner_text()!r}")
                    if page.evaluate("() => window.__pwned") is not None:
                        problems.append(f"{name}: script ran")
                    if page.locator(
                        ".link-card script, .link-card img[src=x], .link-card svg"
                    ).count():
                        problems.append(f"{name}: markup became elements")
                if width < 600 and page.evaluate(
                    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
                ):
                    problems.append(
                        f"{name} {language}: scrolls sideways {page.evaluate(OVERFLOW_JS)}"
                    )
                # The card only: the rest of the page is the post pages' own browser test's.
                violations = page.evaluate(
                    "async () => { const r = await window.__axe.run({include: [['.link-card']]}, {resultTypes: ['violations']});"
                    " return r.violations.filter(v => ['serious','critical'].includes(v.impact))"
                    ".map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')); }"
                )
                problems += [f"{name} {language} {width}: axe {v}" for v in violations]
                if page.js_errors:
                    problems.append(f"{name}: JS errors {page.js_errors}")
                if shots:
                    page.screenshot(
                        path=str(shots / f"{name}-{language}-{width}.png"), full_page=True
                    )
            page.context.close()
    if dialogs:
        problems.append(f"dialogs opened: {dialogs}")
    assert problems == [], "\n".join(problems)
