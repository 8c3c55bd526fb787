"""Writes to profiles."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from maillage.accounts.models import User

from .addresses import address_suggest
from .models import Profile


def profile_ensure(*, member: User) -> Profile:
    """The member's profile, created the first time with a free public address."""
    existing = Profile.objects.filter(member=member).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Profile.objects.create(
                    member=member, address=address_suggest(member.first_name, member.last_name)
                )
        except IntegrityError:
            # Another sign-up took the same address a moment ago, or the profile now exists.
            existing = Profile.objects.filter(member=member).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"Could not give member {member.pk} a free public address")
