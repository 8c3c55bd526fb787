"""The feed's core services: each rule refuses bad input with a clear message and writes
nothing; counters follow the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.feed import services
from maillage.feed.models import (
    Comment,
    Hashtag,
    Mention,
    Post,
    PostHashtag,
    PostKind,
    PostStatus,
    Reaction,
)
from maillage.feed.services import PostInput
from maillage.network.tests.factories import block, connect, member

pytestmark = pytest.mark.django_db


def _counts():
    return (Post.objects.count(), Comment.objects.count(), Mention.objects.count(), PostHashtag.objects.count())


def _codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def _refused(call, code: str) -> ValidationError:
    before = _counts()
    with pytest.raises(ValidationError) as info:
        call()
    assert code in _codes(info.value)
    assert _counts() == before
    return info.value


def test_a_post_renders_mentions_and_hashtags_and_stores_them():
    author, friend = member(), member()
    body = f"Bravo @[whatever]({friend.public_id}) pour #Télétravail et #RSE ! #1 https://x.org/#anchor"
    post = services.post_create(author=author, data=PostInput(body=body))
    assert friend.get_full_name() in post.body_html  # the current name, not the one typed
    assert "whatever" not in post.body_html
    assert 'href="/hashtag/teletravail/"' in post.body_html
    assert 'href="/hashtag/rse/"' in post.body_html
    assert "/hashtag/1/" not in post.body_html and "/hashtag/anchor/" not in post.body_html
    assert set(Hashtag.objects.values_list("key", flat=True)) == {"teletravail", "rse"}
    assert Hashtag.objects.get(key="rse").post_count == 1
    assert list(Mention.objects.filter(post=post).values_list("member_id", flat=True)) == [friend.pk]


def test_bad_posts_are_refused_and_nothing_is_created():
    author, blocked = member(), member()
    block(author, blocked)
    _refused(lambda: services.post_create(author=author, data=PostInput(body="   ")), "empty")
    _refused(lambda: services.post_create(author=author, data=PostInput(body="x" * 3001)), "too_long")
    _refused(
        lambda: services.post_create(author=author, data=PostInput(body=f"hi @[B]({blocked.public_id})")),
        "mention_blocked",
    )
    _refused(
        lambda: services.post_create(author=author, data=PostInput(body="x", audience="only_me")), "audience"
    )
    _refused(
        lambda: services.post_create(
            author=author, data=PostInput(body="x", publish_at=timezone.now() - timedelta(hours=1))
        ),
        "schedule_past",
    )
    _refused(
        lambda: services.post_create(author=author, data=PostInput(body="x", images=[(None, "")] * 10)),
        "too_many_images",
    )
    # Exactly at the limit is fine.
    services.post_create(author=author, data=PostInput(body="x" * 3000))


def test_scheduled_posts_publish_when_due_and_only_once():
    author = member()
    when = timezone.now() + timedelta(hours=2)
    post = services.post_create(author=author, data=PostInput(body="#Later", publish_at=when))
    assert post.status == PostStatus.SCHEDULED and post.published_at is None
    assert Hashtag.objects.get(key="later").post_count == 0
    assert services.posts_publish_due() == 0
    assert services.posts_publish_due(now=when + timedelta(seconds=1)) == 1
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and post.published_at is not None
    assert Hashtag.objects.get(key="later").post_count == 1
    assert services.posts_publish_due(now=when + timedelta(minutes=5)) == 0


def test_edit_marks_edited_and_only_the_author_may():
    author, other = member(), member()
    post = services.post_create(author=author, data=PostInput(body="first #a"))
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(hours=1))
    post.refresh_from_db()
    with pytest.raises(ValidationError):
        services.post_update(post=post, editor=other, body="hacked")
    post = services.post_update(post=post, editor=author, body="second #b")
    assert post.edited_at is not None and post.body == "second #b"
    assert Hashtag.objects.get(key="a").post_count == 0
    assert Hashtag.objects.get(key="b").post_count == 1


def test_reposts_never_widen_and_connections_posts_cannot_be_reposted():
    author, reposter = member(), member()
    connect(author, reposter)
    members_only = services.post_create(author=author, data=PostInput(body="m", audience=Audience.MEMBERS))
    _refused(
        lambda: services.repost_create(member=reposter, original=members_only, post_audience=Audience.PUBLIC),
        "repost_wider",
    )
    private = services.post_create(author=author, data=PostInput(body="c", audience=Audience.CONNECTIONS))
    _refused(lambda: services.repost_create(member=reposter, original=private), "repost_private")
    plain = services.repost_create(member=reposter, original=members_only)
    assert plain.kind == PostKind.REPOST and plain.audience == Audience.MEMBERS
    _refused(lambda: services.repost_create(member=reposter, original=members_only), "already_reposted")
    quote = services.repost_create(member=reposter, original=members_only, body="So true")
    assert quote.kind == PostKind.POST and quote.repost_of_id == members_only.pk
    members_only.refresh_from_db()
    assert members_only.repost_count == 2
    # Reposting a repost reposts its original.
    third = member()
    again = services.repost_create(member=third, original=plain)
    assert again.repost_of_id == members_only.pk


def test_deleting_a_post_takes_its_plain_reposts_but_keeps_quotes():
    author, reposter = member(), member()
    original = services.post_create(author=author, data=PostInput(body="o #tag"))
    plain = services.repost_create(member=reposter, original=original)
    quote = services.repost_create(member=reposter, original=original, body="quote")
    services.post_delete(post=original, member=author)
    assert not Post.objects.filter(pk__in=[original.pk, plain.pk]).exists()
    quote.refresh_from_db()
    assert quote.repost_of_id is None
    assert Hashtag.objects.get(key="tag").post_count == 0


def test_comments_have_one_level_of_replies_and_the_post_author_moderates():
    author, a, b = member(), member(), member()
    post = services.post_create(author=author, data=PostInput(body="p"))
    top = services.comment_create(author=a, post=post, body="top")
    reply = services.comment_create(author=b, post=post, body="reply", parent=top)
    deeper = services.comment_create(author=a, post=post, body="reply to reply", parent=reply)
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk
    post.refresh_from_db()
    top.refresh_from_db()
    assert post.comment_count == 3 and top.reply_count == 2
    with pytest.raises(ValidationError):
        services.comment_delete(comment=top, member=b)
    services.comment_delete(comment=top, member=author)  # the post's author may
    post.refresh_from_db()
    assert post.comment_count == 0 and not Comment.objects.exists()


def test_bad_comments_are_refused():
    author, stranger, blocked = member(), member(), member()
    block(author, blocked)
    post = services.post_create(author=author, data=PostInput(body="p", audience=Audience.CONNECTIONS))
    _refused(lambda: services.comment_create(author=stranger, post=post, body="hi"), "not_visible")
    public = services.post_create(author=author, data=PostInput(body="p"))
    _refused(lambda: services.comment_create(author=blocked, post=public, body="hi"), "not_visible")
    _refused(lambda: services.comment_create(author=stranger, post=public, body="  "), "empty")
    _refused(lambda: services.comment_create(author=stranger, post=public, body="x" * 1251), "too_long")


def test_one_reaction_per_member_changeable_with_counts_by_kind():
    author, a, b = member(), member(), member()
    post = services.post_create(author=author, data=PostInput(body="p"))
    services.reaction_set(member=a, post=post, kind="like")
    services.reaction_set(member=b, post=post, kind="like")
    services.reaction_set(member=a, post=post, kind="insightful")
    post.refresh_from_db()
    assert post.reaction_count == 2 and post.reaction_counts == {"like": 1, "insightful": 1}
    assert Reaction.objects.filter(post=post).count() == 2
    services.reaction_clear(member=b, post=post)
    post.refresh_from_db()
    assert post.reaction_count == 1 and post.reaction_counts == {"insightful": 1}
    with pytest.raises(ValidationError):
        services.reaction_set(member=a, post=post, kind="angry")
    comment = services.comment_create(author=a, post=post, body="c")
    services.reaction_set(member=b, comment=comment, kind="funny")
    comment.refresh_from_db()
    assert comment.reaction_counts == {"funny": 1}


def test_reactions_are_refused_on_posts_one_may_not_see():
    author, stranger = member(), member()
    post = services.post_create(author=author, data=PostInput(body="p", audience=Audience.CONNECTIONS))
    with pytest.raises(ValidationError):
        services.reaction_set(member=stranger, post=post, kind="like")
    assert not Reaction.objects.exists()


def test_hashtag_follow_counts_and_reports_once():
    someone = member()
    tag = Hashtag.objects.create(name="IA", key="ia")
    services.hashtag_follow(member=someone, hashtag=tag)
    services.hashtag_follow(member=someone, hashtag=tag)
    tag.refresh_from_db()
    assert tag.follower_count == 1
    services.hashtag_unfollow(member=someone, hashtag=tag)
    tag.refresh_from_db()
    assert tag.follower_count == 0
    post = services.post_create(author=member(), data=PostInput(body="p"))
    first = services.report_create(reporter=someone, post=post, reason="spam")
    second = services.report_create(reporter=someone, post=post, reason="other")
    assert first.pk == second.pk
    with pytest.raises(ValidationError):
        services.report_create(reporter=someone, post=post, reason="because")
