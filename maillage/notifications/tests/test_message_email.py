"""The "unread messages" e-mail: after the delay, only if still unread, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from maillage.messaging import email as message_email
from maillage.messaging import services
from maillage.messaging.models import Participant
from maillage.network.tests.factories import block, connect, member
from maillage.notifications import preferences
from maillage.notifications.models import Delivery, NotificationPreference

pytestmark = pytest.mark.django_db

DELAY = timedelta(minutes=15)


def later(extra: timedelta = timedelta(seconds=1)):
    return timezone.now() + DELAY + extra


@pytest.fixture
def pair():
    alice = member(member__first_name="Alice", member__last_name="Durand")
    bob = member(member__first_name="Bob", member__last_name="Petit")
    connect(alice, bob)
    return alice, bob, services.conversation_direct(member=alice, other=bob)


def send(sender, conversation, body):
    return services.message_send(sender=sender, conversation=conversation, body=body)


def test_mailed_after_the_delay_only_and_never_twice(pair, mailoutbox):
    alice, bob, conversation = pair
    first = send(alice, conversation, "Are you free on Thursday?")
    send(alice, conversation, "For the **workshop**")
    # Not yet: the delay has not passed.
    assert message_email.unread_messages_send(bob.pk, timezone.now()) == 0
    assert mailoutbox == []
    assert message_email.unread_messages_send(bob.pk, later()) == 2
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [bob.email]
    assert mail.subject == "You have 2 unread messages"
    assert "Alice Durand" in mail.body and "For the workshop" in mail.body
    assert "Are you free" not in mail.body  # the latest one is quoted
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert any(mimetype == "text/html" for _c, mimetype in mail.alternatives)
    # Never the same message twice, by the task or the sweep.
    assert message_email.unread_messages_send(bob.pk, later(timedelta(hours=1))) == 0
    assert message_email.unread_messages_sweep(later(timedelta(hours=1))) == 0
    assert len(mailoutbox) == 1
    # A newer message is mailed on its own.
    send(alice, conversation, "Still there?")
    assert message_email.unread_messages_sweep(later(timedelta(minutes=1))) == 1
    assert mailoutbox[1].subject == "You have 1 unread message"
    assert first.pk < Participant.objects.get(member=bob).emailed_up_to_message_id
    # The sender is never mailed about their own messages.
    assert all(m.to == [bob.email] for m in mailoutbox)


def test_not_mailed_when_read(pair, mailoutbox):
    alice, bob, conversation = pair
    send(alice, conversation, "Hello")
    services.conversation_mark_read(member=bob, conversation=conversation)
    assert message_email.unread_messages_send(bob.pk, later()) == 0
    assert message_email.unread_messages_sweep(later()) == 0
    assert mailoutbox == []


def test_not_mailed_when_muted_left_deleted_or_blocked(mailoutbox):
    alice, bob, carol, dan, eve = member(), member(), member(), member(), member()
    for other in (bob, carol, dan, eve):
        connect(alice, other)
    group = services.conversation_group_create(
        creator=alice, others=[bob, carol, dan, eve], name="Team"
    )
    services.conversation_set_muted(member=bob, conversation=group, muted=True)
    services.conversation_leave(member=carol, conversation=group)
    block(dan, alice)
    send(alice, group, "Team news")
    for person in (bob, carol, dan):
        assert message_email.unread_messages_send(person.pk, later()) == 0
    # Eve, in the same conversation, neither muted, gone nor blocked: she is the only one mailed.
    assert message_email.unread_messages_sweep(later()) == 1
    assert [m.to for m in mailoutbox] == [[eve.email]]
    assert "Team" in mailoutbox[0].body and "Team news" in mailoutbox[0].body
    mailoutbox.clear()
    # A deleted message is not mailed either.
    erin = member()
    connect(alice, erin)
    conversation = services.conversation_direct(member=alice, other=erin)
    message = send(alice, conversation, "Oops")
    services.message_delete(member=alice, message=message)
    assert message_email.unread_messages_send(erin.pk, later()) == 0
    assert mailoutbox == []


def test_not_mailed_when_the_preference_is_in_app_or_the_address_unverified(pair, mailoutbox):
    from allauth.account.models import EmailAddress

    alice, bob, conversation = pair
    NotificationPreference.objects.create(
        member=bob, kind=preferences.MESSAGE_KIND, delivery=Delivery.IN_APP
    )
    send(alice, conversation, "Hello")
    assert message_email.unread_messages_send(bob.pk, later()) == 0
    NotificationPreference.objects.filter(member=bob).delete()
    EmailAddress.objects.filter(user=bob).update(verified=False)
    assert message_email.unread_messages_send(bob.pk, later()) == 0
    assert mailoutbox == []
    EmailAddress.objects.filter(user=bob).update(verified=True)
    assert message_email.unread_messages_send(bob.pk, later()) == 1


def test_one_mail_covers_several_conversations_in_the_members_language(mailoutbox):
    bob = member()
    bob.language = "fr"
    bob.save(update_fields=["language"])
    alice, carol = member(member__first_name="Alice"), member(member__first_name="Carole")
    for other in (alice, carol):
        connect(bob, other)
        send(
            other,
            services.conversation_direct(member=other, other=bob),
            f"Bonjour de {other.first_name}",
        )
    assert message_email.unread_messages_sweep(later()) == 1
    mail = mailoutbox[0]
    assert "Bonjour de Alice" in mail.body and "Bonjour de Carole" in mail.body
    assert 'lang="fr"' in next(c for c, m in mail.alternatives if m == "text/html")


@override_settings(
    MAILLAGE_MESSAGE_EMAIL_DELAY=600,
    TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
)
def test_a_message_schedules_one_delayed_task_per_recipient_who_wants_it(
    django_capture_on_commit_callbacks,
):
    from django_tasks import task_backends

    alice, bob, carol = member(), member(), member()
    connect(alice, bob)
    connect(alice, carol)
    NotificationPreference.objects.create(
        member=carol, kind=preferences.MESSAGE_KIND, delivery=Delivery.IN_APP
    )
    group = services.conversation_group_create(creator=alice, others=[bob, carol], name="Trio")
    backend = task_backends["default"]
    backend.clear()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        send(alice, group, "Hello")
    results = [r for r in backend.results if r.task.func.__name__ == "unread_messages_email_task"]
    assert [r.args for r in results] == [[bob.pk]]  # not the sender, not Carol (in app only)
    assert results[0].task.run_after >= before + timedelta(seconds=600)
    # More messages while Bob's task waits: no second task (it, or the next tick, covers them).
    with django_capture_on_commit_callbacks(execute=True):
        send(alice, group, "Are you there?")
    results = [r for r in backend.results if r.task.func.__name__ == "unread_messages_email_task"]
    assert len(results) == 1
