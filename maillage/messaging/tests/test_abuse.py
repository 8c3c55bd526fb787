"""Messaging under abuse, through the pages: oversized bodies, a 51st participant, hostile
markup in messages, group names and member names, request spam, floods, and guessing
conversation ids. Each refusal says why, and stores nothing."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from maillage.messaging import services
from maillage.messaging.models import (
    GROUP_MAX_PARTICIPANTS,
    MESSAGE_MAX_CHARS,
    Conversation,
    Message,
    MessageKind,
    Participant,
)
from maillage.network.tests.factories import connect, member
from tests.e2e.xss_payloads import PAYLOADS, expand

pytestmark = pytest.mark.django_db

XSS = "window.__xss"
HOSTILE = '<img src=x onerror=window.__xss=1>"><script>window.__xss=1</script>'


@pytest.fixture
def alice():
    return member(member__first_name="Alice", member__last_name="Martin")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Durand")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


def counts():
    return Message.objects.count(), Conversation.objects.count(), Participant.objects.count()


def send_url(conversation) -> str:
    return reverse("message_send", args=[conversation.public_id])


# --- Size ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_a_200_kb_body_is_refused_with_a_message(alice, direct, htmx):
    before = counts()
    headers = {"HX-Request": "true"} if htmx else {}
    response = client_for(alice).post(
        send_url(direct), {"body": "x" * 200_000, "client_id": str(uuid.uuid4())}, headers=headers
    )
    assert response.status_code == 400
    assert str(MESSAGE_MAX_CHARS) in response.content.decode().replace("\u202f", "").replace(
        ",", ""
    )
    assert counts() == before


def test_a_200_kb_edit_is_refused(alice, direct):
    message = services.message_send(sender=alice, conversation=direct, body="Court")
    response = client_for(alice).post(
        reverse("message_edit", args=[message.public_id]), {"body": "y" * 200_000}
    )
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.body == "Court" and message.edited_at is None


def test_the_51st_participant_is_refused(alice):
    people = [member() for _ in range(GROUP_MAX_PARTICIPANTS)]
    for person in people:
        connect(alice, person)
    group = services.conversation_group_create(creator=alice, others=people[:-1])
    before = counts()
    response = client_for(alice).post(
        reverse("participants_add", args=[group.public_id]), {"to": str(people[-1].public_id)}
    )
    assert response.status_code == 400
    assert f"at most {GROUP_MAX_PARTICIPANTS} people" in response.content.decode()
    assert counts() == before
    # Starting a group of 51 at once is refused the same way.
    response = client_for(alice).post(
        reverse("message_new"), {"to": [str(p.public_id) for p in people], "body": "Tous"}
    )
    assert response.status_code == 400
    assert f"at most {GROUP_MAX_PARTICIPANTS} people" in response.content.decode()
    assert counts() == before


# --- Hostile markup --------------------------------------------------------------------------------


class _Runnable(HTMLParser):
    """What a browser would run from a page: event handler attributes, `javascript:` links,
    scripts, iframes, objects — anything that carries the payloads' marker."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") and XSS in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "data") and (
                squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "base", "meta", "svg", "math") and any(
            XSS in (v or "") for _n, v in attrs
        ):
            self.found.append(f"<{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and XSS in data:
            self.found.append(f"<script>{data[:60]}")


def runnable(html: str) -> list[str]:
    parser = _Runnable()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_sees_what_it_looks_for():
    assert runnable('<p><img src=x onerror="window.__xss=1"></p>')
    assert runnable("<script>window.__xss=1</script>")
    assert runnable('<a href=" javascript:window.__xss=1">a</a>')
    assert not runnable("<p>&lt;img src=x onerror=window.__xss=1&gt;</p>")


def test_every_xss_payload_is_inert_in_the_conversation(alice, bob, direct, settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 10_000
    sent = []
    for payload in PAYLOADS:
        body = expand(payload, uuid=str(alice.public_id), limit=MESSAGE_MAX_CHARS)
        if not body.strip():
            continue
        sent.append(services.message_send(sender=alice, conversation=direct, body=body))
    assert len(sent) >= 60
    problems = {m.body[:60]: runnable(m.body_html) for m in sent if runnable(m.body_html)}
    assert not problems
    # The page, as the recipient sees it, page after page ("load older").
    client = client_for(bob)
    url = reverse("conversation", args=[direct.public_id])
    response = client.get(url)
    assert response.status_code == 200
    pages = [response.content.decode()]
    fragment = reverse("conversation_messages", args=[direct.public_id])
    ids = sorted(m.pk for m in sent)
    for start in range(0, len(ids), 50):  # every page of "load older"
        below = ids[start + 50] if start + 50 < len(ids) else ids[-1] + 1
        pages.append(client.get(fragment, {"before": below}).content.decode())
    found = [problem for page in pages for problem in runnable(page)]
    assert not found, found[:5]
    # Every payload's text reached some page (escaped): the check looked at them all.
    shown = "".join(pages)
    assert all(f'id="m{m.pk}"' in shown for m in sent)


def test_a_group_name_with_markup_is_escaped_everywhere(alice, bob):
    carol = member(member__first_name="Carol", member__last_name="Petit")
    connect(alice, bob)
    connect(alice, carol)
    group = services.conversation_group_create(
        creator=alice, others=[bob, carol], name=HOSTILE[:80]
    )
    services.conversation_rename(member=alice, conversation=group, name=HOSTILE[::-1][:80])
    services.message_send(sender=alice, conversation=group, body="Bonjour")
    client = client_for(bob)
    for url in (
        reverse("conversation", args=[group.public_id]),
        reverse("messaging"),
        reverse("conversation_messages", args=[group.public_id]),
    ):
        content = client.get(url).content.decode()
        assert runnable(content) == [], url
        assert "<script>window.__xss" not in content and "<img src=x" not in content, url
    content = client.get(reverse("conversation", args=[group.public_id])).content.decode()
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in content  # shown, as text


def test_a_member_name_with_markup_is_escaped(alice, bob):
    hostile = member(member__first_name=HOSTILE[:60], member__last_name="<b>x</b>")
    connect(alice, hostile)
    conversation = services.conversation_direct(member=hostile, other=alice)
    services.message_send(sender=hostile, conversation=conversation, body="Bonjour")
    client = client_for(alice)
    for url in (reverse("conversation", args=[conversation.public_id]), reverse("messaging")):
        content = client.get(url).content.decode()
        assert runnable(content) == [], url
        assert "<b>x</b>" not in content, url


# --- Floods ------------------------------------------------------------------------------------------


def test_request_spam_stops_at_the_weekly_limit(alice, settings):
    settings.MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = 3
    strangers = [member() for _ in range(5)]
    client = client_for(alice)
    statuses = []
    for person in strangers:
        statuses.append(
            client.post(
                reverse("message_new"),
                {
                    "to": str(person.public_id),
                    "body": "Offre exceptionnelle",
                    "client_id": str(uuid.uuid4()),
                },
            )
        )
    assert [r.status_code for r in statuses] == [302, 302, 302, 400, 400]
    assert "3 message requests this week" in statuses[3].content.decode()
    reached = set(
        Participant.objects.filter(conversation__messages__sender=alice)
        .exclude(member=alice)
        .values_list("member_id", flat=True)
    )
    assert reached == {p.pk for p in strangers[:3]}
    # And no empty conversation was left with the two refused ones.
    assert not Participant.objects.filter(member__in=strangers[3:]).exists()


def test_the_same_request_again_is_refused(alice, bob):
    services.message_send_to(sender=alice, recipient=bob, body="Bonjour")
    conversation = Conversation.objects.get()
    response = client_for(alice).post(
        send_url(conversation), {"body": "Relance", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 400
    assert "waiting for an answer" in response.content.decode()
    assert conversation.messages.filter(kind=MessageKind.TEXT).count() == 1


def test_a_flood_is_slowed_down_with_a_clear_message(alice, direct, settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 5
    client = client_for(alice)
    statuses = [
        client.post(send_url(direct), {"body": f"m{i}", "client_id": str(uuid.uuid4())}).status_code
        for i in range(7)
    ]
    assert statuses == [302] * 5 + [400] * 2
    response = client.post(send_url(direct), {"body": "encore", "client_id": str(uuid.uuid4())})
    assert "too quickly" in response.content.decode()
    assert direct.messages.count() == 5


def test_nul_and_blank_bodies_through_the_page(alice, direct):
    """Blank is refused with the service's message; NUL characters are refused by the form
    ("Null characters are not allowed.") or taken out by the service — never stored."""
    client = client_for(alice)
    for body, says in (
        ("   ", "Write a message or attach a file."),
        ("", "Write a message or attach a file."),
        ("\x00", "Null characters are not allowed."),
    ):
        response = client.post(send_url(direct), {"body": body, "client_id": str(uuid.uuid4())})
        assert response.status_code == 400
        assert says in response.content.decode()
    assert direct.messages.count() == 0
    response = client.post(
        send_url(direct), {"body": "Bon\x00jour", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code in (302, 400)
    assert all("\x00" not in body for body in Message.objects.values_list("body", flat=True))
    if response.status_code == 302:
        assert direct.messages.get().body == "Bonjour"


# --- Guessing ids ------------------------------------------------------------------------------------


def same_page(response) -> str:
    """The page without what changes on every request anyway: CSRF tokens and the id asked
    for (only that one: any other id on the page would be a leak)."""
    html = response.content.decode()
    html = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", html)
    asked = re.search(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        response.request["PATH_INFO"],
    )
    return html.replace(asked.group(0), "ASKED")


def test_guessing_conversation_ids_tells_nothing(alice, bob, direct):
    """A stranger gets the same 404 — same status, same page — for a real conversation of
    others and for UUIDs that exist nowhere; never a 403."""
    services.message_send(sender=alice, conversation=direct, body="Privé")
    message = direct.messages.get()
    stranger = client_for(member())
    for name, real in (
        ("conversation", direct.public_id),
        ("conversation_messages", direct.public_id),
        ("message_edit", message.public_id),
        ("message_delete", message.public_id),
    ):
        answers = [stranger.get(reverse(name, args=[real]))]
        answers += [stranger.get(reverse(name, args=[uuid.uuid4()])) for _ in range(3)]
        assert {a.status_code for a in answers} == {404}, name
        assert len({same_page(a) for a in answers}) == 1, name
    for name in ("message_send", "conversation_leave", "conversation_rename", "request_accept"):
        answers = [
            stranger.post(reverse(name, args=[direct.public_id]), {"body": "x", "name": "x"})
        ]
        answers.append(
            stranger.post(reverse(name, args=[uuid.uuid4()]), {"body": "x", "name": "x"})
        )
        assert {a.status_code for a in answers} == {404}, name
        assert len({same_page(a) for a in answers}) == 1, name
    # Not even a malformed id gets anything else.
    assert stranger.get(f"/messaging/{'0' * 32}/").status_code == 404
    assert stranger.get("/messaging/not-a-uuid/").status_code == 404
    assert direct.messages.count() == 1


def test_a_requests_sender_never_sees_it_was_read_before_the_answer(alice, bob):
    services.message_send_to(sender=alice, recipient=bob, body="Bonjour")
    conversation = Conversation.objects.get()
    bob_client = client_for(bob)
    assert bob_client.get(reverse("conversation", args=[conversation.public_id])).status_code == 200
    bob_client.post(reverse("conversation_read", args=[conversation.public_id]))
    page = client_for(alice).get(reverse("conversation", args=[conversation.public_id]))
    assert "data-seen>" not in page.content.decode()
    bob_client.post(reverse("request_accept", args=[conversation.public_id]))
    page = client_for(alice).get(reverse("conversation", args=[conversation.public_id]))
    assert "data-seen>" in page.content.decode()  # the check above could see it
