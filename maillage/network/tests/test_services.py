"""The network services: invitation rules, connections, follows, blocks, mutes — and that every
refused call changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core import audience
from maillage.network import degrees, services
from maillage.network.models import Block, Connection, Follow, Invitation, Mute
from maillage.notifications.models import Kind, Notification

from .factories import block, connect, follow, invite, member, mute

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a refused call must leave as it was."""
    return (
        sorted(Invitation.objects.values_list("sender_id", "recipient_id", "status", "note")),
        sorted(Connection.objects.values_list("member_id", "other_id")),
        sorted(Follow.objects.values_list("follower_id", "followed_id")),
        sorted(Block.objects.values_list("blocker_id", "blocked_id")),
        sorted(Notification.objects.values_list("recipient_id", "kind", "actor_id")),
    )


def refused(call, code=None):
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call()
    assert snapshot() == before
    if code is not None:
        assert info.value.code == code
    return info.value


def connected(a, b) -> bool:
    return Connection.objects.filter(member=a, other=b).exists() and Connection.objects.filter(
        member=b, other=a
    ).exists()


# --- Invitations ------------------------------------------------------------------------------


def test_inviting_oneself_is_refused():
    a = member()
    refused(lambda: services.invitation_send(sender=a, recipient=a), "self")


@pytest.mark.parametrize("blocker_is_sender", [True, False])
def test_inviting_across_a_block_is_refused_either_way(blocker_is_sender):
    a, b = member(), member()
    block(a, b) if blocker_is_sender else block(b, a)
    refused(lambda: services.invitation_send(sender=a, recipient=b), "unreachable")


def test_inviting_twice_is_refused():
    a, b = member(), member()
    invite(a, b)
    refused(lambda: services.invitation_send(sender=a, recipient=b), "pending")
    assert Invitation.objects.filter(sender=a, recipient=b).count() == 1


def test_inviting_a_connection_is_refused():
    a, b = member(), member()
    connect(a, b)
    refused(lambda: services.invitation_send(sender=a, recipient=b), "connected")


def test_a_reverse_invitation_accepts_the_pending_one():
    a, b = member(), member()
    theirs = invite(b, a)
    result = services.invitation_send(sender=a, recipient=b, note="hello")
    assert result.pk == theirs.pk
    theirs.refresh_from_db()
    assert theirs.status == Invitation.Status.ACCEPTED
    assert connected(a, b)
    assert not Invitation.objects.filter(sender=a).exists()  # no second invitation written


def test_weekly_limit(settings):
    settings.MAILLAGE_INVITATIONS_PER_WEEK = 2
    a = member()
    invite(a, member())
    invite(a, member())
    refused(lambda: services.invitation_send(sender=a, recipient=member()), "weekly_limit")


def test_weekly_limit_counts_only_the_last_seven_days(settings):
    settings.MAILLAGE_INVITATIONS_PER_WEEK = 1
    a = member()
    old = invite(a, member())
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    invite(a, member())  # allowed: the first one is older than a week


@pytest.mark.parametrize("how", ["ignore", "withdraw"])
def test_three_week_cooldown_after_ignore_or_withdraw(how):
    a, b = member(), member()
    invitation = invite(a, b)
    if how == "ignore":
        services.invitation_ignore(member=b, invitation=invitation)
        # Ignoring is silent: to the sender the invitation is simply still waiting.
        refused(lambda: services.invitation_send(sender=a, recipient=b), "pending")
    else:
        services.invitation_withdraw(member=a, invitation=invitation)
        refused(lambda: services.invitation_send(sender=a, recipient=b), "cooldown")
    Invitation.objects.filter(pk=invitation.pk).update(
        responded_at=timezone.now() - timedelta(weeks=3, minutes=1)
    )
    again = services.invitation_send(sender=a, recipient=b)
    assert again.status == Invitation.Status.PENDING


def test_a_note_over_300_characters_is_refused():
    a, b = member(), member()
    error = refused(
        lambda: services.invitation_send(sender=a, recipient=b, note="x" * 301), "note_too_long"
    )
    assert "300" in error.messages[0]
    assert services.invitation_send(sender=a, recipient=b, note="x" * 300).note == "x" * 300


def test_accept_connects_both_ways_and_both_follow():
    a, b = member(), member()
    invitation = invite(a, b)
    services.invitation_accept(member=b, invitation=invitation)
    assert connected(a, b)
    assert Follow.objects.filter(follower=a, followed=b).exists()
    assert Follow.objects.filter(follower=b, followed=a).exists()
    degrees.invalidate_around(a.pk, b.pk)
    assert degrees.degree_of(a.pk, b.pk) == degrees.FIRST


def test_only_the_recipient_accepts_or_ignores_and_only_the_sender_withdraws():
    a, b, c = member(), member(), member()
    invitation = invite(a, b)
    refused(lambda: services.invitation_accept(member=a, invitation=invitation), "not_recipient")
    refused(lambda: services.invitation_accept(member=c, invitation=invitation), "not_recipient")
    refused(lambda: services.invitation_ignore(member=a, invitation=invitation), "not_recipient")
    refused(lambda: services.invitation_withdraw(member=b, invitation=invitation), "not_sender")
    refused(lambda: services.invitation_withdraw(member=c, invitation=invitation), "not_sender")


def test_an_answered_invitation_cannot_be_answered_again():
    a, b = member(), member()
    invitation = invite(a, b)
    services.invitation_ignore(member=b, invitation=invitation)
    refused(lambda: services.invitation_accept(member=b, invitation=invitation), "not_pending")
    refused(lambda: services.invitation_ignore(member=b, invitation=invitation), "not_pending")
    # (The sender may still withdraw it: to them it looks pending — see the test below.)
    services.invitation_withdraw(member=a, invitation=invitation)
    refused(lambda: services.invitation_withdraw(member=a, invitation=invitation), "not_pending")


# --- Connections and follows ------------------------------------------------------------------


@pytest.mark.parametrize("remover", ["a", "b"])
def test_either_side_removes_the_connection(remover):
    a, b = member(), member()
    connect(a, b)
    me, other = (a, b) if remover == "a" else (b, a)
    assert services.connection_remove(member=me, other=other) is True
    assert not Connection.objects.filter(member__in=[a, b]).exists()
    assert not Follow.objects.filter(follower__in=[a, b]).exists()
    assert services.connection_remove(member=me, other=other) is False


def test_unfollowing_keeps_the_connection():
    a, b = member(), member()
    connect(a, b)
    assert services.follow_remove(follower=a, followed=b) is True
    assert connected(a, b)
    assert not Follow.objects.filter(follower=a, followed=b).exists()
    assert Follow.objects.filter(follower=b, followed=a).exists()


def test_follow_rules():
    a, b = member(), member()
    refused(lambda: services.follow_add(follower=a, followed=a), "self")
    follow(a, b)
    follow(a, b)  # idempotent
    assert Follow.objects.filter(follower=a, followed=b).count() == 1
    assert Notification.objects.filter(recipient=b, kind=Kind.NEW_FOLLOWER).count() == 1
    block(b, a)
    refused(lambda: services.follow_add(follower=a, followed=b), "unreachable")


# --- Blocks and mutes -------------------------------------------------------------------------


def test_block_removes_connection_follows_invitations_and_hides_both_ways():
    a, b, c = member(), member(), member()
    connect(a, b)
    invitation = invite(a, c)
    services.invitation_send(sender=c, recipient=b)
    follow(c, a)
    assert audience.can_view_audience(a, owner_id=b.pk, audience=audience.Audience.CONNECTIONS)

    block(a, b)
    block(c, a)
    assert not Connection.objects.filter(member__in=[a, b], other__in=[a, b]).exists()
    assert not Follow.objects.filter(follower__in=[a, b], followed__in=[a, b]).exists()
    assert not Follow.objects.filter(follower=c, followed=a).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    for x, y in [(a, b), (b, a), (a, c), (c, a)]:
        for level in (audience.Audience.PUBLIC, audience.Audience.MEMBERS):
            assert not audience.can_view_audience(x, owner_id=y.pk, audience=level)
    # c and b are not blocked: c's invitation to b stands.
    assert Invitation.objects.get(sender=c, recipient=b).status == Invitation.Status.PENDING


def test_block_self_is_refused_and_unblock_restores_nothing():
    a, b = member(), member()
    refused(lambda: services.block_add(blocker=a, blocked=a), "self")
    connect(a, b)
    block(a, b)
    assert services.block_remove(blocker=a, blocked=b) is True
    assert not connected(a, b)
    assert audience.can_view_audience(a, owner_id=b.pk, audience=audience.Audience.MEMBERS)
    assert services.block_remove(blocker=a, blocked=b) is False


def test_mute_changes_nothing_else():
    a, b = member(), member()
    connect(a, b)
    before = snapshot()
    mute(a, b)
    mute(a, b)  # idempotent
    assert Mute.objects.filter(muter=a, muted=b).count() == 1
    assert snapshot() == before
    assert connected(a, b)
    refused(lambda: services.mute_add(muter=a, muted=a), "self")
    assert services.mute_remove(muter=a, muted=b) is True
    assert services.mute_remove(muter=a, muted=b) is False


# --- Notifications ----------------------------------------------------------------------------


def test_notifications_for_invitation_received_and_accepted():
    a, b = member(), member()
    invitation = invite(a, b)
    received = Notification.objects.get(recipient=b, kind=Kind.INVITATION_RECEIVED)
    assert received.actor_id == a.pk
    assert received.target_id == invitation.pk
    services.invitation_accept(member=b, invitation=invitation)
    assert Notification.objects.filter(
        recipient=a, kind=Kind.INVITATION_ACCEPTED, actor=b
    ).exists()


def test_withdrawing_removes_the_received_notification():
    a, b = member(), member()
    invitation = invite(a, b)
    services.invitation_withdraw(member=a, invitation=invitation)
    assert not Notification.objects.filter(recipient=b, kind=Kind.INVITATION_RECEIVED).exists()


def test_no_notification_across_a_block():
    a, b = member(), member()
    invite(a, b)
    block(b, a)
    # The block deleted the notifications between them, and nothing new crosses it.
    assert not Notification.objects.filter(recipient=b, actor=a).exists()
    refused(lambda: services.invitation_send(sender=a, recipient=b))
    refused(lambda: services.follow_add(follower=a, followed=b))
    assert not Notification.objects.filter(recipient=b, actor=a).exists()
    assert not Notification.objects.filter(recipient=a, actor=b).exists()


def test_an_ignored_invitation_still_looks_pending_to_its_sender_for_three_weeks():
    from maillage.network.selectors import relationships_for

    a, b = member(), member()
    invitation = invite(a, b)
    services.invitation_ignore(member=b, invitation=invitation)
    (standing,) = relationships_for(a, [b])
    assert standing.invitation_sent is not None
    assert standing.invitation_sent.public_id == invitation.public_id
    # The recipient sees nothing pending any more.
    (theirs,) = relationships_for(b, [a])
    assert theirs.invitation_received is None
    # The sender may withdraw it like a pending one; three weeks start from then.
    services.invitation_withdraw(member=a, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.WITHDRAWN
    refused(lambda: services.invitation_send(sender=a, recipient=b), "cooldown")
    # Three weeks after an ignore nobody waits any more: the sender may invite again.
    other = invite(a, member())
    services.invitation_ignore(member=other.recipient, invitation=other)
    Invitation.objects.filter(pk=other.pk).update(
        responded_at=timezone.now() - timedelta(weeks=3, minutes=1)
    )
    (later,) = relationships_for(a, [other.recipient])
    assert later.invitation_sent is None
    assert services.invitation_send(sender=a, recipient=other.recipient).status == "pending"
