"""Reads for the author's reach and engagement: one post's analytics, and the "activity" page over
their posts of the last 90 days. Only ever called for the author's own posts (the views fetch
with `access.own_post_or_404`).

The numbers come from the counters the services and the impression worker keep on `Post`
(impressions and unique viewers are written in batches, so they lag a little: see
impressions.py); the share of followers reached and the impressions per day are counted from the
`PostImpression` rows, one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Post, PostImpression, PostKind, PostStatus, ReactionKind
from .text import plain_text

ACTIVITY_DAYS = 90
ACTIVITY_MAX_ROWS = 100
CHART_DAYS = 30  # the last days of a post's life shown in its chart
CHART_HEIGHT = 100  # SVG units: the tallest bar


def _followers(author_id: int) -> QuerySet:
    """The author's active followers' ids, as a subquery (connections follow each other)."""
    from maillage.network.models import Follow

    return Follow.objects.filter(followed_id=author_id, follower__is_active=True).values("follower_id")


def excerpt(post: Post, length: int = 80) -> str:
    """A few words of the post as plain text (a plain repost: of the post it reposts)."""
    body = post.body
    if not body and post.repost_of_id and post.repost_of is not None:
        body = post.repost_of.body
    return Truncator(" ".join(plain_text(body).split())).chars(length)


def follower_count(author_id: int) -> int:
    return _followers(author_id).count()


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, rounded; a little reach shows as 1 %, never as 0 %."""
    if not whole:
        return None
    if part <= 0:
        return 0
    return max(1, round(100 * part / whole))


@dataclass
class ReactionShare:
    kind: str
    label: str
    count: int


@dataclass
class DayBar:
    day: date
    count: int
    x: int = 0
    y: int = 0
    height: int = 0


@dataclass
class PostAnalytics:
    post: Post
    impressions: int
    viewers: int
    reactions: int
    reactions_by_kind: list[ReactionShare]
    comments: int
    reposts: int
    followers: int
    followers_reached: int
    days: list[DayBar] = field(default_factory=list)
    busiest_day: int = 0

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.reposts

    @property
    def engagement_rate(self) -> int | None:
        return percent(self.engagement, self.impressions)

    @property
    def followers_share(self) -> int | None:
        return percent(self.followers_reached, self.followers)

    @property
    def excerpt(self) -> str:
        return excerpt(self.post, 140)

    @property
    def first_day(self) -> date | None:
        return self.days[0].day if self.days else None

    @property
    def last_day(self) -> date | None:
        return self.days[-1].day if self.days else None

    @property
    def chart_width(self) -> int:
        return max(1, len(self.days)) * 10


def _reactions_by_kind(counts: dict) -> list[ReactionShare]:
    return [
        ReactionShare(kind=kind.value, label=str(kind.label), count=int(counts.get(kind.value, 0)))
        for kind in ReactionKind
        if counts.get(kind.value)
    ]


def _days(post: Post, *, today: date) -> list[DayBar]:
    """Impressions per day from the post's publication to today (the last CHART_DAYS days),
    every day present, with the bar geometry for the SVG chart."""
    first = timezone.localdate(post.published_at) if post.published_at else today
    first = max(first, today - timedelta(days=CHART_DAYS - 1))
    if first > today:
        first = today
    counts = dict(
        PostImpression.objects.filter(post=post, day__gte=first, day__lte=today)
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    bars = []
    day = first
    while day <= today:
        bars.append(DayBar(day=day, count=counts.get(day, 0)))
        day += timedelta(days=1)
    busiest = max((bar.count for bar in bars), default=0)
    for index, bar in enumerate(bars):
        bar.x = index * 10 + 1
        bar.height = round(CHART_HEIGHT * bar.count / busiest) if busiest else 0
        if bar.count and bar.height < 2:
            bar.height = 2  # a day with any impression stays visible
        bar.y = CHART_HEIGHT - bar.height
    return bars


def post_analytics(post: Post, *, today: date | None = None) -> PostAnalytics:
    """One post's reach and engagement, for its author: the counters, the followers reached and
    the impressions per day (three queries)."""
    today = today or timezone.localdate()
    followers = follower_count(post.author_id)
    reached = (
        PostImpression.objects.filter(post=post, viewer_id__in=_followers(post.author_id))
        .values("viewer_id")
        .distinct()
        .count()
        if followers
        else 0
    )
    days = _days(post, today=today)
    return PostAnalytics(
        post=post,
        impressions=post.impression_count,
        viewers=post.viewer_count,
        reactions=post.reaction_count,
        reactions_by_kind=_reactions_by_kind(post.reaction_counts or {}),
        comments=post.comment_count,
        reposts=post.repost_count,
        followers=followers,
        followers_reached=reached,
        days=days,
        busiest_day=max((bar.count for bar in days), default=0),
    )


# --- Activity: all the author's recent posts --------------------------------------------------------

ACTIVITY_SORT_LABELS = {
    "date": _("Most recent"),
    "impressions": _("Most impressions"),
    "engagement": _("Most engagement"),
}
ACTIVITY_SORTS = {
    "date": ("-published_at", "-pk"),
    "impressions": ("-impression_count", "-published_at", "-pk"),
    "engagement": ("-engagement", "-published_at", "-pk"),
}


@dataclass
class ActivityRow:
    post: Post
    impressions: int
    viewers: int
    reactions: int
    comments: int
    reposts: int
    engagement: int
    followers_reached: int
    followers_share: int | None

    @property
    def engagement_rate(self) -> int | None:
        return percent(self.engagement, self.impressions)

    @property
    def excerpt(self) -> str:
        return excerpt(self.post, 70)


@dataclass
class Activity:
    rows: list[ActivityRow]
    sort: str
    days: int
    post_count: int
    followers: int
    totals: dict
    averages: dict
    truncated: bool

    @property
    def engagement_rate(self) -> int | None:
        return percent(self.totals["engagement"], self.totals["impressions"])


def _activity_posts(author_id: int, since) -> QuerySet:
    # Plain reposts show someone else's post: their reach is that post's, not the author's.
    return Post.objects.filter(
        author_id=author_id,
        status=PostStatus.PUBLISHED,
        kind=PostKind.POST,
        published_at__gte=since,
    )


def activity(*, author, sort: str = "date", now=None) -> Activity:
    """The author's published posts of the last ACTIVITY_DAYS days with their numbers, sorted by
    date, impressions or engagement; totals and averages over all of them (four queries,
    whatever the number of posts)."""
    now = now or timezone.now()
    sort = sort if sort in ACTIVITY_SORTS else "date"
    since = now - timedelta(days=ACTIVITY_DAYS)
    posts = _activity_posts(author.pk, since)
    totals = posts.aggregate(
        posts=Count("pk"),
        impressions=Coalesce(Sum("impression_count"), 0),
        viewers=Coalesce(Sum("viewer_count"), 0),
        reactions=Coalesce(Sum("reaction_count"), 0),
        comments=Coalesce(Sum("comment_count"), 0),
        reposts=Coalesce(Sum("repost_count"), 0),
    )
    totals["engagement"] = totals["reactions"] + totals["comments"] + totals["reposts"]
    post_count = totals.pop("posts")
    averages = {key: (round(value / post_count, 1) if post_count else 0) for key, value in totals.items()}
    followers = follower_count(author.pk)
    reached = PostImpression.objects.filter(
        post_id=OuterRef("pk"), viewer_id__in=_followers(author.pk)
    ).order_by().values("post_id").annotate(n=Count("viewer_id", distinct=True)).values("n")
    page = list(
        posts.annotate(
            engagement=F("reaction_count") + F("comment_count") + F("repost_count"),
            reached=Coalesce(Subquery(reached), 0),
        )
        .select_related("repost_of")
        .order_by(*ACTIVITY_SORTS[sort])[: ACTIVITY_MAX_ROWS + 1]
    )
    truncated = len(page) > ACTIVITY_MAX_ROWS
    rows = [
        ActivityRow(
            post=post,
            impressions=post.impression_count,
            viewers=post.viewer_count,
            reactions=post.reaction_count,
            comments=post.comment_count,
            reposts=post.repost_count,
            engagement=post.engagement,
            followers_reached=post.reached,
            followers_share=percent(post.reached, followers),
        )
        for post in page[:ACTIVITY_MAX_ROWS]
    ]
    return Activity(
        rows=rows,
        sort=sort,
        days=ACTIVITY_DAYS,
        post_count=post_count,
        followers=followers,
        totals=totals,
        averages=averages,
        truncated=truncated,
    )
