"""Reads for the home feed: a page of it (ranked or most recent first), the explanation of one
post's place in it, and the "N new posts" count.

Pages are stateless. A cursor is signed (nobody forges a position) and carries the order, the
moment the first page was computed ("as of") and the key of the last post shown: (published_at,
id) when most recent first; when ranked, where the ranking stopped (`ranking.Spread`: the score
and id reached in score order, the posts held back to spread a busy author's, the authors of the
last posts shown). Ranked pages recompute every candidate's score as of that same moment (see
ranking.py), so a page never repeats nor skips a post of the previous ones even when new posts
and reactions arrive meanwhile, or a post is hidden.

The next pages reuse what the first page read (`Snapshot`, in the cache under a random key the
signed cursor carries): the connections' activity, and when ranked every candidate's score,
all fixed by the "as of" moment. A next page then re-checks only that its remaining posts are
still visible, not hidden and not muted (one query) instead of reading and scoring the
candidates again (about 10 queries, most of the time of a page with 100,000 members). When the
snapshot is gone (expired, evicted, a cursor from before), the page recomputes it all, with the
same result.

A first page comes back within `REUSE_SECONDS` of a full computation (the member reloads the
page, comes back to it from a profile): it starts from that computation's snapshot instead of
reading three weeks of candidates and a week of activity again (`_reusable`; ranked:
`_continued`, most recent first: `_continued_recent`). The posts published since are read and
scored (a short index range), the kept candidates it shows are re-checked as a next page's are
(hidden, deleted, narrowed, muted or blocked since: left out), and their scores aged to the new
moment — recency is the one factor that depends on it, and it ages every score
by the same ratio, so the order among them is unchanged. What such a page does not see is new
reactions and comments on the older posts: their weight catches up at the next full computation,
at most `REUSE_SECONDS` later (the cards themselves always show the current counts). A change
in the member's follows, connections, followed hashtags, mutes or blocks (`network_fingerprint`)
means a full computation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User

from . import ranking
from .models import FeedOrder, FeedSettings, Post
from .sql import InIds

PAGE_SIZE = 10
MAX_PAGE_SIZE = 30
CURSOR_SALT = "maillage.feed.cursor"
SNAPSHOT_TTL = 30 * 60  # seconds: scrolling down for half an hour reuses what the first page read
# In the snapshot's cache key: change it with the fields of ranking's Candidate, Activity or
# Inputs, so that snapshots pickled by the code before a deployment are not read by the code after.
SNAPSHOT_VERSION = 2
# A first page may start from the member's last full computation this long (see the top).
REUSE_SECONDS = 10 * 60
RECHECK_AHEAD = 3  # pages' worth of a reused first page's best posts re-checked in one query


def feed_order_of(member: User) -> str:
    row = FeedSettings.objects.filter(member_id=member.pk).values_list("order", flat=True).first()
    return row or FeedOrder.RANKED


# --- Cursors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    order: str
    as_of: datetime
    score: float | None = None  # ranked
    published_at: datetime | None = None  # most recent first
    post_id: int = 0
    held: tuple[int, ...] = ()  # ranked: posts held back for their author (ranking.Spread)
    recent: tuple[int, ...] = ()  # ranked: authors of the last posts shown
    snapshot: str = ""  # the cache key of the first page's `Snapshot`

    def encode(self) -> str:
        payload = {"o": self.order, "t": self.as_of.isoformat(), "i": self.post_id}
        if self.snapshot:
            payload["k"] = self.snapshot
        if self.order == FeedOrder.RANKED:
            payload["s"] = self.score
            payload["h"] = list(self.held)
            payload["r"] = list(self.recent)
        else:
            payload["p"] = self.published_at.isoformat()
        return signing.dumps(payload, salt=CURSOR_SALT, compress=True)

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        """The cursor, or None when it is missing, tampered with or malformed (first page)."""
        if not value:
            return None
        try:
            data = signing.loads(value, salt=CURSOR_SALT)
            order = data["o"]
            as_of = _aware(datetime.fromisoformat(data["t"]))
            post_id = int(data["i"])
            snapshot = str(data.get("k", ""))
            if order == FeedOrder.RANKED:
                held = tuple(int(i) for i in data.get("h", ()))
                recent = tuple(int(i) for i in data.get("r", ()))
                return cls(
                    order=order,
                    as_of=as_of,
                    score=float(data["s"]),
                    post_id=post_id,
                    held=held,
                    recent=recent,
                    snapshot=snapshot,
                )
            if order == FeedOrder.RECENT:
                published_at = _aware(datetime.fromisoformat(data["p"]))
                return cls(
                    order=order,
                    as_of=as_of,
                    published_at=published_at,
                    post_id=post_id,
                    snapshot=snapshot,
                )
        except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
            return None
        return None


# --- Pages ---------------------------------------------------------------------------------------


@dataclass
class FeedPage:
    order: str
    as_of: datetime
    items: list = field(default_factory=list)  # selectors.PostView, with .context_line set
    scored: list[ranking.Scored] = field(default_factory=list)  # same order as items
    next_cursor: str | None = None
    is_first: bool = True

    @property
    def since(self) -> str:
        """For the "N new posts" check: posts after this moment are new."""
        return self.as_of.isoformat()


def _timestamp(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    # Cursors keep exact ISO times (a float timestamp may lose the last microsecond, and keyset
    # pagination compares for equality).
    if timezone.is_naive(value):
        raise ValueError("naive time in cursor")
    return value


# --- What the next pages reuse -------------------------------------------------------------


@dataclass
class Snapshot:
    """What a feed's first page read as of its moment, for its next pages: the connections'
    activity (post id → `ranking.Activity` list) and the candidates' scores with the inputs that
    make them (`ranking.Scored` without the words of its factors) — ranked, every candidate's;
    most recent first, the page's and the next one's (what a first page shown again starts
    from, `_continued_recent`)."""

    key: str
    activity: dict[int, list[ranking.Activity]]
    scored: list[tuple] | None = None
    stored: bool = False
    order: str = ""  # of the first page that made it
    # When its candidates were last read and scored in full, and the network they were read for
    # (`ranking.network_fingerprint`): what decides whether a first page may start from it.
    computed_at: datetime | None = None
    as_of: datetime | None = None
    fingerprint: int | None = None

    def keep_scores(self, scored: list[ranking.Scored]) -> None:
        self.scored = [
            (
                _candidate_row(s.candidate),
                s.score,
                s.activity,
                s.inputs,
            )
            for s in scored
        ]

    def scored_again(self) -> list[ranking.Scored]:
        return [
            ranking.Scored(
                candidate=ranking.Candidate(*candidate),
                factors=[],  # `describe()` writes them for the posts shown
                score=score,
                activity=activity,
                inputs=inputs,
            )
            for candidate, score, activity, inputs in self.scored or ()
        ]

    def activity_for(self, net: ranking.Network) -> dict[int, list[ranking.Activity]]:
        """The activity kept, less the connections blocked since (blocks are read afresh)."""
        if not net.blocked:
            return self.activity
        kept = {
            post_id: [a for a in found if a.actor_id not in net.blocked]
            for post_id, found in self.activity.items()
        }
        return {post_id: found for post_id, found in kept.items() if found}

    def store(self, viewer: User) -> None:
        cache.set(
            _snapshot_cache_key(viewer.pk, self.key),
            {"activity": self.activity, "scored": self.scored},
            SNAPSHOT_TTL,
        )
        self.stored = True
        if self.computed_at is not None and self.as_of is not None and self.fingerprint is not None:
            cache.set(
                latest_cache_key(viewer.pk),
                {
                    "key": self.key,
                    "computed_at": self.computed_at,
                    "as_of": self.as_of,
                    "fingerprint": self.fingerprint,
                    "order": self.order if self.scored is not None else "",
                },
                REUSE_SECONDS,
            )


def _candidate_row(c: ranking.Candidate) -> tuple:
    return (c.post_id, c.author_id, c.published_at, c.kind, c.repost_of_id)


def _snapshot_cache_key(viewer_id: int, key: str) -> str:
    # The viewer's id in the key: a cursor passed to someone else finds nothing and recomputes.
    return f"feed:snapshot:v{SNAPSHOT_VERSION}:{viewer_id}:{key}"


def latest_cache_key(viewer_id: int) -> str:
    return f"feed:latest:v{SNAPSHOT_VERSION}:{viewer_id}"


def _reusable(viewer: User, order: str, net: ranking.Network) -> Snapshot | None:
    """The snapshot of the member's last full computation, when a first page may start from it:
    computed less than `REUSE_SECONDS` ago, for the same network, before this moment. Its
    scores only for a page in the same order (a ranked page needs them)."""
    latest = cache.get(latest_cache_key(viewer.pk))
    if not isinstance(latest, dict):
        return None
    if latest["fingerprint"] != ranking.network_fingerprint(net):
        return None
    if not latest["as_of"] <= net.as_of < latest["computed_at"] + timedelta(seconds=REUSE_SECONDS):
        return None
    same_order = latest["order"] == order
    if order == FeedOrder.RANKED and not same_order:
        return None
    found = cache.get(_snapshot_cache_key(viewer.pk, latest["key"]))
    if not isinstance(found, dict) or (order == FeedOrder.RANKED and found.get("scored") is None):
        return None
    return Snapshot(
        key=latest["key"],
        activity=found["activity"],
        scored=found.get("scored") if same_order else None,
        order=latest["order"],
        stored=True,
        computed_at=latest["computed_at"],
        as_of=latest["as_of"],
        fingerprint=latest["fingerprint"],
    )


def _kept_and_since(
    viewer: User, net: ranking.Network, previous: Snapshot, kept_ids, limit: int
) -> list[tuple]:
    """In one query, newest first (`ranking.CANDIDATE_FIELDS`, at most `limit`): those of
    `kept_ids` the viewer may still see, and the candidates published since `previous.as_of`.
    (Each built its own visibility rule, and building it cost more than running it.)"""
    return list(
        Post.objects.filter(ranking._eligible(viewer, net))
        .filter(
            Q(InIds("pk", kept_ids))
            # (The activity read at `previous.as_of` is on posts published before it.)
            | (Q(published_at__gt=previous.as_of) & ranking.sources_q(net, activity=False))
        )
        .order_by("-published_at", "-pk")
        .values_list(*ranking.CANDIDATE_FIELDS)[:limit]
    )


def _continued(
    viewer: User, net: ranking.Network, previous: Snapshot, size: int
) -> list[ranking.Scored]:
    """A ranked first page's scored candidates from a previous computation (`_reusable`): the
    posts published since read and scored, the kept ones aged to `net.as_of`; the newest
    `CANDIDATE_LIMIT` of them, a post reposted showing once (as `ranked_candidates`).

    Of the kept ones, those this page shows are re-checked now (hidden, deleted, narrowed,
    muted or blocked since: left out, and the next best takes the place): the best
    `RECHECK_AHEAD` pages' worth in the same query as the new posts, then any other the page
    would show. The rest are re-checked by the next pages, which re-check theirs anyway
    (`_still_eligible`). Re-checking all 400 here was most of the page's database time."""
    oldest = net.as_of - ranking.WINDOW
    kept = [s for s in previous.scored_again() if s.candidate.published_at > oldest]
    ahead = {
        s.post_id
        for s in sorted(kept, key=lambda s: s.sort_key, reverse=True)[: size * RECHECK_AHEAD]
    }
    rows = _kept_and_since(viewer, net, previous, ahead, ranking.CANDIDATE_LIMIT + len(ahead))
    fresh = [c for c in ranking._as_candidates(rows) if c.published_at > previous.as_of]
    checked = {row[0] for row in rows}
    left_out = ahead - checked
    every = sorted(
        ranking.score_candidates(viewer, net, fresh[: ranking.CANDIDATE_LIMIT])
        + ranking.aged(kept, previous.as_of, net.as_of),
        key=lambda s: (s.candidate.published_at, s.post_id),
        reverse=True,
    )
    while True:
        merged = [s for s in every if s.post_id not in left_out][: ranking.CANDIDATE_LIMIT]
        staying = {c.post_id for c in ranking.dedupe([s.candidate for s in merged])}
        merged = [s for s in merged if s.post_id in staying]
        shown, _end = ranking.rank(merged, count=size)
        unchecked = {s.post_id for s in shown} - checked
        if not unchecked:
            return merged
        still = set(
            Post.objects.filter(InIds("pk", unchecked))
            .filter(ranking._eligible(viewer, net))
            .values_list("pk", flat=True)
        )
        checked |= still
        left_out |= unchecked - still


def _continued_recent(
    viewer: User, net: ranking.Network, previous: Snapshot, size: int
) -> list[ranking.Scored] | None:
    """A most-recent-first first page from a previous one (`_reusable`): the newest `size` + 1
    of the posts published since and of the previous page's, re-checked (hidden, deleted,
    narrowed, muted or blocked since: left out), with their scores aged to `net.as_of`; None
    when too many of the previous page's were left out to tell (the posts after them were not
    read), and the page is read in full."""
    kept = previous.scored_again()
    rows = _kept_and_since(viewer, net, previous, [s.post_id for s in kept], size + 1 + len(kept))
    fresh = [c for c in ranking._as_candidates(rows) if c.published_at > previous.as_of]
    fresh = fresh[: size + 1]
    still = {row[0] for row in rows}
    kept = [s for s in kept if s.post_id in still]
    if len(fresh) + len(kept) < size + 1:
        return None
    newest = ranking.score_candidates(viewer, net, fresh) + ranking.aged(
        kept, previous.as_of, net.as_of
    )
    newest.sort(key=lambda s: (s.candidate.published_at, s.post_id), reverse=True)
    return newest[: size + 1]


def _snapshot(viewer: User, position: Cursor | None) -> Snapshot | None:
    if position is None or not position.snapshot:
        return None
    found = cache.get(_snapshot_cache_key(viewer.pk, position.snapshot))
    if not isinstance(found, dict):
        return None
    if position.order == FeedOrder.RANKED and found.get("scored") is None:
        return None
    return Snapshot(
        key=position.snapshot, activity=found["activity"], scored=found.get("scored"), stored=True
    )


def _still_eligible(
    viewer: User, net: ranking.Network, scored: list[ranking.Scored], start: ranking.Spread | None
) -> list[ranking.Scored]:
    """The kept candidates the next pages may still show, re-checked now (one query): a post
    hidden, deleted or narrowed in audience since, or whose author was muted, blocked or left,
    is left out — as a recomputed page would."""
    below = start.below if start is not None else None
    held = set(start.held) if start is not None else set()
    ahead = [s.post_id for s in scored if below is None or s.sort_key < below or s.post_id in held]
    if not ahead:
        return []
    visible = set(
        Post.objects.filter(InIds("pk", ahead))
        .filter(ranking._eligible(viewer, net))
        .values_list("pk", flat=True)
    )
    return [s for s in scored if s.post_id in visible]


def feed_page(
    viewer: User,
    *,
    order: str | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
    hydrate: bool = True,
    reuse: bool = False,
) -> FeedPage:
    """One page of the viewer's home feed. A valid cursor decides the order and the moment.

    `reuse`: a first page may start from the member's last full computation (see the top; the
    pages and the API ask for it, the tests of ranking itself compute in full)."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    position = Cursor.decode(cursor)
    if position is not None:
        order, as_of = position.order, position.as_of
    else:
        order = order if order in FeedOrder.values else FeedOrder.RANKED
        as_of = _timestamp(now or timezone.now())
    net = ranking.network_for(viewer, as_of)
    snapshot = _snapshot(viewer, position)
    previous = _reusable(viewer, order, net) if reuse and position is None else None
    if previous is not None:
        # Its activity as it was (see the top); its scores are taken on below.
        net.activity = previous.activity_for(net)
        snapshot = Snapshot(
            key=secrets.token_urlsafe(12),
            activity=net.activity,
            order=order,
            computed_at=previous.computed_at,
            as_of=as_of,
            fingerprint=previous.fingerprint,
        )
    elif snapshot is None:
        ranking.load_activity(viewer, net)
        # A next page whose snapshot is gone stores it again under its cursor's key: the same
        # moment, so the same contents, and the pages after it (or this one reloaded) find it.
        key = position.snapshot if position is not None and position.snapshot else ""
        snapshot = Snapshot(key=key or secrets.token_urlsafe(12), activity=net.activity)
        if position is None:
            snapshot.order = order
            snapshot.computed_at = snapshot.as_of = as_of
            snapshot.fingerprint = ranking.network_fingerprint(net)
    else:
        net.activity = snapshot.activity_for(net)

    if order == FeedOrder.RANKED:
        start = None
        if position is not None:
            start = ranking.Spread(
                below=(position.score, position.post_id),
                held=list(position.held),
                recent=list(position.recent),
            )
        if previous is not None:
            scored = _continued(viewer, net, previous, size)
            snapshot.keep_scores(scored)
        elif snapshot.scored is None:
            scored = ranking.score_candidates(viewer, net, ranking.ranked_candidates(viewer, net))
            snapshot.keep_scores(scored)
        else:
            scored = _still_eligible(viewer, net, snapshot.scored_again(), start)
        shown, end = ranking.rank(scored, start=start, count=size)
        next_cursor = None
        if shown and end is not None:
            score, post_id = end.below
            next_cursor = Cursor(
                order=order,
                as_of=as_of,
                score=score,
                post_id=post_id,
                held=tuple(end.held),
                recent=tuple(end.recent),
                snapshot=snapshot.key,
            ).encode()
    else:
        newest = None
        if previous is not None and previous.scored is not None:
            newest = _continued_recent(viewer, net, previous, size)
        if newest is None:
            queryset = ranking.candidates_qs(viewer, net)
            if position is not None:
                queryset = queryset.filter(
                    Q(published_at__lt=position.published_at)
                    | Q(published_at=position.published_at, pk__lt=position.post_id)
                )
            rows = list(
                queryset.order_by("-published_at", "-pk").values_list(*ranking.CANDIDATE_FIELDS)[
                    : size + 1
                ]
            )
            # The next page's first post scored too: a first page shown again starts from both.
            candidates = ranking._as_candidates(rows if position is None else rows[:size])
            by_id = {s.post_id: s for s in ranking.score_candidates(viewer, net, candidates)}
            newest = [by_id[c.post_id] for c in candidates]
            more = len(rows) > size
        else:
            more = len(newest) > size
        if position is None:
            snapshot.keep_scores(newest)
        shown = newest[:size]
        last = shown[-1].candidate if shown else None
        next_cursor = (
            Cursor(
                order=order,
                as_of=as_of,
                published_at=last.published_at,
                post_id=last.post_id,
                snapshot=snapshot.key,
            ).encode()
            if more and last
            else None
        )
    if not snapshot.stored and (next_cursor or (reuse and snapshot.computed_at is not None)):
        snapshot.store(viewer)
    ranking.describe(net, shown)
    page = FeedPage(
        order=order, as_of=as_of, scored=shown, next_cursor=next_cursor, is_first=position is None
    )
    if hydrate:
        page.items = _hydrate(viewer, net, shown)
    return page


def _hydrate(viewer: User, net: ranking.Network, shown: list[ranking.Scored]) -> list:
    """The post cards (the posts area's `posts_for_display`), in page order, with the feed's
    context line and menu facts."""
    if not shown:
        return []
    from .selectors import posts_for_display

    posts = {p.pk: p for p in Post.objects.filter(pk__in=[s.post_id for s in shown])}
    ordered = [posts[s.post_id] for s in shown if s.post_id in posts]
    views = posts_for_display(viewer, ordered)
    by_post = {s.post_id: s for s in shown}
    for view in views:
        _prime_link_preview(view)
        scored = by_post[view.post.pk]
        view.context_line = scored.context_line
        view.feed_score = scored.score
        view.feed_follows_author = view.post.author_id in net.follows
    return views


def _prime_link_preview(view) -> None:
    # The link card template falls back to `post.link_preview`, which Django resolves even when
    # the hydrated preview is given: fill the relation from what was loaded (None when the
    # preview is not ready) so it never costs a query per post.
    for v in (view, view.original):
        if v is not None and v.post.link_preview_id:
            v.post.link_preview = v.link_preview


def page_ids(page: FeedPage) -> list[int]:
    return [s.post_id for s in page.scored]


# --- Why am I seeing this? --------------------------------------------------------------------


@dataclass
class Explanation:
    post: Post
    in_feed: bool  # the post is one of the viewer's feed candidates
    factors: list[ranking.Factor]
    score: float
    as_of: datetime


def explain(viewer: User, post: Post, *, now: datetime | None = None) -> Explanation:
    """The factors that score `post` in the viewer's ranked feed now — computed by the very code
    that ranks the feed, for this one post. `post` was already checked visible by the caller;
    a post that is not a candidate (opened from elsewhere, hidden, muted, too old) says so."""
    as_of = _timestamp(now or timezone.now())
    net = ranking.network_for(viewer, as_of)
    ranking.load_activity(viewer, net)
    rows = list(
        ranking.candidates_qs(viewer, net)
        .filter(pk=post.pk, published_at__gt=as_of - ranking.WINDOW)
        .values_list(*ranking.CANDIDATE_FIELDS)
    )
    candidates = ranking._as_candidates(rows)
    if not candidates:
        return Explanation(post=post, in_feed=False, factors=[], score=0.0, as_of=as_of)
    scored = ranking.score_candidates(viewer, net, candidates)[0]
    ranking.describe(net, [scored])
    return Explanation(post=post, in_feed=True, factors=scored.factors, score=scored.score, as_of=as_of)


# --- New posts since the page was loaded ----------------------------------------------------


def new_posts_count(viewer: User, *, since: datetime, now: datetime | None = None) -> int:
    """Posts that entered the viewer's feed after `since` (not their own): the pill's number."""
    as_of = _timestamp(now or timezone.now())
    net = ranking.network_for(viewer, as_of)
    return (
        ranking.candidates_qs(viewer, net)
        .filter(published_at__gt=since)
        .exclude(author_id=viewer.pk)
        .count()
    )
