"""Reads about profiles."""

from __future__ import annotations

from maillage.accounts.models import User

from .models import Position, Profile


def profile_card_for(member: User) -> Profile | None:
    """The member's profile with their current position, for identity cards (two queries)."""
    profile = Profile.objects.filter(member=member).select_related("member").first()
    if profile is not None:
        profile.current_position = (
            Position.objects.filter(profile=profile, end_date__isnull=True)
            .order_by("-start_date")
            .first()
        )
    return profile
