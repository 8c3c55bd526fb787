"""Feed notifications: mentions, comments on one's post, replies to one's comment, reactions on
one's post or comment, reposts of one's post. The feed services call these inside their
transaction; `notification_create` pushes the live badge after commit.

Nobody is ever told about a post they may not see: each recipient is checked here with the
feed's own rules (`access.can_view_post` / `can_view_comment`) when the notification is created,
and again by `notifications/kinds.py` each time it is shown (the audience may have narrowed, the
post may be gone, someone may have blocked someone since).

Grouping is done when writing: a reaction (or a comment) on a post joins the recipient's unread
notification of that kind about that post — its actors latest first and a count in `data` —
rather than adding a row per reaction (`notification_group_add`). A reaction withdrawn takes its
actor back out of the group, and an emptied group is deleted (`reaction_removed`), so reacting
then un-reacting leaves no wrong count behind. Names are re-checked when shown: a blocked or
departed actor drops out of the names and of the count.
"""

from __future__ import annotations

from collections.abc import Iterable

from maillage.accounts.models import User
from maillage.notifications.models import Kind
from maillage.notifications.services import (
    notification_create,
    notification_group_add,
    notification_group_remove,
    notifications_delete_about,
)

from .access import can_view_comment, can_view_post
from .models import Comment, Post, PostKind


def _members(ids: Iterable[int]) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return User.objects.filter(is_active=True).in_bulk(list(ids))


def _member(member_id: int | None) -> User | None:
    return _members([member_id]).get(member_id) if member_id else None


def post_mentions(*, post, member_ids) -> None:
    """Members newly mentioned in a published post, who may see it."""
    for member in _members(member_ids).values():
        if member.pk != post.author_id and can_view_post(member, post):
            notification_create(
                recipient_id=member.pk, kind=Kind.POST_MENTION, actor_id=post.author_id, target=post
            )


def post_reposted(*, post) -> None:
    """`post` reposts another: tell the original's author, if they may see the repost (one
    shown to the reposter's connections only is not theirs to see unless they are one)."""
    original = post.repost_of
    if original is None or original.author_id == post.author_id:
        return
    author = _member(original.author_id)
    if author is not None and can_view_post(author, post):
        notification_create(
            recipient_id=author.pk, kind=Kind.POST_REPOST, actor_id=post.author_id, target=post
        )


def comment_created(*, comment, mention_ids) -> None:
    """A new comment: its mentions, a reply to the parent comment's author, and a comment on the
    post to its author. Each person is told once, by the most specific kind (a mention over a
    reply over a comment)."""
    post = comment.post
    parent_author_id = comment.parent.author_id if comment.parent_id else None
    people = _members([*mention_ids, post.author_id, parent_author_id])
    told = {comment.author_id}
    for member_id in mention_ids:
        member = people.get(member_id)
        if member is not None and member.pk not in told and can_view_comment(member, comment, post):
            notification_create(
                recipient_id=member.pk, kind=Kind.COMMENT_MENTION, actor_id=comment.author_id, target=comment
            )
            told.add(member.pk)
    parent_author = people.get(parent_author_id)
    if parent_author is not None and parent_author.pk not in told:
        if can_view_comment(parent_author, comment, post):
            notification_create(
                recipient_id=parent_author.pk, kind=Kind.COMMENT_REPLY, actor_id=comment.author_id, target=comment
            )
        told.add(parent_author.pk)
    post_author = people.get(post.author_id)
    if post_author is not None and post_author.pk not in told and can_view_comment(post_author, comment, post):
        notification_group_add(
            recipient_id=post_author.pk,
            kind=Kind.POST_COMMENT,
            actor_id=comment.author_id,
            target=post,
            data={"comment": str(comment.public_id)},
        )


def comment_mentions(*, comment, member_ids) -> None:
    """Members newly mentioned in an edited comment, who may see it."""
    post = comment.post
    for member in _members(member_ids).values():
        if member.pk != comment.author_id and can_view_comment(member, comment, post):
            notification_create(
                recipient_id=member.pk, kind=Kind.COMMENT_MENTION, actor_id=comment.author_id, target=comment
            )


def _reaction_target(*, post=None, comment=None):
    if comment is not None:
        return Kind.COMMENT_REACTION, comment, comment.author_id
    return Kind.POST_REACTION, post, post.author_id


def reaction_added(*, reaction) -> None:
    """A new reaction joins the author's group of reactions on that post or comment, if the
    author may (still) see it: a comment's author may have lost sight of the post since."""
    kind, target, recipient_id = _reaction_target(post=reaction.post, comment=reaction.comment)
    recipient = _member(recipient_id)
    if recipient is None or recipient.pk == reaction.member_id:
        return
    if reaction.comment_id is not None:
        if not can_view_comment(recipient, target, target.post):
            return
    elif not can_view_post(recipient, target):
        return
    notification_group_add(recipient_id=recipient.pk, kind=kind, actor_id=reaction.member_id, target=target)


def reaction_removed(*, member_id: int, post=None, comment=None) -> None:
    """A reaction withdrawn: its actor leaves the group (emptied groups are deleted)."""
    kind, target, recipient_id = _reaction_target(post=post, comment=comment)
    if recipient_id != member_id:
        notification_group_remove(recipient_id=recipient_id, kind=kind, actor_id=member_id, target=target)


def post_deleted(*, post) -> None:
    """A post about to be deleted: the notifications about it, its plain reposts and its
    comments go (they would no longer be shown, but would still count as unread)."""
    post_ids = [post.pk, *Post.objects.filter(repost_of=post, kind=PostKind.REPOST).values_list("pk", flat=True)]
    notifications_delete_about(
        target_type="feed.comment", target_ids=list(Comment.objects.filter(post=post).values_list("pk", flat=True))
    )
    notifications_delete_about(target_type="feed.post", target_ids=post_ids)


def comment_deleted(*, comment) -> None:
    """A comment about to be deleted (with its replies): the notifications about them go, and
    their authors leave the post author's "commented on your post" group unless they have
    another comment on the post."""
    gone = list(Comment.objects.filter(pk=comment.pk) | Comment.objects.filter(parent_id=comment.pk))
    gone_ids = [c.pk for c in gone]
    notifications_delete_about(target_type="feed.comment", target_ids=gone_ids)
    still_commenting = set(
        Comment.objects.filter(post_id=comment.post_id)
        .exclude(pk__in=gone_ids)
        .values_list("author_id", flat=True)
    )
    post = comment.post
    for author_id in {c.author_id for c in gone} - still_commenting:
        notification_group_remove(recipient_id=post.author_id, kind=Kind.POST_COMMENT, actor_id=author_id, target=post)


def post_audience_narrowed(*, post) -> None:
    """The author narrowed who may see `post`: notifications about it and its comments go from
    whoever may no longer see it. The list would hide them anyway; the unread badge would still
    count them, telling someone that something they may not see happened."""
    from django.db.models import Q

    from maillage.notifications.models import Notification
    from maillage.notifications.selectors import forget_unread_count

    from .models import Comment

    rows = Notification.objects.filter(
        Q(target_type="feed.post", target_id=post.pk)
        | Q(target_type="feed.comment", target_id__in=Comment.objects.filter(post_id=post.pk).values("pk"))
    )
    recipients = _members(set(rows.values_list("recipient_id", flat=True)))
    gone = [pk for pk, member in recipients.items() if not can_view_post(member, post)]
    if gone:
        rows.filter(recipient_id__in=gone).delete()
        for pk in gone:
            forget_unread_count(pk)


def notifications_about_posts_forget(*, recipient_id: int, author_id: int) -> None:
    """A block between the two: the recipient's notifications about the author's posts and the
    comments on them go, whoever acted (the list hides them; the unread badge must not count
    them)."""
    from django.db.models import Q

    from maillage.notifications.models import Notification

    from .models import Comment, Post

    posts = Post.objects.filter(author_id=author_id).values("pk")
    Notification.objects.filter(recipient_id=recipient_id).filter(
        Q(target_type="feed.post", target_id__in=posts)
        | Q(target_type="feed.comment", target_id__in=Comment.objects.filter(post__author_id=author_id).values("pk"))
    ).delete()
