"""Reads for the network. `people_for_viewer` is how any list of people gets its degree badges,
mutual-connection counts, visible locations and the viewer's relationship to each person."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, UUIDField, Value

from maillage.accounts.models import User
from maillage.core import audience

from . import degrees
from .models import (
    Block,
    Connection,
    ConnectionsVisibility,
    Follow,
    Invitation,
    Mute,
    NetworkSettings,
)


@dataclass(frozen=True)
class PendingInvitation:
    """A pending invitation as the action buttons need it: its public id."""

    public_id: uuid.UUID


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands with one person, for the buttons next to their name."""

    degree: int | None = None
    connected: bool = False
    invitation_sent: PendingInvitation | None = None  # the viewer invited them, still pending
    invitation_received: PendingInvitation | None = None  # they invited the viewer, pending
    following: bool = False
    muted: bool = False  # the viewer muted them
    blocked: bool = False  # the viewer blocked them (only the blocker ever sees this state)


def people_for_viewer(viewer, members: Sequence[User], *, relationships: bool = False) -> None:
    """Annotate each member in place: `degree` (1, 2, 3 or None), `mutual_count`,
    `visible_location` and, with `relationships=True`, `relationship` — in a fixed number of
    queries and cache round trips whatever the number of people."""
    from maillage.accounts.selectors import _attach_visible_locations

    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    ids = [m.pk for m in members]
    found = degrees.degrees_for(viewer_id, ids)
    mutual = degrees.mutual_counts(viewer_id, ids)
    for member in members:
        member.degree = found.get(member.pk)
        member.mutual_count = mutual.get(member.pk, 0)
    _attach_visible_locations(viewer, list(members))
    if relationships:
        for member, relationship in zip(
            members, relationships_for(viewer, members, degrees_found=found), strict=True
        ):
            member.relationship = relationship


def relationships_for(viewer, members: Sequence[User], *, degrees_found=None) -> list[Relationship]:
    """The viewer's standing with each member — pending invitations either way (an invitation the
    other ignored still looks pending to the viewer, see `services.awaiting_answer_q`), follows,
    mutes and blocks — in one query (a UNION) for any number of people."""
    from .services import awaiting_answer_q

    if not getattr(viewer, "is_authenticated", False):
        return [Relationship() for _m in members]
    ids = [m.pk for m in members]
    found = degrees_found if degrees_found is not None else degrees.degrees_for(viewer.pk, ids)
    no_id = Value(None, output_field=UUIDField())
    pending = Invitation.Status.PENDING
    rows = (
        Invitation.objects.filter(awaiting_answer_q(), sender_id=viewer.pk, recipient_id__in=ids)
        .annotate(kind=Value("s"))
        .values_list("recipient_id", "kind", "public_id")
        .union(
            Invitation.objects.filter(recipient_id=viewer.pk, sender_id__in=ids, status=pending)
            .annotate(kind=Value("r"))
            .values_list("sender_id", "kind", "public_id"),
            Follow.objects.filter(follower_id=viewer.pk, followed_id__in=ids)
            .annotate(kind=Value("f"), none=no_id)
            .values_list("followed_id", "kind", "none"),
            Mute.objects.filter(muter_id=viewer.pk, muted_id__in=ids)
            .annotate(kind=Value("m"), none=no_id)
            .values_list("muted_id", "kind", "none"),
            Block.objects.filter(blocker_id=viewer.pk, blocked_id__in=ids)
            .annotate(kind=Value("b"), none=no_id)
            .values_list("blocked_id", "kind", "none"),
            all=True,
        )
    )
    sent: dict[int, PendingInvitation] = {}
    received: dict[int, PendingInvitation] = {}
    flags: dict[str, set[int]] = {"f": set(), "m": set(), "b": set()}
    for member_id, kind, public_id in rows:
        if kind == "s":
            sent[member_id] = PendingInvitation(public_id=_as_uuid(public_id))
        elif kind == "r":
            received[member_id] = PendingInvitation(public_id=_as_uuid(public_id))
        else:
            flags[kind].add(member_id)
    return [
        Relationship(
            degree=found.get(m.pk),
            connected=found.get(m.pk) == degrees.FIRST,
            invitation_sent=sent.get(m.pk),
            invitation_received=received.get(m.pk),
            following=m.pk in flags["f"],
            muted=m.pk in flags["m"],
            blocked=m.pk in flags["b"],
        )
        for m in members
    ]


def _as_uuid(value) -> uuid.UUID:
    # A UNION's column type is the database's guess: SQLite returns the stored hex string.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def connections_visibility(member_id: int) -> str:
    row = NetworkSettings.objects.filter(member_id=member_id).values_list(
        "connections_visibility", flat=True
    ).first()
    return row or ConnectionsVisibility.CONNECTIONS


def may_see_connections_of(viewer, member: User) -> bool:
    """Whether `viewer` may list `member`'s connections: the member themself always; their
    connections unless the member chose "only me"; nobody else. Mutual connections are a
    different question: a viewer always sees the people they share with someone (they are the
    viewer's own connections)."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == member.pk:
        return True
    if connections_visibility(member.pk) == ConnectionsVisibility.ONLY_ME:
        return False
    return audience.can_view_audience(
        viewer, owner_id=member.pk, audience=audience.Audience.CONNECTIONS
    )


def connections_of(member: User) -> QuerySet[Connection]:
    """`member`'s connection rows, newest first, with the other person and their profile."""
    return (
        Connection.objects.filter(member=member, other__is_active=True)
        .select_related("other", "other__profile")
        .order_by("-created_at", "-pk")
    )


def connection_count(member_id: int) -> int:
    return len(degrees.first_degree_ids(member_id))
