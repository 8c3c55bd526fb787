"""Who may see what: the one place audience is decided.

Every read path — pages, feed, search, notifications, e-mail, API, exports, WebSocket pushes —
asks one of two questions, and both are answered here from the same rules:

* `can_view(viewer, obj)` / `can_view_audience(...)`: may this viewer see this object (or this
  profile field)?
* `filter_visible(viewer, queryset)`: narrow a queryset to what the viewer may see, in SQL.

The rules (an owner always sees their own things; blocking hides everything both ways):

==============  ==========================================================================
public          everyone, including visitors who are not logged in
members         any logged-in member of this instance
connections     the owner's 1st-degree connections
group           members of the group the object belongs to
organization    members of the organization the object belongs to
only_me         the owner alone
==============  ==========================================================================

Relations (connections, group and organization memberships, blocks) belong to other apps, which
register a `Relation` for each name in `RELATION_NAMES` from their `AppConfig.ready()`. Until an
app registers one, the relation is empty: "connections" content is then visible to its owner
only, which errs on the side of privacy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

    Viewer = User | AnonymousUser | None


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members of this network")
    CONNECTIONS = "connections", _("Connections")
    GROUP = "group", _("Group members")
    ORGANIZATION = "organization", _("Organization members")
    ONLY_ME = "only_me", _("Only me")


# Audiences a member may pick for their own profile fields and posts (group and organization
# audiences are chosen by posting inside a group or as an organization instead).
PERSONAL_AUDIENCES = [
    Audience.PUBLIC,
    Audience.MEMBERS,
    Audience.CONNECTIONS,
    Audience.ONLY_ME,
]


@dataclass(frozen=True)
class AudienceFields:
    """Where a model keeps what the rules need. Declare it as `audience_fields` on the model."""

    audience: str = "audience"
    owner: str = "owner"
    group: str | None = None
    organization: str | None = None


class Relation(Protocol):
    """A set of ids tied to a viewer (their connections, their groups, who they blocked...)."""

    def ids_for(self, viewer_id: int) -> QuerySet | Iterable[int]:
        """The ids, as a values_list queryset (kept as a SQL subquery) or a plain collection."""

    def contains(self, viewer_id: int, other_id: int) -> bool:
        """Whether `other_id` is in the viewer's set, cheaply, for one object."""


class EmptyRelation:
    def ids_for(self, viewer_id: int) -> list[int]:
        return []

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return False


CONNECTIONS = "connections"  # member ids the viewer is connected to (1st degree)
GROUPS = "groups"  # group ids the viewer is a member of
ORGANIZATIONS = "organizations"  # organization ids the viewer belongs to
BLOCKED = "blocked"  # member ids on either side of a block with the viewer
RELATION_NAMES = (CONNECTIONS, GROUPS, ORGANIZATIONS, BLOCKED)

_relations: dict[str, Relation] = {name: EmptyRelation() for name in RELATION_NAMES}


def register_relation(name: str, relation: Relation) -> Relation:
    """Plug in the provider of a relation; returns the previous one (tests restore it)."""
    if name not in RELATION_NAMES:
        raise ValueError(f"Unknown audience relation {name!r}; expected one of {RELATION_NAMES}")
    previous = _relations[name]
    _relations[name] = relation
    return previous


def relation(name: str) -> Relation:
    return _relations[name]


def _member_id(viewer: Any) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    if not getattr(viewer, "is_active", True):
        return None
    return viewer.pk


def is_blocked(viewer_id: int | None, owner_id: int | None) -> bool:
    if viewer_id is None or owner_id is None or viewer_id == owner_id:
        return False
    return _relations[BLOCKED].contains(viewer_id, owner_id)


def can_view_audience(
    viewer: Viewer,
    *,
    owner_id: int | None,
    audience: str,
    group_id: int | None = None,
    organization_id: int | None = None,
) -> bool:
    """May `viewer` see something of `owner_id`'s shown to `audience`? (Also for single fields.)"""
    viewer_id = _member_id(viewer)
    if viewer_id is not None and viewer_id == owner_id:
        return True
    if is_blocked(viewer_id, owner_id):
        return False
    if audience == Audience.PUBLIC:
        return True
    if viewer_id is None:
        return False
    if audience == Audience.MEMBERS:
        return True
    if audience == Audience.CONNECTIONS:
        return owner_id is not None and _relations[CONNECTIONS].contains(viewer_id, owner_id)
    if audience == Audience.GROUP:
        return group_id is not None and _relations[GROUPS].contains(viewer_id, group_id)
    if audience == Audience.ORGANIZATION:
        return organization_id is not None and _relations[ORGANIZATIONS].contains(
            viewer_id, organization_id
        )
    # ONLY_ME, and any value we do not know: nobody but the owner.
    return False


def can_view_audience_many(
    viewer: Viewer, items: Iterable[tuple[int | None, str]]
) -> list[bool]:
    """`can_view_audience` for many (owner_id, audience) pairs — lists of people, say — with at
    most one query per relation instead of one per item. Group and organization audiences are
    not list material and fall back to the single check."""
    items = list(items)
    viewer_id = _member_id(viewer)
    if viewer_id is None:
        return [level == Audience.PUBLIC for _owner, level in items]
    blocked: set[int] | None = None
    connections: set[int] | None = None
    results = []
    for owner_id, level in items:
        if owner_id == viewer_id:
            results.append(True)
            continue
        if blocked is None:
            blocked = set(_relations[BLOCKED].ids_for(viewer_id))
        if owner_id in blocked:
            results.append(False)
        elif level in (Audience.PUBLIC, Audience.MEMBERS):
            results.append(True)
        elif level == Audience.CONNECTIONS:
            if connections is None:
                connections = set(_relations[CONNECTIONS].ids_for(viewer_id))
            results.append(owner_id in connections)
        elif level in (Audience.GROUP, Audience.ORGANIZATION):
            results.append(can_view_audience(viewer, owner_id=owner_id, audience=level))
        else:
            results.append(False)
    return results


def fields_of(model: type[models.Model]) -> AudienceFields:
    spec = getattr(model, "audience_fields", None)
    if not isinstance(spec, AudienceFields):
        raise TypeError(f"{model.__name__} must declare audience_fields = AudienceFields(...)")
    return spec


def can_view(viewer: Viewer, obj: models.Model) -> bool:
    """May `viewer` see `obj`? `obj`'s model declares `audience_fields`."""
    spec = fields_of(type(obj))
    return can_view_audience(
        viewer,
        owner_id=getattr(obj, f"{spec.owner}_id"),
        audience=getattr(obj, spec.audience),
        group_id=getattr(obj, f"{spec.group}_id") if spec.group else None,
        organization_id=(getattr(obj, f"{spec.organization}_id") if spec.organization else None),
    )


def visible_q(viewer: Viewer, model: type[models.Model], prefix: str = "") -> Q:
    """The condition `filter_visible` applies, for use inside larger queries.

    `prefix` ("post__", say) applies the rule to a related object.
    """
    spec = fields_of(model)
    audience = f"{prefix}{spec.audience}"
    owner = f"{prefix}{spec.owner}_id"
    viewer_id = _member_id(viewer)
    if viewer_id is None:
        return Q(**{audience: Audience.PUBLIC})

    allowed = Q(**{f"{audience}__in": [Audience.PUBLIC, Audience.MEMBERS]}) | Q(
        **{audience: Audience.CONNECTIONS},
        **{f"{owner}__in": _relations[CONNECTIONS].ids_for(viewer_id)},
    )
    if spec.group:
        allowed |= Q(
            **{audience: Audience.GROUP},
            **{f"{prefix}{spec.group}_id__in": _relations[GROUPS].ids_for(viewer_id)},
        )
    if spec.organization:
        allowed |= Q(
            **{audience: Audience.ORGANIZATION},
            **{f"{prefix}{spec.organization}_id__in": _relations[ORGANIZATIONS].ids_for(viewer_id)},
        )
    not_blocked = ~Q(**{f"{owner}__in": _relations[BLOCKED].ids_for(viewer_id)})
    # The owner sees their own things even if a relation lists them (as can_view does).
    return Q(**{owner: viewer_id}) | (allowed & not_blocked)


def filter_visible(viewer: Viewer, queryset: QuerySet) -> QuerySet:
    """Narrow `queryset` to the objects `viewer` may see."""
    return queryset.filter(visible_q(viewer, queryset.model))
