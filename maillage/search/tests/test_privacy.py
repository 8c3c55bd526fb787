"""Search never matches on what the searcher may not see: each field group follows its
section's audience, for queries and filters alike, for every kind of searcher; blocked and
inactive members never appear. The expectation is read from the profile's own rule
(`section_visible_to`), so search and the profile page cannot disagree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.core.audience import Audience
from maillage.network.tests.factories import block, connect, member
from maillage.profiles.selectors import section_visible_to
from maillage.search import services
from maillage.search.models import SearchEntry
from maillage.search.selectors import PeopleQuery, people_search

from .factories import ROLES, person, privacy_world

pytestmark = pytest.mark.django_db

LEVELS = (Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS, Audience.ONLY_ME)
# section → (query that only this section answers, the matching filter if there is one)
SECTIONS = {
    "location": ({"q": "grenoble"}, {"location": "grenoble"}),
    "experience": ({"q": "octarine"}, {"org": "octarine"}),
    "skills": ({"q": "xylography"}, None),
}


@pytest.fixture
def world():
    return privacy_world()


def found(viewer, **query) -> list[int]:
    return [m.pk for m in people_search(viewer=viewer, query=PeopleQuery(**query)).results]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", ROLES)
def test_a_field_matches_only_for_those_who_may_see_it(world, section, level, role):
    owner, people = world
    profile = owner.profile
    setattr(profile, f"{section}_audience", level)
    profile.save()
    services.member_index(member_id=owner.pk)
    viewer = people[role]

    may_see = section_visible_to(viewer, profile, section)
    expected = [owner.pk] if may_see else []
    if role in ("blocked", "blocker"):
        assert not may_see
    else:
        assert may_see == (
            level in (Audience.PUBLIC, Audience.MEMBERS)
            or (level == Audience.CONNECTIONS and role == "connection")
        )
    query, filter_ = SECTIONS[section]
    assert found(viewer, **query) == expected
    if filter_:
        assert found(viewer, **filter_) == expected
        # With a name query that matches anyway, the filter still decides.
        assert found(viewer, q="quillard", **filter_) == expected


@pytest.mark.parametrize("role", ROLES)
def test_name_and_headline_match_for_every_member_but_blocked_ones(world, role):
    owner, people = world
    expected = [] if role in ("blocked", "blocker") else [owner.pk]
    assert found(people[role], q="zephyrin") == expected
    assert found(people[role], q="zorglub") == expected


def test_hiding_every_section_keeps_only_name_and_headline(world):
    owner, people = world
    profile = owner.profile
    for section in SECTIONS:
        setattr(profile, f"{section}_audience", Audience.ONLY_ME)
    profile.save()
    services.member_index(member_id=owner.pk)
    groups = set(SearchEntry.objects.filter(member=owner).values_list("group", flat=True))
    assert groups == {"name", "headline"}  # "only me" entries are not even stored
    assert found(people["connection"], q="zephyrin grenoble") == []
    assert found(people["connection"], q="zephyrin") == [owner.pk]


def test_the_searcher_does_not_find_themself(world):
    owner, _people = world
    assert found(owner, q="zephyrin") == []


def test_visitors_find_nobody(world):
    assert people_search(viewer=AnonymousUser(), query=PeopleQuery(q="zephyrin")).results == []


def test_inactive_members_are_not_found(world):
    owner, people = world
    owner.is_active = False
    owner.save()
    assert found(people["stranger"], q="zephyrin") == []  # filtered even if still indexed
    services.member_index(member_id=owner.pk)
    assert not SearchEntry.objects.filter(member=owner).exists()
    owner.is_active = True
    owner.save()
    services.member_index(member_id=owner.pk)
    assert found(people["stranger"], q="zephyrin") == [owner.pk]
    services.member_unindex(member_id=owner.pk)
    assert found(people["stranger"], q="zephyrin") == []


@pytest.mark.parametrize(
    ("degrees", "expected_roles"),
    [
        ({1}, {"connection"}),
        ({2}, {"second"}),
        ({3}, {"stranger"}),
        ({1, 2}, {"connection", "second"}),
        (set(), {"connection", "second", "stranger"}),
    ],
)
def test_degree_filter(degrees, expected_roles):
    viewer = member()
    people = {
        role: person("Ysolde", role.capitalize()) for role in ("connection", "second", "stranger")
    }
    connect(viewer, people["connection"])
    connect(people["connection"], people["second"])
    blocked = person("Ysolde", "Blocked")
    block(viewer, blocked)
    result = set(found(viewer, q="ysolde", degrees=frozenset(degrees)))
    assert result == {people[r].pk for r in expected_roles}
