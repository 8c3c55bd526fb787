"""Ranking the home feed: which posts are candidates for a viewer, and how each one scores.

A score is the product of named factors (`Factor`), each with a weight and the reason it stands
for, so "Why am I seeing this?" lists exactly what scored the post: the weights of every
candidate and the words of the posts shown come from the same `factors_for`. Every input is
read *as of* a moment (`as_of`): reactions, comments, reposts and the viewer's past interactions
made later do not count. A page cursor carries that moment, so the next page sees the same
scores and the ranked order never repeats or skips a post while new activity arrives.

Candidates (one bounded SQL query, two for a large network; newest first, at most
`CANDIDATE_LIMIT`): published posts the viewer may see (`access.visible_posts_q`, never a rule
of our own) from the last `WINDOW`, written by people the viewer follows (a connection implies a
follow both ways) or by the viewer, tagged with a hashtag the viewer follows, or commented on /
reacted to recently by one of the viewer's connections. Hidden posts and muted authors are left
out.

The ranked order is by score, with one busy author's posts spread out (`rank`: at most 2 in any
10 consecutive posts).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, Q, Value
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.core import audience
from maillage.network import degrees
from maillage.network.models import Follow, Mute

from .access import visible_posts_q
from .models import (
    Comment,
    HashtagFollow,
    HiddenPost,
    Mention,
    Post,
    PostHashtag,
    PostKind,
    PostStatus,
    Reaction,
)
from .sql import InIds

WINDOW = timedelta(days=21)  # how far back the ranked feed looks
ACTIVITY_WINDOW = timedelta(days=7)  # "Camille commented on this" counts this long
INTERACTION_WINDOW = timedelta(days=90)  # the viewer's past reactions and comments
CANDIDATE_LIMIT = 400
FIRST_SLICE = timedelta(days=3)  # read first when the network is large (see ranked_candidates)
ACTIVITY_ROWS = 5000  # a week of connections' comments (or reactions) read at most
ACTIVITY_BATCH = 1000  # …that many at a time (see load_activity)
SLICE_FROM_FOLLOWS = 200  # members followed; fewer rarely post CANDIDATE_LIMIT times in 3 days
AUTHOR_SPREAD = (2, 10)  # at most 2 posts by one author in any 10 consecutive ranked posts
HALF_LIFE_HOURS = 24.0

# Relationship with the author (at most one applies).
WEIGHT_CONNECTION = 3.0
WEIGHT_FOLLOW = 2.0
WEIGHT_OWN = 1.5
# Boosts.
WEIGHT_HASHTAG = 1.5  # the post carries a hashtag the viewer follows
WEIGHT_COMMENTED = 1.5  # a connection commented on it
WEIGHT_REACTED = 1.2  # a connection reacted to it
WEIGHT_MENTION = 1.5  # the post mentions the viewer
INTERACTION_STEP = 0.2  # each past reaction/comment on the author's posts…
INTERACTION_CAP = 10  # …up to ten of them (×3)
OFTEN = 3  # from this many interactions on, "you often react to…"
ENGAGEMENT_DAMPING = 3.0  # 1 + log(1 + reactions + 2·comments + 3·reposts) / damping


@dataclass(frozen=True)
class Factor:
    """One reason a post scored what it did: `weight` multiplies the score; `text` says why."""

    code: str
    weight: float
    text: str

    @property
    def strength(self) -> str:
        """The weight in words (the why page shows these, with the multiplier)."""
        if self.code == "recency":
            if self.weight >= 0.75:
                return _("Recent: counts in full")
            if self.weight >= 0.25:
                return _("A few days old: counts less")
            return _("Older: counts much less")
        if self.weight >= 2.5:
            return _("Strong reason")
        if self.weight >= 1.5:
            return _("Medium reason")
        return _("Small boost")


@dataclass
class Candidate:
    post_id: int
    author_id: int
    published_at: datetime
    kind: str
    repost_of_id: int | None

    @property
    def content_id(self) -> int:
        """The post whose reactions, comments and reposts count (a plain repost's original)."""
        if self.kind == PostKind.REPOST and self.repost_of_id:
            return self.repost_of_id
        return self.post_id


@dataclass
class Activity:
    """A connection's recent comment or reaction on a post (the "X commented on this" line)."""

    kind: str  # "comment" or "reaction"
    actor_id: int
    at: datetime


@dataclass
class Inputs:
    """What one candidate's score is computed from (besides the candidate and the network)."""

    reactions: int = 0
    comments: int = 0
    reposts: int = 0
    hashtags: list[str] = field(default_factory=list)  # followed hashtags it carries
    mentioned: bool = False
    interactions: tuple[int, int] = (0, 0)  # the viewer's (reactions, comments) on the author
    activity: Activity | None = None  # the connection's comment or reaction shown


@dataclass
class Scored:
    candidate: Candidate
    factors: list[Factor]  # without words until `describe()` (the shown posts only)
    score: float
    activity: Activity | None = None
    activity_name: str = ""
    inputs: Inputs = field(default_factory=Inputs)

    @property
    def post_id(self) -> int:
        return self.candidate.post_id

    @property
    def sort_key(self) -> tuple[float, int]:
        return (self.score, self.candidate.post_id)

    @property
    def context_line(self) -> str:
        if self.activity is None or not self.activity_name:
            return ""
        if self.activity.kind == "comment":
            return _("%(name)s commented on this") % {"name": self.activity_name}
        return _("%(name)s reacted to this") % {"name": self.activity_name}


@dataclass
class Network:
    """What the viewer's feed is built from, read once per page."""

    viewer_id: int
    as_of: datetime
    follows: set[int]
    connections: frozenset[int]
    blocked: frozenset[int]
    muted: set[int]
    hashtags: dict[int, str]  # followed hashtag id → name
    activity: dict[int, list[Activity]] = field(default_factory=dict)  # post id → activity


def network_for(viewer: User, as_of: datetime) -> Network:
    """The viewer's follows, connections, blocks, mutes, followed hashtags (≤ 3 queries, the
    degree sets come from the cache)."""
    follows = set(Follow.objects.filter(follower_id=viewer.pk).values_list("followed_id", flat=True))
    muted = set(Mute.objects.filter(muter_id=viewer.pk).values_list("muted_id", flat=True))
    hashtags = dict(
        HashtagFollow.objects.filter(member_id=viewer.pk).values_list("hashtag_id", "hashtag__name")
    )
    return Network(
        viewer_id=viewer.pk,
        as_of=as_of,
        follows=follows,
        connections=degrees.first_degree_ids(viewer.pk),
        blocked=frozenset(audience.relation(audience.BLOCKED).ids_for(viewer.pk)),
        muted=muted,
        hashtags=hashtags,
    )


def network_fingerprint(net: Network) -> int:
    """One number for what decides the viewer's candidates and their weights besides the posts:
    follows, connections, blocks, mutes and followed hashtags. (The hash of a set of ints is the
    same in every process: no randomization for ints.)"""
    return hash(
        (
            frozenset(net.follows),
            net.connections,
            net.blocked,
            frozenset(net.muted),
            frozenset(net.hashtags),
        )
    )


def _eligible(viewer: User, net: Network, prefix: str = "") -> Q:
    """Published, visible to the viewer, not hidden by them, not by someone they muted."""
    condition = visible_posts_q(viewer, prefix=prefix) & Q(
        **{f"{prefix}status": PostStatus.PUBLISHED, f"{prefix}published_at__lte": net.as_of}
    )
    condition &= ~Q(
        **{f"{prefix}pk__in": HiddenPost.objects.filter(member_id=net.viewer_id).values("post_id")}
    )
    if net.muted:
        condition &= ~Q(**{f"{prefix}author_id__in": net.muted})
        # A muted member's post reposted by someone else stays out too.
        condition &= ~Q(**{f"{prefix}repost_of__author_id__in": net.muted})
    return condition


def load_activity(viewer: User, net: Network) -> None:
    """Recent comments and reactions of the viewer's connections on posts the viewer may see
    (three queries, more for the busiest networks). A comment is only used when the viewer may
    see it: its post is visible and no block stands between the viewer and its author.

    The comments and reactions are read first (by the (author, created_at) and (member,
    created_at) indexes), then their posts checked in one query: joined in one statement,
    PostgreSQL walked the posts table by key to merge them (70 ms with 300,000 posts).

    They are read `ACTIVITY_BATCH` rows at a time, newest first, until `CANDIDATE_LIMIT` rows
    of each kind are kept or `ACTIVITY_ROWS` were read: the rows kept are those that reading
    all `ACTIVITY_ROWS` at once would keep, but a member with thousands of connections no longer
    has 10,000 rows read and their posts checked to keep 800 (at 100,000 members, that member's
    activity took 60 to 120 ms of the first page's time)."""
    if not net.connections:
        return
    oldest_post = net.as_of - WINDOW
    # The active connections as a subquery, not a join on the author: joined, PostgreSQL hashed
    # every active member (a scan of 100,000 rows, 60 ms) to keep a few thousand reactions;
    # as a subquery it looks the connections up by key and reads each one's week by index.
    actors = User.objects.filter(
        InIds("pk", [pk for pk in net.connections if pk not in net.blocked]), is_active=True
    ).values("pk")
    window = {"created_at__gt": net.as_of - ACTIVITY_WINDOW, "created_at__lte": net.as_of}
    sources = {
        "comment": Comment.objects.filter(author_id__in=actors, **window)
        .order_by("-created_at", "-pk")
        .values_list("post_id", "author_id", "created_at"),
        "reaction": Reaction.objects.filter(member_id__in=actors, post__isnull=False, **window)
        .order_by("-created_at", "-pk")
        .values_list("post_id", "member_id", "created_at"),
    }
    read = dict.fromkeys(sources, 0)
    exhausted = dict.fromkeys(sources, False)
    kept: dict[str, list] = {kind: [] for kind in sources}
    author_of: dict[int, int] = {}  # eligible post → its author
    checked: set[int] = set()
    while True:
        wanted = [
            kind
            for kind in sources
            if not exhausted[kind] and len(kept[kind]) < CANDIDATE_LIMIT and read[kind] < ACTIVITY_ROWS
        ]
        if not wanted:
            break
        batches = {}
        for kind in wanted:
            end = min(read[kind] + ACTIVITY_BATCH, ACTIVITY_ROWS)
            batches[kind] = list(sources[kind][read[kind] : end])
            exhausted[kind] = len(batches[kind]) < end - read[kind]
            read[kind] = end
        unchecked = {row[0] for rows in batches.values() for row in rows} - checked
        if unchecked:
            author_of.update(
                Post.objects.filter(InIds("pk", unchecked), published_at__gt=oldest_post)
                .filter(_eligible(viewer, net))
                .values_list("pk", "author_id")
            )
            checked |= unchecked
        for kind, rows in batches.items():
            # Someone commenting on or reacting to their own post is not news about them.
            kept[kind] += [row for row in rows if row[0] in author_of and row[1] != author_of[row[0]]]
    activity: dict[int, list[Activity]] = defaultdict(list)
    for kind, rows in kept.items():
        for post_id, actor_id, at in rows[:CANDIDATE_LIMIT]:
            activity[post_id].append(Activity(kind=kind, actor_id=actor_id, at=at))
    net.activity = dict(activity)


def sources_q(net: Network, *, activity: bool = True) -> Q:
    """Why a post may be in the feed at all (any one suffices). Without `activity`: left out,
    the posts the connections recently commented on or reacted to (for posts newer than the
    activity read, which cannot be among them)."""
    sources = Q(author_id=net.viewer_id)
    if net.follows:
        # (Not driving SQLite's plan: see InIds.)
        sources |= Q(InIds("author_id", net.follows, drive=False))
    if net.hashtags:
        sources |= Q(
            pk__in=PostHashtag.objects.filter(hashtag_id__in=list(net.hashtags)).values("post_id")
        )
    if activity and net.activity:
        sources |= Q(InIds("pk", net.activity))
    return sources


def candidates_qs(viewer: User, net: Network):
    return Post.objects.filter(_eligible(viewer, net)).filter(sources_q(net))


def _as_candidates(rows) -> list[Candidate]:
    return [Candidate(*row) for row in rows]


CANDIDATE_FIELDS = ("pk", "author_id", "published_at", "kind", "repost_of_id")


def ranked_candidates(viewer: User, net: Network) -> list[Candidate]:
    """The newest `CANDIDATE_LIMIT` candidates of the window, as of `net.as_of` (one query, two
    for a large network). A plain repost whose original is itself a candidate, or is reposted
    again later, is dropped (the post shows once).

    The database finds the posts of the viewer's authors through the (author, status,
    published_at) index, then sorts them: its work grows with their posts in the whole window
    (7,500 for 550 authors posting every other day), though only the newest 400 are kept. For a
    network that large, the last `FIRST_SLICE` of the window is read first: when it holds the
    limit, those are the newest candidates of the whole window; otherwise the rest of the window
    tops them up. Same rows either way."""
    queryset = candidates_qs(viewer, net).order_by("-published_at", "-pk")
    oldest = net.as_of - WINDOW
    rows: list = []
    if len(net.follows) >= SLICE_FROM_FOLLOWS:
        border = net.as_of - FIRST_SLICE
        rows = list(
            queryset.filter(published_at__gt=border).values_list(*CANDIDATE_FIELDS)[
                :CANDIDATE_LIMIT
            ]
        )
        if len(rows) < CANDIDATE_LIMIT:
            rows += queryset.filter(published_at__gt=oldest, published_at__lte=border).values_list(
                *CANDIDATE_FIELDS
            )[: CANDIDATE_LIMIT - len(rows)]
    else:
        rows = list(
            queryset.filter(published_at__gt=oldest).values_list(*CANDIDATE_FIELDS)[
                :CANDIDATE_LIMIT
            ]
        )
    return dedupe(_as_candidates(rows))


def aged(scored: list[Scored], since: datetime, as_of: datetime) -> list[Scored]:
    """Scores computed as of `since`, brought to `as_of`. Recency is the only factor that
    depends on the moment, and `recency_weight` halves every `HALF_LIFE_HOURS` for every post
    alike: the scores are all multiplied by one ratio (their order is unchanged). A post not yet
    published at `since` cannot be among them (its recency was not clamped)."""
    hours = max((as_of - since).total_seconds(), 0.0) / 3600
    ratio = 0.5 ** (hours / HALF_LIFE_HOURS)
    for s in scored:
        s.score *= ratio
    return scored


def dedupe(candidates: list[Candidate]) -> list[Candidate]:
    originals = {c.post_id for c in candidates if c.kind != PostKind.REPOST}
    seen: set[int] = set()
    kept = []
    for c in candidates:  # newest first: the newest plain repost of a post wins
        if c.kind == PostKind.REPOST and c.repost_of_id:
            if c.repost_of_id in originals or c.repost_of_id in seen:
                continue
            seen.add(c.repost_of_id)
        kept.append(c)
    return kept


def _counts(reactions, comments, key: str) -> tuple[dict[int, int], dict[int, int]]:
    """Rows of `reactions` and of `comments` counted by `key`, in one query (UNION ALL)."""

    def counted(queryset, source: int):
        return (
            queryset.order_by()
            .values(key)
            # COUNT(*), not COUNT(id): PostgreSQL then counts from the (post, created_at)
            # index alone (an index-only scan), without reading each row (17 -> 8 ms for 400
            # candidates at 100,000 members).
            .annotate(source=Value(source, output_field=IntegerField()), n=Count("*"))
            .values_list("source", key, "n")
        )

    found: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for source, pk, n in counted(reactions, 0).union(counted(comments, 1), all=True):
        found[source][pk] = n
    return found


def score_candidates(viewer: User, net: Network, candidates: list[Candidate]) -> list[Scored]:
    """Score every candidate (a fixed number of queries, whatever their number).

    Only the weights are computed here: the words of each factor ("You follow Camille", "Posted
    3 hours ago") are for the posts shown, and `describe()` adds them to those alone — writing
    them for the ~400 candidates cost more than the database did. Both go through
    `factors_for`, so the weights described are the weights ranked."""
    if not candidates:
        return []
    as_of = net.as_of
    content_ids = {c.content_id for c in candidates}
    post_ids = [c.post_id for c in candidates]
    reactions, comments = _counts(
        Reaction.objects.filter(InIds("post_id", content_ids), created_at__lte=as_of),
        Comment.objects.filter(InIds("post_id", content_ids), created_at__lte=as_of),
        "post_id",
    )
    # Filtered by repost_of alone, the rest in Python: with status and published_at in the
    # WHERE, SQLite picks the (status, published_at) index and walks every published post
    # (0.5 s with 20,000 of them); reposts of a page's candidates are few rows.
    reposts: dict[int, int] = defaultdict(int)
    for original_id, status, published_at in Post.objects.filter(
        InIds("repost_of_id", content_ids)
    ).values_list("repost_of_id", "status", "published_at"):
        if status == PostStatus.PUBLISHED and published_at is not None and published_at <= as_of:
            reposts[original_id] += 1
    tagged: dict[int, list[str]] = defaultdict(list)
    if net.hashtags:
        for post_id, hashtag_id in (
            PostHashtag.objects.filter(
                InIds("post_id", post_ids), hashtag_id__in=list(net.hashtags)
            )
            .order_by("hashtag__name")
            .values_list("post_id", "hashtag_id")
        ):
            tagged[post_id].append(net.hashtags[hashtag_id])
    mentioned = set(
        Mention.objects.filter(InIds("post_id", post_ids), member_id=net.viewer_id).values_list(
            "post_id", flat=True
        )
    )
    interactions = _interactions(net)
    scored = []
    for c in candidates:
        activity = _most_relevant(net.activity.get(c.post_id, ()), interactions)
        inputs = Inputs(
            reactions=reactions.get(c.content_id, 0),
            comments=comments.get(c.content_id, 0),
            reposts=reposts.get(c.content_id, 0),
            hashtags=tagged.get(c.post_id, []),
            mentioned=c.post_id in mentioned,
            interactions=interactions.get(c.author_id, (0, 0)),
            activity=activity,
        )
        factors = factors_for(c, net, inputs)
        scored.append(
            Scored(
                candidate=c,
                factors=factors,
                score=product(factors),
                activity=activity,
                inputs=inputs,
            )
        )
    return scored


def describe(net: Network, scored: list[Scored]) -> None:
    """Put words on the factors of these (shown) posts, and name the connection of their context
    line (one query for the names of their authors and those connections)."""
    if not scored:
        return
    people = {s.candidate.author_id for s in scored} | {
        s.activity.actor_id for s in scored if s.activity is not None
    }
    people.discard(net.viewer_id)
    names = {
        pk: f"{first} {last}".strip()
        for pk, first, last in User.objects.filter(pk__in=people).values_list(
            "pk", "first_name", "last_name"
        )
    } if people else {}
    for s in scored:
        s.factors = factors_for(s.candidate, net, s.inputs, names=names)
        s.activity_name = names.get(s.activity.actor_id, "") if s.activity else ""


def _interactions(net: Network) -> dict[int, tuple[int, int]]:
    """(reactions, comments) the viewer gave each person's posts in the last 90 days, as of
    `net.as_of` (one query). Counted for every author the viewer reacted to or commented on —
    the viewer's own activity, a short index range — rather than for the candidates' authors,
    whose hundreds of ids would make the query cost more than its answer."""
    window = {"created_at__gt": net.as_of - INTERACTION_WINDOW, "created_at__lte": net.as_of}
    reacted, commented = _counts(
        Reaction.objects.filter(member_id=net.viewer_id, post__isnull=False, **window),
        Comment.objects.filter(author_id=net.viewer_id, **window),
        "post__author_id",
    )
    return {
        pk: (reacted.get(pk, 0), commented.get(pk, 0))
        for pk in set(reacted) | set(commented)
        if pk != net.viewer_id
    }


def _most_relevant(activity, interactions) -> Activity | None:
    """A comment before a reaction, then the connection the viewer interacts with most, then
    the most recent."""
    if not activity:
        return None
    return max(
        activity,
        key=lambda a: (a.kind == "comment", sum(interactions.get(a.actor_id, (0, 0))), a.at, a.actor_id),
    )


def product(factors: list[Factor]) -> float:
    score = 1.0
    for f in factors:
        score *= f.weight
    return score


def recency_weight(published_at: datetime, as_of: datetime) -> float:
    age_hours = max((as_of - published_at).total_seconds(), 0.0) / 3600
    return 0.5 ** (age_hours / HALF_LIFE_HOURS)


def factors_for(
    c: Candidate, net: Network, inputs: Inputs, *, names: dict[int, str] | None = None
) -> list[Factor]:
    """The named factors of one post's score, strongest reasons first. Without `names`, the
    weights alone (every text is ""): what ranking needs; `describe()` asks for the words."""
    worded = names is not None
    author = names.get(c.author_id, "") if worded else ""
    factors: list[Factor] = []
    # Relationship with the author.
    if c.author_id == net.viewer_id:
        factors.append(Factor("own", WEIGHT_OWN, _("This is your post") if worded else ""))
    elif c.author_id in net.connections:
        text = _("You are connected to %(name)s") % {"name": author} if worded else ""
        factors.append(Factor("connection", WEIGHT_CONNECTION, text))
    elif c.author_id in net.follows:
        text = _("You follow %(name)s") % {"name": author} if worded else ""
        factors.append(Factor("follow", WEIGHT_FOLLOW, text))
    # The viewer's past interactions with the author.
    reacted, commented = inputs.interactions
    count = reacted + commented
    if count and c.author_id != net.viewer_id:
        weight = 1 + INTERACTION_STEP * min(count, INTERACTION_CAP)
        text = ""
        if worded and count >= OFTEN:
            text = (
                _("You often react to %(name)s's posts")
                if reacted >= commented
                else _("You often comment on %(name)s's posts")
            ) % {"name": author}
        elif worded:
            text = ngettext(
                "You reacted to or commented on %(name)s's posts once recently",
                "You reacted to or commented on %(name)s's posts %(count)s times recently",
                count,
            ) % {"name": author, "count": count}
        factors.append(Factor("interactions", weight, text))
    activity = inputs.activity
    if activity is not None:
        actor = names.get(activity.actor_id, "") if worded else ""
        if activity.kind == "comment":
            text = (
                _("%(name)s, one of your connections, commented on this") % {"name": actor}
                if worded
                else ""
            )
            factors.append(Factor("commented", WEIGHT_COMMENTED, text))
        else:
            text = (
                _("%(name)s, one of your connections, reacted to this") % {"name": actor}
                if worded
                else ""
            )
            factors.append(Factor("reacted", WEIGHT_REACTED, text))
    if inputs.hashtags:
        tags = ", ".join(f"#{name}" for name in inputs.hashtags)
        text = _("You follow %(hashtags)s") % {"hashtags": tags} if worded else ""
        factors.append(Factor("hashtag", WEIGHT_HASHTAG, text))
    if inputs.mentioned:
        factors.append(
            Factor("mention", WEIGHT_MENTION, _("This post mentions you") if worded else "")
        )
    reactions, comments, reposts = inputs.reactions, inputs.comments, inputs.reposts
    engagement = reactions + 2 * comments + 3 * reposts
    if engagement:
        parts = []
        if worded and reactions:
            parts.append(
                ngettext("%(count)s person reacted", "%(count)s people reacted", reactions)
                % {"count": reactions}
            )
        if worded and comments:
            parts.append(ngettext("%(count)s comment", "%(count)s comments", comments) % {"count": comments})
        if worded and reposts:
            parts.append(ngettext("%(count)s repost", "%(count)s reposts", reposts) % {"count": reposts})
        factors.append(
            Factor("engagement", 1 + math.log1p(engagement) / ENGAGEMENT_DAMPING, ", ".join(parts))
        )
    posted = ""
    if worded and (net.as_of - c.published_at).total_seconds() < 60:
        posted = _("Posted just now")
    elif worded:
        posted = _("Posted %(age)s ago") % {"age": timesince(c.published_at, net.as_of, depth=1)}
    factors.append(Factor("recency", recency_weight(c.published_at, net.as_of), posted))
    return factors


@dataclass
class Spread:
    """Where ranking stopped at the end of a page, so the next page goes on exactly there:
    posts are taken from the score order down to `below` (the sort key of the last one taken);
    `held` were taken but held back for their author (best first); `recent` are the authors of
    the last posts placed. Rebuilt from the same candidates as of the same moment, the next page
    continues the same order, and a post hidden meanwhile is simply missing."""

    below: tuple[float, int] | None = None
    held: list[int] = field(default_factory=list)
    recent: list[int] = field(default_factory=list)


def rank(
    scored: list[Scored], *, start: Spread | None = None, count: int | None = None
) -> tuple[list[Scored], Spread | None]:
    """Best score first, with one busy author's posts spread out: at most `AUTHOR_SPREAD[0]`
    posts by one author in any `AUTHOR_SPREAD[1]` consecutive posts. A post held back takes the
    first place the rule allows, before any lower-scored post; when only held-back posts are left
    (a feed of one or two authors), they follow in score order.

    From `start` (a previous page's end), `count` posts at most; the second value is where they
    end, None when no post is left."""
    most, span = AUTHOR_SPREAD
    start = start or Spread()
    ordered = sorted(scored, key=lambda s: s.sort_key, reverse=True)
    by_id = {s.post_id: s for s in ordered}
    held = [by_id[i] for i in start.held if i in by_id]
    stream = [s for s in ordered if start.below is None or s.sort_key < start.below]
    below = start.below
    placed: list[Scored] = []
    recent = list(start.recent)[-(span - 1) :] if span > 1 else []
    window: dict[int, int] = defaultdict(int)  # author → posts among the last span - 1 placed
    for author in recent:
        window[author] += 1
    held_of: dict[int, int] = defaultdict(int)  # author → posts held back
    for s in held:
        held_of[s.candidate.author_id] += 1
    taken = 0  # posts of `stream` taken so far
    while (held or taken < len(stream)) and (count is None or len(placed) < count):
        chosen = None
        # (Counted first: with one author's posts alone left, looking through them all for
        # every place would take quadratic time.)
        if sum(held_of[a] for a, n in window.items() if n >= most) < len(held):
            chosen = next(s for s in held if window[s.candidate.author_id] < most)
            held.remove(chosen)
            held_of[chosen.candidate.author_id] -= 1
        while chosen is None and taken < len(stream):
            s = stream[taken]
            taken += 1
            below = s.sort_key
            if window[s.candidate.author_id] < most:
                chosen = s
            else:
                held.append(s)
                held_of[s.candidate.author_id] += 1
        if chosen is None:  # only held-back posts are left
            chosen = held.pop(0)
            held_of[chosen.candidate.author_id] -= 1
        placed.append(chosen)
        recent.append(chosen.candidate.author_id)
        window[chosen.candidate.author_id] += 1
        if span > 1 and len(recent) >= span:
            window[recent[-span]] -= 1
        recent = recent[-(span - 1) :] if span > 1 else []
    if not held and taken >= len(stream):
        return placed, None
    return placed, Spread(below=below, held=[s.post_id for s in held], recent=recent)
