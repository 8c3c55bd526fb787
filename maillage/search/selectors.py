"""People search: who matches, as this searcher may see them, closest first.

Every condition is decided in SQL on `SearchEntry` rows the searcher may see — the rule of
`maillage.core.audience` (public and members: any member; connections: the owner's 1st degree;
only me: never, such entries are not even stored) — so a field hidden from the searcher can
neither make a person match nor rank them higher, and a filter never matches it either. Blocked
and inactive members never appear.

Ranking: closer degrees first (1st, 2nd, 3rd+), then match quality (exact word > prefix > one
typo; name > headline and organization > the rest), then mutual connections. The degree of
every match (ids only, at most `MAX_MATCHES`) comes from the cached degree sets
(`degrees.degrees_of_many`), so the `MAX_CANDIDATES` kept for ranking are the closest ones.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from maillage.accounts.models import User
from maillage.core import audience
from maillage.core.audience import Audience
from maillage.network import degrees
from maillage.network.models import Connection
from maillage.network.selectors import people_for_viewer

from . import generation
from .backends import Term, get_backend
from .models import SearchEntry, SearchGroup, SearchTerm
from .text import TYPO_MIN_LENGTH, deletions, within_one_edit, words

MAX_WORDS = 6  # words of a query (and of each filter) taken into account
MAX_CANDIDATES = 300  # matching members ranked per search (the closest by degree)
MAX_MATCHES = 20_000  # matching members whose degree is looked at (ids only)
MAX_TYPO_TERMS = 200  # vocabulary rows read per search for typo tolerance
DEGREES = (1, 2, 3)

EXACT, PREFIX, TYPO = 3, 2, 1
GROUP_WEIGHT = {
    SearchGroup.NAME: 3,
    SearchGroup.HEADLINE: 2,
    SearchGroup.ORGANIZATION: 2,
    SearchGroup.TITLE: 1,
    SearchGroup.LOCATION: 1,
    SearchGroup.SKILLS: 1,
}


@dataclass(frozen=True)
class PeopleQuery:
    q: str = ""
    degrees: frozenset[int] = frozenset()
    org: str = ""
    location: str = ""

    @property
    def words(self) -> list[str]:
        return words(self.q)[:MAX_WORDS]

    @property
    def is_empty(self) -> bool:
        return not (self.words or words(self.org) or words(self.location) or self.degrees)


@dataclass
class PeoplePage:
    results: list[User] = field(default_factory=list)
    page_number: int = 1
    has_more: bool = False
    count: int = 0  # members matched, up to MAX_CANDIDATES
    capped: bool = False


def _typo_terms(query_words: list[str]) -> dict[str, set[str]]:
    """For each query word of TYPO_MIN_LENGTH letters or more, the indexed words one edit away
    (not the word itself nor its extensions, which the prefix match finds): one lookup."""
    result: dict[str, set[str]] = {w: set() for w in query_words}
    long_words = [w for w in query_words if len(w) >= TYPO_MIN_LENGTH]
    if not long_words:
        return result
    variants = set().union(*(deletions(w) for w in long_words))
    terms = set(
        SearchTerm.objects.filter(variant__in=sorted(variants))
        .values_list("term", flat=True)
        .order_by("term")[:MAX_TYPO_TERMS]
    )
    for w in long_words:
        result[w] = {t for t in terms if not t.startswith(w) and within_one_edit(w, t)}
    return result


# Entry audiences every member passes; "connections" entries need the owner's 1st degree.
EVERY_MEMBER = (Audience.PUBLIC, Audience.MEMBERS)


def visible_entries(viewer: User):
    """The index rows `viewer` may see (blocks are applied to members, see `people_search`)."""
    connections = audience.relation(audience.CONNECTIONS).ids_for(viewer.pk)
    return SearchEntry.objects.filter(
        Q(audience__in=EVERY_MEMBER)
        | Q(audience=Audience.CONNECTIONS, member_id__in=connections)
    )


# One condition of a search: terms (word, as a prefix?), all of them or any, in one field group
# ("" for any group).
_Condition = tuple[tuple[Term, ...], bool, str]


def _members_with_entries(entries, specs: list[_Condition]):
    """Ids of the members who, for every condition, have a matching row among `entries`
    (at most `MAX_MATCHES`, in no order)."""
    backend = get_backend()
    conditions = []
    for terms, all_of, group in specs:
        condition = entries.filter(backend.matches(list(terms), all_of=all_of))
        conditions.append(condition.filter(group=group) if group else condition)
    found = conditions[0]
    for other in conditions[1:]:
        found = found.filter(member_id__in=other.values("member_id"))
    # Member ids straight from the index: joining the members to check they are active doubled
    # the time of a search matching 11,000 people (the index holds active members only, see
    # services.member_index; the page checks again).
    return found.order_by().values_list("member_id", flat=True)[:MAX_MATCHES]


def _cache_seconds() -> int:
    value = getattr(settings, "MAILLAGE_SEARCH_CACHE_SECONDS", None)
    return int(value) if value is not None else 0


def _matching_members(viewer: User, specs: list[_Condition]) -> tuple[set[int], bool]:
    """The members matching every condition through entries `viewer` may see, and whether
    `MAX_MATCHES` cut the list short.

    With `MAILLAGE_SEARCH_CACHE_SECONDS`, the matches through public and members-only entries —
    the same for every searcher — are kept in the cache under the index's generation
    (generation.py: any change to the index makes them unreadable at once); only the matches
    through the entries of the viewer's connections, who see all of them, are read each time.
    A filter on the largest employer matches 11,000 people: reading them took 20 to 30 ms of
    the 80 the search took."""
    seconds = _cache_seconds()
    if not seconds:
        found = list(_members_with_entries(visible_entries(viewer), specs))
        return set(found), len(found) >= MAX_MATCHES
    digest = hashlib.sha256(repr((specs, MAX_MATCHES)).encode()).hexdigest()[:32]
    key = f"search:public:{generation.current()}:{digest}"
    everyone = cache.get(key)
    if everyone is None:
        everyone = list(
            _members_with_entries(SearchEntry.objects.filter(audience__in=EVERY_MEMBER), specs)
        )
        cache.set(key, everyone, seconds)
    found = set(everyone)
    if degrees.first_degree_ids(viewer.pk):
        connections = audience.relation(audience.CONNECTIONS).ids_for(viewer.pk)
        found.update(
            _members_with_entries(SearchEntry.objects.filter(member_id__in=connections), specs)
        )
    return found, len(everyone) >= MAX_MATCHES or len(found) >= MAX_MATCHES


def _quality(word: str, tokens: list[str], typos: set[str]) -> int:
    best = 0
    for token in tokens:
        if token == word:
            return EXACT
        if token.startswith(word):
            best = PREFIX
        elif best < TYPO and token in typos:
            best = TYPO
    return best


def _scores(rows, query_words: list[str], typos: dict[str, set[str]]) -> dict[int, int]:
    """Match quality of each member: for each query word, the best (quality, field) it got."""
    best: dict[int, dict[str, int]] = defaultdict(dict)
    for member_id, group, text in rows:
        tokens = text.split()
        for word in query_words:
            quality = _quality(word, tokens, typos[word])
            if quality:
                score = quality * 10 + GROUP_WEIGHT.get(group, 1)
                if score > best[member_id].get(word, 0):
                    best[member_id][word] = score
    return {member_id: sum(per_word.values()) for member_id, per_word in best.items()}


def _closest(viewer: User, matched: list[int], wanted: frozenset[int], limit: int):
    """The first `limit` of `matched` (ids in ascending order) with a degree in `wanted`, by
    degree then id, as (id, degree). Degrees come from the cached sets, not from SQL
    ("connections of connections" as a subquery scans every connection of the viewer's
    connections: millions of rows for a hub), and only as far as needed: the 1st degree is a set
    lookup; the others are looked up in slices of `limit`, until enough people at the 2nd
    degree rank every later one out. One pass: a filter matching 11,000 people is read once,
    and the ids stay in order, so nothing is sorted."""
    first = degrees.first_degree_ids(viewer.pk)
    closest = [(pk, 1) for pk in matched if pk in first] if 1 in wanted else []
    if len(closest) >= limit or not wanted - {1}:
        return closest[:limit]
    rest = [pk for pk in matched if pk not in first]
    needed = limit - len(closest)
    by_degree: dict[int, list[tuple[int, int]]] = {1: [], 2: [], 3: []}
    for start in range(0, len(rest), limit):
        chunk = rest[start : start + limit]
        found = degrees.degrees_of_many(viewer.pk, chunk)
        for pk in chunk:
            degree = found.get(pk)
            if degree in wanted:
                by_degree[degree].append((pk, degree))
        if len(by_degree[2]) >= needed:
            break
    return (closest + by_degree[1] + by_degree[2] + by_degree[3])[:limit]


def people_search(
    *,
    viewer: User,
    query: PeopleQuery,
    page: int = 1,
    per_page: int = 20,
    max_candidates: int = MAX_CANDIDATES,
) -> PeoplePage:
    """One page of members matching `query`, as `viewer` may see them, closest first; each
    result carries `degree`, `mutual_count` and `visible_location` (`people_for_viewer`).
    At most `max_candidates` matching members, the closest by degree, are ranked."""
    page = max(1, page)
    if not getattr(viewer, "is_authenticated", False) or query.is_empty:
        return PeoplePage(page_number=page)
    backend = get_backend()
    query_words = query.words
    typos = _typo_terms(query_words)
    visible = visible_entries(viewer)

    blocked = audience.relation(audience.BLOCKED).ids_for(viewer.pk)
    word_terms: dict[str, list[Term]] = {
        w: [(w, True), *((t, False) for t in sorted(typos[w]))] for w in query_words
    }
    specs: list[_Condition] = [(tuple(word_terms[w]), False, "") for w in query_words]
    for group, text in ((SearchGroup.ORGANIZATION, query.org), (SearchGroup.LOCATION, query.location)):
        filter_words = words(text)[:MAX_WORDS]
        if filter_words:
            # Every word of the filter, as a prefix, in one entry of that field group.
            specs.append((tuple((w, True) for w in filter_words), True, group))
    if specs:
        found, truncated = _matching_members(viewer, specs)
        matched = sorted(found - {viewer.pk} - set(blocked))
    else:
        # Degrees only: the viewer's connections, then everyone by id.
        members = User.objects.filter(is_active=True).exclude(pk=viewer.pk)
        matched = list(members.order_by("pk").values_list("pk", flat=True)[:MAX_MATCHES])
        if 1 in (query.degrees or DEGREES) and len(matched) == MAX_MATCHES:
            # Everyone did not fit: the viewer's connections (active ones) may lie beyond.
            first = members.filter(
                pk__in=Connection.objects.filter(member_id=viewer.pk).values("other_id")
            )
            matched = sorted(set(first.values_list("pk", flat=True)).union(matched))
        truncated = len(matched) >= MAX_MATCHES
        hidden = set(blocked)
        matched = [pk for pk in matched if pk not in hidden]
    candidates = _closest(viewer, matched, query.degrees or frozenset(DEGREES), max_candidates + 1)
    capped = len(candidates) > max_candidates or truncated
    candidates = candidates[:max_candidates]
    if not candidates:
        return PeoplePage(page_number=page)
    ids = [pk for pk, _degree in candidates]

    scores: dict[int, int] = {}
    if query_words:
        all_terms = list(dict.fromkeys(t for w in query_words for t in word_terms[w]))
        rows = visible.filter(member_id__in=ids, pk__in=backend.entry_ids(all_terms)).values_list(
            "member_id", "group", "text"
        )
        scores = _scores(rows, query_words, typos)
    # Beyond the 2nd degree nobody shares a connection with the viewer: no need to count.
    mutual = degrees.mutual_counts(viewer.pk, [pk for pk, degree in candidates if degree < 3])
    ordered = sorted(
        candidates,
        key=lambda row: (row[1], -scores.get(row[0], 0), -mutual.get(row[0], 0), row[0]),
    )
    start = (page - 1) * per_page
    page_ids = [pk for pk, _degree in ordered[start : start + per_page]]
    by_id = User.objects.filter(is_active=True).select_related("profile").in_bulk(page_ids)
    results = [by_id[pk] for pk in page_ids if pk in by_id]
    people_for_viewer(viewer, results)
    return PeoplePage(
        results=results,
        page_number=page,
        has_more=len(ordered) > start + per_page,
        count=len(ordered),
        capped=capped,
    )
