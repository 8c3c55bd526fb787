"""Reads about members."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import User, fold_for_search


@dataclass
class DirectoryPage:
    members: list[User]
    has_more: bool


def active_members() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def members_count() -> int:
    return active_members().count()


def member_directory_page(
    *,
    viewer: User,
    query: str = "",
    limit: int = 24,
    offset: int = 0,
    with_actions: bool = False,
) -> DirectoryPage:
    """Members by name (accent- and case-insensitive), newest first, with their profile card,
    degree badge and mutual connections. Members on either side of a block are left out."""
    from maillage.core import audience

    members = active_members().exclude(pk=viewer.pk).select_related("profile")
    blocked = audience.relation(audience.BLOCKED).ids_for(viewer.pk)
    members = members.exclude(pk__in=blocked)
    folded = fold_for_search(query)
    for word in folded.split()[:5]:
        members = members.filter(search_name__contains=word)
    rows = list(members.order_by("-date_joined", "-pk")[offset : offset + limit + 1])
    shown = rows[:limit]
    from maillage.network.selectors import people_for_viewer

    people_for_viewer(viewer, shown, relationships=with_actions)
    return DirectoryPage(members=shown, has_more=len(rows) > limit)


def _attach_visible_locations(viewer: User, members: list[User]) -> None:
    """Set `visible_location` on each member: their location only if the viewer may see it."""
    from maillage.profiles.selectors import locations_visible_to

    profiles = [m.profile for m in members if getattr(m, "profile", None) is not None]
    locations = locations_visible_to(viewer, profiles)
    for member in members:
        profile = getattr(member, "profile", None)
        member.visible_location = locations.get(profile.pk, "") if profile else ""
