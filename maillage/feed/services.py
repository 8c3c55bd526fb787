"""Writes for the feed: posts (with their media, poll and link), reposts, comments, reactions,
saves, hides, hashtag follows, reports and the feed order. Every write checks its rules first and
changes nothing when one fails (a `ValidationError` saying why, in the member's language);
notifications, live pushes and tasks leave after commit.

Images, documents, polls and link previews have their own modules (media.py, polls.py,
link_preview.py): `*_prepare` validates without writing, `*_store` writes inside the post's
transaction. Notifications are composed in notify.py and the live "new posts" fan-out in live.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.core import audience
from maillage.core.files import delete_stored_files
from maillage.core.text import without_nul

from . import access, text
from .models import (
    AUDIENCE_BREADTH,
    COMMENT_MAX_CHARS,
    MAX_IMAGES,
    POST_AUDIENCES,
    POST_MAX_CHARS,
    Comment,
    FeedOrder,
    FeedSettings,
    Hashtag,
    HashtagFollow,
    HiddenPost,
    Mention,
    Post,
    PostHashtag,
    PostKind,
    PostStatus,
    Reaction,
    ReactionKind,
    Report,
    SavedPost,
)

SCHEDULE_MIN_AHEAD = timedelta(minutes=5)
SCHEDULE_MAX_AHEAD = timedelta(days=90)
EDIT_MARK_GRACE = timedelta(minutes=1)  # typo fixes right after posting are not "edited"


@dataclass
class PostInput:
    """What the composer sends. `images` are (file, alt text) pairs; `poll` is polls.PollInput."""

    body: str = ""
    audience: str = audience.Audience.PUBLIC
    images: Sequence[tuple[Any, str]] = ()
    document: Any = None
    document_title: str = ""
    poll: Any = None
    publish_at: datetime | None = None  # scheduled
    draft: bool = False


def _error(message, code: str, field: str | None = None) -> ValidationError:
    if field:
        return ValidationError({field: ValidationError(message, code=code)})
    return ValidationError(message, code=code)


# --- Mentions and hashtags -------------------------------------------------------------------


def _mentioned_members(author: User, body: str) -> list[User]:
    """The members `body` mentions; refuses mentions of someone on either side of a block."""
    ids = text.mention_ids_in(body)
    if not ids:
        return []
    found = {
        m.public_id: m
        for m in User.objects.filter(public_id__in=ids, is_active=True).select_related("profile")
    }
    members = [found[i] for i in ids if i in found]
    for member in members:
        if audience.is_blocked(author.pk, member.pk):
            raise _error(_("You cannot mention %(name)s.") % {"name": member.get_full_name()}, "mention_blocked", "body")
    return members


def mention_targets(members: Sequence[User]) -> dict[uuid.UUID, text.MentionTarget]:
    targets = {}
    for member in members:
        profile = getattr(member, "profile", None)
        url = reverse("profile", args=[profile.address]) if profile and profile.address else reverse("members")
        targets[member.public_id] = text.MentionTarget(name=member.get_full_name(), url=url)
    return targets


def _render(body: str, mentioned: Sequence[User]) -> str:
    return str(text.render_post_text(body, mentioned=mention_targets(mentioned)))


def _set_hashtags(post: Post) -> None:
    names = text.hashtags_in(post.body)
    wanted = {}
    for name in names:
        key = text.hashtag_key(name)
        if not key:
            continue
        tag, _created = Hashtag.objects.get_or_create(key=key, defaults={"name": name})
        wanted[tag.pk] = tag
    current = set(PostHashtag.objects.filter(post=post).values_list("hashtag_id", flat=True))
    removed = current - set(wanted)
    added = set(wanted) - current
    if removed:
        PostHashtag.objects.filter(post=post, hashtag_id__in=removed).delete()
        if post.status == PostStatus.PUBLISHED:
            Hashtag.objects.filter(pk__in=removed, post_count__gt=0).update(post_count=F("post_count") - 1)
    if added:
        PostHashtag.objects.bulk_create([PostHashtag(post=post, hashtag_id=i) for i in added])
        if post.status == PostStatus.PUBLISHED:
            Hashtag.objects.filter(pk__in=added).update(post_count=F("post_count") + 1)


def _set_mentions(*, post: Post | None = None, comment: Comment | None = None, members) -> list[int]:
    """Store the mentions; return the ids of members newly mentioned (to notify)."""
    filters = {"post": post} if post is not None else {"comment": comment}
    before = set(Mention.objects.filter(**filters).values_list("member_id", flat=True))
    wanted = {m.pk for m in members}
    Mention.objects.filter(**filters).exclude(member_id__in=wanted).delete()
    new = [pk for pk in wanted if pk not in before]
    Mention.objects.bulk_create([Mention(member_id=pk, **filters) for pk in new])
    return new


# --- Posts -------------------------------------------------------------------------------------


def _check_body(body: str, *, required: bool) -> str:
    body = without_nul(body).strip()
    if len(body) > POST_MAX_CHARS:
        raise _error(
            _("A post can be at most %(limit)s characters long (this one has %(count)s).")
            % {"limit": POST_MAX_CHARS, "count": len(body)},
            "too_long",
            "body",
        )
    if required and not body:
        raise _error(_("Write something, or add images, a document or a poll."), "empty", "body")
    return body


def _check_audience(value: str) -> str:
    if value not in POST_AUDIENCES:
        raise _error(_("Choose who can see this post."), "audience", "audience")
    return value


def _check_schedule(publish_at: datetime | None) -> datetime | None:
    if publish_at is None:
        return None
    now = timezone.now()
    if publish_at < now + SCHEDULE_MIN_AHEAD:
        raise _error(_("Choose a time at least five minutes from now."), "schedule_past", "publish_at")
    if publish_at > now + SCHEDULE_MAX_AHEAD:
        raise _error(_("A post can be scheduled at most 90 days ahead."), "schedule_far", "publish_at")
    return publish_at


def post_create(*, author: User, data: PostInput) -> Post:
    """Publish (or save as a draft, or schedule) a post with its images, document, poll and
    link preview. Validates everything before writing anything."""
    from . import link_preview, media, polls

    images = list(data.images or ())
    if len(images) > MAX_IMAGES:
        raise _error(
            _("A post can have at most %(limit)s images.") % {"limit": MAX_IMAGES}, "too_many_images", "images"
        )
    if images and (data.document or data.poll):
        raise _error(_("A post has images, a document or a poll — only one of them."), "attachments", "images")
    if data.document and data.poll:
        raise _error(_("A post has images, a document or a poll — only one of them."), "attachments", "document")
    has_attachment = bool(images or data.document or data.poll)
    body = _check_body(data.body, required=not has_attachment and not data.draft)
    post_audience = _check_audience(data.audience)
    publish_at = None if data.draft else _check_schedule(data.publish_at)
    mentioned = _mentioned_members(author, body)
    prepared_images = media.images_prepare(images) if images else []
    prepared_document = media.document_prepare(data.document, title=data.document_title) if data.document else None
    prepared_poll = polls.poll_prepare(data.poll) if data.poll else None
    link = link_preview.link_prepare(body)

    if data.draft:
        status = PostStatus.DRAFT
    elif publish_at is not None:
        status = PostStatus.SCHEDULED
    else:
        status = PostStatus.PUBLISHED
    with transaction.atomic():
        post = Post.objects.create(
            author=author,
            audience=post_audience,
            body=body,
            body_html=_render(body, mentioned),
            language=(get_language() or "")[:10],
            status=status,
            publish_at=publish_at,
            published_at=timezone.now() if status == PostStatus.PUBLISHED else None,
        )
        if prepared_images:
            media.images_store(post, prepared_images)
        if prepared_document is not None:
            media.document_store(post, prepared_document)
        if prepared_poll is not None:
            polls.poll_store(post, prepared_poll)
        if link:
            link_preview.link_attach(post, link)
        _set_hashtags(post)
        new_mentions = _set_mentions(post=post, members=mentioned)
        if status == PostStatus.PUBLISHED:
            _after_publish(post, new_mentions)
    return post


def _after_publish(post: Post, mention_ids: Sequence[int]) -> None:
    from . import live, notify

    notify.post_mentions(post=post, member_ids=mention_ids)
    if post.repost_of_id:
        notify.post_reposted(post=post)
    live.post_published(post=post)


def post_update(*, post: Post, editor: User, body: str, post_audience: str | None = None) -> Post:
    """Edit a post's text (and audience). Marked "edited" once published; newly mentioned
    members are told, those already told are not told again."""
    from . import link_preview

    if post.author_id != editor.pk:
        raise _error(_("Only the author can edit this post."), "not_author")
    if post.kind == PostKind.REPOST:
        raise _error(_("A repost has no text to edit."), "repost")
    # The link check resolves a host name (up to a few seconds): before the row lock, never
    # inside it. The body is cleaned the same way as below, so the link checked is the one kept.
    link = link_preview.link_prepare(_check_body(body, required=False))
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        has_attachment = locked.images.exists() or bool(locked.document) or hasattr(locked, "poll")
        new_body = _check_body(body, required=not has_attachment and locked.status != PostStatus.DRAFT and not locked.repost_of_id)
        new_audience = _check_audience(post_audience) if post_audience else locked.audience
        if locked.repost_of_id and post_audience:
            _check_repost_audience(locked.repost_of, new_audience)
        mentioned = _mentioned_members(editor, new_body)
        changed = new_body != locked.body or new_audience != locked.audience
        locked.body = new_body
        locked.body_html = _render(new_body, mentioned)
        narrowed = AUDIENCE_BREADTH.get(new_audience, 0) < AUDIENCE_BREADTH.get(locked.audience, 0)
        locked.audience = new_audience
        fields = ["body", "body_html", "audience", "updated_at"]
        if changed and locked.status == PostStatus.PUBLISHED and locked.published_at and (
            timezone.now() - locked.published_at > EDIT_MARK_GRACE
        ):
            locked.edited_at = timezone.now()
            fields.append("edited_at")
        locked.save(update_fields=fields)
        if link:
            link_preview.link_attach(locked, link)
        elif locked.link_preview_id:
            Post.objects.filter(pk=locked.pk).update(link_preview=None)
            locked.link_preview = None
        _set_hashtags(locked)
        new_mentions = _set_mentions(post=locked, members=mentioned)
        if locked.status == PostStatus.PUBLISHED:
            from . import notify

            notify.post_mentions(post=locked, member_ids=new_mentions)
            if narrowed:
                notify.post_audience_narrowed(post=locked)
    return locked


def post_delete(*, post: Post, member: User) -> None:
    """Delete a post (the author only). Plain reposts of it go with it; reposts with a comment
    stay and show that the original is no longer available."""
    from . import live

    if post.author_id != member.pk:
        raise _error(_("Only the author can delete this post."), "not_author")
    with transaction.atomic():
        locked = Post.objects.select_for_update().filter(pk=post.pk).first()
        if locked is None:
            return
        if locked.status == PostStatus.PUBLISHED:
            Hashtag.objects.filter(post_rows__post=locked, post_count__gt=0).update(post_count=F("post_count") - 1)
        if locked.repost_of_id:
            Post.objects.filter(pk=locked.repost_of_id, repost_count__gt=0).update(repost_count=F("repost_count") - 1)
        from . import notify

        notify.post_deleted(post=locked)
        Post.objects.filter(repost_of=locked, kind=PostKind.REPOST).delete()
        Post.objects.filter(repost_of=locked).update(repost_of_deleted=True)
        storage_files = _files_of(locked)
        public_id = locked.public_id
        locked.delete()
        live.post_deleted(post_public_id=public_id, author_id=member.pk)
        transaction.on_commit(lambda: delete_stored_files(storage_files))


def _files_of(post: Post) -> list[tuple[Any, str]]:
    files = [(img.image.storage, img.image.name) for img in post.images.all() if img.image]
    if post.document:
        files.append((post.document.storage, post.document.name))
    return files


def post_publish(*, post: Post, now: datetime | None = None) -> Post | None:
    """Publish a draft or a scheduled post now (the author's button, or the worker when its time
    comes). Idempotent: publishing an already published post does nothing."""
    with transaction.atomic():
        locked = Post.objects.select_for_update().filter(pk=post.pk).first()
        if locked is None or locked.status == PostStatus.PUBLISHED:
            return locked
        if not locked.body and not (locked.images.exists() or locked.document or hasattr(locked, "poll")) and not locked.repost_of_id:
            raise _error(_("Write something, or add images, a document or a poll."), "empty", "body")
        locked.status = PostStatus.PUBLISHED
        locked.published_at = now or timezone.now()
        locked.publish_at = None
        locked.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
        Hashtag.objects.filter(post_rows__post=locked).update(post_count=F("post_count") + 1)
        if hasattr(locked, "poll"):
            from . import polls

            polls.poll_restart(locked.poll, now=locked.published_at)
        _after_publish(locked, list(Mention.objects.filter(post=locked).values_list("member_id", flat=True)))
    return locked


def post_schedule(*, post: Post, member: User, publish_at: datetime | None) -> Post:
    """Move a draft or scheduled post to a new time (None: back to drafts)."""
    if post.author_id != member.pk:
        raise _error(_("Only the author can schedule this post."), "not_author")
    if post.status == PostStatus.PUBLISHED:
        raise _error(_("This post is already published."), "published")
    when = _check_schedule(publish_at)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status == PostStatus.PUBLISHED:
            raise _error(_("This post is already published."), "published")
        locked.publish_at = when
        locked.status = PostStatus.SCHEDULED if when else PostStatus.DRAFT
        locked.save(update_fields=["publish_at", "status", "updated_at"])
    return locked


def posts_publish_due(*, now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come (run by the worker every minute).
    Each post is claimed under its row lock, so two workers never publish one twice."""
    now = now or timezone.now()
    count = 0
    for post in Post.objects.filter(status=PostStatus.SCHEDULED, publish_at__lte=now).only("pk")[:500]:
        published = post_publish(post=post, now=None)
        if published is not None:
            count += 1
    return count


# --- Reposts ---------------------------------------------------------------------------------


def _check_repost_audience(original: Post, chosen: str) -> None:
    if AUDIENCE_BREADTH.get(chosen, 0) > AUDIENCE_BREADTH.get(original.audience, 0):
        raise _error(
            _("A repost cannot be shown to more people than the original post."), "repost_wider", "audience"
        )


def repost_create(*, member: User, original: Post, body: str = "", post_audience: str | None = None) -> Post:
    """Repost `original`, plainly or with a comment. Only posts shown to the public or to all
    members may be reposted (as on LinkedIn), and a repost is never shown more widely than its
    original; the original is re-checked for each viewer when shown."""
    if not access.can_view_post(member, original) or original.status != PostStatus.PUBLISHED:
        raise _error(_("This post is not available."), "not_visible")
    if original.kind == PostKind.REPOST:
        original = original.repost_of
        if original is None or not access.can_view_post(member, original):
            raise _error(_("This post is not available."), "not_visible")
    if original.audience not in (audience.Audience.PUBLIC, audience.Audience.MEMBERS):
        raise _error(_("Posts shown only to connections cannot be reposted."), "repost_private")
    chosen = _check_audience(post_audience or original.audience)
    _check_repost_audience(original, chosen)
    body = _check_body(body, required=False)
    mentioned = _mentioned_members(member, body)
    with transaction.atomic():
        if not body and Post.objects.filter(author=member, repost_of=original, kind=PostKind.REPOST).exists():
            raise _error(_("You have already reposted this post."), "already_reposted")
        post = Post.objects.create(
            author=member,
            kind=PostKind.POST if body else PostKind.REPOST,
            audience=chosen,
            body=body,
            body_html=_render(body, mentioned),
            language=(get_language() or "")[:10],
            repost_of=original,
            status=PostStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        Post.objects.filter(pk=original.pk).update(repost_count=F("repost_count") + 1)
        _set_hashtags(post)
        new_mentions = _set_mentions(post=post, members=mentioned)
        _after_publish(post, new_mentions)
    return post


# --- Comments ---------------------------------------------------------------------------------


def _check_comment_body(body: str) -> str:
    body = without_nul(body).strip()
    if not body:
        raise _error(_("Write a comment first."), "empty", "body")
    if len(body) > COMMENT_MAX_CHARS:
        raise _error(
            _("A comment can be at most %(limit)s characters long (this one has %(count)s).")
            % {"limit": COMMENT_MAX_CHARS, "count": len(body)},
            "too_long",
            "body",
        )
    return body


def comment_create(*, author: User, post: Post, body: str, parent: Comment | None = None) -> Comment:
    """Comment on a post (or reply to a top-level comment: one level of replies)."""
    from . import notify

    if post.status != PostStatus.PUBLISHED or not access.can_view_post(author, post):
        raise _error(_("This post is not available."), "not_visible")
    if audience.is_blocked(author.pk, post.author_id):
        raise _error(_("This post is not available."), "not_visible")
    if parent is not None:
        if parent.post_id != post.pk:
            raise _error(_("This comment is not available."), "parent")
        if parent.parent_id is not None:
            parent = parent.parent  # a reply to a reply joins the same thread
        if audience.is_blocked(author.pk, parent.author_id):
            raise _error(_("This comment is not available."), "parent")
    body = _check_comment_body(body)
    mentioned = _mentioned_members(author, body)
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, author=author, parent=parent, body=body, body_html=_render(body, mentioned)
        )
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        if parent is not None:
            Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        new_mentions = _set_mentions(comment=comment, members=mentioned)
        notify.comment_created(comment=comment, mention_ids=new_mentions)
        from . import live

        live.comment_changed(comment=comment)
    return comment


def comment_update(*, comment: Comment, editor: User, body: str) -> Comment:
    from . import notify

    if comment.author_id != editor.pk:
        raise _error(_("Only the author can edit this comment."), "not_author")
    body = _check_comment_body(body)
    mentioned = _mentioned_members(editor, body)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if body != locked.body:
            locked.edited_at = timezone.now()
        locked.body = body
        locked.body_html = _render(body, mentioned)
        locked.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
        new_mentions = _set_mentions(comment=locked, members=mentioned)
        notify.comment_mentions(comment=locked, member_ids=new_mentions)
    return locked


def comment_delete(*, comment: Comment, member: User) -> None:
    """Delete a comment (its author, or the post's author); its replies go with it."""
    if member.pk not in (comment.author_id, comment.post.author_id):
        raise _error(_("You cannot delete this comment."), "not_allowed")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if locked is None:
            return
        from . import notify

        notify.comment_deleted(comment=locked)
        removed = 1 + locked.replies.count()
        Post.objects.filter(pk=locked.post_id).update(comment_count=F("comment_count") - removed)
        if locked.parent_id:
            Comment.objects.filter(pk=locked.parent_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)
        locked.delete()
        Post.objects.filter(pk=locked.post_id, comment_count__lt=0).update(comment_count=0)


# --- Reactions --------------------------------------------------------------------------------


def _recount(*, post: Post | None = None, comment: Comment | None = None) -> None:
    target = {"post": post} if post is not None else {"comment": comment}
    counts = dict(Reaction.objects.filter(**target).values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    total = sum(counts.values())
    model = Post if post is not None else Comment
    model.objects.filter(pk=(post or comment).pk).update(reaction_counts=counts, reaction_count=total)


def reaction_set(*, member: User, kind: str, post: Post | None = None, comment: Comment | None = None) -> Reaction:
    """React to a post or a comment; reacting again with another kind changes the reaction."""
    from . import notify

    if kind not in ReactionKind.values:
        raise _error(_("Choose a reaction."), "kind")
    if (post is None) == (comment is None):
        raise ValueError("React to a post or to a comment")
    if comment is not None:
        if not access.can_view_comment(member, comment):
            raise _error(_("This comment is not available."), "not_visible")
        target_post = comment.post
    else:
        target_post = post
        if target_post.status != PostStatus.PUBLISHED or not access.can_view_post(member, target_post):
            raise _error(_("This post is not available."), "not_visible")
    if audience.is_blocked(member.pk, target_post.author_id):
        raise _error(_("This post is not available."), "not_visible")
    target = {"post": post} if post is not None else {"comment": comment}
    with transaction.atomic():
        # Lock the reacted-to row: counts are recomputed from the rows under it.
        (Post if post is not None else Comment).objects.select_for_update().filter(pk=(post or comment).pk).first()
        reaction = Reaction.objects.filter(member=member, **target).first()
        is_new = reaction is None
        if reaction is None:
            try:
                with transaction.atomic():
                    reaction = Reaction.objects.create(member=member, kind=kind, **target)
            except IntegrityError:
                reaction = Reaction.objects.get(member=member, **target)
                is_new = False
        if reaction.kind != kind:
            reaction.kind = kind
            reaction.save(update_fields=["kind", "updated_at"])
        _recount(**target)
        if is_new:
            notify.reaction_added(reaction=reaction)
    return reaction


def reaction_clear(*, member: User, post: Post | None = None, comment: Comment | None = None) -> None:
    target = {"post": post} if post is not None else {"comment": comment}
    with transaction.atomic():
        (Post if post is not None else Comment).objects.select_for_update().filter(pk=(post or comment).pk).first()
        deleted, _rows = Reaction.objects.filter(member=member, **target).delete()
        _recount(**target)
        if deleted:
            from . import notify

            notify.reaction_removed(member_id=member.pk, **target)


# --- Saved, hidden, hashtags, reports, order ---------------------------------------------------


def post_save_for_later(*, member: User, post: Post) -> None:
    if not access.can_view_post(member, post):
        raise _error(_("This post is not available."), "not_visible")
    SavedPost.objects.get_or_create(member=member, post=post)


def post_unsave(*, member: User, post: Post) -> None:
    SavedPost.objects.filter(member=member, post=post).delete()


def post_hide(*, member: User, post: Post) -> None:
    """"I don't want to see this": gone from this member's feed."""
    if post.author_id == member.pk:
        raise _error(_("You cannot hide your own post."), "own")
    HiddenPost.objects.get_or_create(member=member, post=post)


def post_unhide(*, member: User, post: Post) -> None:
    HiddenPost.objects.filter(member=member, post=post).delete()


def hashtag_follow(*, member: User, hashtag: Hashtag) -> None:
    with transaction.atomic():
        _row, created = HashtagFollow.objects.get_or_create(member=member, hashtag=hashtag)
        if created:
            Hashtag.objects.filter(pk=hashtag.pk).update(follower_count=F("follower_count") + 1)


def hashtag_unfollow(*, member: User, hashtag: Hashtag) -> None:
    with transaction.atomic():
        deleted, _rows = HashtagFollow.objects.filter(member=member, hashtag=hashtag).delete()
        if deleted:
            Hashtag.objects.filter(pk=hashtag.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)


def report_create(
    *, reporter: User, reason: str, note: str = "", post: Post | None = None, comment: Comment | None = None
) -> Report:
    """Report a post or a comment to the staff queue (once per member and item)."""
    if reason not in Report.Reason.values:
        raise _error(_("Choose a reason."), "reason", "reason")
    note = without_nul(note).strip()
    if len(note) > 1000:
        raise _error(_("Keep the details under 1,000 characters."), "too_long", "note")
    if comment is not None:
        if not access.can_view_comment(reporter, comment):
            raise _error(_("This comment is not available."), "not_visible")
        post = comment.post
    elif post is None or not access.can_view_post(reporter, post):
        raise _error(_("This post is not available."), "not_visible")
    existing = Report.objects.filter(reporter=reporter, post=post, comment=comment).first()
    if existing is not None:
        return existing
    return Report.objects.create(reporter=reporter, post=post, comment=comment, reason=reason, note=note)


def report_close(*, report: Report, staff: User) -> Report:
    if not staff.is_staff:
        raise _error(_("Only staff can close reports."), "not_staff")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.CLOSED, updated_at=timezone.now())
    report.status = Report.Status.CLOSED
    return report


def feed_order_set(*, member: User, order: str) -> FeedSettings:
    if order not in FeedOrder.values:
        raise _error(_("Choose how to sort your feed."), "order", "order")
    settings_row, _created = FeedSettings.objects.update_or_create(member=member, defaults={"order": order})
    return settings_row
