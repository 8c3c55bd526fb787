"""Writes to profiles."""

from __future__ import annotations

from maillage.accounts.models import User

from .models import Profile


def profile_ensure(*, member: User) -> Profile:
    """The member's profile, created empty the first time."""
    profile, _created = Profile.objects.get_or_create(member=member)
    return profile
