"""Reads for showing posts: a page of posts hydrated for one viewer in a fixed number of queries,
a post's comments, who reacted, and the lists of posts (hashtag, member, saved).

Which posts a viewer may see is never decided here: lists filter with `access.visible_posts_q`,
and a reposted original is re-checked for the viewer with the same rule (in SQL, for the whole
page at once) — an original the viewer may not see, or one that was deleted, shows as "no longer
available".
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe

from maillage.accounts.models import User
from maillage.core import audience

from . import access
from .models import (
    Comment,
    Hashtag,
    HashtagFollow,
    LinkPreview,
    Poll,
    Post,
    PostHashtag,
    PostImage,
    PostKind,
    PostStatus,
    Reaction,
    ReactionKind,
    SavedPost,
)

PAGE_SIZE = 10
COMMENTS_PAGE_SIZE = 10
REACTORS_PAGE_SIZE = 30
TOP_REACTION_KINDS = 3


def _url(name: str, *args) -> str:
    """A URL of another area of the feed, or "" while that area has not landed yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _member_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.pk if getattr(viewer, "is_active", True) else None


def blocked_ids(viewer) -> Any:
    """Members on either side of a block with the viewer (a SQL subquery when possible)."""
    viewer_id = _member_id(viewer)
    if viewer_id is None:
        return []
    return audience.relation(audience.BLOCKED).ids_for(viewer_id)


def stored_html(value: str) -> SafeString:
    # body_html is written only by services, from core.text.render_markdown (nh3 allow-list).
    return mark_safe(value or "")  # noqa: S308 — sanitized when stored, see above


# --- Posts for display -----------------------------------------------------------------------


@dataclass
class PostView:
    """Everything a post card shows, for one viewer."""

    post: Post
    author: User
    body_html: SafeString
    images: list = field(default_factory=list)
    poll: Any = None  # polls.PollState: the poll as this viewer sees it
    link_preview: LinkPreview | None = None
    original: PostView | None = None  # the quoted or reposted post, when visible
    original_unavailable: bool = False  # it was deleted, or this viewer may not see it
    my_reaction: str | None = None
    saved: bool = False
    top_reactions: list = field(default_factory=list)
    is_author: bool = False
    can_edit: bool = False
    can_delete: bool = False
    analytics_url: str = ""
    url: str = ""
    context_line: str = ""  # set by the feed ("Camille commented on this")
    nested: bool = False

    @property
    def is_plain_repost(self) -> bool:
        return self.post.kind == PostKind.REPOST

    @property
    def shown(self) -> PostView:
        """The post whose content and actions the card shows: the original for a plain repost."""
        if self.is_plain_repost and self.original is not None:
            return self.original
        return self

    @property
    def public_id(self):
        return self.post.public_id

    @property
    def reaction_count(self) -> int:
        return self.post.reaction_count

    @property
    def comment_count(self) -> int:
        return self.post.comment_count

    @property
    def repost_count(self) -> int:
        return self.post.repost_count

    @property
    def can_repost(self) -> bool:
        return self.post.audience in (audience.Audience.PUBLIC, audience.Audience.MEMBERS)


def top_reaction_kinds(counts: dict | None, limit: int = TOP_REACTION_KINDS) -> list[str]:
    order = {kind: i for i, kind in enumerate(ReactionKind.values)}
    kinds = [k for k, n in (counts or {}).items() if n and k in order]
    kinds.sort(key=lambda k: (-counts[k], order[k]))
    return kinds[:limit]


def posts_for_display(viewer, posts: list[Post]) -> list[PostView]:
    """Hydrate a page of posts for `viewer` in a fixed number of queries, whatever their number
    and mix. The caller has already filtered `posts` with `access.visible_posts_q`."""
    posts = list(posts)
    if not posts:
        return []
    viewer_id = _member_id(viewer)

    # Originals of reposts, re-checked for this viewer by the one audience rule (in SQL).
    original_ids = {p.repost_of_id for p in posts if p.repost_of_id}
    originals: dict[int, Post] = {}
    if original_ids:
        originals = {
            o.pk: o
            for o in Post.objects.filter(pk__in=original_ids).filter(access.visible_posts_q(viewer))
            .filter(status=PostStatus.PUBLISHED, kind=PostKind.POST)
        }
    every = posts + list(originals.values())
    ids = [p.pk for p in every]

    authors = {
        u.pk: u for u in User.objects.filter(pk__in={p.author_id for p in every}).select_related("profile")
    }
    from maillage.network.selectors import people_for_viewer

    people_for_viewer(viewer, list(authors.values()))

    images: dict[int, list] = {}
    for image in PostImage.objects.filter(post_id__in=ids).order_by("post_id", "position", "pk"):
        images.setdefault(image.post_id, []).append(image)

    previews = {
        lp.pk: lp
        for lp in LinkPreview.objects.filter(
            pk__in={p.link_preview_id for p in every if p.link_preview_id}, status=LinkPreview.Status.READY
        )
    } if any(p.link_preview_id for p in every) else {}

    polls = {poll.post_id: poll for poll in Poll.objects.filter(post_id__in=ids).prefetch_related("options")}
    poll_states: dict = {}
    if polls:
        from .polls import poll_results_for

        by_id = {p.pk: p for p in every}
        for poll in polls.values():
            poll.post = by_id[poll.post_id]  # the author decides who sees results: no query
        poll_states = poll_results_for(viewer, list(polls.values()))
    reactions: dict[int, str] = {}
    saved: set[int] = set()
    if viewer_id is not None:
        reactions = dict(
            Reaction.objects.filter(member_id=viewer_id, post_id__in=ids).values_list("post_id", "kind")
        )
        saved = set(SavedPost.objects.filter(member_id=viewer_id, post_id__in=ids).values_list("post_id", flat=True))

    def view(post: Post, *, nested: bool = False) -> PostView:
        post.author = authors[post.author_id]
        is_author = viewer_id is not None and viewer_id == post.author_id
        public_id = post.public_id
        item = PostView(
            post=post,
            author=post.author,
            body_html=stored_html(post.body_html),
            images=images.get(post.pk, []),
            link_preview=previews.get(post.link_preview_id),
            my_reaction=reactions.get(post.pk),
            saved=post.pk in saved,
            top_reactions=top_reaction_kinds(post.reaction_counts),
            is_author=is_author,
            can_edit=is_author and post.kind == PostKind.POST,
            can_delete=is_author,
            analytics_url=_url("post_analytics", public_id) if is_author else "",
            url=reverse("post", args=[public_id]),
            nested=nested,
        )
        poll = polls.get(post.pk)
        if poll is not None:
            item.poll = poll_states.get(poll.pk)
        if (post.repost_of_id or post.repost_of_deleted) and not nested:
            original = originals.get(post.repost_of_id)
            if original is None:
                item.original_unavailable = True
            else:
                item.original = view(original, nested=True)
        return item

    return [view(p) for p in posts]


def post_for_display(viewer, post: Post) -> PostView:
    return posts_for_display(viewer, [post])[0]


# --- Comments ----------------------------------------------------------------------------------


@dataclass
class CommentView:
    comment: Comment
    author: User
    body_html: SafeString
    my_reaction: str | None = None
    top_reactions: list = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    replies: list = field(default_factory=list)

    @property
    def public_id(self):
        return self.comment.public_id


@dataclass
class CommentsPage:
    comments: list[CommentView]
    next_cursor: str = ""
    total: int = 0


def _visible_comments(viewer) -> QuerySet:
    return (
        Comment.objects.filter(author__is_active=True)
        .exclude(author_id__in=blocked_ids(viewer))
        .select_related("author", "author__profile")
    )


def comments_for_post(viewer, post: Post, *, cursor: str = "", limit: int = COMMENTS_PAGE_SIZE) -> CommentsPage:
    """Top-level comments oldest first, each with its replies; people on either side of a block
    with the viewer are left out (their comments and replies)."""
    viewer_id = _member_id(viewer)
    qs = _visible_comments(viewer).filter(post=post, parent__isnull=True).order_by("created_at", "pk")
    after = _decode_cursor(cursor)
    if after is not None:
        when, pk = after
        qs = qs.filter(Q(created_at__gt=when) | Q(created_at=when, pk__gt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    replies: dict[int, list[Comment]] = {}
    if rows:
        for reply in _visible_comments(viewer).filter(parent__in=[c.pk for c in rows]).order_by("created_at", "pk"):
            replies.setdefault(reply.parent_id, []).append(reply)
    every = rows + [r for rs in replies.values() for r in rs]
    mine: dict[int, str] = {}
    if viewer_id is not None and every:
        mine = dict(
            Reaction.objects.filter(member_id=viewer_id, comment_id__in=[c.pk for c in every])
            .values_list("comment_id", "kind")
        )
    if every:
        from maillage.network.selectors import people_for_viewer

        people = {c.author_id: c.author for c in every}
        people_for_viewer(viewer, list(people.values()))
        for c in every:
            c.author = people[c.author_id]

    def view(c: Comment) -> CommentView:
        c.post = post
        return CommentView(
            comment=c,
            author=c.author,
            body_html=stored_html(c.body_html),
            my_reaction=mine.get(c.pk),
            top_reactions=top_reaction_kinds(c.reaction_counts),
            can_edit=viewer_id is not None and viewer_id == c.author_id,
            can_delete=viewer_id is not None and viewer_id in (c.author_id, post.author_id),
            replies=[view(r) for r in replies.get(c.pk, [])],
        )

    return CommentsPage(
        comments=[view(c) for c in rows],
        next_cursor=_encode_cursor(rows[-1].created_at, rows[-1].pk) if more else "",
        total=post.comment_count,
    )


# --- Reactors ----------------------------------------------------------------------------------


@dataclass
class ReactorsPage:
    reactions: list  # Reaction rows with `member` (profile loaded, degree annotated)
    counts: dict  # kind -> count, from the counters
    total: int
    names_shown: bool  # anonymous visitors see the counts only
    next_cursor: str = ""


def reactors_for(viewer, target: Post | Comment, kind: str | None = None, *, cursor: str = "",
                 limit: int = REACTORS_PAGE_SIZE) -> ReactorsPage:
    """Who reacted to a post or a comment, newest first, as far as the viewer may see: never
    anyone on either side of a block with them, neither in the list nor in its counts (one
    query); visitors who are not logged in see the counts only (names of members are for
    members). The counts on post cards stay the stored totals: subtracting blocks there would
    cost a query per page for a difference of a person or two."""
    counts = {k: n for k, n in (target.reaction_counts or {}).items() if n}
    page = ReactorsPage(reactions=[], counts=counts, total=target.reaction_count, names_shown=False)
    if _member_id(viewer) is None:
        return page
    page.names_shown = True
    filters = {"post": target} if isinstance(target, Post) else {"comment": target}
    hidden = dict(
        Reaction.objects.filter(**filters, member_id__in=blocked_ids(viewer))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if hidden:
        page.counts = {k: n - hidden.get(k, 0) for k, n in counts.items() if n - hidden.get(k, 0) > 0}
        page.total = max(0, target.reaction_count - sum(hidden.values()))
    qs = (
        Reaction.objects.filter(**filters, member__is_active=True)
        .exclude(member_id__in=blocked_ids(viewer))
        .select_related("member", "member__profile")
        .order_by("-created_at", "-pk")
    )
    if kind:
        qs = qs.filter(kind=kind)
    before = _decode_cursor(cursor)
    if before is not None:
        when, pk = before
        qs = qs.filter(Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        from maillage.network.selectors import people_for_viewer

        people_for_viewer(viewer, [r.member for r in rows])
    page.reactions = rows
    page.next_cursor = _encode_cursor(rows[-1].created_at, rows[-1].pk) if more else ""
    return page


# --- Lists of posts ----------------------------------------------------------------------------


def _encode_cursor(when: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{when.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when_text, pk_text = raw.split("|", 1)
        when = parse_datetime(when_text)
        pk = int(pk_text)
    except (ValueError, UnicodeDecodeError):
        return None
    if when is None:
        return None
    return when, pk


@dataclass
class PostsPage:
    items: list[PostView]
    next_cursor: str = ""


def _newest_first(viewer, qs: QuerySet, cursor: str, limit: int) -> PostsPage:
    qs = qs.filter(access.visible_posts_q(viewer), status=PostStatus.PUBLISHED).select_related(
        "author", "author__profile"
    ).order_by("-published_at", "-pk")
    before = _decode_cursor(cursor)
    if before is not None:
        when, pk = before
        qs = qs.filter(Q(published_at__lt=when) | Q(published_at=when, pk__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return PostsPage(
        items=posts_for_display(viewer, rows),
        next_cursor=_encode_cursor(rows[-1].published_at, rows[-1].pk) if more else "",
    )


def hashtag_posts(viewer, hashtag: Hashtag, *, cursor: str = "", limit: int = PAGE_SIZE) -> PostsPage:
    tagged = PostHashtag.objects.filter(hashtag=hashtag).values("post_id")
    return _newest_first(viewer, Post.objects.filter(pk__in=tagged), cursor, limit)


def hashtag_followed(viewer, hashtag: Hashtag) -> bool:
    viewer_id = _member_id(viewer)
    return viewer_id is not None and HashtagFollow.objects.filter(member_id=viewer_id, hashtag=hashtag).exists()


def member_posts(viewer, member: User, *, cursor: str = "", limit: int = PAGE_SIZE) -> PostsPage:
    return _newest_first(viewer, Post.objects.filter(author=member), cursor, limit)


@dataclass
class SavedPage:
    items: list[PostView]
    next_cursor: str = ""


def saved_posts(viewer, *, cursor: str = "", limit: int = PAGE_SIZE) -> SavedPage:
    """The viewer's saved posts, last saved first — only those they may still see."""
    qs = (
        SavedPost.objects.filter(member_id=_member_id(viewer))
        .filter(access.visible_posts_q(viewer, prefix="post__"))
        .select_related("post", "post__author", "post__author__profile")
        .order_by("-created_at", "-pk")
    )
    before = _decode_cursor(cursor)
    if before is not None:
        when, pk = before
        qs = qs.filter(Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return SavedPage(
        items=posts_for_display(viewer, [r.post for r in rows]),
        next_cursor=_encode_cursor(rows[-1].created_at, rows[-1].pk) if more else "",
    )
