"""Introductions: a member asks a mutual connection to introduce them to one of that person's
connections.

The requester writes why they want to meet; the intermediary forwards the request (with a word
of their own) or declines it; the target then sees who introduced whom and why, and accepts
(the two are connected) or ignores it. The requester may withdraw while it is open.

Only the three people involved ever see an introduction — the target only once it has been
forwarded to them — and nobody sees it across a block between any two of them (it then answers
like one that does not exist). Writes are the `introduction_*` services; reads the selectors at
the end.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core import audience
from maillage.notifications.models import Kind, Notification
from maillage.notifications.services import notification_create

from . import degrees
from .models import INVITATION_NOTE_MAX, Block, Introduction
from .services import are_connected, connection_create

OPEN = (Introduction.Status.ASKED, Introduction.Status.FORWARDED)
RATE_WINDOW = timedelta(days=7)


def introductions_per_week() -> int:
    return int(getattr(settings, "MAILLAGE_INTRODUCTIONS_PER_WEEK", 10))


def _blocked_between(*member_ids: int) -> bool:
    ids = list(member_ids)
    return any(
        audience.is_blocked(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]
    )


def _clean_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(
            _("Say why you would like to meet: the note is required."), code="note_required"
        )
    if len(note) > INVITATION_NOTE_MAX:
        raise ValidationError(
            _("Your note is too long: %(max)d characters at most.") % {"max": INVITATION_NOTE_MAX},
            code="note_too_long",
        )
    return note


def _forget_notifications(introduction: Introduction, *kinds: str) -> None:
    Notification.objects.filter(
        target_type=Introduction._meta.label_lower, target_id=introduction.pk, kind__in=kinds
    ).delete()


def _open_for(introduction: Introduction, status: str) -> Introduction:
    """Re-read the introduction under lock; refuse unless it is in `status`."""
    fresh = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if fresh.status != status:
        raise ValidationError(_("This introduction is no longer open."), code="not_open")
    return fresh


# --- Writes ----------------------------------------------------------------------------------


def introduction_request(
    *, requester: User, intermediary: User, target: User, note: str
) -> Introduction:
    """Ask `intermediary` to introduce `requester` to `target`."""
    note = _clean_note(note, required=True)
    if requester.pk == target.pk:
        raise ValidationError(_("You cannot ask to be introduced to yourself."), code="self")
    if intermediary.pk in (requester.pk, target.pk):
        raise ValidationError(
            _("Choose a mutual connection to introduce you."), code="not_intermediary"
        )
    if (
        not target.is_active
        or not intermediary.is_active
        or _blocked_between(requester.pk, intermediary.pk, target.pk)
    ):
        # A block reads like a member who is not there: the message says nothing more.
        raise ValidationError(_("This introduction is not possible."), code="unreachable")
    with transaction.atomic():
        # Lock the requester's row: two requests at once cannot both slip under the limit.
        User.objects.select_for_update().filter(pk=requester.pk).first()
        if are_connected(requester.pk, target.pk):
            raise ValidationError(_("You are already connected."), code="connected")
        if not (are_connected(intermediary.pk, requester.pk) and are_connected(
            intermediary.pk, target.pk
        )):
            raise ValidationError(
                _("Only a connection you have in common can introduce you."),
                code="not_intermediary",
            )
        if Introduction.objects.filter(
            requester=requester, target=target, status__in=OPEN
        ).exists():
            raise ValidationError(
                _("You already have an introduction request open for this member."),
                code="open",
            )
        limit = introductions_per_week()
        recent = Introduction.objects.filter(
            requester=requester, created_at__gte=timezone.now() - RATE_WINDOW
        ).count()
        if recent >= limit:
            raise ValidationError(
                _(
                    "You have asked for %(limit)d introductions in the last seven days, the "
                    "most allowed. You can ask for more in a few days."
                )
                % {"limit": limit},
                code="weekly_limit",
            )
        try:
            with transaction.atomic():
                introduction = Introduction.objects.create(
                    requester=requester, intermediary=intermediary, target=target, note=note
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("You already have an introduction request open for this member."),
                code="open",
            ) from exc
        notification_create(
            recipient_id=intermediary.pk,
            kind=Kind.INTRODUCTION_REQUESTED,
            actor_id=requester.pk,
            target=introduction,
        )
    return introduction


def introduction_forward(
    *, member: User, introduction: Introduction, note: str = ""
) -> Introduction:
    """The intermediary passes the request on to the target, with an optional word."""
    if introduction.intermediary_id != member.pk:
        raise ValidationError(_("This introduction was not asked of you."), code="not_yours")
    note = _clean_note(note, required=False)
    with transaction.atomic():
        introduction = _open_for(introduction, Introduction.Status.ASKED)
        if _blocked_between(
            introduction.requester_id, introduction.intermediary_id, introduction.target_id
        ):
            raise ValidationError(_("This introduction is not possible."), code="unreachable")
        if not (
            are_connected(member.pk, introduction.requester_id)
            and are_connected(member.pk, introduction.target_id)
        ):
            raise ValidationError(
                _("You are no longer connected with both of them."), code="not_intermediary"
            )
        if are_connected(introduction.requester_id, introduction.target_id):
            raise ValidationError(_("They are already connected."), code="connected")
        introduction.status = Introduction.Status.FORWARDED
        introduction.forward_note = note
        introduction.forwarded_at = timezone.now()
        introduction.save(update_fields=["status", "forward_note", "forwarded_at", "updated_at"])
        notification_create(
            recipient_id=introduction.target_id,
            kind=Kind.INTRODUCTION_FORWARDED,
            actor_id=member.pk,
            target=introduction,
        )
    return introduction


def introduction_decline(*, member: User, introduction: Introduction) -> Introduction:
    """The intermediary declines; the requester is told."""
    if introduction.intermediary_id != member.pk:
        raise ValidationError(_("This introduction was not asked of you."), code="not_yours")
    with transaction.atomic():
        introduction = _open_for(introduction, Introduction.Status.ASKED)
        introduction.status = Introduction.Status.DECLINED
        introduction.answered_at = timezone.now()
        introduction.save(update_fields=["status", "answered_at", "updated_at"])
        notification_create(
            recipient_id=introduction.requester_id,
            kind=Kind.INTRODUCTION_DECLINED,
            actor_id=member.pk,
            target=introduction,
        )
    return introduction


def introduction_accept(*, member: User, introduction: Introduction) -> Introduction:
    """The target accepts: the requester and the target are connected."""
    if introduction.target_id != member.pk:
        raise ValidationError(_("This introduction is not addressed to you."), code="not_yours")
    with transaction.atomic():
        introduction = _open_for(introduction, Introduction.Status.FORWARDED)
        if audience.is_blocked(member.pk, introduction.requester_id):
            raise ValidationError(_("You cannot connect with this member."), code="unreachable")
        introduction.status = Introduction.Status.ACCEPTED
        introduction.answered_at = timezone.now()
        introduction.save(update_fields=["status", "answered_at", "updated_at"])
        connection_create(member_id=introduction.requester_id, other_id=member.pk)
        notification_create(
            recipient_id=introduction.requester_id,
            kind=Kind.INVITATION_ACCEPTED,
            actor_id=member.pk,
        )
    return introduction


def introduction_ignore(*, member: User, introduction: Introduction) -> Introduction:
    """The target sets the introduction aside; nobody is told (as with invitations)."""
    if introduction.target_id != member.pk:
        raise ValidationError(_("This introduction is not addressed to you."), code="not_yours")
    with transaction.atomic():
        introduction = _open_for(introduction, Introduction.Status.FORWARDED)
        introduction.status = Introduction.Status.IGNORED
        introduction.answered_at = timezone.now()
        introduction.save(update_fields=["status", "answered_at", "updated_at"])
    return introduction


def introduction_withdraw(*, member: User, introduction: Introduction) -> Introduction:
    """The requester takes the request back while it is open — or ignored, which to them still
    looks open (see `seen_by`); its notifications go."""
    if introduction.requester_id != member.pk:
        raise ValidationError(_("You did not ask for this introduction."), code="not_yours")
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        if introduction.status not in (*OPEN, Introduction.Status.IGNORED):
            raise ValidationError(_("This introduction is no longer open."), code="not_open")
        introduction.status = Introduction.Status.WITHDRAWN
        introduction.answered_at = timezone.now()
        introduction.save(update_fields=["status", "answered_at", "updated_at"])
        _forget_notifications(
            introduction, Kind.INTRODUCTION_REQUESTED, Kind.INTRODUCTION_FORWARDED
        )
    return introduction


# --- Reads -----------------------------------------------------------------------------------


def seen_by(viewer, items):
    """Introductions as `viewer` may know them: the target ignoring one is silent, so to the
    requester and the intermediary an ignored introduction still reads as forwarded (in memory
    only — services re-read rows under lock and never see this)."""
    for item in items:
        if item.status == Introduction.Status.IGNORED and item.target_id != viewer.pk:
            item.status = Introduction.Status.FORWARDED
    return items


def _with_people(queryset: QuerySet[Introduction]) -> QuerySet[Introduction]:
    return queryset.select_related(
        "requester__profile", "intermediary__profile", "target__profile"
    )


def may_see_introduction(viewer, introduction: Introduction) -> bool:
    """The requester and the intermediary always; the target once it was forwarded to them;
    nobody across a block between any two of the three, nobody else ever."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    if viewer_id is None:
        return False
    if viewer_id == introduction.target_id:
        if introduction.forwarded_at is None:
            return False
    elif viewer_id not in (introduction.requester_id, introduction.intermediary_id):
        return False
    return not _blocked_between(
        introduction.requester_id, introduction.intermediary_id, introduction.target_id
    )


def introduction_for_viewer_or_404(viewer, public_id: UUID | str) -> Introduction:
    try:
        introduction = _with_people(Introduction.objects.all()).get(public_id=public_id)
    except (Introduction.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not may_see_introduction(viewer, introduction):
        raise Http404
    return introduction


def _not_across_blocks(viewer, queryset: QuerySet[Introduction]) -> QuerySet[Introduction]:
    """Leave out introductions with a block between any two of their three people (the same
    rule as `may_see_introduction`, in SQL)."""
    pairs = Q()
    for a, b in (
        ("requester", "intermediary"),
        ("intermediary", "target"),
        ("requester", "target"),
    ):
        pairs |= Q(blocker_id=OuterRef(a), blocked_id=OuterRef(b))
        pairs |= Q(blocker_id=OuterRef(b), blocked_id=OuterRef(a))
    return queryset.exclude(Exists(Block.objects.filter(pairs)))


def introductions_to_forward(viewer) -> QuerySet[Introduction]:
    """Requests asked of the viewer, open ones first, newest first."""
    queryset = Introduction.objects.filter(intermediary_id=viewer.pk)
    return _with_people(_not_across_blocks(viewer, queryset)).order_by("-created_at", "-pk")


def introductions_received(viewer) -> QuerySet[Introduction]:
    """Introductions forwarded to the viewer, newest first."""
    queryset = Introduction.objects.filter(target_id=viewer.pk, forwarded_at__isnull=False)
    return _with_people(_not_across_blocks(viewer, queryset)).order_by("-forwarded_at", "-pk")


def introductions_asked(viewer) -> QuerySet[Introduction]:
    """The viewer's own requests, newest first."""
    queryset = Introduction.objects.filter(requester_id=viewer.pk)
    return _with_people(_not_across_blocks(viewer, queryset)).order_by("-created_at", "-pk")


def introductions_open_counts(viewer) -> dict[str, int]:
    """How many requests wait for the viewer in each tab (for the tab badges)."""
    return {
        "forward": introductions_to_forward(viewer)
        .filter(status=Introduction.Status.ASKED)
        .count(),
        "received": introductions_received(viewer)
        .filter(status=Introduction.Status.FORWARDED)
        .count(),
    }


def introduction_intermediaries(requester: User, target: User) -> list[User]:
    """The connections `requester` and `target` have in common who could introduce them
    (active, no block with either), the requester's closest first."""
    ids = degrees.mutual_ids_closest_first(requester.pk, target.pk)
    if not ids:
        return []
    blocked_target = degrees.blocked_ids(target.pk)
    ids = [i for i in ids if i not in blocked_target]
    found = User.objects.filter(pk__in=ids, is_active=True).select_related("profile").in_bulk()
    return [found[i] for i in ids if i in found]
