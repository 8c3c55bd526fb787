"""The feed's REST API (version 1): the home feed, posts, comments, reactions and hashtag pages.

Thin endpoints over the same selectors and services as the pages: what a post, a comment or a
list carries is decided by `access.py` (a post the caller may not see answers 404, like one that
does not exist), and every write goes through `services.py` (a refusal answers 400 with the
service's message). Reading is open to visitors who are not logged in (public posts only);
writing needs the member's session and its CSRF token.
"""

from __future__ import annotations

import html
from datetime import datetime
from uuid import UUID

import nh3
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth

from maillage.core.audience import Audience

from . import access, selectors, services, text
from . import feed as home_feed
from .models import Comment, Hashtag, LinkPreview, PostStatus

router = Router(tags=["feed"])

API_PAGE_SIZE = 10


def viewer_or_anonymous(request):
    """Reading endpoints: the logged-in member, or an anonymous visitor (public posts only)."""
    return request.user


# --- Schemas -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class AuthorOut(Schema):
    id: UUID
    name: str
    headline: str
    profile_url: str | None


class LinkPreviewOut(Schema):
    url: str
    title: str
    description: str
    site_name: str
    domain: str


class PostBaseOut(Schema):
    id: UUID
    url: str
    kind: str
    audience: str
    author: AuthorOut
    html: str
    text: str
    created_at: datetime | None
    edited_at: datetime | None
    reaction_count: int
    reaction_counts: dict[str, int]
    comment_count: int
    repost_count: int
    my_reaction: str | None
    image_count: int
    has_document: bool
    has_poll: bool
    link_preview: LinkPreviewOut | None


class PostOut(PostBaseOut):
    original: PostBaseOut | None = None
    original_unavailable: bool = False


class PostsPageOut(Schema):
    items: list[PostOut]
    next_cursor: str | None


class CommentBaseOut(Schema):
    id: UUID
    author: AuthorOut
    html: str
    text: str
    created_at: datetime
    edited_at: datetime | None
    reaction_count: int
    my_reaction: str | None
    parent_id: UUID | None


class CommentOut(CommentBaseOut):
    replies: list[CommentBaseOut] = []


class CommentsPageOut(Schema):
    items: list[CommentOut]
    next_cursor: str | None
    total: int


class PostIn(Schema):
    text: str = ""
    audience: str = Audience.PUBLIC


class CommentIn(Schema):
    text: str = ""
    parent_id: UUID | None = None


class ReactionIn(Schema):
    kind: str = ""


class ReactionOut(Schema):
    kind: str | None
    reaction_count: int
    reaction_counts: dict[str, int]


# --- Converting --------------------------------------------------------------------------------


def _plain(stored_html: str) -> str:
    return html.unescape(nh3.clean(stored_html or "", tags=set())).strip()


def _author(member) -> dict:
    from django.urls import reverse

    profile = getattr(member, "profile", None)
    address = getattr(profile, "address", "") if profile else ""
    return {
        "id": member.public_id,
        "name": member.get_full_name(),
        "headline": getattr(profile, "headline", "") if profile else "",
        "profile_url": reverse("profile", args=[address]) if address else None,
    }


def _preview(preview: LinkPreview | None) -> dict | None:
    from .link_preview import display_domain

    if preview is None or preview.status != LinkPreview.Status.READY:
        return None
    return {
        "url": preview.url,
        "title": preview.title,
        "description": preview.description,
        "site_name": preview.site_name,
        "domain": display_domain(preview.url),
    }


def _post_base(view: selectors.PostView) -> dict:
    post = view.post
    return {
        "id": post.public_id,
        "url": view.url,
        "kind": post.kind,
        "audience": post.audience,
        "author": _author(view.author),
        "html": str(view.body_html),
        "text": _plain(post.body_html),
        "created_at": post.published_at,
        "edited_at": post.edited_at,
        "reaction_count": post.reaction_count,
        "reaction_counts": {k: n for k, n in (post.reaction_counts or {}).items() if n},
        "comment_count": post.comment_count,
        "repost_count": post.repost_count,
        "my_reaction": view.my_reaction,
        "image_count": len(view.images),
        "has_document": bool(post.document),
        "has_poll": view.poll is not None,
        "link_preview": _preview(view.link_preview),
    }


def _post(view: selectors.PostView) -> dict:
    data = _post_base(view)
    data["original"] = _post_base(view.original) if view.original is not None else None
    data["original_unavailable"] = view.original_unavailable
    return data


def _comment_base(view: selectors.CommentView, parent_id: UUID | None) -> dict:
    comment = view.comment
    return {
        "id": comment.public_id,
        "author": _author(view.author),
        "html": str(view.body_html),
        "text": _plain(comment.body_html),
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "reaction_count": comment.reaction_count,
        "my_reaction": view.my_reaction,
        "parent_id": parent_id,
    }


def _comment(view: selectors.CommentView, parent_id: UUID | None = None) -> dict:
    data = _comment_base(view, parent_id)
    data["replies"] = [_comment_base(reply, view.comment.public_id) for reply in view.replies]
    return data


def _refused(error: ValidationError) -> tuple[int, dict]:
    return Status(400, {"detail": " ".join(error.messages)})


def _published_post_or_404(viewer, public_id: UUID):
    post = access.post_for_viewer_or_404(viewer, public_id)
    if post.status != PostStatus.PUBLISHED:
        raise Http404
    return post


# --- Endpoints ---------------------------------------------------------------------------------


@router.get(
    "/feed",
    response=PostsPageOut,
    summary="The member's home feed",
    description=(
        "One page of the home feed, in the member's chosen order (most relevant or most recent "
        "first). Pass `next_cursor` back as `cursor` for the next page."
    ),
)
def feed(request, cursor: str = ""):
    viewer = request.auth
    page = home_feed.feed_page(
        viewer,
        order=home_feed.feed_order_of(viewer),
        cursor=cursor or None,
        size=API_PAGE_SIZE,
        reuse=True,
    )
    return {"items": [_post(v) for v in page.items], "next_cursor": page.next_cursor or None}


@router.get(
    "/posts/{post_id}",
    response={200: PostOut, 404: ErrorOut},
    auth=viewer_or_anonymous,
    summary="One post",
    description="A post the caller may see (visitors who are not logged in: public posts only).",
)
def post_detail(request, post_id: UUID):
    post = _published_post_or_404(request.auth, post_id)
    return Status(200, _post(selectors.post_for_display(request.auth, post)))


@router.post(
    "/posts",
    response={201: PostOut, 400: ErrorOut},
    auth=django_auth,
    summary="Publish a post",
    description=(
        "Publish a text post (markdown subset, mentions written `@[Name](<member id>)`, "
        "hashtags, and a link whose preview is fetched in the background) to `public`, "
        "`members` or `connections`. Images, documents, polls, drafts and scheduled posts are "
        "only available in the web interface for now."
    ),
)
def post_create(request, payload: PostIn):
    try:
        post = services.post_create(
            author=request.auth,
            data=services.PostInput(body=payload.text, audience=payload.audience),
        )
    except ValidationError as error:
        return _refused(error)
    post = access.post_for_viewer_or_404(request.auth, post.public_id)
    return Status(201, _post(selectors.post_for_display(request.auth, post)))


@router.get(
    "/posts/{post_id}/comments",
    response={200: CommentsPageOut, 404: ErrorOut},
    auth=viewer_or_anonymous,
    summary="A post's comments",
    description="Top-level comments, oldest first, each with its replies.",
)
def comments(request, post_id: UUID, cursor: str = ""):
    post = _published_post_or_404(request.auth, post_id)
    page = selectors.comments_for_post(request.auth, post, cursor=cursor)
    return Status(
        200,
        {
            "items": [_comment(c) for c in page.comments],
            "next_cursor": page.next_cursor or None,
            "total": page.total,
        },
    )


@router.post(
    "/posts/{post_id}/comments",
    response={201: CommentOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="Comment on a post",
    description="Comment, or reply to a top-level comment with `parent_id`.",
)
def comment_create(request, post_id: UUID, payload: CommentIn):
    post = _published_post_or_404(request.auth, post_id)
    parent = None
    if payload.parent_id is not None:
        parent = access.comment_for_viewer_or_404(request.auth, payload.parent_id)
        if parent.post_id != post.pk:
            raise Http404
    try:
        comment = services.comment_create(
            author=request.auth, post=post, body=payload.text, parent=parent
        )
    except ValidationError as error:
        return _refused(error)
    comment = Comment.objects.select_related("author", "author__profile", "parent").get(
        pk=comment.pk
    )
    view = selectors.CommentView(
        comment=comment,
        author=comment.author,
        body_html=selectors.stored_html(comment.body_html),
        can_edit=True,
        can_delete=True,
    )
    return Status(201, _comment(view, comment.parent.public_id if comment.parent_id else None))


@router.put(
    "/posts/{post_id}/reaction",
    response={200: ReactionOut, 400: ErrorOut, 404: ErrorOut},
    auth=django_auth,
    summary="React to a post",
    description="Set (or change) the caller's reaction: like, celebrate, support, love, "
    "insightful or funny.",
)
def reaction_set(request, post_id: UUID, payload: ReactionIn):
    post = _published_post_or_404(request.auth, post_id)
    try:
        services.reaction_set(member=request.auth, kind=payload.kind, post=post)
    except ValidationError as error:
        return _refused(error)
    post.refresh_from_db(fields=["reaction_count", "reaction_counts"])
    return Status(200, _reaction(post, payload.kind))


@router.delete(
    "/posts/{post_id}/reaction",
    response={204: None, 404: ErrorOut},
    auth=django_auth,
    summary="Remove the caller's reaction to a post",
)
def reaction_clear(request, post_id: UUID):
    post = _published_post_or_404(request.auth, post_id)
    services.reaction_clear(member=request.auth, post=post)
    return Status(204, None)


def _reaction(post, kind: str | None) -> dict:
    return {
        "kind": kind,
        "reaction_count": post.reaction_count,
        "reaction_counts": {k: n for k, n in (post.reaction_counts or {}).items() if n},
    }


@router.get(
    "/hashtags/{key}/posts",
    response={200: PostsPageOut, 404: ErrorOut},
    auth=viewer_or_anonymous,
    summary="Posts with a hashtag",
    description="Newest first, only those the caller may see. `key` is the hashtag without `#` "
    "(any case or accents: #Télétravail and #teletravail are one).",
)
def hashtag_posts(request, key: str, cursor: str = ""):
    tag = get_object_or_404(Hashtag, key=text.hashtag_key(key))
    page = selectors.hashtag_posts(request.auth, tag, cursor=cursor, limit=API_PAGE_SIZE)
    return Status(
        200, {"items": [_post(v) for v in page.items], "next_cursor": page.next_cursor or None}
    )
