"""The matches every searcher shares are kept in the cache (`MAILLAGE_SEARCH_CACHE_SECONDS`):
they are read from it by the next searcher, and no change to the index — an audience narrowed,
a member added or removed — is ever answered from an older copy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.core.audience import Audience
from maillage.network.tests.factories import block, member
from maillage.profiles.selectors import section_visible_to
from maillage.search import generation, selectors, services
from maillage.search.selectors import PeopleQuery, people_search

from .factories import person, privacy_world
from .test_privacy import LEVELS, SECTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def match_cache(settings):
    settings.MAILLAGE_SEARCH_CACHE_SECONDS = 300


def found(viewer, **query) -> list[int]:
    return [m.pk for m in people_search(viewer=viewer, query=PeopleQuery(**query)).results]


def entry_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "search_searchentry" in q["sql"]]


@pytest.fixture
def world():
    return privacy_world()


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_narrowed_audience_is_never_answered_from_the_cache(match_cache, world, section, level):
    """Everyone searches while the section is public (the shared matches are cached), then the
    owner narrows it: each searcher gets what the profile's own rule says, at once."""
    owner, people = world
    query, filter_ = SECTIONS[section]
    searches = [query] + ([filter_, {"q": "quillard", **filter_}] if filter_ else [])
    for viewer in people.values():
        for search in searches:
            found(viewer, **search)
    profile = owner.profile
    setattr(profile, f"{section}_audience", level)
    profile.save()
    services.member_index(member_id=owner.pk)
    for role, viewer in people.items():
        expected = [owner.pk] if section_visible_to(viewer, profile, section) else []
        for search in searches:
            assert found(viewer, **search) == expected, (role, search)


def test_the_shared_matches_are_read_once(match_cache, world):
    owner, people = world
    with CaptureQueriesContext(connection) as first:
        assert found(people["stranger"], org="octarine") == [owner.pk]
    shared = [sql for sql in entry_queries(first) if "'public'" in sql]
    assert len(shared) == 1  # the matches through public and members-only entries
    with CaptureQueriesContext(connection) as again:
        assert found(people["second"], org="octarine") == [owner.pk]
    # From the cache; the second-degree searcher's own connections are read (one query) since
    # they may see what their connections show to connections only.
    queries = entry_queries(again)
    assert not [sql for sql in queries if "'public'" in sql]
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as lonely:
        assert found(member(), org="octarine") == [owner.pk]
    assert entry_queries(lonely) == []  # no connections: nothing to read at all


def test_without_the_setting_every_search_reads_the_index(settings, world):
    settings.MAILLAGE_SEARCH_CACHE_SECONDS = 0
    owner, people = world
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert found(people["stranger"], org="octarine") == [owner.pk]
        assert len(entry_queries(captured)) == 1


def test_connections_only_sections_match_for_connections_through_the_cache(match_cache, world):
    owner, people = world
    owner.profile.experience_audience = Audience.CONNECTIONS
    owner.profile.save()
    services.member_index(member_id=owner.pk)
    for _ in range(2):
        assert found(people["stranger"], org="octarine") == []
        assert found(people["connection"], org="octarine") == [owner.pk]
        # A word in a members-only entry and one in a connections-only entry, both needed.
        assert found(people["connection"], q="zorglub octarine") == [owner.pk]
        assert found(people["second"], q="zorglub octarine") == []


def test_members_added_and_removed_are_seen_at_once(match_cache, world):
    owner, people = world
    viewer = people["stranger"]
    assert found(viewer, org="octarine") == [owner.pk]
    newcomer = person("Aurèle", "Vasseur", orgs=["Octarine SA"])
    assert sorted(found(viewer, org="octarine")) == sorted([owner.pk, newcomer.pk])
    services.member_unindex(member_id=newcomer.pk)
    assert found(viewer, org="octarine") == [owner.pk]
    # A block is the searcher's own and applied after the shared matches.
    block(viewer, owner)
    assert found(viewer, org="octarine") == []


@pytest.mark.parametrize("cached", [True, False])
def test_a_search_cut_short_says_so(settings, monkeypatch, cached):
    settings.MAILLAGE_SEARCH_CACHE_SECONDS = 300 if cached else 0
    viewer = member()
    people = [person("Ysolde", f"Marchal{i}", orgs=["Octarine"]) for i in range(3)]
    monkeypatch.setattr(selectors, "MAX_MATCHES", 2)
    page = people_search(viewer=viewer, query=PeopleQuery(org="octarine"))
    assert page.capped and len(page.results) == 2
    monkeypatch.setattr(selectors, "MAX_MATCHES", 20_000)
    page = people_search(viewer=viewer, query=PeopleQuery(org="octarine"))
    assert not page.capped and len(page.results) == len(people)


def test_the_generation_changes_now_and_again_at_commit(django_capture_on_commit_callbacks):
    before = generation.current()
    assert generation.current() == before  # stable while nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        generation.bump()
        during = generation.current()
        assert during != before
    assert generation.current() not in (before, during)


def test_a_lost_generation_is_replaced_by_a_new_one():
    from django.core.cache import cache

    before = generation.current()
    cache.delete(generation.KEY)
    assert generation.current() != before
