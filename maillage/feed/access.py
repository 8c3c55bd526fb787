"""Fetch a post or a comment *and* check the viewer may see it: forbidden answers like missing.

A post is visible to its author always (drafts and scheduled posts only to them), and to others
once published, by the audience module's rules. A plain repost also needs its original to be
visible: reposting never widens who sees a post. A comment is visible when its post is and
neither side blocked the other.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.core import audience

from .models import Comment, Post, PostKind, PostStatus


def _member_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.pk if getattr(viewer, "is_active", True) else None


def visible_posts_q(viewer, prefix: str = "") -> Q:
    """Posts `viewer` may see (published ones by audience, plus their own drafts), as a Q over
    `Post` (or over a relation to it with `prefix="post__"`)."""
    viewer_id = _member_id(viewer)
    published = (
        Q(**{f"{prefix}status": PostStatus.PUBLISHED, f"{prefix}author__is_active": True})
        & audience.visible_q(viewer, Post, prefix=prefix)
    )
    # A plain repost whose original was deleted has nothing to show; one whose original the
    # viewer may not see is not shown either.
    original_ok = Q(**{f"{prefix}kind": PostKind.POST}) | (
        Q(**{f"{prefix}repost_of__isnull": False})
        & Q(**{f"{prefix}repost_of__status": PostStatus.PUBLISHED})
        & Q(**{f"{prefix}repost_of__author__is_active": True})
        & audience.visible_q(viewer, Post, prefix=f"{prefix}repost_of__")
    )
    allowed = published & original_ok
    if viewer_id is not None:
        allowed |= Q(**{f"{prefix}author_id": viewer_id}) & ~Q(
            **{f"{prefix}kind": PostKind.REPOST, f"{prefix}repost_of__isnull": True}
        )
    return allowed


def visible_posts(viewer, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Post.objects.all() if queryset is None else queryset
    return queryset.filter(visible_posts_q(viewer))


def can_view_post(viewer, post: Post) -> bool:
    """The one-object form of `visible_posts_q` (checked against it in the tests)."""
    viewer_id = _member_id(viewer)
    if viewer_id is not None and viewer_id == post.author_id:
        return not (post.kind == PostKind.REPOST and post.repost_of_id is None)
    if post.status != PostStatus.PUBLISHED or not audience.can_view(viewer, post):
        return False
    if not post.author.is_active:
        return False
    if post.kind == PostKind.REPOST:
        original = post.repost_of
        if original is None or original.status != PostStatus.PUBLISHED:
            return False
        if not original.author.is_active:
            return False
        return audience.can_view(viewer, original)
    return True


def can_view_comment(viewer, comment: Comment, post: Post | None = None) -> bool:
    post = post if post is not None else comment.post
    if not can_view_post(viewer, post):
        return False
    return not audience.is_blocked(_member_id(viewer), comment.author_id)


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def post_for_viewer_or_404(viewer, public_id) -> Post:
    post = (
        Post.objects.select_related("author", "author__profile", "repost_of", "repost_of__author")
        .filter(public_id=_uuid_or_404(public_id), author__is_active=True)
        .first()
    )
    if post is None or not can_view_post(viewer, post):
        raise Http404
    return post


def own_post_or_404(viewer, public_id) -> Post:
    """A post of the viewer's own (to edit, delete, publish or see its analytics)."""
    post = Post.objects.filter(public_id=_uuid_or_404(public_id), author_id=_member_id(viewer)).first()
    if post is None:
        raise Http404
    return post


def comment_for_viewer_or_404(viewer, public_id) -> Comment:
    comment = (
        Comment.objects.select_related("post", "post__repost_of", "author", "author__profile")
        .filter(public_id=_uuid_or_404(public_id), author__is_active=True)
        .first()
    )
    if comment is None or not can_view_comment(viewer, comment):
        raise Http404
    return comment
