"""Ranking the home feed: which posts are candidates for a viewer, and how each one scores.

A score is the product of named factors (`Factor`), each with a weight and the reason it stands
for, so "Why am I seeing this?" lists exactly what scored the post — nothing is recomputed for
the explanation. Every input is read *as of* a moment (`as_of`): reactions, comments, reposts and
the viewer's past interactions made later do not count. A page cursor carries that moment, so
the next page sees the same scores and the ranked order never repeats or skips a post while new
activity arrives.

Candidates (one bounded SQL query, newest first, at most `CANDIDATE_LIMIT`): published posts the
viewer may see (`access.visible_posts_q`, never a rule of our own) from the last
`WINDOW`, written by people the viewer follows (a connection implies a follow both ways) or by
the viewer, tagged with a hashtag the viewer follows, or commented on / reacted to recently by
one of the viewer's connections. Hidden posts and muted authors are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
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

WINDOW = timedelta(days=21)  # how far back the ranked feed looks
ACTIVITY_WINDOW = timedelta(days=7)  # "Camille commented on this" counts this long
INTERACTION_WINDOW = timedelta(days=90)  # the viewer's past reactions and comments
CANDIDATE_LIMIT = 400
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
class Scored:
    candidate: Candidate
    factors: list[Factor]
    score: float
    activity: Activity | None = None
    activity_name: str = ""

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
    (two queries). A comment is only used when the viewer may see it: its post is visible and
    no block stands between the viewer and its author."""
    if not net.connections:
        return
    since = net.as_of - ACTIVITY_WINDOW
    oldest_post = net.as_of - WINDOW
    actors = [pk for pk in net.connections if pk not in net.blocked]
    common = {
        "created_at__gt": since,
        "created_at__lte": net.as_of,
        "post__published_at__gt": oldest_post,
    }
    rows = []
    # Someone commenting on or reacting to their own post is not news about them.
    comments = (
        Comment.objects.filter(author_id__in=actors, author__is_active=True, **common)
        .exclude(author_id=F("post__author_id"))
        .filter(_eligible(viewer, net, prefix="post__"))
        .order_by("-created_at")
        .values_list("post_id", "author_id", "created_at")[:CANDIDATE_LIMIT]
    )
    rows += [("comment", *row) for row in comments]
    reactions = (
        Reaction.objects.filter(member_id__in=actors, member__is_active=True, **common)
        .exclude(member_id=F("post__author_id"))
        .filter(_eligible(viewer, net, prefix="post__"))
        .order_by("-created_at")
        .values_list("post_id", "member_id", "created_at")[:CANDIDATE_LIMIT]
    )
    rows += [("reaction", *row) for row in reactions]
    activity: dict[int, list[Activity]] = defaultdict(list)
    for kind, post_id, actor_id, at in rows:
        activity[post_id].append(Activity(kind=kind, actor_id=actor_id, at=at))
    net.activity = dict(activity)


def sources_q(net: Network) -> Q:
    """Why a post may be in the feed at all (any one suffices)."""
    sources = Q(author_id=net.viewer_id)
    if net.follows:
        sources |= Q(author_id__in=net.follows)
    if net.hashtags:
        sources |= Q(
            pk__in=PostHashtag.objects.filter(hashtag_id__in=list(net.hashtags)).values("post_id")
        )
    if net.activity:
        sources |= Q(pk__in=list(net.activity))
    return sources


def candidates_qs(viewer: User, net: Network):
    return Post.objects.filter(_eligible(viewer, net)).filter(sources_q(net))


def _as_candidates(rows) -> list[Candidate]:
    return [Candidate(*row) for row in rows]


CANDIDATE_FIELDS = ("pk", "author_id", "published_at", "kind", "repost_of_id")


def ranked_candidates(viewer: User, net: Network) -> list[Candidate]:
    """The newest `CANDIDATE_LIMIT` candidates of the window, as of `net.as_of` (one query).
    A plain repost whose original is itself a candidate, or is reposted again later, is dropped
    (the post shows once)."""
    rows = (
        candidates_qs(viewer, net)
        .filter(published_at__gt=net.as_of - WINDOW)
        .order_by("-published_at", "-pk")
        .values_list(*CANDIDATE_FIELDS)[:CANDIDATE_LIMIT]
    )
    return dedupe(_as_candidates(rows))


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


def _counts(queryset, key: str) -> dict[int, int]:
    return dict(queryset.values(key).annotate(n=Count("pk")).values_list(key, "n"))


def score_candidates(viewer: User, net: Network, candidates: list[Candidate]) -> list[Scored]:
    """Score every candidate (a fixed number of queries, whatever their number)."""
    if not candidates:
        return []
    as_of = net.as_of
    content_ids = list({c.content_id for c in candidates})
    post_ids = [c.post_id for c in candidates]
    reactions = _counts(
        Reaction.objects.filter(post_id__in=content_ids, created_at__lte=as_of), "post_id"
    )
    comments = _counts(
        Comment.objects.filter(post_id__in=content_ids, created_at__lte=as_of), "post_id"
    )
    # Filtered by repost_of alone, the rest in Python: with status and published_at in the
    # WHERE, SQLite picks the (status, published_at) index and walks every published post
    # (0.5 s with 20,000 of them); reposts of a page's candidates are few rows.
    reposts: dict[int, int] = defaultdict(int)
    for original_id, status, published_at in Post.objects.filter(
        repost_of_id__in=content_ids
    ).values_list("repost_of_id", "status", "published_at"):
        if status == PostStatus.PUBLISHED and published_at is not None and published_at <= as_of:
            reposts[original_id] += 1
    tagged: dict[int, list[str]] = defaultdict(list)
    if net.hashtags:
        for post_id, hashtag_id in (
            PostHashtag.objects.filter(post_id__in=post_ids, hashtag_id__in=list(net.hashtags))
            .order_by("hashtag__name")
            .values_list("post_id", "hashtag_id")
        ):
            tagged[post_id].append(net.hashtags[hashtag_id])
    mentioned = set(
        Mention.objects.filter(post_id__in=post_ids, member_id=net.viewer_id).values_list(
            "post_id", flat=True
        )
    )
    actors = {a.actor_id for c in candidates for a in net.activity.get(c.post_id, ())}
    people = ({c.author_id for c in candidates} | actors) - {net.viewer_id}
    interactions = _interactions(net, people)
    names = {
        pk: f"{first} {last}".strip()
        for pk, first, last in User.objects.filter(pk__in=people).values_list(
            "pk", "first_name", "last_name"
        )
    }
    scored = []
    for c in candidates:
        activity = _most_relevant(net.activity.get(c.post_id, ()), interactions)
        factors = factors_for(
            c,
            net,
            reactions=reactions.get(c.content_id, 0),
            comments=comments.get(c.content_id, 0),
            reposts=reposts.get(c.content_id, 0),
            hashtags=tagged.get(c.post_id, []),
            mentioned=c.post_id in mentioned,
            interactions=interactions.get(c.author_id, (0, 0)),
            activity=activity,
            names=names,
        )
        scored.append(
            Scored(
                candidate=c,
                factors=factors,
                score=product(factors),
                activity=activity,
                activity_name=names.get(activity.actor_id, "") if activity else "",
            )
        )
    return scored


def _interactions(net: Network, people: set[int]) -> dict[int, tuple[int, int]]:
    """(reactions, comments) the viewer gave each person's posts in the last 90 days, as of
    `net.as_of` (two queries)."""
    if not people:
        return {}
    window = {"created_at__gt": net.as_of - INTERACTION_WINDOW, "created_at__lte": net.as_of}
    reacted = _counts(
        Reaction.objects.filter(
            member_id=net.viewer_id, post__author_id__in=people, **window
        ),
        "post__author_id",
    )
    commented = _counts(
        Comment.objects.filter(author_id=net.viewer_id, post__author_id__in=people, **window),
        "post__author_id",
    )
    return {pk: (reacted.get(pk, 0), commented.get(pk, 0)) for pk in set(reacted) | set(commented)}


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
    c: Candidate,
    net: Network,
    *,
    reactions: int,
    comments: int,
    reposts: int,
    hashtags: list[str],
    mentioned: bool,
    interactions: tuple[int, int],
    activity: Activity | None,
    names: dict[int, str],
) -> list[Factor]:
    """The named factors of one post's score, strongest reasons first."""
    author = names.get(c.author_id, "")
    factors: list[Factor] = []
    # Relationship with the author.
    if c.author_id == net.viewer_id:
        factors.append(Factor("own", WEIGHT_OWN, _("This is your post")))
    elif c.author_id in net.connections:
        factors.append(
            Factor("connection", WEIGHT_CONNECTION, _("You are connected to %(name)s") % {"name": author})
        )
    elif c.author_id in net.follows:
        factors.append(Factor("follow", WEIGHT_FOLLOW, _("You follow %(name)s") % {"name": author}))
    # The viewer's past interactions with the author.
    reacted, commented = interactions
    count = reacted + commented
    if count and c.author_id != net.viewer_id:
        weight = 1 + INTERACTION_STEP * min(count, INTERACTION_CAP)
        if count >= OFTEN:
            text = (
                _("You often react to %(name)s's posts")
                if reacted >= commented
                else _("You often comment on %(name)s's posts")
            ) % {"name": author}
        else:
            text = ngettext(
                "You reacted to or commented on %(name)s's posts once recently",
                "You reacted to or commented on %(name)s's posts %(count)s times recently",
                count,
            ) % {"name": author, "count": count}
        factors.append(Factor("interactions", weight, text))
    if activity is not None:
        actor = names.get(activity.actor_id, "")
        if activity.kind == "comment":
            factors.append(
                Factor("commented", WEIGHT_COMMENTED, _("%(name)s, one of your connections, commented on this") % {"name": actor})
            )
        else:
            factors.append(
                Factor("reacted", WEIGHT_REACTED, _("%(name)s, one of your connections, reacted to this") % {"name": actor})
            )
    if hashtags:
        tags = ", ".join(f"#{name}" for name in hashtags)
        factors.append(Factor("hashtag", WEIGHT_HASHTAG, _("You follow %(hashtags)s") % {"hashtags": tags}))
    if mentioned:
        factors.append(Factor("mention", WEIGHT_MENTION, _("This post mentions you")))
    engagement = reactions + 2 * comments + 3 * reposts
    if engagement:
        parts = []
        if reactions:
            parts.append(
                ngettext("%(count)s person reacted", "%(count)s people reacted", reactions)
                % {"count": reactions}
            )
        if comments:
            parts.append(ngettext("%(count)s comment", "%(count)s comments", comments) % {"count": comments})
        if reposts:
            parts.append(ngettext("%(count)s repost", "%(count)s reposts", reposts) % {"count": reposts})
        factors.append(
            Factor("engagement", 1 + math.log1p(engagement) / ENGAGEMENT_DAMPING, ", ".join(parts))
        )
    if (net.as_of - c.published_at).total_seconds() < 60:
        posted = _("Posted just now")
    else:
        posted = _("Posted %(age)s ago") % {"age": timesince(c.published_at, net.as_of, depth=1)}
    factors.append(Factor("recency", recency_weight(c.published_at, net.as_of), posted))
    return factors


def rank(scored: list[Scored]) -> list[Scored]:
    return sorted(scored, key=lambda s: s.sort_key, reverse=True)
