"""`audience.Relation` implementations backed by the test models.

`ids_for` returns a values_list queryset, so `filter_visible` keeps it as one SQL subquery;
`contains` asks the database a single EXISTS question.
"""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, When

from maillage.core import audience

from .models import Block, CircleMembership, CompanyMembership, Link


def _other_side(queryset: QuerySet, left: str, right: str, viewer_id: int) -> QuerySet:
    """Ids on the far side of symmetric rows (`left`, `right`) that involve the viewer."""
    return (
        queryset.filter(Q(**{left: viewer_id}) | Q(**{right: viewer_id}))
        .annotate(
            other=Case(When(**{left: viewer_id}, then=F(right)), default=F(left)),
        )
        .values_list("other", flat=True)
    )


class LinkRelation:
    """Members the viewer is linked to, whichever column of the row they are in."""

    def ids_for(self, viewer_id: int) -> QuerySet:
        return _other_side(Link.objects.all(), "a_id", "b_id", viewer_id)

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return Link.objects.filter(
            Q(a_id=viewer_id, b_id=other_id) | Q(a_id=other_id, b_id=viewer_id)
        ).exists()


class CircleRelation:
    """Circles (groups) the viewer is a member of."""

    def ids_for(self, viewer_id: int) -> QuerySet:
        return CircleMembership.objects.filter(member_id=viewer_id).values_list(
            "circle_id", flat=True
        )

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return CircleMembership.objects.filter(member_id=viewer_id, circle_id=other_id).exists()


class CompanyRelation:
    """Companies (organizations) the viewer belongs to."""

    def ids_for(self, viewer_id: int) -> QuerySet:
        return CompanyMembership.objects.filter(member_id=viewer_id).values_list(
            "company_id", flat=True
        )

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return CompanyMembership.objects.filter(member_id=viewer_id, company_id=other_id).exists()


class BlockRelation:
    """Members on either side of a block with the viewer (who blocked them or whom they blocked)."""

    def ids_for(self, viewer_id: int) -> QuerySet:
        return _other_side(Block.objects.all(), "blocker_id", "blocked_id", viewer_id)

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=other_id)
            | Q(blocker_id=other_id, blocked_id=viewer_id)
        ).exists()


RELATIONS = {
    audience.CONNECTIONS: LinkRelation(),
    audience.GROUPS: CircleRelation(),
    audience.ORGANIZATIONS: CompanyRelation(),
    audience.BLOCKED: BlockRelation(),
}
