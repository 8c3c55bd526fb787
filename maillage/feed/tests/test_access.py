"""Who may see a post: the SQL rule (`visible_posts_q`) and the one-object rule
(`can_view_post`) must agree for every viewer, on random networks with random posts — drafts,
scheduled posts, reposts plain and with a comment, deleted originals, blocks and deactivated
authors included — and an invisible post answers like a missing one."""

from __future__ import annotations

import random

import pytest
from django.http import Http404
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.feed import access
from maillage.feed.models import Post, PostKind, PostStatus
from maillage.network.tests.factories import block, connect, member

pytestmark = pytest.mark.django_db

AUDIENCES = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS]


def _random_world(seed: int):
    rng = random.Random(seed)
    people = [member() for _ in range(7)]
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if rng.random() < 0.35:
                connect(a, b)
    for _ in range(2):
        a, b = rng.sample(people, 2)
        block(a, b)
    posts = []
    now = timezone.now()
    for _ in range(30):
        author = rng.choice(people)
        status = rng.choice([PostStatus.PUBLISHED] * 4 + [PostStatus.DRAFT, PostStatus.SCHEDULED])
        originals = [p for p in posts if p.kind == PostKind.POST]
        if originals and rng.random() < 0.35:
            original = rng.choice(originals)
            kind = rng.choice([PostKind.REPOST, PostKind.POST])
            post = Post.objects.create(
                author=author,
                kind=kind,
                body="" if kind == PostKind.REPOST else "quote",
                audience=rng.choice(AUDIENCES),
                status=status,
                published_at=now,
                repost_of=original,
            )
        else:
            post = Post.objects.create(
                author=author, body="text", audience=rng.choice(AUDIENCES), status=status, published_at=now
            )
        posts.append(post)
    # Some originals go away (their reposts point to nothing) and one author leaves.
    for post in rng.sample([p for p in posts if p.kind == PostKind.POST], 3):
        post.delete()
    leaver = rng.choice(people)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    return people


@pytest.mark.parametrize("seed", range(6))
def test_sql_rule_and_object_rule_agree(seed, django_user_model):
    people = _random_world(seed)
    from django.contrib.auth.models import AnonymousUser

    viewers = [*people, AnonymousUser()]
    all_posts = list(Post.objects.select_related("author", "repost_of", "repost_of__author"))
    assert all_posts
    for viewer in viewers:
        in_sql = set(access.visible_posts(viewer).values_list("pk", flat=True))
        one_by_one = {p.pk for p in all_posts if access.can_view_post(viewer, p)}
        assert in_sql == one_by_one, f"viewer {viewer}"


def test_audiences_and_blocks():
    author, friend, other, blocked = member(), member(), member(), member()
    connect(author, friend)
    block(author, blocked)
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    expected = {
        Audience.PUBLIC: {author, friend, other, anonymous},
        Audience.MEMBERS: {author, friend, other},
        Audience.CONNECTIONS: {author, friend},
    }
    for level, allowed in expected.items():
        post = Post.objects.create(author=author, body="x", audience=level, published_at=timezone.now())
        for viewer in (author, friend, other, blocked, anonymous):
            assert access.can_view_post(viewer, post) is (viewer in allowed), (level, viewer)
            if viewer not in allowed:
                with pytest.raises(Http404):
                    access.post_for_viewer_or_404(viewer, post.public_id)


def test_drafts_and_scheduled_posts_are_the_authors_alone():
    author, friend = member(), member()
    connect(author, friend)
    for status in (PostStatus.DRAFT, PostStatus.SCHEDULED):
        post = Post.objects.create(author=author, body="x", status=status)
        assert access.can_view_post(author, post)
        assert not access.can_view_post(friend, post)
        assert not access.visible_posts(friend).filter(pk=post.pk).exists()


def test_a_plain_repost_never_shows_an_original_the_viewer_may_not_see():
    """A stranger connected to the reposter but not to the original author sees nothing."""
    author, reposter, reposter_friend = member(), member(), member()
    connect(author, reposter)
    connect(reposter, reposter_friend)
    original = Post.objects.create(
        author=author, body="x", audience=Audience.CONNECTIONS, published_at=timezone.now()
    )
    repost = Post.objects.create(
        author=reposter,
        kind=PostKind.REPOST,
        audience=Audience.PUBLIC,
        repost_of=original,
        published_at=timezone.now(),
    )
    assert not access.can_view_post(reposter_friend, repost)
    assert not access.visible_posts(reposter_friend).filter(pk=repost.pk).exists()
    assert access.can_view_post(reposter, repost)


def test_malformed_ids_answer_404():
    viewer = member()
    for value in ("nope", "", "1' or '1'='1"):
        with pytest.raises(Http404):
            access.post_for_viewer_or_404(viewer, value)
