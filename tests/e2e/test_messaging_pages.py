"""Browser tests of the messaging pages (issue 6, points 1, 2, 4).

The live test runs against a real ASGI server (uvicorn, one process: both members' sockets and
their HTTP requests meet in its channel layer) on the test database: two members in two browser
contexts, one writes, the other sees it without reloading — the message, the typing line, "Seen",
an edit, a deletion, the conversation list and the top-bar badge. Then a send with JavaScript
turned off, and a third member's message request, accepted and answered. The page test walks every messaging page at 1280 and 375 px in English and French
(axe, unnamed controls, sideways scrolling, script errors) and keeps screenshots in
MAILLAGE_MESSAGING_SHOTS when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.messaging import services
from maillage.messaging.tests.servers import start_servers
from maillage.network.tests.factories import connect, member

from .conftest import run_axe
from .test_account_journey import logged_in_context_cookie
from .test_network_a11y import OVERFLOW_JS, UNNAMED_CONTROLS_JS

SHOTS = os.environ.get("MAILLAGE_MESSAGING_SHOTS", "")

SOCKET_WATCH = """
document.addEventListener("maillage:socket-open", () => { window.__socketOpen = true; });
document.addEventListener("maillage:socket-closed", () => { window.__socketOpen = false; });
"""


def person(first, last, language="en", headline=""):
    someone = member(member__first_name=first, member__last_name=last, member__language=language)
    if headline:
        someone.profile.headline = headline
        someone.profile.save()
    return someone


@pytest.fixture
def server():
    running = start_servers(1)
    yield running[0]
    for one in running:
        one.stop()


def open_as(new_page, user, base: str, path: str, *, width: int = 1280):
    page = new_page(locale="en-US", width=width)
    page.context.add_cookies([logged_in_context_cookie(user, base)])
    page.context.add_init_script(SOCKET_WATCH)
    page.goto(base + path)
    page.wait_for_function("() => window.__socketOpen === true")
    return page


@pytest.mark.django_db(transaction=True)
def test_two_members_chat_live(server, new_page, browser):
    ann = person("Ann", "Archer", headline="Product manager")
    bob = person("Bob", "Baker", headline="Engineer")
    connect(ann, bob)
    conversation = services.message_send_to(
        sender=bob, recipient=ann, body="Hello Ann"
    ).conversation
    path = reverse("conversation", args=[conversation.public_id])
    base = server.base

    a = open_as(new_page, ann, base, path)
    b = open_as(new_page, bob, base, path)
    a_list = a.locator("[data-message-list]")
    b_list = b.locator("[data-message-list]")
    expect(a_list).to_contain_text("Hello Ann")

    # Bob writes (Enter sends through htmx): Ann sees it without a reload, Bob sees it once.
    b.locator("textarea[data-composer]").fill("Are you free at noon?")
    b.locator("textarea[data-composer]").press("Enter")
    expect(a_list).to_contain_text("Are you free at noon?", timeout=10_000)
    expect(b_list.get_by_text("Are you free at noon?")).to_have_count(1)
    expect(b.locator("textarea[data-composer]")).to_have_value("")
    b.wait_for_timeout(500)  # a late socket event must not add a copy
    expect(b_list.get_by_text("Are you free at noon?")).to_have_count(1)
    # Ann's open page read it: Bob sees "Seen" under his message (both share receipts).
    expect(b.locator(f'[data-sender="{bob.public_id}"] [data-seen]')).to_have_text(
        "Seen", timeout=10_000
    )

    # Typing: Ann types, Bob sees the line.
    a.locator("textarea[data-composer]").press_sequentially("Sure", delay=50)
    expect(b.locator("[data-typing]")).to_contain_text("Ann Archer is typing", timeout=10_000)

    # Ann replies: the typing line goes when her message arrives.
    a.locator("textarea[data-composer]").press("Enter")
    expect(b_list).to_contain_text("Sure", timeout=10_000)
    expect(b.locator("[data-typing]")).to_have_text("")

    # Bob edits his message on its page: Ann's open page shows the new text, marked edited.
    b.goto(base + reverse("conversation", args=[conversation.public_id]))
    b.wait_for_function("() => window.__socketOpen === true")
    b.locator(f'[data-sender="{bob.public_id}"] .message__actions a', has_text="Edit").last.click()
    b.locator("textarea[name=body]").fill("Are you free at one?")
    b.get_by_role("button", name="Save").click()
    b.wait_for_load_state("networkidle")
    expect(a_list).to_contain_text("Are you free at one?", timeout=10_000)
    expect(a_list).not_to_contain_text("Are you free at noon?")
    expect(a_list.locator(".message__edited")).to_have_count(1)

    # Bob deletes it: Ann's page shows "Message deleted" in its place.
    b.wait_for_function("() => window.__socketOpen === true")
    b.locator(
        f'[data-sender="{bob.public_id}"] .message__actions a', has_text="Delete"
    ).last.click()
    b.get_by_role("button", name="Delete for everyone").click()
    b.wait_for_load_state("networkidle")
    expect(a_list).to_contain_text("Message deleted", timeout=10_000)
    expect(a_list).not_to_contain_text("Are you free at one?")

    # Ann goes to her inbox; Bob writes again: the list and the top-bar badge change live.
    a.goto(base + reverse("messaging"))
    a.wait_for_function("() => window.__socketOpen === true")
    badge = a.locator("[data-messaging-badge]")
    expect(badge).to_be_hidden()
    b.wait_for_function("() => window.__socketOpen === true")
    b.locator("textarea[data-composer]").fill("Ping from Bob")
    b.locator("textarea[data-composer]").press("Enter")
    expect(badge).to_be_visible(timeout=10_000)
    expect(badge).to_have_text("1")
    item = a.locator(f'[data-conversation-item="{conversation.public_id}"]')
    expect(item).to_have_class(re.compile(r"\bis-unread\b"), timeout=10_000)
    expect(item).to_contain_text("Ping from Bob")
    assert a.js_errors == [] and b.js_errors == [], (a.js_errors, b.js_errors)

    # Without JavaScript, sending is a plain form post and a redirect back.
    context = browser.new_context(
        locale="en-US", java_script_enabled=False, viewport={"width": 375, "height": 800}
    )
    try:
        plain = context.new_page()
        context.add_cookies([logged_in_context_cookie(bob, base)])
        plain.goto(base + path)
        plain.locator("textarea[data-composer]").fill("Sent without JavaScript")
        plain.get_by_role("button", name="Send").click()
        plain.wait_for_load_state("load")
        assert plain.url.startswith(base + path)
        expect(plain.locator("[data-message-list]")).to_contain_text("Sent without JavaScript")
        assert conversation.messages.filter(body="Sent without JavaScript").count() == 1
    finally:
        context.close()
    # …and Ann's open inbox hears of it all the same.
    expect(item).to_contain_text("Sent without JavaScript", timeout=10_000)

    # A stranger writes to Ann from the new-message page: a request; Ann's badge counts it, she
    # accepts it from her Requests and replies, and the stranger's open page shows the answer.
    sam = person("Sam", "Stranger", headline="Recruiter")
    s = open_as(new_page, sam, base, reverse("message_new") + f"?to={ann.public_id}")
    s.locator("textarea[name=body]").fill("Hello Ann, may I tell you about a role?")
    s.get_by_role("button", name="Send").click()
    s.wait_for_url(re.compile(r"/messaging/[0-9a-f-]{36}/$"))
    s.wait_for_function("() => window.__socketOpen === true")
    expect(s.locator("[data-message-list]")).to_contain_text("may I tell you about a role?")
    expect(badge).to_have_text("2", timeout=10_000)
    a.get_by_role("link", name="Requests").click()
    a.locator("[data-conversation-item]", has_text="Sam Stranger").click()
    expect(a.locator("[data-message-list]")).to_contain_text("may I tell you about a role?")
    expect(a.locator("textarea[data-composer]")).to_have_count(0)
    a.get_by_role("button", name="Accept").click()
    a.wait_for_function("() => window.__socketOpen === true")
    a.locator("textarea[data-composer]").fill("Sure, tell me more.")
    a.locator("textarea[data-composer]").press("Enter")
    expect(s.locator("[data-message-list]")).to_contain_text("Sure, tell me more.", timeout=10_000)
    assert a.js_errors == [] and s.js_errors == [], (a.js_errors, s.js_errors)


def problems_on(page, where: str, *, phone: bool) -> list[str]:
    page.wait_for_load_state("networkidle")
    if SHOTS:  # before axe, which scrolls the page as it checks
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{where}.png"), full_page=not phone)
    problems = [f"{where}: axe {v['id']} {v['nodes']}" for v in run_axe(page)]
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    if unnamed:
        problems.append(f"{where}: unnamed controls {unnamed}")
    if phone and page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"{where}: sideways scroll, {page.evaluate(OVERFLOW_JS)}")
    if page.js_errors:
        problems.append(f"{where}: JS errors {page.js_errors}")
        page.js_errors.clear()
    return problems


@pytest.mark.django_db(transaction=True)
def test_messaging_pages_in_both_languages_on_desktop_and_phone(live_server, new_page):
    base = live_server.url
    problems: list[str] = []
    for language in ("en", "fr"):
        me = person(
            "Camille" if language == "fr" else "Ann",
            "Martin",
            language=language,
            headline="Product manager",
        )
        bob = person("Bob", "Baker", headline="Engineer")
        carl = person("Carl", "Cole", headline="Designer")
        stranger = person("Sam", "Stranger", headline="Recruiter")
        connect(me, bob)
        connect(me, carl)
        direct = services.message_send_to(
            sender=bob, recipient=me, body="Hello! Are we still on for **Friday**?"
        ).conversation
        services.message_send(sender=me, conversation=direct, body="Yes, see you at noon.")
        services.conversation_mark_read(member=bob, conversation=direct)
        group = services.conversation_group_create(
            creator=me, others=[bob, carl], name="Launch team"
        )
        services.message_send(
            sender=carl, conversation=group, body="The mock-ups are ready for review."
        )
        request = services.message_send_to(
            sender=stranger, recipient=me, body="Hi, I have a role that might interest you."
        ).conversation
        for width, phone in ((1280, False), (375, True)):
            suffix = f"{language}-{width}"
            page = new_page(
                locale="fr-FR" if language == "fr" else "en-US",
                width=width,
                height=900 if not phone else 800,
            )
            page.context.add_cookies([logged_in_context_cookie(me, base)])
            for name, target in (
                ("inbox", reverse("messaging")),
                ("conversation", reverse("conversation", args=[direct.public_id])),
                ("group", reverse("conversation", args=[group.public_id])),
                ("request", reverse("conversation", args=[request.public_id])),
                ("new", reverse("message_new") + f"?to={carl.public_id}"),
                ("settings", reverse("messaging_settings")),
            ):
                page.goto(base + target)
                problems += problems_on(page, f"{name}-{suffix}", phone=phone)
            if language == "fr":
                page.goto(base + reverse("messaging"))
                assert page.locator("html").get_attribute("lang") == "fr"
    assert problems == [], "\n".join(problems)
