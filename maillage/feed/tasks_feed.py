"""Background fan-out of the live feed events (see live.py)."""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from maillage.accounts.models import User
from maillage.core.realtime import push_to_member
from maillage.network.models import Follow, Mute

from . import access
from .live import EVENT_NEW_POST, EVENT_POST_DELETED
from .models import HashtagFollow, Post, PostHashtag, PostStatus


def new_post_recipients(post: Post) -> list[int]:
    """Members who would have `post` in their feed and may see it: followers of its author or
    of one of its hashtags, not the author, not muting the author (nor the reposted author),
    active, and allowed by the one audience rule (`access.can_view_post`, per member)."""
    if post.status != PostStatus.PUBLISHED:
        return []
    followers = Follow.objects.filter(followed_id=post.author_id).values("follower_id")
    tag_followers = HashtagFollow.objects.filter(
        hashtag_id__in=PostHashtag.objects.filter(post_id=post.pk).values("hashtag_id")
    ).values("member_id")
    muted_authors = [post.author_id] + ([post.repost_of.author_id] if post.repost_of_id and post.repost_of else [])
    candidates = (
        User.objects.filter(Q(pk__in=followers) | Q(pk__in=tag_followers), is_active=True)
        .exclude(pk=post.author_id)
        .exclude(pk__in=Mute.objects.filter(muted_id__in=muted_authors).values("muter_id"))
        .order_by("pk")
    )
    return [member.pk for member in candidates if access.can_view_post(member, post)]


@task()
def push_new_post(post_id: int) -> int:
    post = (
        Post.objects.select_related("author", "repost_of", "repost_of__author")
        .filter(pk=post_id)
        .first()
    )
    if post is None:  # deleted before the worker got to it
        return 0
    recipients = new_post_recipients(post)
    for member_id in recipients:
        push_to_member(member_id=member_id, event=EVENT_NEW_POST, data={"post": str(post.public_id)})
    return len(recipients)


@task()
def push_post_deleted(post_public_id: str, author_id: int) -> int:
    """Tell the open feeds that may show the post — its author's and their followers' — to drop
    the card. Only the public id of a post that no longer exists leaves; a feed without that
    card ignores it."""
    members = list(
        Follow.objects.filter(followed_id=author_id, follower__is_active=True).values_list(
            "follower_id", flat=True
        )
    )
    for member_id in [author_id, *members]:
        push_to_member(member_id=member_id, event=EVENT_POST_DELETED, data={"post": post_public_id})
    return 1 + len(members)
