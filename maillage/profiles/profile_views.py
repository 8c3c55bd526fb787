"""Who viewed my profile: recording views, showing them to the owner, forgetting them after 90 days.

A view is one row per viewer, profile and day. The viewer's browsing mode is frozen in the row
when they look, with what a semi-private view may show ("someone in Marketing at Orange"), so a
member who later switches to full mode does not unmask the profiles they visited in private.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core import audience
from maillage.core.models import InstanceSettings

from .models import BrowsingMode, Position, Profile, ProfileView

RETENTION_DAYS = 90
PRUNE_CACHE_KEY = "profiles:prune"
LABEL_SEPARATOR = "|"
_LABEL_PART_MAX = 95  # two parts and a separator fit the 200-character column


def _today() -> date:
    return timezone.localdate()


# --- Recording --------------------------------------------------------------------------------


def _clean_part(text: str) -> str:
    return " ".join((text or "").replace(LABEL_SEPARATOR, " ").split())[:_LABEL_PART_MAX]


def semi_private_label_join(field: str, organization: str) -> str:
    """The stored form of a semi-private label: "field|organization"."""
    return f"{_clean_part(field)}{LABEL_SEPARATOR}{_clean_part(organization)}"


def semi_private_label_parts(viewer: User) -> str:
    """ "field|organization" from the viewer's current position, stored with a semi-private view.

    The field is the viewer's industry, or their job title when they gave no industry. Only the
    parts are stored: the sentence is built at display time, in the owner's language.
    """
    profile = getattr(viewer, "profile", None)
    current = (
        Position.objects.filter(profile__member=viewer, end_date__isnull=True)
        .order_by("-start_date")
        .values_list("title", "organization_name")
        .first()
    )
    title, organization = current if current else ("", "")
    field = (profile.industry if profile is not None else "") or title
    return semi_private_label_join(field, organization)


def profile_view_record(*, viewer, profile: Profile) -> None:
    """Record that `viewer` looked at `profile` today.

    Never records visitors, inactive members or the owner. At most one row per viewer and day:
    the unique constraint does the de-duplication in the INSERT (no read first).
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return
    if not viewer.is_active or viewer.pk == profile.member_id:
        return
    viewer_profile = getattr(viewer, "profile", None)
    mode = viewer_profile.browsing_mode if viewer_profile is not None else BrowsingMode.FULL
    label = semi_private_label_parts(viewer) if mode == BrowsingMode.SEMI_PRIVATE else ""
    ProfileView.objects.bulk_create(
        [
            ProfileView(
                viewed=profile, viewer=viewer, day=_today(), mode=mode, semi_private_label=label
            )
        ],
        ignore_conflicts=True,
    )
    if cache.add(PRUNE_CACHE_KEY, 1, 86400):
        from maillage.core.tasks import enqueue_on_commit

        from .tasks import profile_views_prune_task

        enqueue_on_commit(profile_views_prune_task)


def profile_views_prune(*, today: date | None = None) -> int:
    """Delete views older than the retention window; returns how many rows went (idempotent)."""
    cutoff = (today or _today()) - timedelta(days=RETENTION_DAYS)
    deleted, _per_model = ProfileView.objects.filter(day__lt=cutoff).delete()
    return deleted


# --- Browsing mode ----------------------------------------------------------------------------


def profile_set_browsing_mode(*, profile: Profile, mode: str) -> Profile:
    """Choose how this member appears in the "who viewed" lists of the profiles they visit."""
    if mode not in BrowsingMode.values:
        raise ValueError(f"Unknown browsing mode {mode!r}")
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(browsing_mode=mode, updated_at=timezone.now())
        profile.browsing_mode = mode
    return profile


# --- Showing ----------------------------------------------------------------------------------


@dataclass
class ViewerRow:
    """One line of "who viewed my profile"."""

    kind: str  # a BrowsingMode value
    day: date
    member: User | None = None  # only for full views
    label: str = ""  # what a semi-private or private view shows

    @property
    def is_full(self) -> bool:
        return self.kind == BrowsingMode.FULL

    @property
    def profile(self) -> Profile | None:
        return self.member.profile if self.member is not None else None


def semi_private_label_text(parts: str) -> str:
    """The sentence for stored "field|organization" parts, in the active language."""
    field, _sep, organization = (parts or "").partition(LABEL_SEPARATOR)
    field, organization = field.strip(), organization.strip()
    if field and organization:
        return _("Someone in %(field)s at %(organization)s") % {
            "field": field,
            "organization": organization,
        }
    if organization:
        return _("Someone at %(organization)s") % {"organization": organization}
    if field:
        return _("Someone in %(field)s") % {"field": field}
    return anonymous_label()


def anonymous_label() -> str:
    return _("A %(instance)s member") % {"instance": InstanceSettings.current().name}


def _window(owner_profile: Profile, since_days: int):
    since = _today() - timedelta(days=since_days)
    blocked = audience.relation(audience.BLOCKED).ids_for(owner_profile.member_id)
    return ProfileView.objects.filter(viewed=owner_profile, day__gte=since).exclude(
        viewer_id__in=blocked
    )


def profile_views_count(*, owner_profile: Profile, since_days: int = RETENTION_DAYS) -> int:
    """How many views the profile had in the window (one per viewer and day)."""
    return _window(owner_profile, since_days).count()


def profile_viewers_for_owner(
    *, owner_profile: Profile, since_days: int = RETENTION_DAYS, limit: int = 200
) -> list[ViewerRow]:
    """The owner's "who viewed my profile" rows, newest first, in one query.

    Each view is shown as the viewer chose when they looked: their name and headline, the
    frozen semi-private label, or an anonymous member. A viewer who has since left (inactive)
    is shown anonymously. Blocked members' views are left out.
    """
    views = (
        _window(owner_profile, since_days)
        .select_related("viewer", "viewer__profile")
        .order_by("-day", "-created_at", "-pk")[:limit]
    )
    rows = []
    anonymous = None
    for view in views:
        if view.mode == BrowsingMode.FULL and view.viewer.is_active:
            rows.append(ViewerRow(kind=BrowsingMode.FULL, day=view.day, member=view.viewer))
        elif view.mode == BrowsingMode.SEMI_PRIVATE:
            rows.append(
                ViewerRow(
                    kind=BrowsingMode.SEMI_PRIVATE,
                    day=view.day,
                    label=semi_private_label_text(view.semi_private_label),
                )
            )
        else:
            anonymous = anonymous or anonymous_label()
            rows.append(ViewerRow(kind=BrowsingMode.PRIVATE, day=view.day, label=anonymous))
    return rows


@dataclass
class ViewersPage:
    count: int
    rows: list[ViewerRow]
    owner_is_private: bool  # the owner browses privately: count only, as on LinkedIn


def profile_viewers_page(*, owner_profile: Profile) -> ViewersPage:
    """What /profile/viewers/ shows to the owner."""
    count = profile_views_count(owner_profile=owner_profile)
    private = owner_profile.browsing_mode == BrowsingMode.PRIVATE
    rows = [] if private or not count else profile_viewers_for_owner(owner_profile=owner_profile)
    return ViewersPage(count=count, rows=rows, owner_is_private=private)
