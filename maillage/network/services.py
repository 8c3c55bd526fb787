"""Writes for the network: invitations, connections, follows, blocks, mutes and preferences.

Every function here checks its rules and raises `ValidationError` with a message for the member
when one is broken — nothing is written then. Graph changes invalidate the cached degree sets of
everyone whose 1st or 2nd degree they change, after commit (see degrees.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core import audience
from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create

from . import degrees
from .models import (
    INVITATION_NOTE_MAX,
    Block,
    Connection,
    ConnectionsVisibility,
    Follow,
    Invitation,
    Mute,
    NetworkSettings,
    Suggestion,
    SuggestionDismissal,
)

REINVITE_COOLDOWN = timedelta(weeks=3)


def invitations_per_week() -> int:
    return int(getattr(settings, "MAILLAGE_INVITATIONS_PER_WEEK", 100))


def _invalidate_on_commit(member_ids: set[int]) -> None:
    ids = set(member_ids)
    transaction.on_commit(lambda: degrees.invalidate(ids))


def _refresh_suggestions_on_commit(*member_ids: int) -> None:
    """The two people's "people you may know" change most with their own connections; other
    members' stored suggestions catch up within a day (their mutual counts are live anyway)."""
    from maillage.core.tasks import enqueue_on_commit

    from .tasks import suggestions_refresh_task

    for member_id in member_ids:
        enqueue_on_commit(suggestions_refresh_task, member_id)


def _neighbourhood(*member_ids: int) -> set[int]:
    """The members and their 1st degree, as stored right now (inside the transaction)."""
    found = set(
        Connection.objects.filter(member_id__in=member_ids).values_list("other_id", flat=True)
    )
    return found | set(member_ids)


def are_connected(a_id: int, b_id: int) -> bool:
    return Connection.objects.filter(member_id=a_id, other_id=b_id).exists()


def awaiting_answer_q() -> Q:
    """Invitations that look pending *to their sender*: pending ones, and ignored ones for three
    weeks (ignoring is silent, as on LinkedIn — the sender's invitation simply stays unanswered
    until they may invite again)."""
    return Q(status=Invitation.Status.PENDING) | Q(
        status=Invitation.Status.IGNORED, responded_at__gte=timezone.now() - REINVITE_COOLDOWN
    )


def _check_reachable(sender: User, recipient: User) -> None:
    if sender.pk == recipient.pk:
        raise ValidationError(_("You cannot invite yourself."), code="self")
    if not recipient.is_active or audience.is_blocked(sender.pk, recipient.pk):
        # A block reads like a member who is not there: the message says nothing more.
        raise ValidationError(_("You cannot invite this member."), code="unreachable")


# --- Invitations --------------------------------------------------------------------------------


def invitation_send(*, sender: User, recipient: User, note: str = "") -> Invitation:
    """Invite `recipient` to connect. If they already invited `sender`, this accepts theirs."""
    note = note.strip()
    if len(note) > INVITATION_NOTE_MAX:
        raise ValidationError(
            _("Your note is too long: %(max)d characters at most.") % {"max": INVITATION_NOTE_MAX},
            code="note_too_long",
        )
    _check_reachable(sender, recipient)
    with transaction.atomic():
        # Lock the sender's row: two invitations sent at once cannot both slip under the limit.
        User.objects.select_for_update().filter(pk=sender.pk).first()
        if are_connected(sender.pk, recipient.pk):
            raise ValidationError(_("You are already connected."), code="connected")
        theirs = Invitation.objects.filter(
            sender=recipient, recipient=sender, status=Invitation.Status.PENDING
        ).first()
        if theirs is not None:
            invitation_accept(member=sender, invitation=theirs)
            return theirs
        if Invitation.objects.filter(awaiting_answer_q(), sender=sender, recipient=recipient).exists():
            # Also for an invitation ignored less than three weeks ago: the sender is not told.
            raise ValidationError(_("You have already invited this member."), code="pending")
        since = timezone.now() - REINVITE_COOLDOWN
        if Invitation.objects.filter(
            sender=sender,
            recipient=recipient,
            status=Invitation.Status.WITHDRAWN,
            responded_at__gte=since,
        ).exists():
            raise ValidationError(
                _("You can invite this member again three weeks after your last invitation ended."),
                code="cooldown",
            )
        limit = invitations_per_week()
        sent_this_week = Invitation.objects.filter(
            sender=sender, created_at__gte=timezone.now() - timedelta(days=7)
        ).count()
        if sent_this_week >= limit:
            raise ValidationError(
                _(
                    "You have sent %(limit)d invitations this week, the most allowed. "
                    "You can send more in a few days."
                )
                % {"limit": limit},
                code="weekly_limit",
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    sender=sender, recipient=recipient, note=note
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("You have already invited this member."), code="pending"
            ) from exc
        notification_create(
            recipient_id=recipient.pk,
            kind=Kind.INVITATION_RECEIVED,
            actor_id=sender.pk,
            target=invitation,
        )
    return invitation


def _pending_for(invitation: Invitation) -> Invitation:
    """Re-read the invitation under lock; refuse if it is no longer pending."""
    fresh = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if fresh.status != Invitation.Status.PENDING:
        raise ValidationError(_("This invitation is no longer pending."), code="not_pending")
    return fresh


def invitation_accept(*, member: User, invitation: Invitation) -> Invitation:
    if invitation.recipient_id != member.pk:
        raise ValidationError(_("This invitation is not addressed to you."), code="not_recipient")
    with transaction.atomic():
        invitation = _pending_for(invitation)
        if audience.is_blocked(member.pk, invitation.sender_id):
            raise ValidationError(_("You cannot connect with this member."), code="unreachable")
        invitation.status = Invitation.Status.ACCEPTED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at", "updated_at"])
        connection_create(member_id=invitation.sender_id, other_id=member.pk)
        notification_create(
            recipient_id=invitation.sender_id,
            kind=Kind.INVITATION_ACCEPTED,
            actor_id=member.pk,
        )
    return invitation


def invitation_ignore(*, member: User, invitation: Invitation) -> Invitation:
    """The recipient sets the invitation aside; the sender is not told (as on LinkedIn)."""
    if invitation.recipient_id != member.pk:
        raise ValidationError(_("This invitation is not addressed to you."), code="not_recipient")
    return _close(invitation, Invitation.Status.IGNORED)


def invitation_withdraw(*, member: User, invitation: Invitation) -> Invitation:
    """The sender takes the invitation back — also one the recipient silently ignored, which
    still looks pending to the sender. Three weeks then pass before they may invite again."""
    if invitation.sender_id != member.pk:
        raise ValidationError(_("You did not send this invitation."), code="not_sender")
    with transaction.atomic():
        ignored = (
            Invitation.objects.select_for_update()
            .filter(awaiting_answer_q(), pk=invitation.pk, status=Invitation.Status.IGNORED)
            .first()
        )
        if ignored is None:
            return _close(invitation, Invitation.Status.WITHDRAWN)
        ignored.status = Invitation.Status.WITHDRAWN
        ignored.responded_at = timezone.now()
        ignored.save(update_fields=["status", "responded_at", "updated_at"])
    return ignored


def _close(invitation: Invitation, status: str) -> Invitation:
    with transaction.atomic():
        invitation = _pending_for(invitation)
        invitation.status = status
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at", "updated_at"])
        from maillage.notifications.models import Notification

        # The recipient's "invitation received" notification no longer points anywhere.
        Notification.objects.filter(
            target_type="network.invitation", target_id=invitation.pk
        ).delete()
    return invitation


# --- Connections --------------------------------------------------------------------------------


def connection_create(*, member_id: int, other_id: int, at=None) -> None:
    """Connect two members both ways; each then follows the other. Used by `invitation_accept`
    and `introduction` acceptance; idempotent."""
    if member_id == other_id:
        raise ValidationError(_("You cannot connect with yourself."), code="self")
    when = at or timezone.now()
    with transaction.atomic():
        Connection.objects.bulk_create(
            [
                Connection(member_id=member_id, other_id=other_id, created_at=when),
                Connection(member_id=other_id, other_id=member_id, created_at=when),
            ],
            ignore_conflicts=True,
        )
        Follow.objects.bulk_create(
            [
                Follow(follower_id=member_id, followed_id=other_id),
                Follow(follower_id=other_id, followed_id=member_id),
            ],
            ignore_conflicts=True,
        )
        # Pending invitations either way are settled by the connection.
        Invitation.objects.filter(
            Q(sender_id=member_id, recipient_id=other_id)
            | Q(sender_id=other_id, recipient_id=member_id),
            status=Invitation.Status.PENDING,
        ).update(status=Invitation.Status.ACCEPTED, responded_at=when)
        Suggestion.objects.filter(
            Q(member_id=member_id, candidate_id=other_id)
            | Q(member_id=other_id, candidate_id=member_id)
        ).delete()
        _invalidate_on_commit(_neighbourhood(member_id, other_id))
        _refresh_suggestions_on_commit(member_id, other_id)


def connection_remove(*, member: User, other: User) -> bool:
    """Either side removes the connection (and the follows it implied). Returns whether there
    was one. The other member is not told."""
    with transaction.atomic():
        affected = _neighbourhood(member.pk, other.pk)
        deleted, _rows = Connection.objects.filter(
            Q(member_id=member.pk, other_id=other.pk) | Q(member_id=other.pk, other_id=member.pk)
        ).delete()
        if not deleted:
            return False
        Follow.objects.filter(
            Q(follower_id=member.pk, followed_id=other.pk)
            | Q(follower_id=other.pk, followed_id=member.pk)
        ).delete()
        _invalidate_on_commit(affected)
        _refresh_suggestions_on_commit(member.pk, other.pk)
    return True


# --- Follows, blocks, mutes ---------------------------------------------------------------------


def follow_add(*, follower: User, followed: User) -> Follow:
    if follower.pk == followed.pk:
        raise ValidationError(_("You cannot follow yourself."), code="self")
    if not followed.is_active or audience.is_blocked(follower.pk, followed.pk):
        raise ValidationError(_("You cannot follow this member."), code="unreachable")
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(follower=follower, followed=followed)
        if created:
            notification_create(
                recipient_id=followed.pk, kind=Kind.NEW_FOLLOWER, actor_id=follower.pk
            )
    return follow


def follow_remove(*, follower: User, followed: User) -> bool:
    """Stop following; a connection stays a connection."""
    deleted, _rows = Follow.objects.filter(follower=follower, followed=followed).delete()
    return bool(deleted)


def block_add(*, blocker: User, blocked: User) -> Block:
    """Block: the connection, follows, invitations, suggestions and introductions between the two
    go; afterwards neither sees the other anywhere. The blocked member is not told."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    from .models import Introduction

    with transaction.atomic():
        affected = _neighbourhood(blocker.pk, blocked.pk)
        block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        Invitation.objects.filter(
            Q(sender_id=blocker.pk, recipient_id=blocked.pk)
            | Q(sender_id=blocked.pk, recipient_id=blocker.pk),
            status=Invitation.Status.PENDING,
        ).update(status=Invitation.Status.WITHDRAWN, responded_at=timezone.now())
        Suggestion.objects.filter(
            Q(member_id=blocker.pk, candidate_id=blocked.pk)
            | Q(member_id=blocked.pk, candidate_id=blocker.pk)
        ).delete()
        open_intro = Q(status__in=[Introduction.Status.ASKED, Introduction.Status.FORWARDED])
        Introduction.objects.filter(open_intro).filter(
            Q(requester_id=blocker.pk, target_id=blocked.pk)
            | Q(requester_id=blocked.pk, target_id=blocker.pk)
            | Q(requester_id=blocker.pk, intermediary_id=blocked.pk)
            | Q(requester_id=blocked.pk, intermediary_id=blocker.pk)
            | Q(intermediary_id=blocker.pk, target_id=blocked.pk)
            | Q(intermediary_id=blocked.pk, target_id=blocker.pk)
        ).update(status=Introduction.Status.WITHDRAWN, answered_at=timezone.now())
        # Only now the connection and follows: closing the open invitations and introductions
        # above waited for any accept holding their row locks, so a connection it just
        # committed is seen (and removed) here.
        pair = Q(member_id=blocker.pk, other_id=blocked.pk) | Q(
            member_id=blocked.pk, other_id=blocker.pk
        )
        Connection.objects.filter(pair).delete()
        Follow.objects.filter(
            Q(follower_id=blocker.pk, followed_id=blocked.pk)
            | Q(follower_id=blocked.pk, followed_id=blocker.pk)
        ).delete()
        from maillage.notifications.services import notifications_between_forget

        notifications_between_forget(member_id=blocker.pk, other_id=blocked.pk)
        _invalidate_on_commit(affected)
    return block


def block_remove(*, blocker: User, blocked: User) -> bool:
    """Unblock. Nothing comes back: they may reconnect by invitation."""
    with transaction.atomic():
        deleted, _rows = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
        if deleted:
            _invalidate_on_commit({blocker.pk, blocked.pk})
    return bool(deleted)


def mute_add(*, muter: User, muted: User) -> Mute:
    if muter.pk == muted.pk:
        raise ValidationError(_("You cannot mute yourself."), code="self")
    mute, _created = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


def mute_remove(*, muter: User, muted: User) -> bool:
    deleted, _rows = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)


# --- Preferences and suggestions ----------------------------------------------------------------


def network_settings_update(*, member: User, connections_visibility: str) -> NetworkSettings:
    if connections_visibility not in ConnectionsVisibility.values:
        raise ValidationError(_("Choose who may see your connections."), code="invalid")
    row, _created = NetworkSettings.objects.update_or_create(
        member=member, defaults={"connections_visibility": connections_visibility}
    )
    return row


def suggestion_dismiss(*, member: User, dismissed: User) -> None:
    """"Not now" on a suggestion: it does not come back."""
    with transaction.atomic():
        SuggestionDismissal.objects.get_or_create(member=member, dismissed=dismissed)
        Suggestion.objects.filter(member=member, candidate=dismissed).delete()
