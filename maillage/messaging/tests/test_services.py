"""The rules of services.py's docstring, one by one, through the services themselves.

Every refusal is a `ValidationError` with a code, and nothing is stored: each refusal test
counts the rows before and after. Live events are caught where they leave the process
(`realtime._send`), after commit, so a test sees exactly who would be told.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core import realtime
from maillage.messaging import selectors, services
from maillage.messaging.models import (
    GROUP_MAX_PARTICIPANTS,
    GROUP_NAME_MAX,
    MESSAGE_MAX_CHARS,
    Conversation,
    Message,
    MessageKind,
    Participant,
    RequestState,
)
from maillage.network.tests.factories import block, connect, member

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------------


@pytest.fixture
def alice():
    return member(member__first_name="Alice", member__last_name="Martin")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Durand")


@pytest.fixture
def camille():
    return member(member__first_name="Camille", member__last_name="Petit")


@pytest.fixture
def dora():
    return member(member__first_name="Dora", member__last_name="Roux")


@pytest.fixture
def pushed(monkeypatch):
    """Every live event that leaves the process: (member id, event, data)."""
    sent: list[tuple[int, str, dict]] = []
    monkeypatch.setattr(
        realtime, "_send", lambda member_id, event, data: sent.append((member_id, event, data))
    )
    return sent


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block and then its after-commit callbacks, as a real request would."""

    class _Commit:
        def __call__(self, fn, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return fn(*args, **kwargs)

    return _Commit()


def code_of(excinfo) -> str:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code


def refused(code: str, fn, **kwargs) -> None:
    """`fn(**kwargs)` is refused with `code`, and no message, conversation or participant row
    appears or disappears."""
    before = (Message.objects.count(), Conversation.objects.count(), Participant.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        fn(**kwargs)
    assert code_of(excinfo) == code
    after = (Message.objects.count(), Conversation.objects.count(), Participant.objects.count())
    assert after == before


def row(conversation, who) -> Participant:
    return Participant.objects.get(conversation=conversation, member=who)


def texts(conversation) -> list[str]:
    return list(conversation.messages.filter(kind=MessageKind.TEXT).values_list("body", flat=True))


def events_to(pushed, who, event: str | None = None) -> list[dict]:
    return [
        data
        for member_id, name, data in pushed
        if member_id == who.pk and (event is None or name == event)
    ]


# --- Connections write directly -----------------------------------------------------------------


def test_connections_write_to_each_other_directly(alice, bob):
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    assert row(conversation, bob).request_state == RequestState.ACCEPTED
    services.message_send(sender=alice, conversation=conversation, body="Bonjour")
    services.message_send(sender=alice, conversation=conversation, body="Encore")
    services.message_send(sender=bob, conversation=conversation, body="Salut")
    assert texts(conversation) == ["Bonjour", "Encore", "Salut"]


def test_there_is_one_direct_conversation_per_pair(alice, bob):
    connect(alice, bob)
    first = services.conversation_direct(member=alice, other=bob)
    assert services.conversation_direct(member=bob, other=alice) == first
    assert Conversation.objects.count() == 1


def test_nobody_writes_to_themselves(alice):
    refused("self", services.conversation_direct, member=alice, other=alice)


def test_a_deactivated_member_cannot_be_reached(alice, bob):
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    bob.is_active = False
    bob.save()
    refused(
        "unreachable", services.message_send, sender=alice, conversation=conversation, body="Hé"
    )


# --- Message requests ---------------------------------------------------------------------------


def test_a_stranger_sends_one_request_then_waits(alice, bob):
    message = services.message_send_to(sender=alice, recipient=bob, body="Bonjour, un poste ?")
    conversation = message.conversation
    assert row(conversation, bob).request_state == RequestState.PENDING
    refused(
        "request_pending",
        services.message_send,
        sender=alice,
        conversation=conversation,
        body="Relance",
    )
    refused(
        "request_pending", services.message_send_to, sender=alice, recipient=bob, body="Relance"
    )
    assert texts(conversation) == ["Bonjour, un poste ?"]


def test_accepting_lets_both_write(alice, bob):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    services.request_accept(member=bob, conversation=conversation)
    assert row(conversation, bob).request_state == RequestState.ACCEPTED
    services.message_send(sender=alice, conversation=conversation, body="Merci")
    services.message_send(sender=bob, conversation=conversation, body="Avec plaisir")
    services.message_send(sender=alice, conversation=conversation, body="À bientôt")
    assert texts(conversation) == ["Bonjour", "Merci", "Avec plaisir", "À bientôt"]


def test_answering_a_request_accepts_it(alice, bob):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    services.message_send(sender=bob, conversation=conversation, body="Oui ?")
    assert row(conversation, bob).request_state == RequestState.ACCEPTED
    services.message_send(sender=alice, conversation=conversation, body="Voilà")
    assert texts(conversation) == ["Bonjour", "Oui ?", "Voilà"]


def test_declining_is_not_told_and_the_sender_cannot_write_again(alice, bob, pushed, commit):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    pushed.clear()
    commit(services.request_decline, member=bob, conversation=conversation)
    assert row(conversation, bob).request_state == RequestState.DECLINED
    assert events_to(pushed, alice) == []  # nothing tells the sender
    # The sender sees exactly what they saw while it was pending: the same refusal.
    with pytest.raises(ValidationError) as pending:
        services.message_send(sender=alice, conversation=conversation, body="Relance")
    assert code_of(pending) == "request_pending"
    # ...and a new message from the sender reaches nobody: the decliner's row stays declined.
    assert row(conversation, bob).request_state == RequestState.DECLINED
    assert row(conversation, alice).request_state == RequestState.ACCEPTED


def test_a_declined_request_is_gone_from_the_recipients_unread_count(alice, bob):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    assert selectors.unread_conversations_count(bob.pk) == 1
    services.request_decline(member=bob, conversation=conversation)
    assert selectors.unread_conversations_count(bob.pk) == 0


def test_who_declined_and_then_writes_accepts_and_can_be_answered(alice, bob):
    # Bug found: the decliner's own row stayed "declined" when they wrote back, so their message
    # went out but the conversation was hidden from them and the other side could not answer.
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    services.request_decline(member=bob, conversation=conversation)
    services.message_send_to(sender=bob, recipient=alice, body="Finalement, parlons-en")
    assert row(conversation, bob).request_state == RequestState.ACCEPTED
    services.message_send(sender=alice, conversation=conversation, body="Merci !")
    assert texts(conversation) == ["Bonjour", "Finalement, parlons-en", "Merci !"]


def test_an_empty_conversation_opened_by_the_other_side_is_not_a_request_to_answer(alice, bob):
    # Bug found: Bob merely opened a conversation with Alice (her row "pending") and wrote
    # nothing; Alice's first message was taken for an answer to a request and accepted, so she
    # wrote to a stranger as often as she liked, outside any request or weekly limit.
    conversation = services.conversation_direct(member=bob, other=alice)
    assert row(conversation, alice).request_state == RequestState.PENDING
    services.message_send(sender=alice, conversation=conversation, body="Bonjour")
    assert row(conversation, bob).request_state == RequestState.PENDING  # it is Alice's request
    assert row(conversation, alice).request_state == RequestState.ACCEPTED
    refused(
        "request_pending",
        services.message_send,
        sender=alice,
        conversation=conversation,
        body="Encore",
    )
    services.request_accept(member=bob, conversation=conversation)
    services.message_send(sender=alice, conversation=conversation, body="Encore")


def test_becoming_connections_opens_a_pending_request(alice, bob):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    connect(alice, bob)
    services.message_send(sender=alice, conversation=conversation, body="Merci d'avoir accepté")
    assert row(conversation, bob).request_state == RequestState.ACCEPTED


def _strangers(n: int) -> list:
    return [member() for _ in range(n)]


def test_weekly_request_limit_with_settings_override(alice, settings):
    settings.MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = 3
    people = _strangers(4)
    for person in people[:3]:
        services.message_send_to(sender=alice, recipient=person, body="Bonjour")
    with pytest.raises(ValidationError) as excinfo:
        services.message_send_to(sender=alice, recipient=people[3], body="Bonjour")
    assert code_of(excinfo) == "request_limit"
    assert "3" in excinfo.value.messages[0]
    assert not Message.objects.filter(conversation__participants__member=people[3]).exists()
    # Messages to connections are not requests and are never limited.
    friend = member()
    connect(alice, friend)
    services.message_send_to(sender=alice, recipient=friend, body="Salut")


def test_the_weekly_limit_is_a_rolling_seven_days(alice, settings):
    settings.MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = 2
    people = _strangers(3)
    old = [services.message_send_to(sender=alice, recipient=p, body="Bonjour") for p in people[:2]]
    refused(
        "request_limit", services.message_send_to, sender=alice, recipient=people[2], body="Bonjour"
    )
    # Six days and 23 hours later, still counted.
    Message.objects.filter(pk=old[0].pk).update(
        created_at=timezone.now() - timedelta(days=6, hours=23)
    )
    refused(
        "request_limit", services.message_send_to, sender=alice, recipient=people[2], body="Bonjour"
    )
    # Seven days and a minute: that request no longer counts.
    Message.objects.filter(pk=old[0].pk).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    services.message_send_to(sender=alice, recipient=people[2], body="Bonjour")


def test_the_weekly_limit_counts_when_requests_were_sent_not_when_conversations_were_opened(
    alice, settings
):
    # Bug found: the limit counted the recipients' `joined_at`, set when the conversation was
    # opened; conversations opened more than a week earlier and written to now escaped it.
    settings.MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = 2
    people = _strangers(3)
    conversations = [services.conversation_direct(member=alice, other=p) for p in people]
    Participant.objects.filter(conversation__in=conversations).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    for conversation in conversations[:2]:
        services.message_send(sender=alice, conversation=conversation, body="Bonjour")
    refused(
        "request_limit",
        services.message_send,
        sender=alice,
        conversation=conversations[2],
        body="Bonjour",
    )


def test_the_weekly_limit_counts_requests_in_conversations_the_other_side_opened(alice, settings):
    settings.MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = 1
    people = _strangers(2)
    opened_by_them = [services.conversation_direct(member=p, other=alice) for p in people]
    services.message_send(sender=alice, conversation=opened_by_them[0], body="Bonjour")
    refused(
        "request_limit",
        services.message_send,
        sender=alice,
        conversation=opened_by_them[1],
        body="Bonjour",
    )


def test_per_minute_rate_limit(alice, bob, settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 3
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    for i in range(3):
        services.message_send(sender=alice, conversation=conversation, body=f"m{i}")
    with pytest.raises(ValidationError) as excinfo:
        services.message_send(sender=alice, conversation=conversation, body="m3")
    assert code_of(excinfo) == "rate_limited"
    assert "too quickly" in excinfo.value.messages[0]
    assert texts(conversation) == ["m0", "m1", "m2"]
    # The limit is per member: Bob still writes.
    services.message_send(sender=bob, conversation=conversation, body="Calme-toi")


# --- Blocking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who_blocks", ["sender", "recipient"])
def test_no_conversation_or_message_across_a_block(alice, bob, who_blocks):
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    services.message_send(sender=alice, conversation=conversation, body="Avant")
    if who_blocks == "sender":
        block(alice, bob)
    else:
        block(bob, alice)
    refused("unreachable", services.conversation_direct, member=alice, other=bob)
    refused(
        "unreachable", services.message_send, sender=alice, conversation=conversation, body="Après"
    )
    refused(
        "unreachable", services.message_send, sender=bob, conversation=conversation, body="Après"
    )
    refused("unreachable", services.message_send_to, sender=alice, recipient=bob, body="Après")
    refused("unreachable", services.message_send_to, sender=bob, recipient=alice, body="Après")


def test_a_request_to_someone_who_blocked_me_stores_nothing(alice, bob):
    block(bob, alice)
    refused("unreachable", services.message_send_to, sender=alice, recipient=bob, body="Bonjour")


@pytest.mark.parametrize("who_blocks", ["sender", "recipient"])
def test_editing_across_a_block_is_refused(alice, bob, who_blocks):
    # The known bug: an edit still reached the other side of a block.
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    message = services.message_send(sender=alice, conversation=conversation, body="Avant")
    block(alice, bob) if who_blocks == "sender" else block(bob, alice)
    refused("unreachable", services.message_edit, member=alice, message=message, body="Changé")
    message.refresh_from_db()
    assert message.body == "Avant" and message.edited_at is None


@pytest.mark.parametrize("who_blocks", ["sender", "recipient"])
def test_deleting_across_a_block_is_refused_like_the_pages_do(alice, bob, who_blocks):
    # Decision: a one-to-one conversation across a block is gone for both (access gives 404),
    # so the service refuses to change it too; unblocking gives it back, deletable again.
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    message = services.message_send(sender=alice, conversation=conversation, body="Avant")
    block(alice, bob) if who_blocks == "sender" else block(bob, alice)
    refused("unreachable", services.message_delete, member=alice, message=message)
    message.refresh_from_db()
    assert message.body == "Avant" and message.deleted_at is None


def test_no_group_puts_people_who_blocked_each_other_together(alice, bob, camille):
    connect(alice, bob)
    connect(alice, camille)
    block(camille, bob)
    refused("unreachable", services.conversation_group_create, creator=alice, others=[bob, camille])


def test_nobody_is_added_to_a_group_with_someone_on_the_other_side_of_a_block(
    alice, bob, camille, dora
):
    for other in (bob, camille, dora):
        connect(alice, other)
    group = services.conversation_group_create(creator=alice, others=[bob, camille], name="Projet")
    block(bob, dora)  # Bob blocked Dora: she is not put in a room with him
    refused(
        "unreachable", services.participants_add, member=alice, conversation=group, others=[dora]
    )
    block(dora, camille)  # ...nor the other way round
    refused(
        "unreachable", services.participants_add, member=alice, conversation=group, others=[dora]
    )


def test_the_admin_cannot_add_someone_they_blocked(alice, bob, camille, dora):
    for other in (bob, camille, dora):
        connect(alice, other)
    group = services.conversation_group_create(creator=alice, others=[bob, camille])
    block(dora, alice)
    refused(
        "unreachable", services.participants_add, member=alice, conversation=group, others=[dora]
    )


def test_in_a_group_a_block_hides_only_that_persons_messages(alice, bob, camille, pushed, commit):
    """Decision: a block made after a group formed does not throw anyone out. Both keep
    writing in the group; neither receives the other's live events (events.py re-checks at
    fan-out); everyone else receives both."""
    connect(alice, bob)
    connect(alice, camille)
    group = services.conversation_group_create(creator=alice, others=[bob, camille])
    block(bob, camille)
    pushed.clear()
    commit(services.message_send, sender=camille, conversation=group, body="De Camille")
    assert events_to(pushed, bob, "message.new") == []
    assert len(events_to(pushed, alice, "message.new")) == 1
    pushed.clear()
    commit(services.message_send, sender=bob, conversation=group, body="De Bob")
    assert events_to(pushed, camille, "message.new") == []
    assert len(events_to(pushed, alice, "message.new")) == 1


# --- Groups -----------------------------------------------------------------------------------------


@pytest.fixture
def group(alice, bob, camille):
    connect(alice, bob)
    connect(alice, camille)
    return services.conversation_group_create(creator=alice, others=[bob, camille], name="Projet")


def test_group_creation(alice, bob, camille, group):
    assert group.is_group and group.name == "Projet"
    assert row(group, alice).is_admin and not row(group, bob).is_admin
    assert set(group.participants.values_list("member_id", flat=True)) == {
        alice.pk,
        bob.pk,
        camille.pk,
    }
    event = group.messages.get()
    assert event.kind == MessageKind.EVENT and event.event == {"what": "created", "name": "Projet"}


def test_a_group_needs_two_other_people(alice, bob):
    connect(alice, bob)
    refused("too_few", services.conversation_group_create, creator=alice, others=[bob])
    refused("too_few", services.conversation_group_create, creator=alice, others=[bob, bob, alice])


def test_only_connections_are_put_in_a_group(alice, bob, camille):
    connect(alice, bob)
    refused(
        "not_connected", services.conversation_group_create, creator=alice, others=[bob, camille]
    )


def test_group_name_length(alice, bob, camille):
    connect(alice, bob)
    connect(alice, camille)
    refused(
        "name_too_long",
        services.conversation_group_create,
        creator=alice,
        others=[bob, camille],
        name="x" * (GROUP_NAME_MAX + 1),
    )
    group = services.conversation_group_create(
        creator=alice, others=[bob, camille], name="x" * GROUP_NAME_MAX
    )
    refused(
        "name_too_long",
        services.conversation_rename,
        member=alice,
        conversation=group,
        name="y" * 81,
    )


def _connections_of(admin, n: int) -> list:
    people = _strangers(n)
    for person in people:
        connect(admin, person)
    return people


def test_a_group_has_at_most_fifty_people(alice):
    people = _connections_of(alice, GROUP_MAX_PARTICIPANTS)
    refused("too_many", services.conversation_group_create, creator=alice, others=people)
    group = services.conversation_group_create(creator=alice, others=people[:-1])
    assert group.participants.count() == GROUP_MAX_PARTICIPANTS
    refused(
        "too_many", services.participants_add, member=alice, conversation=group, others=[people[-1]]
    )


def test_someone_who_left_frees_their_place(alice):
    people = _connections_of(alice, GROUP_MAX_PARTICIPANTS)
    group = services.conversation_group_create(creator=alice, others=people[:-1])
    services.conversation_leave(member=people[0], conversation=group)
    services.participants_add(member=alice, conversation=group, others=[people[-1]])
    assert group.participants.filter(left_at__isnull=True).count() == GROUP_MAX_PARTICIPANTS


def test_only_connections_of_the_admin_are_added(alice, dora, group):
    refused(
        "not_connected", services.participants_add, member=alice, conversation=group, others=[dora]
    )
    connect(alice, dora)
    services.participants_add(member=alice, conversation=group, others=[dora])
    assert row(group, dora).left_at is None


def test_adding_the_same_person_twice_in_one_call_adds_them_once(alice, dora, group):
    connect(alice, dora)
    services.participants_add(member=alice, conversation=group, others=[dora, dora])
    assert group.participants.filter(member=dora).count() == 1
    assert group.messages.filter(kind=MessageKind.EVENT, event__what="added").count() == 1


def test_only_the_admin_adds_removes_and_renames(alice, bob, camille, dora, group):
    # Bug found: any participant could rename the group; the docstring says its creator names it.
    connect(bob, dora)
    refused("not_admin", services.participants_add, member=bob, conversation=group, others=[dora])
    refused("not_admin", services.participant_remove, member=bob, conversation=group, other=camille)
    refused(
        "not_admin", services.conversation_rename, member=bob, conversation=group, name="Piraté"
    )
    group.refresh_from_db()
    assert group.name == "Projet"
    services.conversation_rename(member=alice, conversation=group, name="Nouveau nom")
    group.refresh_from_db()
    assert group.name == "Nouveau nom"
    assert group.messages.filter(kind=MessageKind.EVENT, event__what="renamed").count() == 1


def test_one_to_one_conversations_have_no_group_actions(alice, bob, camille):
    connect(alice, bob)
    connect(alice, camille)
    direct = services.conversation_direct(member=alice, other=bob)
    refused(
        "not_group", services.participants_add, member=alice, conversation=direct, others=[camille]
    )
    refused("not_group", services.conversation_rename, member=alice, conversation=direct, name="x")
    refused("not_group", services.conversation_leave, member=alice, conversation=direct)


def test_the_admin_removes_someone(alice, bob, camille, group, pushed, commit):
    commit(services.participant_remove, member=alice, conversation=group, other=camille)
    assert row(group, camille).left_at is not None
    assert events_to(pushed, camille, "conversation.gone") == [
        {"conversation": str(group.public_id)}
    ]
    refused("self", services.participant_remove, member=alice, conversation=group, other=alice)


def test_leaving_hands_the_group_to_the_longest_standing_member(alice, bob, camille, group):
    services.conversation_leave(member=alice, conversation=group)
    assert row(group, alice).left_at is not None
    admins = set(
        group.participants.filter(is_admin=True, left_at__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    assert admins == {bob.pk} or admins == {camille.pk}
    assert len(admins) == 1


@pytest.mark.parametrize("how", ["left", "removed"])
def test_who_left_receives_nothing_and_can_do_nothing(
    alice, bob, camille, group, pushed, commit, how
):
    if how == "left":
        commit(services.conversation_leave, member=camille, conversation=group)
    else:
        commit(services.participant_remove, member=alice, conversation=group, other=camille)
    pushed.clear()
    message = commit(services.message_send, sender=bob, conversation=group, body="Après son départ")
    commit(services.message_edit, member=bob, message=message, body="Après son départ (modifié)")
    commit(services.conversation_mark_read, member=alice, conversation=group)
    commit(services.message_delete, member=bob, message=message)
    assert events_to(pushed, camille) == []
    assert events_to(pushed, alice, "message.new") and events_to(pushed, alice, "message.deleted")
    refused(
        "not_participant",
        services.message_send,
        sender=camille,
        conversation=group,
        body="Je reviens",
    )
    refused("not_participant", services.conversation_mark_read, member=camille, conversation=group)
    refused("not_participant", services.conversation_leave, member=camille, conversation=group)
    refused(
        "not_participant",
        services.conversation_set_muted,
        member=camille,
        conversation=group,
        muted=True,
    )
    assert selectors.unread_conversations_count(camille.pk) == 0


def test_a_former_member_cannot_edit_or_delete_what_they_wrote(alice, bob, camille, group):
    message = services.message_send(sender=camille, conversation=group, body="Avant")
    services.conversation_leave(member=camille, conversation=group)
    refused("not_participant", services.message_edit, member=camille, message=message, body="Après")
    refused("not_participant", services.message_delete, member=camille, message=message)


# --- Editing and deleting ------------------------------------------------------------------------


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


def _age(message, **delta) -> None:
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(**delta))
    message.refresh_from_db()


def test_edit_within_fifteen_minutes(alice, bob, direct, pushed, commit):
    message = services.message_send(sender=alice, conversation=direct, body="Bonjuor")
    _age(message, minutes=14, seconds=50)
    pushed.clear()
    commit(services.message_edit, member=alice, message=message, body="Bonjour **toi**")
    message.refresh_from_db()
    assert message.body == "Bonjour **toi**" and "<strong>toi</strong>" in message.body_html
    assert message.edited_at is not None
    assert {m for m, event, _d in pushed if event == "message.edited"} == {alice.pk, bob.pk}


def test_no_edit_after_fifteen_minutes(alice, direct):
    message = services.message_send(sender=alice, conversation=direct, body="Bonjour")
    _age(message, minutes=15, seconds=1)
    refused("edit_window", services.message_edit, member=alice, message=message, body="Changé")
    message.refresh_from_db()
    assert message.body == "Bonjour" and message.edited_at is None


def test_only_the_sender_edits_or_deletes(alice, bob, direct):
    message = services.message_send(sender=alice, conversation=direct, body="Bonjour")
    refused("not_sender", services.message_edit, member=bob, message=message, body="Changé")
    refused("not_sender", services.message_delete, member=bob, message=message)


def test_events_are_neither_edited_nor_deleted(alice, group):
    event = group.messages.get(kind=MessageKind.EVENT)
    refused("not_sender", services.message_edit, member=alice, message=event, body="x")
    refused("not_sender", services.message_delete, member=alice, message=event)


def test_delete_for_everyone_at_any_time(alice, bob, direct, pushed, commit):
    message = services.message_send(sender=alice, conversation=direct, body="Oups")
    _age(message, days=30)
    pushed.clear()
    commit(services.message_delete, member=alice, message=message)
    message.refresh_from_db()
    assert message.deleted_at is not None and message.body == "" and message.body_html == ""
    assert {m for m, event, _d in pushed if event == "message.deleted"} == {alice.pk, bob.pk}
    # Deleting again changes nothing; a deleted message is not edited back.
    services.message_delete(member=alice, message=message)
    refused("deleted", services.message_edit, member=alice, message=message, body="Revenu")


# --- client_id ----------------------------------------------------------------------------------


def test_the_same_client_id_twice_stores_one_message(alice, bob, direct):
    client_id = uuid.uuid4()
    first = services.message_send(
        sender=alice, conversation=direct, body="Une fois", client_id=client_id
    )
    again = services.message_send(
        sender=alice, conversation=direct, body="Une fois", client_id=client_id
    )
    assert again.pk == first.pk
    assert texts(direct) == ["Une fois"]


def test_a_resent_request_is_not_refused_as_a_second_message(alice, bob):
    # The stranger's form is resent after a lost connection: same message, no "waiting" error.
    client_id = uuid.uuid4()
    first = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour", client_id=client_id
    )
    again = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour", client_id=client_id
    )
    assert again.pk == first.pk


def test_another_senders_same_client_id_does_not_collide(alice, bob, direct):
    client_id = uuid.uuid4()
    mine = services.message_send(
        sender=alice, conversation=direct, body="D'Alice", client_id=client_id
    )
    theirs = services.message_send(
        sender=bob, conversation=direct, body="De Bob", client_id=client_id
    )
    assert mine.pk != theirs.pk
    assert texts(direct) == ["D'Alice", "De Bob"]


def test_a_resend_does_not_count_against_the_rate(alice, direct, settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 1
    client_id = uuid.uuid4()
    services.message_send(sender=alice, conversation=direct, body="Une fois", client_id=client_id)
    services.message_send(sender=alice, conversation=direct, body="Une fois", client_id=client_id)
    refused("rate_limited", services.message_send, sender=alice, conversation=direct, body="Autre")


# --- Bad text -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "\n\t ", "\x00", "\x00 \x00"])
def test_empty_messages_are_refused(alice, direct, body):
    refused("empty", services.message_send, sender=alice, conversation=direct, body=body)


def test_nul_characters_are_taken_out(alice, direct):
    message = services.message_send(sender=alice, conversation=direct, body="Bon\x00jour")
    assert message.body == "Bonjour"
    message = services.message_edit(member=alice, message=message, body="Bon\x00soir")
    assert message.body == "Bonsoir"


def test_too_long_messages_are_refused_with_the_count(alice, direct):
    services.message_send(sender=alice, conversation=direct, body="x" * MESSAGE_MAX_CHARS)
    with pytest.raises(ValidationError) as excinfo:
        services.message_send(sender=alice, conversation=direct, body="x" * (MESSAGE_MAX_CHARS + 1))
    assert code_of(excinfo) == "too_long"
    assert str(MESSAGE_MAX_CHARS + 1) in excinfo.value.messages[0]
    assert direct.messages.count() == 1
    message = direct.messages.get()
    refused(
        "too_long",
        services.message_edit,
        member=alice,
        message=message,
        body="y" * (MESSAGE_MAX_CHARS + 1),
    )
    refused("empty", services.message_edit, member=alice, message=message, body="  ")


def test_message_text_goes_through_the_renderer(alice, direct):
    message = services.message_send(
        sender=alice, conversation=direct, body="<script>x()</script> **gras**"
    )
    assert "<script" not in message.body_html
    assert "<strong>gras</strong>" in message.body_html


# --- Read state, mute, archive, unread counter ----------------------------------------------------


def test_unread_counter_follows_reading_and_is_invalidated(
    alice, bob, camille, direct, group, commit
):
    assert selectors.unread_conversations_count(bob.pk) == 1  # the group's "created" event
    commit(services.message_send, sender=alice, conversation=direct, body="Bonjour")
    # The cached count was forgotten when the message was fanned out.
    assert selectors.unread_conversations_count(bob.pk) == 2
    # A member's own message is never unread for them.
    assert selectors.unread_conversations_count(alice.pk) == 0
    commit(services.conversation_mark_read, member=bob, conversation=direct)
    assert selectors.unread_conversations_count(bob.pk) == 1
    commit(services.conversation_mark_unread, member=bob, conversation=direct)
    assert selectors.unread_conversations_count(bob.pk) == 2
    commit(services.conversation_set_archived, member=bob, conversation=direct, archived=True)
    assert selectors.unread_conversations_count(bob.pk) == 1
    commit(services.conversation_set_archived, member=bob, conversation=direct, archived=False)
    assert selectors.unread_conversations_count(bob.pk) == 2
    commit(services.conversation_mark_read, member=bob, conversation=group)
    commit(services.conversation_mark_read, member=bob, conversation=direct)
    assert selectors.unread_conversations_count(bob.pk) == 0


def test_the_counter_is_cached_until_something_changes(
    alice, bob, direct, django_assert_num_queries
):
    services.message_send(sender=alice, conversation=direct, body="Bonjour")
    selectors.forget_unread_count(bob.pk)
    assert selectors.unread_conversations_count(bob.pk) == 1
    with django_assert_num_queries(0):
        assert selectors.unread_conversations_count(bob.pk) == 1


def test_mark_read_up_to_a_message(alice, bob, direct):
    first = services.message_send(sender=alice, conversation=direct, body="Un")
    second = services.message_send(sender=alice, conversation=direct, body="Deux")
    services.conversation_mark_read(member=bob, conversation=direct, up_to=first)
    assert row(direct, bob).last_read_message_id == first.pk
    services.conversation_mark_read(member=bob, conversation=direct, up_to=second)
    # Reading never goes backwards.
    services.conversation_mark_read(member=bob, conversation=direct, up_to=first)
    assert row(direct, bob).last_read_message_id == second.pk


def test_read_receipt_is_shown_only_when_both_share_them(alice, bob, direct, pushed, commit):
    services.message_send(sender=alice, conversation=direct, body="Bonjour")
    pushed.clear()
    commit(services.conversation_mark_read, member=bob, conversation=direct)
    assert len(events_to(pushed, alice, "conversation.read")) == 1
    services.messaging_settings_update(member=alice, read_receipts=False)
    services.message_send(sender=alice, conversation=direct, body="Encore")
    pushed.clear()
    commit(services.conversation_mark_read, member=bob, conversation=direct)
    assert events_to(pushed, alice, "conversation.read") == []
    assert len(events_to(pushed, bob, "conversation.read")) == 1  # the reader's own other tabs


def test_a_new_message_brings_archived_conversations_back(alice, bob, direct):
    services.conversation_set_archived(member=bob, conversation=direct, archived=True)
    services.message_send(sender=alice, conversation=direct, body="Bonjour")
    assert row(direct, bob).archived is False


def test_mute_is_kept(alice, bob, direct):
    services.conversation_set_muted(member=bob, conversation=direct, muted=True)
    services.message_send(sender=alice, conversation=direct, body="Bonjour")
    assert row(direct, bob).muted is True
    services.conversation_set_muted(member=bob, conversation=direct, muted=False)
    assert row(direct, bob).muted is False


def test_connecting_after_a_decline_lets_them_write(alice, bob):
    conversation = services.message_send_to(
        sender=alice, recipient=bob, body="Bonjour"
    ).conversation
    services.request_decline(member=bob, conversation=conversation)
    connect(alice, bob)  # Bob accepted Alice's invitation: they are connections now
    services.message_send(sender=alice, conversation=conversation, body="On est connectés")
    assert row(conversation, bob).request_state == RequestState.ACCEPTED
    assert texts(conversation) == ["Bonjour", "On est connectés"]


@pytest.mark.parametrize("body", ["", "x" * (MESSAGE_MAX_CHARS + 1)])
def test_a_refused_first_message_leaves_no_empty_conversation(alice, bob, body):
    # Bug found: the conversation was created before the message was refused, and stayed.
    refused(
        "empty" if not body else "too_long",
        services.message_send_to,
        sender=alice,
        recipient=bob,
        body=body,
    )
    assert not Conversation.objects.exists()


def test_reading_an_unanswered_request_tells_the_sender_nothing(alice, bob, pushed, commit):
    # Bug found: a "read" frame on the socket (or the read URL) marked a pending request read
    # and sent the sender a receipt, before the recipient had accepted or declined.
    message = services.message_send_to(sender=alice, recipient=bob, body="Bonjour")
    conversation = message.conversation
    pushed.clear()
    commit(services.conversation_mark_read, member=bob, conversation=conversation, up_to=message)
    assert events_to(pushed, alice) == []
    assert row(conversation, bob).last_read_message_id == 0
    # Once accepted, reading is told as usual.
    services.request_accept(member=bob, conversation=conversation)
    commit(services.conversation_mark_read, member=bob, conversation=conversation)
    assert len(events_to(pushed, alice, "conversation.read")) == 1
    assert row(conversation, bob).last_read_message_id == message.pk


def test_nul_characters_are_taken_out_of_group_names(alice, bob, camille):
    # Bug found: group names kept NUL characters, which PostgreSQL refuses (a server error).
    connect(alice, bob)
    connect(alice, camille)
    group = services.conversation_group_create(
        creator=alice, others=[bob, camille], name="Pro\x00jet"
    )
    group.refresh_from_db()
    assert group.name == "Projet"
    services.conversation_rename(member=alice, conversation=group, name="\x00Nouveau\x00")
    group.refresh_from_db()
    assert group.name == "Nouveau"
    assert "\x00" not in str(group.messages.order_by("-pk").first().event)


def test_a_blocked_members_words_in_a_group_never_make_it_unread(alice, bob, camille, group):
    # Bug found: in a group formed before Bob blocked Camille, her new message was hidden from
    # Bob but still lit his unread badge and the conversation's unread dot (telling him she wrote).
    services.conversation_mark_read(member=bob, conversation=group)
    block(bob, camille)
    services.message_send(sender=camille, conversation=group, body="Je suis là")
    selectors.forget_unread_count(bob.pk)
    assert selectors.unread_conversations_count(bob.pk) == 0
    [item] = selectors.inbox(bob)
    assert item.unread is False and item.last_message is None
    assert selectors.inbox(bob, which="unread") == []
    # Someone else's message still counts, and so does one hidden behind hers.
    services.message_send(sender=alice, conversation=group, body="Moi aussi")
    services.message_send(sender=camille, conversation=group, body="Encore moi")
    selectors.forget_unread_count(bob.pk)
    assert selectors.unread_conversations_count(bob.pk) == 1
    [item] = selectors.inbox(bob, which="unread")
    assert item.unread is True
    # For Alice, who blocked nobody, Camille's words are unread as ever.
    selectors.forget_unread_count(alice.pk)
    assert selectors.unread_conversations_count(alice.pk) == 1
