"""Degrees and mutual connections against a plain breadth-first search, on random graphs.

Every graph change goes through the real services (connection_create, connection_remove,
block_add, block_remove) with their on-commit cache invalidation executed, and the degrees are
read before and after each change: a cached set that a change forgot to invalidate shows up as a
difference with the search on the current graph.
"""

from __future__ import annotations

from collections import deque

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts.tests.factories import UserFactory
from maillage.network import degrees, services
from maillage.network.models import Block, Connection, Follow, Invitation

POOL = 25
OPS = ("connect", "disconnect", "block", "unblock")


class Oracle:
    """The graph as plain Python sets, changed alongside the database."""

    def __init__(self, n: int) -> None:
        self.adj: dict[int, set[int]] = {i: set() for i in range(n)}
        self.blocks: set[tuple[int, int]] = set()  # (blocker, blocked)

    def blocked_with(self, i: int) -> set[int]:
        return {b for a, b in self.blocks if a == i} | {a for a, b in self.blocks if b == i}

    def apply(self, op: str, a: int, b: int) -> None:
        if op == "connect":
            if b not in self.blocked_with(a):
                self.adj[a].add(b)
                self.adj[b].add(a)
        elif op == "disconnect":
            self.adj[a].discard(b)
            self.adj[b].discard(a)
        elif op == "block":
            self.blocks.add((a, b))
            self.adj[a].discard(b)
            self.adj[b].discard(a)
        elif op == "unblock":
            self.blocks.discard((a, b))

    def distances(self, source: int) -> dict[int, int]:
        seen = {source: 0}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for nxt in self.adj[node]:
                if nxt not in seen:
                    seen[nxt] = seen[node] + 1
                    queue.append(nxt)
        return seen

    def degree(self, viewer: int, other: int) -> int | None:
        if viewer == other or other in self.blocked_with(viewer):
            return None
        distance = self.distances(viewer).get(other)
        return distance if distance in (1, 2) else 3

    def mutual(self, viewer: int, other: int) -> set[int]:
        return (self.adj[viewer] & self.adj[other]) - self.blocked_with(viewer)


@pytest.fixture
def pool(db):
    """Members reused by every example of a test (the examples share one database transaction)."""
    return [UserFactory(verified=False) for _ in range(POOL)]


def reset(pool) -> None:
    ids = [m.pk for m in pool]
    Connection.objects.filter(member_id__in=ids).delete()
    Follow.objects.filter(follower_id__in=ids).delete()
    Block.objects.filter(blocker_id__in=ids).delete()
    Invitation.objects.filter(sender_id__in=ids).delete()
    # Examples share the members' ids, so no cached set may leak from one example to the next.
    cache.clear()


def apply(capture, members, op: str, a: int, b: int) -> None:
    x, y = members[a], members[b]
    with capture(execute=True):
        if op == "connect":
            blocked = Block.objects.filter(
                blocker_id__in=[x.pk, y.pk], blocked_id__in=[x.pk, y.pk]
            ).exists()
            if not blocked:  # invitations refuse a block; so does the oracle
                services.connection_create(member_id=x.pk, other_id=y.pk)
        elif op == "disconnect":
            services.connection_remove(member=x, other=y)
        elif op == "block":
            services.block_add(blocker=x, blocked=y)
        elif op == "unblock":
            services.block_remove(blocker=x, blocked=y)


def check_degrees(members, oracle: Oracle, n: int) -> None:
    ids = [m.pk for m in members[:n]]
    for i in range(n):
        expected = {
            ids[j]: oracle.degree(i, j) for j in range(n) if oracle.degree(i, j) is not None
        }
        assert degrees.degrees_for(ids[i], ids) == expected, f"viewer {i}"
        for j in range(n):
            assert degrees.degree_of(ids[i], ids[j]) == oracle.degree(i, j), (i, j)


def check_mutuals(members, oracle: Oracle, n: int) -> None:
    ids = [m.pk for m in members[:n]]
    index = {pk: i for i, pk in enumerate(ids)}
    for i in range(n):
        others = [ids[j] for j in range(n) if j != i]
        counts = degrees.mutual_counts(ids[i], others)
        assert counts == {ids[j]: len(oracle.mutual(i, j)) for j in range(n) if j != i}
        for j in range(n):
            if i == j:
                continue
            expected = {ids[k] for k in oracle.mutual(i, j)}
            assert degrees.mutual_ids(ids[i], ids[j]) == expected, (i, j)
            ordered = degrees.mutual_ids_closest_first(ids[i], ids[j])
            assert set(ordered) == expected
            closeness = [len(oracle.mutual(i, index[m])) for m in ordered]
            keys = [(-c, m) for c, m in zip(closeness, ordered, strict=True)]
            assert keys == sorted(keys), (i, j, ordered)


@st.composite
def scenarios(draw):
    n = draw(st.integers(min_value=2, max_value=POOL))
    member = st.integers(min_value=0, max_value=n - 1)
    pair = st.tuples(member, member).filter(lambda p: p[0] != p[1])
    edges = draw(st.lists(pair, max_size=n * 3))
    changes = draw(
        st.lists(st.tuples(st.sampled_from(OPS), member, member).filter(lambda c: c[1] != c[2]),
                 max_size=8)
    )  # fmt: skip
    return n, edges, changes


@pytest.mark.django_db
@settings(
    max_examples=25,
    database=None,  # nothing written under the repository
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_degrees_match_a_breadth_first_search_before_and_after_each_change(
    pool, django_capture_on_commit_callbacks, scenario
):
    n, edges, changes = scenario
    reset(pool)
    oracle = Oracle(n)
    for a, b in edges:
        apply(django_capture_on_commit_callbacks, pool, "connect", a, b)
        oracle.apply("connect", a, b)
    check_degrees(pool, oracle, n)  # fills the caches
    for op, a, b in changes:
        apply(django_capture_on_commit_callbacks, pool, op, a, b)
        oracle.apply(op, a, b)
        check_degrees(pool, oracle, n)  # read again: what the change touched was invalidated


@pytest.mark.django_db
@settings(
    max_examples=15,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_mutual_connections_match_the_plain_intersections_before_and_after_changes(
    pool, django_capture_on_commit_callbacks, scenario
):
    n, edges, changes = scenario
    n = min(n, 14)  # every pair is checked three ways: keep the file fast
    edges = [(a, b) for a, b in edges if a < n and b < n]
    changes = [(op, a, b) for op, a, b in changes if a < n and b < n][:4]
    reset(pool)
    oracle = Oracle(n)
    for a, b in edges:
        apply(django_capture_on_commit_callbacks, pool, "connect", a, b)
        oracle.apply("connect", a, b)
    check_mutuals(pool, oracle, n)
    for op, a, b in changes:
        apply(django_capture_on_commit_callbacks, pool, op, a, b)
        oracle.apply(op, a, b)
        check_mutuals(pool, oracle, n)
    check_degrees(pool, oracle, n)


# --- Fixed cases: each property above on a graph small enough to read -------------------------


@pytest.fixture
def chain(db):
    """a — b — c — d — e, and f alone."""
    people = [UserFactory(verified=False) for _ in range(6)]
    for x, y in zip(people[:4], people[1:5], strict=True):
        services.connection_create(member_id=x.pk, other_id=y.pk)
    cache.clear()
    return people


def test_degrees_on_a_chain(chain):
    a, b, c, d, e, f = chain
    assert degrees.degrees_for(a.pk, [p.pk for p in chain]) == {
        b.pk: 1,
        c.pk: 2,
        d.pk: 3,
        e.pk: 3,
        f.pk: 3,
    }
    assert degrees.degree_of(a.pk, a.pk) is None
    assert degrees.degree_of(None, b.pk) is None
    assert degrees.degrees_for(None, [b.pk]) == {}


def test_a_block_hides_the_degree_both_ways_but_keeps_the_graph(
    chain, django_capture_on_commit_callbacks
):
    a, b, c, d, e, _f = chain
    with django_capture_on_commit_callbacks(execute=True):
        services.block_add(blocker=c, blocked=a)
    assert degrees.degree_of(a.pk, c.pk) is None
    assert degrees.degree_of(c.pk, a.pk) is None
    # Blocking is not a disconnection: b still links a to c's side of the chain.
    assert degrees.degree_of(b.pk, c.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.block_remove(blocker=c, blocked=a)
    assert degrees.degree_of(a.pk, c.pk) == 2


def test_the_sets_really_are_cached(chain):
    """Without invalidation a change is not seen: the property tests above can fail."""
    a, b, c, *_ = chain
    assert degrees.degree_of(a.pk, c.pk) == 2
    Connection.objects.bulk_create(
        [Connection(member=a, other=c, created_at=c.date_joined),
         Connection(member=c, other=a, created_at=c.date_joined)]
    )  # fmt: skip
    assert degrees.degree_of(a.pk, c.pk) == 2  # stale, as expected without the services
    degrees.invalidate_around(a.pk, c.pk)
    assert degrees.degree_of(a.pk, c.pk) == 1


def test_a_change_is_seen_once_its_transaction_commits(chain, django_capture_on_commit_callbacks):
    a, b, c, d, e, f = chain
    assert degrees.degree_of(b.pk, d.pk) == 2
    assert degrees.degree_of(a.pk, e.pk) == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.connection_create(member_id=a.pk, other_id=e.pk)
        # Not committed yet: the cached sets still answer.
        assert degrees.degree_of(a.pk, e.pk) == 3
    assert callbacks
    assert degrees.degree_of(a.pk, e.pk) == 1
    assert degrees.degree_of(b.pk, e.pk) == 2  # a's neighbour sees e at 2nd degree now
    assert degrees.degree_of(d.pk, a.pk) == 2  # and so does e's
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(member=c, other=d)
    assert degrees.degree_of(b.pk, d.pk) == 3
    assert degrees.degree_of(c.pk, e.pk) == 3


@pytest.mark.parametrize("from_sets", [degrees.CLOSENESS_FROM_SETS, 0], ids=["sets", "query"])
def test_mutual_connections_closest_first(
    db, django_capture_on_commit_callbacks, monkeypatch, from_sets
):
    # Few mutual connections are ranked from the cached sets, many by one grouped query.
    monkeypatch.setattr(degrees, "CLOSENESS_FROM_SETS", from_sets)
    viewer, other, close, far, blocked = (UserFactory(verified=False) for _ in range(5))
    extra = UserFactory(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        for m in (close, far, blocked):
            services.connection_create(member_id=viewer.pk, other_id=m.pk)
            services.connection_create(member_id=other.pk, other_id=m.pk)
        # `close` also knows the viewer's other connections; `far` knows nobody else.
        services.connection_create(member_id=viewer.pk, other_id=extra.pk)
        services.connection_create(member_id=close.pk, other_id=extra.pk)
        services.connection_create(member_id=close.pk, other_id=blocked.pk)
        services.block_add(blocker=blocked, blocked=viewer)
    assert degrees.mutual_ids(viewer.pk, other.pk) == {close.pk, far.pk}
    assert degrees.mutual_ids_closest_first(viewer.pk, other.pk) == [close.pk, far.pk]
    assert degrees.mutual_counts(viewer.pk, [other.pk, close.pk]) == {other.pk: 2, close.pk: 1}
    # More people than the viewer has connections (3, the blocked one left out): counted from
    # the connections' sets, with the same result.
    many = [other.pk, close.pk, far.pk, extra.pk, blocked.pk]
    assert degrees.mutual_counts(viewer.pk, many) == {
        other.pk: 2, close.pk: 1, far.pk: 0, extra.pk: 1, blocked.pk: 1
    }


def test_mutual_counts_for_many_people_read_the_viewers_connections_sets(db, monkeypatch):
    """A search counts mutual connections for the 300 people it ranks: with fewer connections
    than that, the viewer's connections' sets are read, not each person's."""
    from maillage.network.tests.factories import connect

    viewer = UserFactory(verified=False)
    friends = [UserFactory(verified=False) for _ in range(3)]
    people = [UserFactory(verified=False) for _ in range(8)]
    for friend in friends:
        connect(viewer, friend)
    for i, person in enumerate(people):
        for friend in friends[: i % 4]:
            connect(friend, person)
    asked: list[int] = []  # whose 1st-degree sets were read
    versions_read: list[int] = []  # whose versions were read

    def recording(read, into):
        def spy(member_ids):
            member_ids = list(member_ids)
            into.extend(member_ids)
            return read(member_ids)

        return spy

    monkeypatch.setattr(
        degrees, "first_degree_ids_many", recording(degrees.first_degree_ids_many, asked)
    )
    monkeypatch.setattr(degrees, "_versions", recording(degrees._versions, versions_read))
    # More people than MUTUAL_FROM_THEIR_SETS: not even their versions are read.
    monkeypatch.setattr(degrees, "MUTUAL_FROM_THEIR_SETS", 4)
    counts = degrees.mutual_counts(viewer.pk, [p.pk for p in people])
    assert counts == {p.pk: i % 4 for i, p in enumerate(people)}
    assert set(asked) <= {viewer.pk, *(f.pk for f in friends)}
    assert set(versions_read) <= {viewer.pk, *(f.pk for f in friends)}
    # Up to the threshold, everyone's version comes in the viewer's round trip: same counts.
    monkeypatch.setattr(degrees, "MUTUAL_FROM_THEIR_SETS", 50)
    assert degrees.mutual_counts(viewer.pk, [p.pk for p in people]) == counts


def test_a_request_reads_each_version_and_set_once(chain, monkeypatch):
    """Inside a request the sets are read from the cache once, however often they are asked
    for; a change committed during the request is still seen."""
    from django.core.signals import request_finished, request_started

    a, b, c, *_ = chain
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or get_many(keys))
    sync_receivers, _async = request_started._live_receivers(None)
    assert degrees.request_memo_start in sync_receivers
    assert degrees.request_memo_end in request_finished._live_receivers(None)[0]
    degrees.request_memo_start()
    try:
        for _i in range(5):
            assert degrees.degree_of(a.pk, c.pk) == 2
            assert not degrees.blocked_ids(a.pk)
        first_reads = len(reads)
        # Both versions (one round trip), a's blocks and connections, c's connections: once.
        assert first_reads == 4
        services.connection_create(member_id=a.pk, other_id=c.pk)
        degrees.invalidate_around(a.pk, c.pk)
        assert degrees.degree_of(a.pk, c.pk) == 1
    finally:
        degrees.request_memo_end()
    reads.clear()
    degrees.degree_of(a.pk, c.pk)
    degrees.degree_of(a.pk, c.pk)
    # Outside a request each call reads the versions again, in one round trip; the sets
    # themselves come from the process's decoded memo.
    assert reads == [[f"net:v:{a.pk}", f"net:v:{c.pk}"]] * 2


@pytest.mark.parametrize("second_set_max_first", [500, 0], ids=["second-set", "query"])
def test_degrees_of_many_people_match_degrees_for(
    chain, django_capture_on_commit_callbacks, monkeypatch, second_set_max_first
):
    """Search asks for thousands of degrees at once: whichever way they are found, they are
    the degrees of `degrees_for`, blocks included."""
    a, b, c, d, e, f = chain
    with django_capture_on_commit_callbacks(execute=True):
        services.block_add(blocker=d, blocked=b)
    everyone = [p.pk for p in chain]
    monkeypatch.setattr(degrees, "MANY_FROM_SETS", 0)
    monkeypatch.setattr(degrees, "SECOND_SET_MAX_FIRST", second_set_max_first)
    for viewer in chain:
        assert degrees.degrees_of_many(viewer.pk, everyone) == degrees.degrees_for(
            viewer.pk, everyone
        )
    assert degrees.degrees_of_many(b.pk, everyone) == {a.pk: 1, c.pk: 1, e.pk: 3, f.pk: 3}
