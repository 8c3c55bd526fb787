"""The audience rules, for every kind of viewer, through both entry points.

`can_view` (one object) and `filter_visible` / `visible_q` (a queryset, in SQL) must always
agree: every check here goes through both, and random graphs of members, connections, blocks,
memberships and content compare them with each other and with a plain-Python model of the rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from maillage.accounts.tests.factories import UserFactory
from maillage.core import audience
from maillage.core.audience import (
    Audience,
    EmptyRelation,
    can_view,
    can_view_audience,
    filter_visible,
    visible_q,
)
from tests.audience_app.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    Company,
    CompanyMembership,
    Link,
    Note,
)

pytestmark = pytest.mark.django_db

UNKNOWN_AUDIENCE = "friends_of_friends"  # not an Audience value: must mean "owner only"

ANONYMOUS = "anonymous"
NONE = "none"


def visible_ids(viewer, queryset=None) -> list:
    ids = list(filter_visible(viewer, queryset or Note.objects.all()).values_list("pk", flat=True))
    assert len(ids) == len(set(ids)), "filter_visible returned duplicate rows"
    return ids


def sees(viewer, note: Note) -> bool:
    """Whether `viewer` sees `note`, after checking both entry points agree."""
    single = can_view(viewer, note)
    listed = filter_visible(viewer, Note.objects.filter(pk=note.pk)).exists()
    assert single == listed, (
        f"can_view says {single} but filter_visible says {listed} for {viewer!r} on {note}"
    )
    return single


# --- A small, hand-built world -------------------------------------------------------------


def link(a, b) -> None:
    Link.objects.create(a=a, b=b)


def block(blocker, blocked) -> None:
    Block.objects.create(blocker=blocker, blocked=blocked)


def join_circle(member, circle) -> None:
    CircleMembership.objects.create(member=member, circle=circle)


def join_company(member, company) -> None:
    CompanyMembership.objects.create(member=member, company=company)


@pytest.fixture
def world(audience_relations):
    w = SimpleNamespace()
    w.owner = UserFactory()
    w.friend = UserFactory()  # 1st degree
    w.second_degree = UserFactory()  # connected to the friend only
    w.stranger = UserFactory()  # member of the instance, no tie to the owner
    w.circle_member = UserFactory()
    w.company_member = UserFactory()
    # The blocked ones have every other tie to the owner: only the block hides things.
    w.blocked_by_owner = UserFactory()
    w.blocker_of_owner = UserFactory()
    w.inactive_friend = UserFactory(is_active=False)

    w.circle = Circle.objects.create(name="Rust Lyon")
    w.other_circle = Circle.objects.create(name="Paris Python")
    w.company = Company.objects.create(name="Acme")
    w.other_company = Company.objects.create(name="Globex")

    link(w.owner, w.friend)
    link(w.second_degree, w.friend)  # stored in the other direction on purpose
    link(w.owner, w.inactive_friend)
    for tied in (
        w.owner,
        w.circle_member,
        w.blocked_by_owner,
        w.blocker_of_owner,
        w.inactive_friend,
    ):
        join_circle(tied, w.circle)
    for tied in (
        w.owner,
        w.company_member,
        w.blocked_by_owner,
        w.blocker_of_owner,
        w.inactive_friend,
    ):
        join_company(tied, w.company)
    for tied in (w.blocked_by_owner, w.blocker_of_owner):
        link(w.owner, tied)
    join_circle(w.stranger, w.other_circle)
    join_company(w.stranger, w.other_company)
    block(w.owner, w.blocked_by_owner)
    block(w.blocker_of_owner, w.owner)

    def note(audience_value, circle=None, company=None, owner=None):
        return Note.objects.create(
            owner=owner or w.owner,
            audience=audience_value,
            circle=circle,
            company=company,
            body=str(audience_value),
        )

    w.notes = {
        "public": note(Audience.PUBLIC),
        "members": note(Audience.MEMBERS),
        "connections": note(Audience.CONNECTIONS),
        "group": note(Audience.GROUP, circle=w.circle),
        "group_other_circle": note(Audience.GROUP, circle=w.other_circle),
        "group_without_circle": note(Audience.GROUP),
        "organization": note(Audience.ORGANIZATION, company=w.company),
        "organization_other_company": note(Audience.ORGANIZATION, company=w.other_company),
        "organization_without_company": note(Audience.ORGANIZATION),
        # A circle or company on a non-group note gives its members nothing.
        "connections_in_circle": note(Audience.CONNECTIONS, circle=w.circle, company=w.company),
        "only_me": note(Audience.ONLY_ME, circle=w.circle, company=w.company),
        "unknown": note(UNKNOWN_AUDIENCE),
        "empty": note(""),
    }
    w.viewers = {
        name: getattr(w, name)
        for name in (
            "owner",
            "friend",
            "second_degree",
            "stranger",
            "circle_member",
            "company_member",
            "blocked_by_owner",
            "blocker_of_owner",
            "inactive_friend",
        )
    }
    w.viewers[ANONYMOUS] = AnonymousUser()
    w.viewers[NONE] = None
    return w


ALL_VIEWERS = {
    "owner",
    "friend",
    "second_degree",
    "stranger",
    "circle_member",
    "company_member",
    "blocked_by_owner",
    "blocker_of_owner",
    "inactive_friend",
    ANONYMOUS,
    NONE,
}
LOGGED_IN_UNBLOCKED = {
    "owner",
    "friend",
    "second_degree",
    "stranger",
    "circle_member",
    "company_member",
}
EXPECTED_VIEWERS = {
    "public": ALL_VIEWERS - {"blocked_by_owner", "blocker_of_owner"},
    "members": LOGGED_IN_UNBLOCKED,
    "connections": {"owner", "friend"},
    "group": {"owner", "circle_member"},
    "group_other_circle": {"owner", "stranger"},
    "group_without_circle": {"owner"},
    "organization": {"owner", "company_member"},
    "organization_other_company": {"owner", "stranger"},
    "organization_without_company": {"owner"},
    "connections_in_circle": {"owner", "friend"},
    "only_me": {"owner"},
    "unknown": {"owner"},
    "empty": {"owner"},
}


@pytest.mark.parametrize("note_key", sorted(EXPECTED_VIEWERS))
def test_who_sees_each_kind_of_note(world, note_key):
    note = world.notes[note_key]
    seen_by = {name for name, viewer in world.viewers.items() if sees(viewer, note)}
    assert seen_by == EXPECTED_VIEWERS[note_key]


@pytest.mark.parametrize("viewer_key", sorted(ALL_VIEWERS))
def test_each_viewers_filtered_list(world, viewer_key):
    viewer = world.viewers[viewer_key]
    expected = {
        world.notes[key].pk for key, names in EXPECTED_VIEWERS.items() if viewer_key in names
    }
    assert set(visible_ids(viewer)) == expected


def test_second_degree_does_not_see_connections_content(world):
    assert not sees(world.second_degree, world.notes["connections"])
    assert sees(world.friend, world.notes["connections"])
    # The friend's own connections-only note reaches the 2nd-degree member, who is 1st degree
    # to the friend.
    friends_note = Note.objects.create(owner=world.friend, audience=Audience.CONNECTIONS)
    assert sees(world.second_degree, friends_note)
    assert sees(world.owner, friends_note)
    assert not sees(world.stranger, friends_note)


def test_blocks_hide_everything_both_ways(world):
    for other in (world.blocked_by_owner, world.blocker_of_owner):
        theirs = Note.objects.create(owner=other, audience=Audience.PUBLIC)
        assert not sees(world.owner, theirs)
        assert sees(other, theirs)
        assert sees(world.stranger, theirs)
        assert sees(None, theirs)
        for note in world.notes.values():
            assert not sees(other, note)


def test_block_only_concerns_the_two_members(world):
    # The blocked member's content stays visible to the owner's friend.
    theirs = Note.objects.create(owner=world.blocked_by_owner, audience=Audience.MEMBERS)
    assert sees(world.friend, theirs)


def test_unblocking_restores_visibility(world):
    Block.objects.filter(blocker=world.owner, blocked=world.blocked_by_owner).delete()
    assert sees(world.blocked_by_owner, world.notes["connections"])
    assert sees(world.blocked_by_owner, world.notes["group"])
    assert not sees(world.blocked_by_owner, world.notes["only_me"])


def test_anonymous_and_none_see_only_public(world):
    for viewer in (None, AnonymousUser()):
        assert set(visible_ids(viewer)) == {world.notes["public"].pk}


def test_inactive_member_is_treated_as_anonymous(world):
    inactive = world.inactive_friend
    assert set(visible_ids(inactive)) == set(visible_ids(None))
    # Even their own things: a deactivated account is nobody until it is reactivated.
    own_private = Note.objects.create(owner=inactive, audience=Audience.ONLY_ME)
    own_public = Note.objects.create(owner=inactive, audience=Audience.PUBLIC)
    assert not sees(inactive, own_private)
    assert sees(inactive, own_public)
    inactive.is_active = True
    assert sees(inactive, own_private)
    assert sees(inactive, world.notes["connections"])


def test_owner_sees_everything_they_own(world):
    assert set(visible_ids(world.owner)) == {note.pk for note in world.notes.values()}


def test_owner_sees_own_content_even_when_a_relation_lists_them(world):
    # A block relation built as "both columns of every block row involving the viewer" also
    # returns the viewer's own id; the owner must still see their own things in lists too.
    block(world.owner, world.owner)
    link(world.owner, world.owner)
    for note in world.notes.values():
        assert sees(world.owner, note)


def test_membership_change_is_seen_at_once(world):
    note = world.notes["group"]
    assert not sees(world.friend, note)
    join_circle(world.friend, world.circle)
    assert sees(world.friend, note)
    CircleMembership.objects.filter(member=world.circle_member).delete()
    assert not sees(world.circle_member, note)


def test_visibility_change_is_seen_at_once(world):
    note = world.notes["public"]
    assert sees(world.stranger, note)
    note.audience = Audience.CONNECTIONS
    note.save()
    assert not sees(world.stranger, note)
    assert sees(world.friend, note)


def test_can_view_audience_for_single_fields(world):
    kwargs = {"owner_id": world.owner.pk}
    assert can_view_audience(world.friend, audience=Audience.CONNECTIONS, **kwargs)
    assert not can_view_audience(world.second_degree, audience=Audience.CONNECTIONS, **kwargs)
    assert can_view_audience(world.stranger, audience=Audience.MEMBERS, **kwargs)
    assert not can_view_audience(None, audience=Audience.MEMBERS, **kwargs)
    assert can_view_audience(None, audience=Audience.PUBLIC, **kwargs)
    assert not can_view_audience(world.blocker_of_owner, audience=Audience.PUBLIC, **kwargs)
    assert can_view_audience(world.owner, audience=Audience.ONLY_ME, **kwargs)
    assert not can_view_audience(world.friend, audience=Audience.ONLY_ME, **kwargs)
    assert can_view_audience(
        world.circle_member, audience=Audience.GROUP, group_id=world.circle.pk, **kwargs
    )
    assert not can_view_audience(world.circle_member, audience=Audience.GROUP, **kwargs)
    assert can_view_audience(
        world.company_member,
        audience=Audience.ORGANIZATION,
        organization_id=world.company.pk,
        **kwargs,
    )
    assert not can_view_audience(
        world.company_member,
        audience=Audience.ORGANIZATION,
        organization_id=world.other_company.pk,
        **kwargs,
    )
    # No owner (a field of nobody in particular): connections mean nobody.
    assert not can_view_audience(world.friend, owner_id=None, audience=Audience.CONNECTIONS)
    assert can_view_audience(world.friend, owner_id=None, audience=Audience.MEMBERS)


def test_visible_q_with_prefix_filters_related_objects(world):
    comments = {
        key: Comment.objects.create(note=note, body=key) for key, note in world.notes.items()
    }
    for name, viewer in world.viewers.items():
        got = set(
            Comment.objects.filter(visible_q(viewer, Note, prefix="note__")).values_list(
                "pk", flat=True
            )
        )
        expected = {comments[key].pk for key, names in EXPECTED_VIEWERS.items() if name in names}
        assert got == expected, name


def test_visible_q_combines_with_other_conditions(world):
    qs = Note.objects.filter(
        visible_q(world.friend, Note) & Q(audience=Audience.CONNECTIONS, circle__isnull=True)
    )
    assert list(qs) == [world.notes["connections"]]


def test_filter_visible_keeps_the_querysets_own_filters(world):
    qs = Note.objects.filter(audience=Audience.GROUP)
    assert set(filter_visible(world.circle_member, qs)) == {world.notes["group"]}


def test_filter_visible_is_one_query(world, django_assert_num_queries):
    for viewer in (world.friend, world.blocked_by_owner, world.owner, None):
        with django_assert_num_queries(1):
            list(filter_visible(viewer, Note.objects.all()))
    Comment.objects.create(note=world.notes["public"])
    with django_assert_num_queries(1):
        list(Comment.objects.filter(visible_q(world.friend, Note, prefix="note__")))


def test_model_without_audience_fields_is_refused(world):
    with pytest.raises(TypeError):
        can_view(world.owner, world.circle)
    with pytest.raises(TypeError):
        filter_visible(world.owner, Circle.objects.all())


# --- Relations ------------------------------------------------------------------------------


def test_register_relation_rejects_unknown_names():
    with pytest.raises(ValueError, match="Unknown audience relation"):
        audience.register_relation("followers", EmptyRelation())


def test_register_relation_returns_the_previous_one():
    mine = EmptyRelation()
    previous = audience.register_relation(audience.CONNECTIONS, mine)
    try:
        assert audience.relation(audience.CONNECTIONS) is mine
    finally:
        assert audience.register_relation(audience.CONNECTIONS, previous) is mine
    assert audience.relation(audience.CONNECTIONS) is previous


def test_empty_relations_keep_connections_content_to_its_owner(empty_relations):
    owner, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    circle = Circle.objects.create(name="c")
    company = Company.objects.create(name="o")
    # Rows exist, but nothing registered reads them.
    link(owner, friend)
    join_circle(friend, circle)
    join_company(friend, company)
    block(owner, stranger)
    connections = Note.objects.create(owner=owner, audience=Audience.CONNECTIONS)
    group = Note.objects.create(owner=owner, audience=Audience.GROUP, circle=circle)
    org = Note.objects.create(owner=owner, audience=Audience.ORGANIZATION, company=company)
    public = Note.objects.create(owner=owner, audience=Audience.PUBLIC)
    for note in (connections, group, org):
        assert sees(owner, note)
        assert not sees(friend, note)
        assert not sees(stranger, note)
        assert not sees(None, note)
    assert sees(stranger, public)
    assert set(visible_ids(friend)) == {public.pk}


def test_empty_relations_are_really_empty():
    rel = EmptyRelation()
    assert list(rel.ids_for(1)) == []
    assert rel.contains(1, 2) is False


def test_relations_return_subqueries(audience_relations):
    # Plain collections would be fetched into Python; querysets stay inside the one query.
    from django.db.models import QuerySet

    for rel in audience_relations.values():
        assert isinstance(rel.ids_for(1), QuerySet)


# --- Random graphs: can_view == filter_visible == the rules ---------------------------------


@dataclass
class Graph:
    members: list = field(default_factory=list)
    links: set = field(default_factory=set)  # frozensets of two ids (one for a self-link)
    blocks: set = field(default_factory=set)  # frozensets, either direction
    circle_members: set = field(default_factory=set)  # (member id, circle id)
    company_members: set = field(default_factory=set)  # (member id, company id)
    notes: list = field(default_factory=list)
    comments: list = field(default_factory=list)


AUDIENCE_VALUES = [*Audience.values, UNKNOWN_AUDIENCE, ""]


def build_random_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    g = Graph()
    g.members = [UserFactory(is_active=rng.random() > 0.15) for _ in range(rng.randint(3, 8))]
    circles = [Circle.objects.create(name=f"circle {i}") for i in range(3)]
    companies = [Company.objects.create(name=f"company {i}") for i in range(2)]

    for a in g.members:
        for b in g.members:
            if a.pk < b.pk and rng.random() < 0.35:
                x, y = (a, b) if rng.random() < 0.5 else (b, a)
                link(x, y)
                if rng.random() < 0.1:
                    link(y, x)  # a duplicate row must not duplicate results
                g.links.add(frozenset({a.pk, b.pk}))
            if rng.random() < (0.02 if a.pk == b.pk else 0.1):
                block(a, b)
                g.blocks.add(frozenset({a.pk, b.pk}))
        for circle in circles:
            if rng.random() < 0.4:
                join_circle(a, circle)
                g.circle_members.add((a.pk, circle.pk))
        for company in companies:
            if rng.random() < 0.4:
                join_company(a, company)
                g.company_members.add((a.pk, company.pk))

    for owner in g.members:
        for _ in range(rng.randint(0, 5)):
            value = rng.choice(AUDIENCE_VALUES)
            # Containers are set independently of the audience: a circle on a connections-only
            # note must give its members nothing.
            note = Note.objects.create(
                owner=owner,
                audience=value,
                circle=rng.choice([*circles, None]) if rng.random() < 0.7 else None,
                company=rng.choice([*companies, None]) if rng.random() < 0.7 else None,
                body=f"{seed}:{value}",
            )
            g.notes.append(note)
            for _ in range(rng.randint(0, 2)):
                g.comments.append(Comment.objects.create(note=note))
    return g


def rules_say(g: Graph, viewer, note: Note) -> bool:
    """The documented rules, written out independently of audience.py."""
    active = viewer is not None and viewer.is_authenticated and viewer.is_active
    vid = viewer.pk if active else None
    if vid is not None and vid == note.owner_id:
        return True
    if vid is not None and frozenset({vid, note.owner_id}) in g.blocks:
        return False
    if note.audience == Audience.PUBLIC:
        return True
    if vid is None:
        return False
    if note.audience == Audience.MEMBERS:
        return True
    if note.audience == Audience.CONNECTIONS:
        return frozenset({vid, note.owner_id}) in g.links
    if note.audience == Audience.GROUP:
        return (vid, note.circle_id) in g.circle_members
    if note.audience == Audience.ORGANIZATION:
        return (vid, note.company_id) in g.company_members
    return False


@pytest.mark.parametrize("seed", range(25))
def test_random_graphs_both_entry_points_agree_with_the_rules(audience_relations, seed):
    g = build_random_graph(seed)
    viewers = [*g.members, None, AnonymousUser()]
    mismatches = []
    for viewer in viewers:
        listed = set(visible_ids(viewer))
        commented = set(
            Comment.objects.filter(visible_q(viewer, Note, prefix="note__")).values_list(
                "pk", flat=True
            )
        )
        for note in g.notes:
            single = can_view(viewer, note)
            expected = rules_say(g, viewer, note)
            if not single == (note.pk in listed) == expected:
                mismatches.append(
                    f"viewer={getattr(viewer, 'pk', viewer)} note={note}: can_view={single} "
                    f"filter_visible={note.pk in listed} rules={expected}"
                )
        expected_comments = {c.pk for c in g.comments if c.note_id in listed}
        if commented != expected_comments:
            mismatches.append(
                f"viewer={getattr(viewer, 'pk', viewer)}: comments {commented} "
                f"!= {expected_comments}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_the_batched_check_agrees_with_the_single_one(audience_relations):
    """can_view_audience_many must answer exactly like can_view_audience, item by item."""
    rng = random.Random(11)
    people = [UserFactory() for _ in range(8)]
    for _ in range(10):
        a, b = rng.sample(people, 2)
        Link.objects.get_or_create(a=a, b=b)
    for _ in range(3):
        a, b = rng.sample(people, 2)
        Block.objects.get_or_create(blocker=a, blocked=b)
    levels = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS, Audience.ONLY_ME, "bogus"]
    items = [(rng.choice(people).pk, rng.choice(levels)) for _ in range(60)]
    for viewer in [None, *people]:
        expected = [
            audience.can_view_audience(viewer, owner_id=owner, audience=level)
            for owner, level in items
        ]
        assert audience.can_view_audience_many(viewer, items) == expected
