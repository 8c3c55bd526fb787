"""Degrees of separation and mutual connections, from each member's cached 1st-degree set — the
way large networks answer "how am I related to this person?" on every page.

* `first_degree_ids(m)`: the members `m` is connected to (one index scan, cached).
* a person is at the viewer's 2nd degree when their 1st-degree sets meet; mutual connections
  are the intersection; nothing on the request path walks the graph pair by pair.
* `second_degree_ids(m)`: connections of connections, minus `m` and their 1st degree (one
  query, cached) — only for members with few connections (`degrees_of_many`, for search).

Caches are versioned per member. A change to the graph (connect, disconnect, block) bumps the
version of both people — their 1st and 2nd degree change — and of everyone in their 1st degree
before and after the change, whose 2nd degree may change. Nobody else's sets can change: a
2nd-degree set depends only on a member's connections and their connections.

Known limit: a set read inside a transaction that changed the graph is cached from that
transaction's view; if the transaction then rolls back, the set stays wrong until the next
change around that member or the cache's one-day expiry (services invalidate on commit only).
It takes an error after a degree read, later in the same transaction as a graph change — e.g. a
failure after `invitation_accept` has connected two people and checked a block for the
notification. Skipping cache writes while such a transaction is open would fix it, but tests
run inside one long transaction and would then never exercise the cache; see the xfail test in
network/tests/test_relations.py.

Blocked members are left in the sets (the graph is the graph) and removed where people are
shown: `degrees_for` never reports a degree across a block, and lists filter blocks out.

Reading a set costs a cache round trip for its version and one for the set, and decoding it (a
hub's set holds thousands of ids). Two memos keep that off warm requests:

* within one HTTP request (between `request_started` and `request_finished`, connected in
  `apps.py`), versions and sets are read from the cache once: a profile page asks "is this
  person blocked?" a dozen times. A change committed by this process during the request
  (`invalidate`) updates the request's versions; one committed elsewhere is seen by the next
  request, as if the request had read everything when it started.
* across requests, the process keeps decoded sets by their versioned key (bounded by the
  number of ids held). A versioned key always names the same set — versions are never reused —
  so a decoded set is as good as the cached one, and only the version is read again.

Nothing on the request path builds a 2nd-degree set: whether someone is at the 2nd degree is
whether their 1st-degree set meets the viewer's (a page of 20 people reads 20 small sets, where
a hub's 2nd degree holds tens of thousands of ids and takes a scan of hundreds of thousands of
rows to build).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db.models import Count, Q

from .models import Block, Connection

FIRST = 1
SECOND = 2
THIRD_PLUS = 3

_TTL = 60 * 60 * 24


# Decoded sets kept by the process, by versioned key: at most this many ids in all (a few tens
# of megabytes), least recently used first out.
PROCESS_MEMO_IDS = 500_000
# Mutual connections ranked closest first from the cached sets up to this many; beyond, one
# grouped query counts the closeness (reading thousands of sets would take seconds).
CLOSENESS_FROM_SETS = 200
# `degrees_of_many`: people whose degree comes from their own 1st-degree sets, at most; and the
# most connections a viewer may have for their 2nd-degree set to be built (connections of
# connections: a few hundred thousand rows at most).
MANY_FROM_SETS = 300
# mutual_counts: up to this many people, everyone's version is read in the viewer's round trip
# (a feed page's authors, more often than not fewer than the viewer's connections); beyond (a
# search ranks 300), the viewer's connections usually are the fewer, and reading the people's
# versions would be a round trip of hundreds of keys for nothing.
MUTUAL_FROM_THEIR_SETS = 50
SECOND_SET_MAX_FIRST = 500


class _DecodedSets:
    """Decoded sets by versioned cache key, shared by the threads of one process."""

    def __init__(self, max_ids: int) -> None:
        self.max_ids = max_ids
        self._sets: OrderedDict[str, frozenset[int]] = OrderedDict()
        self._ids = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> frozenset[int] | None:
        with self._lock:
            found = self._sets.get(key)
            if found is not None:
                self._sets.move_to_end(key)
            return found

    def put(self, key: str, ids: frozenset[int]) -> None:
        size = len(ids) + 1
        if size > self.max_ids:
            return
        with self._lock:
            previous = self._sets.pop(key, None)
            if previous is not None:
                self._ids -= len(previous) + 1
            self._sets[key] = ids
            self._ids += size
            while self._ids > self.max_ids:
                _key, dropped = self._sets.popitem(last=False)
                self._ids -= len(dropped) + 1

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()
            self._ids = 0


_decoded = _DecodedSets(PROCESS_MEMO_IDS)

# {"versions": {member: version}, "sets": {versioned key: frozenset}} during an HTTP request.
_request_memo: ContextVar[dict | None] = ContextVar("maillage_degrees_request_memo", default=None)


def request_memo_start(**_kwargs) -> None:
    """`request_started` receiver: this request reads each version and set once."""
    _request_memo.set({"versions": {}, "sets": {}})


def request_memo_end(**_kwargs) -> None:
    """`request_finished` receiver."""
    _request_memo.set(None)


@contextmanager
def _one_reading():
    """Outside a request, the memo of one call: its versions are read in one round trip."""
    if _request_memo.get() is not None:
        yield
        return
    token = _request_memo.set({"versions": {}, "sets": {}})
    try:
        yield
    finally:
        _request_memo.reset(token)


def _version_key(member_id: int) -> str:
    return f"net:v:{member_id}"


def _versions(member_ids: Iterable[int]) -> dict[int, str]:
    ids = list(member_ids)
    memo = _request_memo.get()
    known = memo["versions"] if memo is not None else {}
    versions = {m: known[m] for m in ids if m in known}
    todo = [m for m in ids if m not in versions]
    if todo:
        found = cache.get_many([_version_key(m) for m in todo])
        versions.update({m: found[_version_key(m)] for m in todo if _version_key(m) in found})
        missing = [m for m in todo if m not in versions]
        if missing:
            # A member without a version (new, or the cache evicted it) gets a fresh one, so a
            # set cached under an older version can never be read again.
            fresh = uuid.uuid4().hex
            cache.set_many({_version_key(m): fresh for m in missing}, _TTL * 7)
            versions.update(dict.fromkeys(missing, fresh))
        if memo is not None:
            known.update({m: versions[m] for m in todo})
    return versions


def _read_sets(keys: Iterable[str]) -> dict[str, frozenset[int]]:
    """The sets under these versioned keys that are known: the request's and the process's
    memos first, then one cache round trip for the rest."""
    memo = _request_memo.get()
    request_sets = memo["sets"] if memo is not None else {}
    result: dict[str, frozenset[int]] = {}
    todo = []
    for key in dict.fromkeys(keys):
        found = request_sets.get(key)
        if found is None:
            found = _decoded.get(key)
        if found is None:
            todo.append(key)
        else:
            result[key] = found
    if todo:
        for key, ids in cache.get_many(todo).items():
            result[key] = frozenset(ids)
            _decoded.put(key, result[key])
    request_sets.update(result)
    return result


def _write_sets(sets: dict[str, set[int] | frozenset[int]]) -> dict[str, frozenset[int]]:
    """Cache freshly computed sets (and keep them decoded)."""
    cache.set_many({key: list(ids) for key, ids in sets.items()}, _TTL)
    frozen = {key: frozenset(ids) for key, ids in sets.items()}
    memo = _request_memo.get()
    for key, ids in frozen.items():
        _decoded.put(key, ids)
        if memo is not None:
            memo["sets"][key] = ids
    return frozen


def _set_key(kind: str, member_id: int, version: str) -> str:
    return f"net:{kind}:{member_id}:{version}"


def invalidate(member_ids: Iterable[int]) -> None:
    """Forget the cached sets of these members (their graph neighbourhood changed)."""
    ids = set(member_ids)
    if not ids:
        return
    # Random, so a version is never reused even if the cache lost the previous one.
    fresh = uuid.uuid4().hex
    cache.set_many({_version_key(m): fresh for m in ids}, _TTL * 7)
    memo = _request_memo.get()
    if memo is not None:
        # This request sees its own change (an action answering with the refreshed buttons).
        memo["versions"].update(dict.fromkeys(ids, fresh))


def invalidate_around(*member_ids: int) -> None:
    """Invalidate these members and their whole 1st degree (call before *and* after a change)."""
    neighbours = set(
        Connection.objects.filter(member_id__in=member_ids).values_list("other_id", flat=True)
    )
    invalidate(neighbours | set(member_ids))


def first_degree_ids(member_id: int) -> frozenset[int]:
    return first_degree_ids_many([member_id])[member_id]


def first_degree_ids_many(member_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """1st-degree sets of several members: one cache round trip, one query for the misses."""
    ids = list(dict.fromkeys(member_ids))
    versions = _versions(ids)
    keys = {m: _set_key("1", m, versions[m]) for m in ids}
    found = _read_sets(keys.values())
    result = {m: found[keys[m]] for m in ids if keys[m] in found}
    missing = [m for m in ids if m not in result]
    if missing:
        loaded: dict[int, set[int]] = {m: set() for m in missing}
        for member, other in Connection.objects.filter(member_id__in=missing).values_list(
            "member_id", "other_id"
        ):
            loaded[member].add(other)
        written = _write_sets({keys[m]: loaded[m] for m in missing})
        result.update({m: written[keys[m]] for m in missing})
    return result


def second_degree_ids(member_id: int) -> frozenset[int]:
    """Connections of connections, minus the member and their 1st degree. Costly for a hub (a
    scan of every connection of its connections): pages use `degrees_for`, which does not need
    it."""
    version = _versions([member_id])[member_id]
    key = _set_key("2", member_id, version)
    found = _read_sets([key])
    if key in found:
        return found[key]
    first = first_degree_ids(member_id)
    second = set(
        Connection.objects.filter(member_id__in=first)
        .values_list("other_id", flat=True)
        .distinct()
    )
    second -= first
    second.discard(member_id)
    return _write_sets({key: second})[key]


def blocked_ids(member_id: int) -> frozenset[int]:
    """Members on either side of a block with `member_id` (cached with the same versions)."""
    version = _versions([member_id])[member_id]
    key = _set_key("b", member_id, version)
    found = _read_sets([key])
    if key in found:
        return found[key]
    rows = Block.objects.filter(Q(blocker_id=member_id) | Q(blocked_id=member_id)).values_list(
        "blocker_id", "blocked_id"
    )
    ids = {a if b == member_id else b for a, b in rows}
    return _write_sets({key: ids})[key]


def degree_of(viewer_id: int | None, other_id: int) -> int | None:
    """1, 2 or 3 (3rd and beyond); None for oneself, anonymous viewers and across a block."""
    return degrees_for(viewer_id, [other_id]).get(other_id)


def degrees_for(viewer_id: int | None, other_ids: Iterable[int]) -> dict[int, int]:
    """Degrees of many people for one viewer: someone is at the 2nd degree when their 1st-degree
    set meets the viewer's. Cached sets, set operations; no 2nd-degree set is built."""
    if viewer_id is None:
        return {}
    ids = [i for i in other_ids if i != viewer_id]
    if not ids:
        return {}
    with _one_reading():
        # Everyone's version in one round trip; the sets then come from the memos.
        _versions([viewer_id, *ids])
        blocked = blocked_ids(viewer_id)
        first = first_degree_ids(viewer_id)
        further = [other for other in ids if other not in blocked and other not in first]
        theirs = first_degree_ids_many(further) if further and first else {}
    result = {}
    for other in ids:
        if other in blocked:
            continue
        if other in first:
            result[other] = FIRST
        elif other in theirs and not first.isdisjoint(theirs[other]):
            result[other] = SECOND
        else:
            result[other] = THIRD_PLUS
    return result


def degrees_of_many(viewer_id: int, other_ids: Iterable[int]) -> dict[int, int]:
    """Degrees of any number of people (thousands: every match of a search, before ranking),
    blocked people left out like `degrees_for`. Up to `MANY_FROM_SETS` people, their 1st-degree
    sets; beyond, the viewer's 2nd-degree set when it is cheap to build (a viewer with at most
    `SECOND_SET_MAX_FIRST` connections) or one query over those people's connections (a hub,
    whose 2nd degree would take a scan of millions of rows)."""
    ids = [i for i in dict.fromkeys(other_ids) if i != viewer_id]
    if len(ids) <= MANY_FROM_SETS:
        return degrees_for(viewer_id, ids)
    blocked = blocked_ids(viewer_id)
    first = first_degree_ids(viewer_id)
    further = [i for i in ids if i not in blocked and i not in first]
    if not first or not further:
        second: frozenset[int] | set[int] = frozenset()
    elif len(first) <= SECOND_SET_MAX_FIRST:
        second = second_degree_ids(viewer_id)
    else:
        viewers = Connection.objects.filter(member_id=viewer_id).values("other_id")
        second = set(
            Connection.objects.filter(member_id__in=further, other_id__in=viewers)
            .values_list("member_id", flat=True)
            .distinct()
        )
    result = {}
    for other in ids:
        if other in blocked:
            continue
        if other in first:
            result[other] = FIRST
        else:
            result[other] = SECOND if other in second else THIRD_PLUS
    return result


def mutual_ids(viewer_id: int, other_id: int) -> frozenset[int]:
    """Connections the two have in common, minus anyone blocked by or blocking the viewer."""
    sets = first_degree_ids_many([viewer_id, other_id])
    return (sets[viewer_id] & sets[other_id]) - blocked_ids(viewer_id)


def mutual_counts(viewer_id: int | None, other_ids: Iterable[int]) -> dict[int, int]:
    """How many connections the viewer shares with each person: one cache round trip."""
    if viewer_id is None:
        return {}
    ids = [i for i in other_ids if i != viewer_id]
    if not ids:
        return {}
    with _one_reading():
        if len(ids) <= MUTUAL_FROM_THEIR_SETS:
            _versions([viewer_id, *ids])  # everyone's in one round trip; the sets use the memo
        mine = first_degree_ids(viewer_id) - blocked_ids(viewer_id)
        if len(mine) < len(ids):
            # Fewer connections of the viewer than people to count (a search ranks 300): read
            # the connections' sets instead of the people's. A connection is symmetric, so
            # someone shares connection c with the viewer exactly when they are in c's set.
            counts = dict.fromkeys(ids, 0)
            wanted = frozenset(ids)
            for theirs in first_degree_ids_many(mine).values():
                for other in wanted.intersection(theirs):
                    counts[other] += 1
            return counts
        sets = first_degree_ids_many(ids)
    return {other: len(mine & sets[other]) for other in ids}


def mutual_ids_closest_first(viewer_id: int, other_id: int) -> list[int]:
    """Mutual connections, the viewer's closest first: closeness is how many connections the
    viewer shares with that person (the people the viewer's circle knows best), then id."""
    mutual = mutual_ids(viewer_id, other_id)
    if not mutual:
        return []
    if len(mutual) <= CLOSENESS_FROM_SETS:
        closeness = mutual_counts(viewer_id, mutual)
        return sorted(mutual, key=lambda m: (-closeness.get(m, 0), m))
    # Closeness only depends on the viewer's neighbourhood, whose every change bumps the
    # viewer's version: the order is cached under both people's versions.
    versions = _versions([viewer_id, other_id])
    key = f"net:c:{viewer_id}:{other_id}:{versions[viewer_id]}:{versions[other_id]}"
    ordered = cache.get(key)
    if ordered is None:
        closeness = _closeness_by_query(viewer_id, other_id)
        ordered = sorted(mutual, key=lambda m: (-closeness.get(m, 0), m))
        cache.set(key, ordered, _TTL)
    return ordered


def _closeness_by_query(viewer_id: int, other_id: int) -> dict[int, int]:
    """For each mutual connection of the two, how many of the viewer's connections (blocked
    people left out) they are connected to: one grouped query on the connection index, where
    the cached sets would be thousands of reads. Subqueries, not lists of ids: a hub has
    thousands."""
    blocked = blocked_ids(viewer_id)
    viewers = Connection.objects.filter(member_id=viewer_id).values("other_id")
    others = Connection.objects.filter(member_id=other_id).values("other_id")
    rows = (
        Connection.objects.filter(member_id__in=viewers, other_id__in=viewers)
        .filter(member_id__in=others)
        .exclude(member_id__in=blocked)
        .exclude(other_id__in=blocked)
        .values("member_id")
        .annotate(n=Count("other_id"))
        .values_list("member_id", "n")
    )
    return dict(rows)


class ConnectionsRelation:
    """The audience module's "connections" relation, read from the graph."""

    def ids_for(self, viewer_id: int):
        return Connection.objects.filter(member_id=viewer_id).values_list("other_id", flat=True)

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return other_id in first_degree_ids(viewer_id)


class BlockedRelation:
    """The audience module's "blocked" relation: either side of a block."""

    def ids_for(self, viewer_id: int):
        return blocked_ids(viewer_id)

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return other_id in blocked_ids(viewer_id)
