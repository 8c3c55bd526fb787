"""Reads about profiles — and the one place that decides which parts of a profile a viewer sees.

Every path that shows profile data (the profile page, the public page, the vCard, the JSON-LD,
the API, search, exports) goes through `profile_for_viewer()`: it loads only the sections the
viewer may see, so a hidden section cannot leak through a template or a serializer that forgets
to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maillage.accounts.models import User
from maillage.core import audience
from maillage.core.audience import Audience

from .models import (
    Certification,
    ContactEntry,
    Education,
    Position,
    Profile,
    ProfileLink,
    ProfileSkill,
    SpokenLanguage,
)

if TYPE_CHECKING:
    from maillage.core.audience import Viewer

# Sections with their own audience, in the order a profile shows them.
SECTIONS = (
    "about",
    "location",
    "experience",
    "education",
    "skills",
    "languages",
    "certifications",
    "links",
)


def profile_card_for(member: User) -> Profile | None:
    """The member's profile with their current position, for identity cards (two queries).

    The logged-in member comes with their profile already (accounts/backends.py): then one.
    """
    if User.profile.is_cached(member):
        try:
            profile = member.profile
        except Profile.DoesNotExist:
            profile = None
    else:
        profile = Profile.objects.filter(member=member).select_related("member").first()
    if profile is not None:
        profile.current_position = (
            Position.objects.filter(profile=profile, end_date__isnull=True)
            .order_by("-start_date")
            .first()
        )
    return profile


def profile_by_address(address: str) -> Profile | None:
    return (
        Profile.objects.select_related("member")
        .filter(address=address, member__is_active=True)
        .first()
    )


def profile_visible_to(viewer: Viewer, profile: Profile) -> bool:
    """May `viewer` see this profile at all (its name, photo and headline)?

    Members see every active member's profile unless a block stands between them; visitors see
    it only when the member keeps a public page.
    """
    if not profile.member.is_active:
        return False
    viewer_is_member = viewer is not None and viewer.is_authenticated
    if viewer_is_member:
        return not audience.is_blocked(viewer.pk, profile.member_id)
    return profile.public_page


def section_visible_to(viewer: Viewer, profile: Profile, section: str) -> bool:
    level = getattr(profile, f"{section}_audience")
    viewer_is_member = viewer is not None and viewer.is_authenticated
    if not viewer_is_member and not profile.public_page:
        return False
    return audience.can_view_audience(viewer, owner_id=profile.member_id, audience=level)


@dataclass
class ProfileForViewer:
    """A profile as one viewer may see it. Hidden sections are empty and never loaded."""

    profile: Profile
    is_owner: bool
    visible_sections: frozenset[str]
    positions: list[Position] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    skills: list[ProfileSkill] = field(default_factory=list)
    languages: list[SpokenLanguage] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    links: list[ProfileLink] = field(default_factory=list)
    contacts: list[ContactEntry] = field(default_factory=list)

    @property
    def member(self) -> User:
        return self.profile.member

    def shows(self, section: str) -> bool:
        return section in self.visible_sections

    @property
    def about(self) -> str:
        return self.profile.about if self.shows("about") else ""

    @property
    def location(self) -> str:
        return self.profile.location if self.shows("location") else ""

    @property
    def current_positions(self) -> list[Position]:
        return [p for p in self.positions if p.is_current]

    @property
    def current_organization(self) -> str:
        current = self.current_positions
        return current[0].organization_name if current else ""


def profile_for_viewer(viewer: Viewer, profile: Profile) -> ProfileForViewer:
    """Load what `viewer` may see of `profile`: one query per visible list, whatever its size.

    Call `profile_visible_to()` first: this function assumes the profile itself is visible.
    Pass `viewer=None` to get what visitors (and search engines) see.
    """
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    is_owner = viewer_id is not None and viewer_id == profile.member_id
    visible = frozenset(s for s in SECTIONS if section_visible_to(viewer, profile, s))
    result = ProfileForViewer(profile=profile, is_owner=is_owner, visible_sections=visible)
    if "experience" in visible:
        result.positions = list(profile.positions.all())
    if "education" in visible:
        result.education = list(profile.education.all())
    if "skills" in visible:
        result.skills = list(profile.skills.select_related("skill"))
    if "languages" in visible:
        result.languages = list(profile.languages.all())
    if "certifications" in visible:
        result.certifications = list(profile.certifications.all())
    if "links" in visible:
        result.links = list(profile.links.all())
    contacts = (
        list(profile.contacts.all()) if (viewer_id is not None or profile.public_page) else []
    )
    result.contacts = [
        entry
        for entry in contacts
        if audience.can_view_audience(viewer, owner_id=profile.member_id, audience=entry.audience)
    ]
    return result


def profile_public_part(view: ProfileForViewer) -> ProfileForViewer:
    """What visitors see, cut from a member's view without loading anything again.

    Audiences are nested (public ⊂ members ⊂ connections ⊂ only me) and a member who sees the
    profile at all is not blocked, so everything public is already in any member's view.
    """
    profile = view.profile
    public = frozenset(s for s in SECTIONS if section_visible_to(None, profile, s))
    return ProfileForViewer(
        profile=profile,
        is_owner=False,
        visible_sections=public,
        positions=view.positions if "experience" in public else [],
        education=view.education if "education" in public else [],
        skills=view.skills if "skills" in public else [],
        languages=view.languages if "languages" in public else [],
        certifications=view.certifications if "certifications" in public else [],
        links=view.links if "links" in public else [],
        contacts=[
            c for c in view.contacts if profile.public_page and c.audience == Audience.PUBLIC
        ],
    )


def locations_visible_to(viewer: Viewer, profiles: list[Profile]) -> dict[int, str]:
    """Each profile's location as `viewer` may see it, for lists of people (bounded queries).

    Lists show a person's name, photo and headline (always visible) and their location, which
    has its own audience like every other section: the same rule as `section_visible_to`.
    """
    viewer_is_member = viewer is not None and viewer.is_authenticated
    allowed = audience.can_view_audience_many(
        viewer, [(p.member_id, p.location_audience) for p in profiles]
    )
    return {
        profile.pk: profile.location if ok and (viewer_is_member or profile.public_page) else ""
        for profile, ok in zip(profiles, allowed, strict=True)
    }


def public_profiles_for_sitemap():
    """Profiles a search engine may list: public page on, active member, an address."""
    return (
        Profile.objects.filter(public_page=True, member__is_active=True, address__isnull=False)
        .only("address", "updated_at")
        .order_by("pk")
    )


__all__ = [
    "SECTIONS",
    "Audience",
    "ProfileForViewer",
    "profile_by_address",
    "profile_card_for",
    "profile_for_viewer",
    "profile_public_part",
    "locations_visible_to",
    "profile_visible_to",
    "public_profiles_for_sitemap",
    "section_visible_to",
]
