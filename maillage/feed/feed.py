"""Reads for the home feed: a page of it (ranked or most recent first), the explanation of one
post's place in it, and the "N new posts" count.

Pages are stateless. A cursor is signed (nobody forges a position) and carries the order, the
moment the first page was computed ("as of") and the key of the last post shown: (published_at,
id) when most recent first; when ranked, where the ranking stopped (`ranking.Spread`: the score
and id reached in score order, the posts held back to spread a busy author's, the authors of the
last posts shown). Ranked pages recompute every candidate's score as of that same moment (see
ranking.py), so a page never repeats nor skips a post of the previous ones even when new posts
and reactions arrive meanwhile, or a post is hidden; each page costs the same queries as the
first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User

from . import ranking
from .models import FeedOrder, FeedSettings, Post

PAGE_SIZE = 10
MAX_PAGE_SIZE = 30
CURSOR_SALT = "maillage.feed.cursor"


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

    def encode(self) -> str:
        payload = {"o": self.order, "t": self.as_of.isoformat(), "i": self.post_id}
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
                )
            if order == FeedOrder.RECENT:
                published_at = _aware(datetime.fromisoformat(data["p"]))
                return cls(order=order, as_of=as_of, published_at=published_at, post_id=post_id)
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


def feed_page(
    viewer: User,
    *,
    order: str | None = None,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
    hydrate: bool = True,
) -> FeedPage:
    """One page of the viewer's home feed. A valid cursor decides the order and the moment."""
    size = max(1, min(int(size), MAX_PAGE_SIZE))
    position = Cursor.decode(cursor)
    if position is not None:
        order, as_of = position.order, position.as_of
    else:
        order = order if order in FeedOrder.values else FeedOrder.RANKED
        as_of = _timestamp(now or timezone.now())
    net = ranking.network_for(viewer, as_of)
    ranking.load_activity(viewer, net)

    if order == FeedOrder.RANKED:
        scored = ranking.score_candidates(viewer, net, ranking.ranked_candidates(viewer, net))
        start = None
        if position is not None:
            start = ranking.Spread(
                below=(position.score, position.post_id),
                held=list(position.held),
                recent=list(position.recent),
            )
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
            ).encode()
    else:
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
        more = len(rows) > size
        candidates = ranking._as_candidates(rows[:size])
        by_id = {s.post_id: s for s in ranking.score_candidates(viewer, net, candidates)}
        shown = [by_id[c.post_id] for c in candidates]
        last = candidates[-1] if candidates else None
        next_cursor = (
            Cursor(
                order=order, as_of=as_of, published_at=last.published_at, post_id=last.post_id
            ).encode()
            if more and last
            else None
        )
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
