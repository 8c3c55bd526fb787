"""Order of results: closer degrees first, then match quality, then mutual connections."""

from __future__ import annotations

import pytest

from maillage.network.tests.factories import connect, member
from maillage.search.selectors import PeopleQuery, people_search

from .factories import person

pytestmark = pytest.mark.django_db


def ranked(viewer, q: str, **kwargs) -> list[int]:
    return [m.pk for m in people_search(viewer=viewer, query=PeopleQuery(q=q), **kwargs).results]


def test_first_degree_before_second_before_third():
    viewer = member()
    third = person("Alix", "Martin")
    second = person("Alix", "Martin")
    first = person("Alix", "Martin")
    middle = member()
    connect(viewer, middle)
    connect(middle, second)
    connect(viewer, first)
    assert ranked(viewer, "alix martin") == [first.pk, second.pk, third.pk]


def test_a_worse_match_closer_by_still_comes_first():
    viewer = member()
    stranger = person("Max", "Roux")  # exact name
    friend = person("Maximilien", "Roux")  # prefix only
    connect(viewer, friend)
    assert ranked(viewer, "max") == [friend.pk, stranger.pk]


def test_match_quality_within_a_degree():
    viewer = member()
    typo = person("Oriane", "Vasseur")  # "oriana" is one edit from "oriane"
    headline = person("Paul", "Durand", headline="Oriana project lead")
    prefix = person("Orianabelle", "Petit")
    exact = person("Oriana", "Leclerc")
    assert ranked(viewer, "oriana") == [exact.pk, headline.pk, prefix.pk, typo.pk]


def test_name_before_other_fields():
    viewer = member()
    skill = person("Bruno", "Caron", skills=["Quetzal"])
    org = person("Chloé", "Garnier", orgs=["Quetzal"])
    name = person("Quetzal", "Blanc")
    assert ranked(viewer, "quetzal") == [name.pk, org.pk, skill.pk]


def test_mutual_connections_break_ties():
    viewer = member()
    few = person("Noé", "Fabre")
    many = person("Noé", "Fabre")
    for _ in range(3):
        friend = member()
        connect(viewer, friend)
        connect(friend, many)
    friend = member()
    connect(viewer, friend)
    connect(friend, few)
    assert ranked(viewer, "noe fabre") == [many.pk, few.pk]


def test_pages_follow_the_ranking():
    viewer = member()
    people = [person("Lison", f"Number{i}") for i in range(5)]
    for p in people[:2]:
        connect(viewer, p)
    page1 = people_search(viewer=viewer, query=PeopleQuery(q="lison"), per_page=3)
    page2 = people_search(viewer=viewer, query=PeopleQuery(q="lison"), page=2, per_page=3)
    assert page1.has_more and not page2.has_more
    assert page1.count == 5
    ids = [m.pk for m in page1.results + page2.results]
    assert sorted(ids) == sorted(p.pk for p in people)
    assert set(ids[:2]) == {people[0].pk, people[1].pk}
    assert [m.degree for m in page1.results] == [1, 1, 3]


@pytest.mark.parametrize("degrees_wanted", [{1, 2, 3}, {2}, {3}, {1, 3}])
def test_the_closest_are_kept_when_only_a_few_are_ranked(monkeypatch, degrees_wanted):
    """Degrees are looked up slice by slice until enough 2nd-degree people are found: the kept
    candidates are still the closest (then lowest ids) of all the matches."""
    from maillage.network import degrees
    from maillage.search import selectors

    viewer, middle = member(), member()
    connect(viewer, middle)
    people = [person("Ysolde", "Marchal") for _ in range(9)]
    for index, someone in enumerate(people):
        if index % 3 == 0:
            connect(viewer, someone)  # 1st degree
        elif index % 3 == 1:
            connect(middle, someone)  # 2nd degree
    monkeypatch.setattr(degrees, "MANY_FROM_SETS", 0)  # the many-people path, on few people
    query = PeopleQuery(q="ysolde", degrees=frozenset(degrees_wanted))
    found = degrees.degrees_for(viewer.pk, [p.pk for p in people])
    expected = sorted(
        ((p.pk, found[p.pk]) for p in people if found[p.pk] in degrees_wanted),
        key=lambda row: (row[1], row[0]),
    )
    for max_candidates in (1, 2, 4, 20):
        page = people_search(viewer=viewer, query=query, max_candidates=max_candidates)
        assert [m.pk for m in page.results] == [pk for pk, _d in expected[:max_candidates]]
        assert page.capped == (len(expected) > max_candidates)
    matched = sorted(p.pk for p in people)
    assert selectors._closest(viewer, matched, frozenset(degrees_wanted), 2) == expected[:2]


def test_a_search_by_degree_alone_finds_connections_beyond_the_first_matches(monkeypatch):
    from maillage.search import selectors

    viewer = member()
    others = [member() for _ in range(4)]
    friend = member()  # the highest id: beyond the first MAX_MATCHES members by id
    connect(viewer, friend)
    monkeypatch.setattr(selectors, "MAX_MATCHES", 2)
    page = people_search(viewer=viewer, query=PeopleQuery(degrees=frozenset({1})))
    assert [m.pk for m in page.results] == [friend.pk]
    everyone = people_search(viewer=viewer, query=PeopleQuery(degrees=frozenset({1, 2, 3})))
    assert everyone.results[0].pk == friend.pk
    assert others[0].pk in [m.pk for m in everyone.results]
