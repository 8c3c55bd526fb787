"""Impersonation signals: a newer profile with an existing member's full name *and* photo.

Homonyms are normal (there are many "Marie Martin"), and a shared stock photo alone is another
signal: only the two together put a profile on the staff review page. The newer member is the
suspect, the older one the original.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from maillage.accounts.models import User

from .images import hash_distance
from .models import ImpersonationFlag, Profile

# Out of 64 bits: the same picture re-encoded, resized or lightly cropped stays well below.
MAX_HASH_DISTANCE = 6


def _joined_key(profile: Profile) -> tuple:
    return (profile.member.date_joined, profile.created_at, profile.pk)


def impersonation_check(*, profile: Profile) -> list[ImpersonationFlag]:
    """Flag this profile against every older active member with the same name and photo.

    Call it after the photo or the name changes. Returns the flags created by this call.
    """
    member = profile.member
    if not profile.photo_hash or not member.search_name or not member.is_active:
        return []
    others = (
        Profile.objects.filter(member__search_name=member.search_name, member__is_active=True)
        .exclude(pk=profile.pk)
        .exclude(photo_hash="")
        .select_related("member")
    )
    created: list[ImpersonationFlag] = []
    for other in others:
        distance = hash_distance(profile.photo_hash, other.photo_hash)
        if distance > MAX_HASH_DISTANCE:
            continue
        if _joined_key(profile) >= _joined_key(other):
            suspect, original = profile, other
        else:
            suspect, original = other, profile
        exists = ImpersonationFlag.objects.filter(
            suspect__in=[suspect, original], original__in=[suspect, original]
        ).exists()
        if exists:
            continue
        try:
            with transaction.atomic():
                flag = ImpersonationFlag.objects.create(
                    suspect=suspect,
                    original=original,
                    reason=f"same full name and photo (hash distance {distance}/64)",
                )
        except IntegrityError:  # flagged by a concurrent upload a moment ago
            continue
        created.append(flag)
    return created


def open_impersonation_flags() -> QuerySet[ImpersonationFlag]:
    """Flags waiting for review, newest first, with both profiles and members loaded."""
    return (
        ImpersonationFlag.objects.filter(status=ImpersonationFlag.Status.OPEN)
        .select_related("suspect__member", "original__member")
        .order_by("-created_at", "-pk")
    )


def impersonation_flag_review(
    *, flag: ImpersonationFlag, reviewer: User, confirmed: bool
) -> ImpersonationFlag:
    """Close a flag: confirmed impersonation, or dismissed (a real homonym, the same person…)."""
    if not reviewer.is_staff:
        raise PermissionError("Only staff review impersonation flags")
    with transaction.atomic():
        locked = ImpersonationFlag.objects.select_for_update().get(pk=flag.pk)
        locked.status = (
            ImpersonationFlag.Status.CONFIRMED if confirmed else ImpersonationFlag.Status.DISMISSED
        )
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    flag.status, flag.reviewed_by, flag.reviewed_at = (
        locked.status,
        locked.reviewed_by,
        locked.reviewed_at,
    )
    return flag
