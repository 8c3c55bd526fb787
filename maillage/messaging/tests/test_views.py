"""The messaging pages: inbox, conversation, sending, editing, deleting, requests, the small
actions, starting a conversation and the settings — each with its refusals (anonymous, not a
participant, blocked, left), with and without htmx, and their query counts pinned."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.messaging import services
from maillage.messaging.models import (
    Conversation,
    Message,
    MessagingSettings,
    Participant,
    RequestState,
)
from maillage.network.tests.factories import block, connect, member

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ann():
    return member(member__first_name="Ann", member__last_name="Archer", member__language="en")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Baker", member__language="en")


@pytest.fixture
def pair(ann, bob):
    connect(ann, bob)
    message = services.message_send_to(sender=bob, recipient=ann, body="Hello Ann")
    return message.conversation


def url(name, *args):
    return reverse(name, args=args)


# --- Inbox ---------------------------------------------------------------------------------------


def test_inbox_lists_conversations_newest_first_with_excerpt_and_unread(ann, bob, pair):
    carl = member(member__first_name="Carl", member__last_name="Cole", member__language="en")
    connect(ann, carl)
    services.message_send_to(sender=ann, recipient=carl, body="Lunch on Friday?")
    response = client_for(ann).get(url("messaging"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Carl Cole") < html.index("Bob Baker")  # newest activity first
    assert "You: Lunch on Friday?" in html
    assert "Hello Ann" in html
    assert 'class="convo is-unread"' in html  # Bob's message is unread for Ann
    assert f'data-conversation-item="{pair.public_id}"' in html
    assert "data-conversation-list" in html and "data-messaging-badge" in html


def test_inbox_filters_unread_requests_archived(ann, bob, pair):
    stranger = member(member__first_name="Sam", member__last_name="Stranger", member__language="en")
    services.message_send_to(sender=stranger, recipient=ann, body="May I ask you something?")
    client = client_for(ann)
    html = client.get(url("messaging")).content.decode()
    assert "Sam Stranger" not in html  # a request waits in its own tab
    html = client.get(url("messaging") + "?filter=requests").content.decode()
    assert "Sam Stranger" in html and "Bob Baker" not in html
    services.conversation_set_archived(member=ann, conversation=pair, archived=True)
    assert "Bob Baker" not in client.get(url("messaging")).content.decode()
    assert "Bob Baker" in client.get(url("messaging") + "?filter=archived").content.decode()
    services.conversation_set_archived(member=ann, conversation=pair, archived=False)
    services.conversation_mark_read(member=ann, conversation=pair)
    assert "Bob Baker" not in client.get(url("messaging") + "?filter=unread").content.decode()
    services.conversation_mark_unread(member=ann, conversation=pair)
    assert "Bob Baker" in client.get(url("messaging") + "?filter=unread").content.decode()


def test_inbox_pages_to_older_conversations(ann, monkeypatch):
    from maillage.messaging import selectors

    monkeypatch.setattr(selectors, "INBOX_PAGE", 3)
    _make_conversations(ann, 5)
    client = client_for(ann)
    html = client.get(url("messaging")).content.decode()
    assert html.count("data-conversation-item=") == 3
    assert "P4 Person" in html and "P2 Person" in html and "P1 Person" not in html
    link = re.search(r'href="(/messaging/\?before=[^"]+)"', html).group(1).replace("&amp;", "&")
    html = client.get(link).content.decode()
    assert html.count("data-conversation-item=") == 2
    assert "P1 Person" in html and "P0 Person" in html and "P2 Person" not in html
    assert "Older conversations" not in html


def test_inbox_list_fragment_for_htmx(ann, pair):
    response = client_for(ann).get(url("messaging") + "?fragment=list", **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"data-conversation-item" in response.content


def test_inbox_hides_a_conversation_across_a_block(ann, bob, pair):
    block(ann, bob)
    assert "Bob Baker" not in client_for(ann).get(url("messaging")).content.decode()
    assert "Ann Archer" not in client_for(bob).get(url("messaging")).content.decode()


def test_anonymous_is_sent_to_login_everywhere(pair):
    message = pair.messages.first()
    client = Client()
    for target in [
        url("messaging"),
        url("message_new"),
        url("messaging_settings"),
        url("conversation", pair.public_id),
        url("conversation_messages", pair.public_id),
        url("message_edit", message.public_id),
        url("message_delete", message.public_id),
    ]:
        response = client.get(target)
        assert response.status_code == 302 and "/login" in response["Location"], target
    response = client.post(url("message_send", pair.public_id), {"body": "hi"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert pair.messages.count() == 1


def _make_conversations(owner, count):
    for i in range(count):
        other = member(
            member__first_name=f"P{i}", member__last_name="Person", member__language="en"
        )
        connect(owner, other)
        services.message_send_to(sender=other, recipient=owner, body=f"Message {i}")


def test_inbox_query_count_does_not_grow_with_conversations(ann, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(ann)
    _make_conversations(ann, 5)
    client.get(url("messaging"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("messaging")).status_code == 200
    _make_conversations(ann, 25)
    client.get(url("messaging"))  # the badge's count was forgotten by the new messages
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("messaging"))
    assert response.content.decode().count("data-conversation-item=") == 30
    assert len(many) == len(few), (len(few), len(many))
    assert len(few) <= 8


# --- The conversation page -----------------------------------------------------------------------


def test_conversation_page_shows_messages_and_marks_read(ann, bob, pair):
    response = client_for(ann).get(url("conversation", pair.public_id))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hello Ann" in html
    assert f'data-conversation="{pair.public_id}"' in html
    assert f'data-me="{ann.public_id}"' in html
    assert "data-composer" in html and 'name="client_id"' in html and 'name="files"' in html
    row = Participant.objects.get(conversation=pair, member=ann)
    assert row.last_read_message_id == pair.messages.last().pk


def test_conversation_is_404_for_a_stranger_a_former_member_and_across_a_block(ann, bob, pair):
    stranger = member(member__language="en")
    assert client_for(stranger).get(url("conversation", pair.public_id)).status_code == 404
    assert client_for(stranger).get(url("conversation_messages", pair.public_id)).status_code == 404
    response = client_for(stranger).post(url("message_send", pair.public_id), {"body": "intrusion"})
    assert response.status_code == 404
    assert client_for(ann).get(url("conversation", uuid.uuid4())).status_code == 404
    block(bob, ann)
    assert client_for(ann).get(url("conversation", pair.public_id)).status_code == 404
    assert client_for(bob).get(url("conversation", pair.public_id)).status_code == 404
    assert not pair.messages.filter(body="intrusion").exists()


def test_seen_shown_only_when_both_share_receipts(ann, bob, pair):
    mine = services.message_send(sender=ann, conversation=pair, body="Reply from Ann")
    services.conversation_mark_read(member=bob, conversation=pair)
    html = client_for(ann).get(url("conversation", pair.public_id)).content.decode()
    assert "data-seen" in html and 'data-seen-text="Seen"' in html
    assert html.index(f'data-message-id="{mine.pk}"') < html.index("data-seen>")
    MessagingSettings.objects.create(member=bob, read_receipts=False)
    html = client_for(ann).get(url("conversation", pair.public_id)).content.decode()
    assert "data-seen>" not in html


def test_conversation_query_count_does_not_grow_with_messages(ann, bob, pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(ann)
    for i in range(4):
        services.message_send(sender=bob if i % 2 else ann, conversation=pair, body=f"m{i}")
    client.get(url("conversation", pair.public_id))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("conversation", pair.public_id)).status_code == 200
    for i in range(50):
        Message.objects.create(
            conversation=pair, sender=bob if i % 2 else ann, body=f"n{i}", body_html=f"<p>n{i}</p>"
        )
    with CaptureQueriesContext(connection) as reading:
        client.get(url("conversation", pair.public_id))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("conversation", pair.public_id))
    html = response.content.decode()
    assert html.count("data-message-id=") == 50
    assert "Load older messages" in html
    assert len(many) == len(few), (len(few), len(many))
    assert len(few) <= 12
    # Opening reads the new messages once (the row, its update and the event), nothing per message.
    assert len(reading) <= len(few) + 5, (len(few), len(reading))


def test_messages_fragment_after_and_before(ann, bob, pair):
    first = pair.messages.first()
    later = [
        services.message_send(sender=bob, conversation=pair, body=f"later {i}") for i in range(3)
    ]
    client = client_for(ann)
    response = client.get(
        url("conversation_messages", pair.public_id) + f"?after={first.pk}", **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert [f"later {i}" in html for i in range(3)] == [True] * 3
    assert "Hello Ann" not in html
    assert html.index("later 0") < html.index("later 2")  # oldest first
    response = client.get(
        url("conversation_messages", pair.public_id) + f"?before={later[1].pk}", **HTMX
    )
    html = response.content.decode()
    assert "Hello Ann" in html and "later 0" in html and "later 1" not in html
    assert 'hx-swap-oob="true"' in html


def test_event_messages_are_written_out(ann, bob):
    carl = member(member__first_name="Carl", member__last_name="Cole", member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    group = services.conversation_group_create(creator=ann, others=[bob, carl], name="Team")
    services.conversation_rename(member=ann, conversation=group, name="")
    html = client_for(carl).get(url("conversation", group.public_id)).content.decode()
    assert "Ann Archer started the conversation “Team”." in html
    assert "Ann Archer removed the conversation name." in html
    assert "message--event" in html


# --- Sending ------------------------------------------------------------------------------------


def test_send_without_javascript_redirects_and_the_same_client_id_stores_once(ann, pair):
    client = client_for(ann)
    client_id = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(
            url("message_send", pair.public_id), {"body": "Only once", "client_id": client_id}
        )
        assert response.status_code == 302
        assert response["Location"].startswith(url("conversation", pair.public_id))
    assert pair.messages.filter(body="Only once").count() == 1


def test_send_with_htmx_returns_the_message_fragment(ann, pair):
    response = client_for(ann).post(
        url("message_send", pair.public_id),
        {"body": "Quick one", "client_id": str(uuid.uuid4())},
        **HTMX,
    )
    assert response.status_code == 200
    message = pair.messages.get(body="Quick one")
    assert f'data-message-id="{message.pk}"' in response.content.decode()
    assert f'data-sender="{ann.public_id}"' in response.content.decode()
    uuid.UUID(response["X-Next-Client-Id"])


def test_empty_message_is_refused_with_400_and_nothing_stored(ann, pair):
    client = client_for(ann)
    before = pair.messages.count()
    response = client.post(url("message_send", pair.public_id), {"body": "   "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    response = client.post(url("message_send", pair.public_id), {"body": ""}, **HTMX)
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert pair.messages.count() == before


def test_a_member_who_left_a_group_cannot_send(ann, bob):
    carl = member(member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    group = services.conversation_group_create(creator=ann, others=[bob, carl])
    client = client_for(bob)
    assert client.post(url("conversation_leave", group.public_id)).status_code == 302
    response = client.post(url("message_send", group.public_id), {"body": "still here?"})
    assert response.status_code == 404
    assert not group.messages.filter(body="still here?").exists()
    assert client.get(url("conversation", group.public_id)).status_code == 404


# --- Requests -----------------------------------------------------------------------------------


def test_request_recipient_sees_accept_decline_and_no_composer(ann):
    stranger = member(member__first_name="Sam", member__last_name="Stranger", member__language="en")
    message = services.message_send_to(sender=stranger, recipient=ann, body="Hi, a question")
    conversation = message.conversation
    client = client_for(ann)
    html = client.get(url("conversation", conversation.public_id)).content.decode()
    assert "Hi, a question" in html
    assert url("request_accept", conversation.public_id) in html
    assert url("request_decline", conversation.public_id) in html
    assert "data-composer-form" not in html
    # Not read while undecided: the sender does not learn it was seen.
    assert Participant.objects.get(conversation=conversation, member=ann).last_read_message_id == 0
    assert client.post(url("request_accept", conversation.public_id)).status_code == 302
    row = Participant.objects.get(conversation=conversation, member=ann)
    assert row.request_state == RequestState.ACCEPTED and row.last_read_message_id == message.pk
    assert (
        "data-composer-form"
        in client.get(url("conversation", conversation.public_id)).content.decode()
    )


def test_request_decline_leaves_the_inbox(ann):
    stranger = member(member__first_name="Sam", member__last_name="Stranger", member__language="en")
    conversation = services.message_send_to(sender=stranger, recipient=ann, body="Hi").conversation
    response = client_for(ann).post(url("request_decline", conversation.public_id))
    assert response.status_code == 302 and response["Location"] == url("messaging")
    assert (
        Participant.objects.get(conversation=conversation, member=ann).request_state
        == RequestState.DECLINED
    )
    html = client_for(ann).get(url("messaging") + "?filter=requests").content.decode()
    assert "Sam Stranger" not in html


def test_the_sender_of_a_request_cannot_send_twice(ann):
    stranger = member(member__language="en")
    conversation = services.message_send_to(
        sender=stranger, recipient=ann, body="First"
    ).conversation
    response = client_for(stranger).post(
        url("message_send", conversation.public_id), {"body": "Second"}
    )
    assert response.status_code == 400
    assert "waiting for an answer" in response.content.decode()
    assert not conversation.messages.filter(body="Second").exists()


# --- Edit and delete ----------------------------------------------------------------------------


def test_edit_own_message_within_15_minutes(ann, pair):
    message = services.message_send(sender=ann, conversation=pair, body="Typo hre")
    client = client_for(ann)
    assert client.get(url("message_edit", message.public_id)).status_code == 200
    response = client.post(url("message_edit", message.public_id), {"body": "Typo here"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == "Typo here" and message.edited_at is not None
    assert "(edited)" in client.get(url("conversation", pair.public_id)).content.decode()
    response = client.post(url("message_edit", message.public_id), {"body": "Again"}, **HTMX)
    assert response.status_code == 200 and "Again" in response.content.decode()


def test_edit_after_15_minutes_is_refused(ann, pair):
    message = services.message_send(sender=ann, conversation=pair, body="Old words")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    response = client_for(ann).post(url("message_edit", message.public_id), {"body": "New words"})
    assert response.status_code == 400
    assert "15 minutes" in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Old words" and message.edited_at is None


def test_nobody_edits_or_deletes_someone_elses_message(ann, bob, pair):
    theirs = pair.messages.get(sender=bob)
    client = client_for(ann)
    assert client.get(url("message_edit", theirs.public_id)).status_code == 404
    assert client.post(url("message_edit", theirs.public_id), {"body": "hacked"}).status_code == 404
    assert client.post(url("message_delete", theirs.public_id)).status_code == 404
    stranger = client_for(member(member__language="en"))
    assert stranger.post(url("message_delete", theirs.public_id)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.body == "Hello Ann" and theirs.deleted_at is None


def test_delete_asks_then_leaves_message_deleted(ann, bob, pair):
    message = services.message_send(sender=ann, conversation=pair, body="Regret this")
    client = client_for(ann)
    page = client.get(url("message_delete", message.public_id))
    assert page.status_code == 200 and "Delete for everyone" in page.content.decode()
    message.refresh_from_db()
    assert message.deleted_at is None  # the GET only asks
    assert client.post(url("message_delete", message.public_id)).status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None and message.body == ""
    html = client_for(bob).get(url("conversation", pair.public_id)).content.decode()
    assert "Message deleted" in html and "Regret this" not in html


# --- The small actions ----------------------------------------------------------------------


def test_mute_archive_unread_actions(ann, pair):
    client = client_for(ann)
    row = lambda: Participant.objects.get(conversation=pair, member=ann)  # noqa: E731
    assert client.post(url("conversation_mute", pair.public_id), {"on": "1"}).status_code == 302
    assert row().muted
    assert client.post(url("conversation_mute", pair.public_id), {"on": "0"}).status_code == 302
    assert not row().muted
    assert client.post(url("conversation_archive", pair.public_id), {"on": "1"}).status_code == 302
    assert row().archived
    assert client.post(url("conversation_archive", pair.public_id), {"on": "0"}).status_code == 302
    assert not row().archived
    client.get(url("conversation", pair.public_id))
    response = client.post(url("conversation_unread", pair.public_id))
    assert response.status_code == 302 and response["Location"] == url("messaging")
    assert row().marked_unread
    assert client.post(url("conversation_read", pair.public_id)).status_code == 302
    assert not row().marked_unread
    # GET does nothing.
    assert client.get(url("conversation_mute", pair.public_id)).status_code == 405
    # A stranger cannot touch someone's conversation.
    assert (
        client_for(member(member__language="en"))
        .post(url("conversation_mute", pair.public_id))
        .status_code
        == 404
    )


def test_group_rename_add_remove_and_leave(ann, bob):
    carl = member(member__first_name="Carl", member__last_name="Cole", member__language="en")
    dora = member(member__first_name="Dora", member__last_name="Dunn", member__language="en")
    for other in (bob, carl, dora):
        connect(ann, other)
    group = services.conversation_group_create(creator=ann, others=[bob, carl], name="Team")
    admin = client_for(ann)
    assert (
        admin.post(url("conversation_rename", group.public_id), {"name": "Squad"}).status_code
        == 302
    )
    group.refresh_from_db()
    assert group.name == "Squad"
    response = admin.post(url("conversation_rename", group.public_id), {"name": "x" * 81})
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.name == "Squad"
    assert (
        admin.post(
            url("participants_add", group.public_id), {"to": [str(dora.public_id)]}
        ).status_code
        == 302
    )
    assert Participant.objects.filter(
        conversation=group, member=dora, left_at__isnull=True
    ).exists()
    # Only the admin removes; Bob gets a refusal and nothing changes.
    response = client_for(bob).post(
        url("participant_remove", group.public_id), {"member": str(carl.public_id)}
    )
    assert response.status_code == 302
    assert Participant.objects.filter(
        conversation=group, member=carl, left_at__isnull=True
    ).exists()
    assert client_for(bob).get(url("participants_add", group.public_id)).status_code == 404
    assert (
        admin.post(
            url("participant_remove", group.public_id), {"member": str(carl.public_id)}
        ).status_code
        == 302
    )
    assert not Participant.objects.filter(
        conversation=group, member=carl, left_at__isnull=True
    ).exists()
    html = admin.get(url("conversation", group.public_id)).content.decode()
    assert "Ann Archer removed Carl Cole." in html and "Ann Archer added Dora Dunn." in html


def test_add_people_refuses_a_non_connection(ann, bob):
    carl = member(member__language="en")
    stranger = member(member__first_name="Sam", member__last_name="Stranger", member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    group = services.conversation_group_create(creator=ann, others=[bob, carl])
    response = client_for(ann).post(
        url("participants_add", group.public_id), {"to": [str(stranger.public_id)]}
    )
    assert response.status_code == 400
    assert "not one" in response.content.decode()
    assert not Participant.objects.filter(conversation=group, member=stranger).exists()


def test_leaving_a_one_to_one_conversation_is_refused(ann, pair):
    response = client_for(ann).post(url("conversation_leave", pair.public_id))
    assert response.status_code == 302
    assert Participant.objects.get(conversation=pair, member=ann).left_at is None


# --- Starting a conversation ---------------------------------------------------------------------


def test_new_message_prefills_the_recipient_and_sends_a_request(ann):
    stranger = member(member__first_name="Sam", member__last_name="Stranger", member__language="en")
    client = client_for(ann)
    html = client.get(url("message_new") + f"?to={stranger.public_id}").content.decode()
    assert "Sam Stranger" in html and "checked" in html
    response = client.post(
        url("message_new"),
        {"to": [str(stranger.public_id)], "body": "Hello Sam", "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(messages__body="Hello Sam")
    assert response["Location"] == url("conversation", conversation.public_id)
    assert (
        Participant.objects.get(conversation=conversation, member=stranger).request_state
        == RequestState.PENDING
    )


def test_new_message_to_someone_with_a_conversation_goes_to_it(ann, bob, pair):
    response = client_for(ann).get(url("message_new") + f"?to={bob.public_id}")
    assert response.status_code == 302 and response["Location"] == url(
        "conversation", pair.public_id
    )


def test_new_group_with_several_connections(ann, bob):
    carl = member(member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    response = client_for(ann).post(
        url("message_new"),
        {"to": [str(bob.public_id), str(carl.public_id)], "name": "Plan", "body": "Kick-off"},
    )
    assert response.status_code == 302
    group = Conversation.objects.get(name="Plan")
    assert group.is_group and group.messages.filter(body="Kick-off").exists()
    assert Participant.objects.filter(conversation=group).count() == 3


def test_new_message_refusals_store_nothing(ann, bob):
    stranger = member(member__language="en")
    connect(ann, bob)
    client = client_for(ann)
    response = client.post(url("message_new"), {"body": "To nobody"})
    assert response.status_code == 400 and "Choose who to write to." in response.content.decode()
    response = client.post(
        url("message_new"), {"to": [str(bob.public_id), str(stranger.public_id)], "body": "Group?"}
    )
    assert response.status_code == 400 and "not one" in response.content.decode()
    blocked = member(member__language="en")
    block(blocked, ann)
    response = client.post(url("message_new"), {"to": [str(blocked.public_id)], "body": "Hi"})
    assert response.status_code == 400
    assert not Message.objects.filter(sender=ann).exists()
    assert not Conversation.objects.filter(created_by=ann).exists()


def test_new_message_search_lists_people(ann, bob):
    from maillage.search import services as search_services

    connect(ann, bob)
    search_services.member_index(member_id=bob.pk)
    client = client_for(ann)
    # Without JavaScript: the Search button posts the form back with the people found.
    response = client.post(url("message_new"), {"q": "Bob", "action": "search", "body": "kept"})
    html = response.content.decode()
    assert response.status_code == 200 and f'value="{bob.public_id}"' in html and "kept" in html
    assert not Conversation.objects.exists()
    # With htmx: only the results, and nobody already chosen.
    response = client.get(url("message_new") + "?q=Bob", **HTMX)
    assert (
        "<html" not in response.content.decode()
        and f'value="{bob.public_id}"' in response.content.decode()
    )
    response = client.get(url("message_new") + f"?q=Bob&to={bob.public_id}", **HTMX)
    assert f'value="{bob.public_id}"' not in response.content.decode()


# --- Settings and the top bar -------------------------------------------------------------------


def test_settings_turn_receipts_off_and_on(ann):
    client = client_for(ann)
    html = client.get(url("messaging_settings")).content.decode()
    assert "checked" in html
    assert client.post(url("messaging_settings"), {}).status_code == 302
    assert MessagingSettings.objects.get(member=ann).read_receipts is False
    assert client.post(url("messaging_settings"), {"read_receipts": "on"}).status_code == 302
    assert MessagingSettings.objects.get(member=ann).read_receipts is True


def test_top_bar_badge_counts_unread_conversations(ann, bob, pair):
    client = client_for(ann)
    html = client.get(url("messaging_settings")).content.decode()
    assert 'data-messaging-badge data-count="1"' in html
    assert "(1 unread conversation)" in html
    client.get(url("conversation", pair.public_id))
    fragment = client.get(url("messaging_badge"), **HTMX).content.decode()
    assert (
        'data-count="0"' in fragment and "hidden" in fragment and "data-messaging-nav" in fragment
    )


def test_message_button_on_profile(ann, bob):
    html = client_for(ann).get(reverse("profile", args=[bob.profile.address])).content.decode()
    assert url("message_new") + f"?to={bob.public_id}" in html


def test_picker_search_with_htmx_never_redirects(ann, bob, pair):
    # The picker's search box sends the chosen people along; with one chosen and an empty box
    # the answer is still the results fragment, not the conversation page.
    response = client_for(ann).get(url("message_new") + f"?to={bob.public_id}&q=", **HTMX)
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_load_older_without_javascript(ann, bob, pair):
    for i in range(55):
        Message.objects.create(
            conversation=pair, sender=bob, body=f"n{i}", body_html=f"<p>n{i}</p>"
        )
    client = client_for(ann)
    html = client.get(url("conversation", pair.public_id)).content.decode()
    assert "<p>Hello Ann</p>" not in html and "<p>n54</p>" in html
    oldest_shown = Message.objects.filter(conversation=pair).order_by("-pk")[49]
    assert f"?before={oldest_shown.pk}" in html
    html = client.get(
        url("conversation", pair.public_id) + f"?before={oldest_shown.pk}"
    ).content.decode()
    assert "<p>Hello Ann</p>" in html and "<p>n54</p>" not in html


def test_list_fragment_marks_the_open_conversation(ann, pair):
    response = client_for(ann).get(
        url("messaging") + f"?fragment=list&open={pair.public_id}", **HTMX
    )
    assert 'aria-current="page"' in response.content.decode()


def test_send_a_file_without_text_and_see_it_in_the_conversation(ann, bob, pair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("notes.txt", b"Agenda for Friday\n", content_type="text/plain")
    response = client_for(ann).post(
        url("message_send", pair.public_id), {"body": "", "files": [upload]}
    )
    assert response.status_code == 302
    message = pair.messages.get(sender=ann)
    attachment = message.attachments.get()
    html = client_for(bob).get(url("conversation", pair.public_id)).content.decode()
    assert url("message_attachment", attachment.public_id) in html and "notes.txt" in html
    inbox = client_for(bob).get(url("messaging")).content.decode()
    assert "Sent an attachment" in inbox


def test_the_messaging_entry_is_current_only_on_messaging_pages(ann):
    client = client_for(ann)
    nav = re.compile(
        r'<li data-messaging-nav><a class="nav-link" href="/messaging/"( aria-current="page")?'
    )
    assert nav.search(client.get(url("messaging")).content.decode()).group(1)
    assert not nav.search(client.get(reverse("search") + "?q=x").content.decode()).group(1)
    # The badge's refresh keeps the entry current on a messaging page.
    fragment = client.get(url("messaging_badge") + "?current=1", **HTMX).content.decode()
    assert nav.search(fragment).group(1)
    assert not nav.search(client.get(url("messaging_badge"), **HTMX).content.decode()).group(1)


def test_no_seen_from_someone_blocked_in_a_group(ann, bob):
    carl = member(member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    group = services.conversation_group_create(creator=ann, others=[bob, carl])
    services.message_send(sender=ann, conversation=group, body="Agenda attached")
    services.conversation_mark_read(member=bob, conversation=group)
    assert (
        "data-seen>" in client_for(ann).get(url("conversation", group.public_id)).content.decode()
    )
    block(ann, bob)
    assert (
        "data-seen>"
        not in client_for(ann).get(url("conversation", group.public_id)).content.decode()
    )


def test_small_actions_with_htmx_answer_where_to_go(ann, bob):
    stranger = member(member__language="en")
    conversation = services.message_send_to(sender=stranger, recipient=ann, body="Hi").conversation
    client = client_for(ann)
    response = client.post(url("conversation_mute", conversation.public_id), {"on": "1"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("conversation", conversation.public_id)
    response = client.post(url("request_decline", conversation.public_id), **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == url("messaging")
    response = client.post(url("conversation_leave", conversation.public_id), **HTMX)
    assert response.status_code == 400  # a one-to-one conversation is archived, not left
    assert Participant.objects.get(conversation=conversation, member=ann).left_at is None


def test_a_new_group_whose_first_message_is_refused_is_not_created(ann, bob, settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 0  # every message is "too fast"
    carl = member(member__language="en")
    connect(ann, bob)
    connect(ann, carl)
    response = client_for(ann).post(
        url("message_new"),
        {"to": [str(bob.public_id), str(carl.public_id)], "name": "Plan", "body": "Kick-off"},
    )
    assert response.status_code == 400
    assert not Conversation.objects.filter(name="Plan").exists()
    assert not Participant.objects.filter(member=bob).exists()
