"""Skill endorsements: a 1st-degree connection vouches for one of a member's skills.

Writes (`skill_endorse`, `skill_unendorse`, `endorsements_visibility_update`) check every rule
and raise `ValidationError` with a message for the member; nothing is written then. Reads
(`endorsements_for_skills`, `skill_endorsers_page`) leave out anyone on either side of a block
with the viewer, inactive members, and everything when the owner hides endorsements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.network import degrees
from maillage.notifications.models import Kind, Notification
from maillage.notifications.selectors import forget_unread_count
from maillage.notifications.services import notification_create

from .models import Endorsement, Profile, ProfileSkill
from .selectors import profile_visible_to, section_visible_to

# How many endorsers are named next to a skill ("Endorsed by A, B and 12 others").
NAMED_ENDORSERS = 2


def _viewer_id(viewer) -> int | None:
    return viewer.pk if viewer is not None and getattr(viewer, "is_authenticated", False) else None


def endorsements_visible_to(viewer, profile: Profile) -> bool:
    """Counts and names of endorsers: with the skills section, unless the owner hides them."""
    if _viewer_id(viewer) == profile.member_id:
        return True
    if profile.endorsements_hidden:
        return False
    return section_visible_to(viewer, profile, "skills")


def may_endorse(viewer, profile: Profile) -> bool:
    """Whether `viewer` gets the Endorse buttons on `profile` (the service re-checks all)."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None or viewer_id == profile.member_id or profile.endorsements_hidden:
        return False
    if degrees.degree_of(viewer_id, profile.member_id) != degrees.FIRST:
        return False
    return section_visible_to(viewer, profile, "skills")


def _profile_skill(profile: Profile, skill_id: int) -> ProfileSkill:
    found = (
        ProfileSkill.objects.select_related("skill").filter(profile=profile, skill_id=skill_id)
    ).first()
    if found is None:
        raise ValidationError(
            _("%(name)s does not list this skill.") % {"name": profile.member.get_full_name()},
            code="unknown_skill",
        )
    return found


# --- Writes -------------------------------------------------------------------------------------


def skill_endorse(*, endorser: User, profile: Profile, skill_id: int) -> Endorsement:
    """`endorser` endorses the skill `skill_id` on `profile` (idempotent: once per person)."""
    if endorser.pk == profile.member_id:
        raise ValidationError(_("You cannot endorse your own skills."), code="self")
    if not profile_visible_to(endorser, profile):
        raise ValidationError(_("This profile is not available."), code="unavailable")
    if degrees.degree_of(endorser.pk, profile.member_id) != degrees.FIRST:
        raise ValidationError(
            _("Only 1st-degree connections can endorse skills. Connect first."),
            code="not_connected",
        )
    if not section_visible_to(endorser, profile, "skills"):
        raise ValidationError(_("You cannot see these skills."), code="hidden")
    if profile.endorsements_hidden:
        raise ValidationError(
            _("%(name)s does not show endorsements.") % {"name": profile.member.get_full_name()},
            code="endorsements_hidden",
        )
    profile_skill = _profile_skill(profile, skill_id)
    with transaction.atomic():
        existing = Endorsement.objects.filter(
            profile_skill=profile_skill, endorser=endorser
        ).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                endorsement = Endorsement.objects.create(
                    profile_skill=profile_skill, endorser=endorser
                )
        except IntegrityError:  # a double click raced us
            return Endorsement.objects.get(profile_skill=profile_skill, endorser=endorser)
        notification_create(
            recipient_id=profile.member_id,
            kind=Kind.ENDORSEMENT,
            actor_id=endorser.pk,
            # The endorsement itself: withdrawn, the notification goes with it.
            target=endorsement,
            data={"skill": profile_skill.skill.name, "skill_id": profile_skill.skill_id},
        )
    return endorsement


def skill_unendorse(*, endorser: User, profile: Profile, skill_id: int) -> bool:
    """Withdraw one's endorsement (allowed even after a disconnection). Returns whether there
    was one."""
    if endorser.pk == profile.member_id:
        raise ValidationError(_("You cannot endorse your own skills."), code="self")
    if not profile_visible_to(endorser, profile):
        raise ValidationError(_("This profile is not available."), code="unavailable")
    profile_skill = _profile_skill(profile, skill_id)
    with transaction.atomic():
        ids = list(
            Endorsement.objects.filter(
                profile_skill=profile_skill, endorser=endorser
            ).values_list("pk", flat=True)
        )
        deleted, _rows = Endorsement.objects.filter(pk__in=ids).delete()
        if ids:
            # Its notification points nowhere now: it goes too (and leaves the unread count).
            Notification.objects.filter(
                target_type=Endorsement._meta.label_lower, target_id__in=ids
            ).delete()
            forget_unread_count(profile.member_id)
    return bool(deleted)


def endorsements_visibility_update(*, member: User, hidden: bool) -> Profile:
    """The owner shows or hides the endorsements on their profile (kept either way)."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(member=member)
        if profile.endorsements_hidden != hidden:
            profile.endorsements_hidden = hidden
            profile.save(update_fields=["endorsements_hidden", "updated_at"])
    return profile


# --- Reads --------------------------------------------------------------------------------------


@dataclass
class SkillEndorsements:
    """What the skills section shows for one skill."""

    count: int = 0
    named: list[User] = field(default_factory=list)  # the first NAMED_ENDORSERS, closest first
    by_viewer: bool = False

    @property
    def others(self) -> int:
        return self.count - len(self.named)


def _order_closest_first(viewer_id: int | None, rows: list[tuple[int, object]]) -> list[int]:
    """Endorser ids: the viewer's own connections first, then everyone else; newest first in each
    group. `rows` are (endorser_id, created_at)."""
    first = degrees.first_degree_ids(viewer_id) if viewer_id is not None else frozenset()
    ordered = sorted(rows, key=lambda row: (row[0] not in first, -row[1].timestamp(), row[0]))
    return [endorser_id for endorser_id, _created in ordered]


def _endorsements_for(viewer_id: int | None, **lookup):
    """Endorsements by active members; visitors see only those whose endorser shows their own
    page publicly (the endorser's name is theirs to show, as for recommendations)."""
    rows = Endorsement.objects.filter(endorser__is_active=True, **lookup)
    if viewer_id is None:
        rows = rows.filter(endorser__profile__public_page=True)
    return rows


def endorsements_for_skills(
    viewer, profile: Profile, skills: list[ProfileSkill]
) -> dict[int, SkillEndorsements]:
    """Endorsements of each skill (keyed by ProfileSkill pk) as `viewer` may see them.

    Two queries whatever the number of skills and endorsements: the (skill, endorser) pairs,
    then the few endorsers named on the page, with their profiles.
    """
    result = {ps.pk: SkillEndorsements() for ps in skills}
    if not skills or not endorsements_visible_to(viewer, profile):
        return result
    viewer_id = _viewer_id(viewer)
    blocked = degrees.blocked_ids(viewer_id) if viewer_id is not None else frozenset()
    rows: dict[int, list[tuple[int, object]]] = {ps.pk: [] for ps in skills}
    for skill_pk, endorser_id, created in _endorsements_for(
        viewer_id, profile_skill__in=[ps.pk for ps in skills]
    ).values_list("profile_skill_id", "endorser_id", "created_at"):
        if endorser_id in blocked:
            continue
        rows[skill_pk].append((endorser_id, created))
    wanted: dict[int, list[int]] = {}
    for skill_pk, pairs in rows.items():
        entry = result[skill_pk]
        entry.count = len(pairs)
        entry.by_viewer = viewer_id is not None and any(e == viewer_id for e, _c in pairs)
        wanted[skill_pk] = _order_closest_first(viewer_id, pairs)[:NAMED_ENDORSERS]
    ids = {i for chosen in wanted.values() for i in chosen}
    if ids:
        people = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("profile")}
        for skill_pk, chosen in wanted.items():
            result[skill_pk].named = [people[i] for i in chosen if i in people]
    return result


@dataclass
class EndorsersPage:
    people: list[User]
    has_more: bool
    total: int


def skill_endorsers_page(
    viewer, profile_skill: ProfileSkill, *, limit: int = 20, offset: int = 0
) -> EndorsersPage:
    """Everyone who endorsed one skill, the viewer's connections first, one page at a time.

    Call `endorsements_visible_to()` first. Ids are ordered in memory (one narrow query), then
    only the page's people are loaded with their profiles and annotated for the viewer.
    """
    from maillage.network.selectors import people_for_viewer

    viewer_id = _viewer_id(viewer)
    blocked = degrees.blocked_ids(viewer_id) if viewer_id is not None else frozenset()
    rows = [
        (endorser_id, created)
        for endorser_id, created in _endorsements_for(
            viewer_id, profile_skill=profile_skill
        ).values_list("endorser_id", "created_at")
        if endorser_id not in blocked
    ]
    ordered = _order_closest_first(viewer_id, rows)
    page_ids = ordered[offset : offset + limit]
    found = {u.pk: u for u in User.objects.filter(pk__in=page_ids).select_related("profile")}
    people = [found[i] for i in page_ids if i in found]
    people_for_viewer(viewer, people)
    return EndorsersPage(people=people, has_more=len(ordered) > offset + limit, total=len(ordered))
