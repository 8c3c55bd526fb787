"""Browser test of message attachments and "search your messages" (issue 6, points 3 and 4).

A conversation with an image and a PDF, and the search page, at 1280 and 375 px in English and
French: axe (serious and critical), unnamed controls, sideways scrolling, script errors; the image
preview really loads (through the participant-only view) and the PDF card offers a download.
Screenshots are kept in MAILLAGE_FILES_SHOTS when it is set.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from maillage.feed.tests.composer_files import jpeg, pdf
from maillage.messaging import services
from maillage.messaging.models import Attachment
from maillage.network.tests.factories import connect, member

from .conftest import run_axe
from .test_account_journey import logged_in_context_cookie
from .test_network_a11y import OVERFLOW_JS, UNNAMED_CONTROLS_JS

SHOTS = os.environ.get("MAILLAGE_FILES_SHOTS", "")


def person(first, last, language="en"):
    return member(member__first_name=first, member__last_name=last, member__language=language)


def problems_on(page, where: str, *, phone: bool) -> list[str]:
    page.wait_for_load_state("networkidle")
    problems = [f"{where}: axe {v['id']} {v['nodes']}" for v in run_axe(page)]
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    if unnamed:
        problems.append(f"{where}: unnamed controls {unnamed}")
    if phone and page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"{where}: sideways scroll, {page.evaluate(OVERFLOW_JS)}")
    if page.js_errors:
        problems.append(f"{where}: JS errors {page.js_errors}")
        page.js_errors.clear()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{where}.png"), full_page=not phone)
    return problems


@pytest.fixture
def cleanup_files():
    stored: list[tuple] = []
    yield stored
    for attachment in Attachment.objects.all():
        from maillage.messaging.attachments import stored_files

        for storage, name in stored_files([attachment]):
            storage.delete(name)


@pytest.mark.django_db(transaction=True)
def test_attachments_and_search_in_both_languages_on_desktop_and_phone(
    live_server, new_page, cleanup_files
):
    base = live_server.url
    problems: list[str] = []
    for language in ("en", "fr"):
        me = person("Camille" if language == "fr" else "Ann", "Martin", language=language)
        bob = person("Bob", "Baker")
        connect(me, bob)
        direct = services.conversation_direct(member=bob, other=me)
        services.message_send(
            sender=bob,
            conversation=direct,
            body="Voici la photo de la réunion et le compte rendu.",
            attachments=[
                jpeg("Réunion équipe.jpg", size=(1600, 1000)),
                pdf("Compte rendu — réunion du 3 mars.pdf"),
            ],
        )
        services.message_send(
            sender=me, conversation=direct, body="Merci ! La réunion était très utile."
        )
        for width, phone in ((1280, False), (375, True)):
            suffix = f"{language}-{width}"
            page = new_page(
                locale="fr-FR" if language == "fr" else "en-US",
                width=width,
                height=900 if not phone else 800,
            )
            page.context.add_cookies([logged_in_context_cookie(me, base)])
            page.goto(base + reverse("conversation", args=[direct.public_id]))
            image = page.locator(".msg-files__image img")
            image.wait_for()
            page.wait_for_function(
                "() => { const i = document.querySelector('.msg-files__image img'); "
                "return i && i.complete && i.naturalWidth > 0; }"
            )
            assert image.get_attribute("alt") == "Réunion équipe.jpg"
            card = page.locator(".msg-files__card")
            assert "Compte rendu" in card.inner_text()
            assert card.locator("a[download]").count() == 1
            problems += problems_on(page, f"conversation-files-{suffix}", phone=phone)
            for name, query in (("search", {"q": "reunion"}), ("search-empty", {})):
                page.goto(
                    base + reverse("messaging_search") + ("?" + urlencode(query) if query else "")
                )
                if query:
                    assert page.locator(".msg-found__item").count() == 2
                    assert page.locator(".msg-found__excerpt mark").count() >= 2
                problems += problems_on(page, f"{name}-{suffix}", phone=phone)
            if language == "fr":
                assert page.locator("html").get_attribute("lang") == "fr"
    assert problems == [], "\n".join(problems)
