"""The demo feed: alive (hundreds of posts in both languages, with comments, reactions, polls,
reposts, hashtags and reach), and indistinguishable from what members would have made through
the services — counters equal the rows, texts rendered by the services, nobody engaging with a
post outside its audience or across a block."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.extras import member_extras
from maillage.demo.feed import demo_feed_plan
from maillage.demo.generate import demo_member_specs
from maillage.demo.network import demo_network_plan
from maillage.feed import access
from maillage.feed.models import (
    Comment,
    Hashtag,
    HashtagFollow,
    LinkPreview,
    Mention,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostHashtag,
    PostImpression,
    Reaction,
    SavedPost,
)
from maillage.feed.services import _render
from maillage.feed.text import hashtag_key, hashtags_in, mention_ids_in
from maillage.network.models import Block

CAMILLE = "camille.martin@demo.maillage.test"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def test_hundreds_of_posts_over_five_weeks_recent_days_busier(demo):
    posts = Post.objects.filter(status="published")
    assert 400 <= posts.count() <= 650
    now = timezone.now()
    ages = [(now - p).days for p in posts.values_list("published_at", flat=True)]
    assert max(ages) <= 36 and min(ages) >= 0
    assert sum(a < 7 for a in ages) > sum(28 <= a < 35 for a in ages) * 1.5
    # A few very active authors, many occasional ones.
    per_author = sorted(Counter(posts.values_list("author_id", flat=True)).values(), reverse=True)
    assert per_author[0] >= 8 and per_author.count(1) >= 10
    assert Post.objects.filter(language="fr").count() > Post.objects.filter(language="en").count() > 40


def test_every_kind_of_content_is_there(demo):
    assert Post.objects.filter(kind="repost").exists()  # plain reposts
    assert Post.objects.filter(kind="post", repost_of__isnull=False).exclude(body="").exists()
    assert Poll.objects.filter(closes_at__lt=timezone.now()).exists()
    assert Poll.objects.filter(closes_at__gt=timezone.now()).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    kinds = Counter(Reaction.objects.values_list("kind", flat=True))
    assert set(kinds) == {"like", "celebrate", "support", "love", "insightful", "funny"}
    assert kinds.most_common(1)[0][0] == "like"
    assert Post.objects.filter(link_preview__status="ready", link_preview__image="").exists()
    assert Mention.objects.filter(post__isnull=False).exists()
    assert Mention.objects.filter(comment__isnull=False).exists()
    assert HashtagFollow.objects.count() > 100 and SavedPost.objects.exists()
    audiences = Counter(Post.objects.values_list("audience", flat=True))
    assert audiences["public"] > audiences["members"] > 0 and audiences["connections"] > 0
    names = set(Hashtag.objects.values_list("name", flat=True))
    assert {"recrutement", "télétravail", "cybersécurité", "IA", "RSE", "formation"} <= names
    assert {"hiring", "remotework"} & names


def test_camille_has_reach_drafts_and_a_scheduled_post(demo):
    camille = User.objects.get(email=CAMILLE)
    mine = Post.objects.filter(author=camille)
    assert mine.filter(status="draft").count() == 2
    scheduled = mine.get(status="scheduled")
    assert scheduled.publish_at > timezone.now() + timedelta(minutes=5)
    published = mine.filter(status="published")
    assert published.count() >= 6
    assert all(p.viewer_count >= 10 and p.impression_count >= p.viewer_count for p in published)
    assert sum(p.reaction_count for p in published) >= 20
    assert SavedPost.objects.filter(member=camille).exists()


def test_counters_equal_the_rows(demo):
    for post in Post.objects.all():
        kinds = Counter(Reaction.objects.filter(post=post).values_list("kind", flat=True))
        assert post.reaction_counts == dict(kinds) and post.reaction_count == sum(kinds.values())
        assert post.comment_count == Comment.objects.filter(post=post).count()
        assert post.repost_count == Post.objects.filter(repost_of=post).count()
        impressions = PostImpression.objects.filter(post=post)
        assert post.impression_count == impressions.count()
        assert post.viewer_count == impressions.values("viewer").distinct().count()
    for comment in Comment.objects.all():
        kinds = Counter(Reaction.objects.filter(comment=comment).values_list("kind", flat=True))
        assert comment.reaction_counts == dict(kinds)
        assert comment.reaction_count == sum(kinds.values())
        assert comment.reply_count == Comment.objects.filter(parent=comment).count()
    for poll in Poll.objects.all():
        assert poll.vote_count == PollVote.objects.filter(poll=poll).count()
        for option in PollOption.objects.filter(poll=poll):
            assert option.vote_count == PollVote.objects.filter(option=option).count()
    for tag in Hashtag.objects.all():
        assert tag.post_count == PostHashtag.objects.filter(hashtag=tag, post__status="published").count()
        assert tag.follower_count == HashtagFollow.objects.filter(hashtag=tag).count()


def test_texts_are_rendered_hashtags_linked_and_mentions_stored(demo):
    for post in Post.objects.select_related("author"):
        mentioned = list(User.objects.filter(public_id__in=mention_ids_in(post.body)).select_related("profile"))
        assert post.body_html == _render(post.body, mentioned)
        assert set(Mention.objects.filter(post=post).values_list("member_id", flat=True)) == {m.pk for m in mentioned}
        keys = {hashtag_key(n) for n in hashtags_in(post.body)}
        assert set(PostHashtag.objects.filter(post=post).values_list("hashtag__key", flat=True)) == keys
    for comment in Comment.objects.all()[:300]:
        mentioned = list(User.objects.filter(public_id__in=mention_ids_in(comment.body)).select_related("profile"))
        assert comment.body_html == _render(comment.body, mentioned)
    assert LinkPreview.objects.exclude(status="ready").count() == 0


def test_nobody_engages_outside_the_audience_or_across_a_block(demo):
    blocked = {frozenset(p) for p in Block.objects.values_list("blocker_id", "blocked_id")}
    members = {u.pk: u for u in User.objects.all()}
    posts = {p.pk: p for p in Post.objects.select_related("author", "repost_of", "repost_of__author")}
    checked = 0
    for member_id, post_id in Reaction.objects.filter(post__isnull=False).values_list("member_id", "post_id"):
        assert access.can_view_post(members[member_id], posts[post_id])
        checked += 1
    for member_id, post_id in PostImpression.objects.values_list("viewer_id", "post_id"):
        assert access.can_view_post(members[member_id], posts[post_id])
    for member_id, post_id in PollVote.objects.values_list("voter_id", "poll__post_id"):
        assert access.can_view_post(members[member_id], posts[post_id])
    for member_id, post_id in SavedPost.objects.values_list("member_id", "post_id"):
        assert access.can_view_post(members[member_id], posts[post_id])
    for comment in Comment.objects.select_related("parent"):
        post = posts[comment.post_id]
        assert access.can_view_post(members[comment.author_id], post)
        assert frozenset((comment.author_id, post.author_id)) not in blocked
        if comment.parent:
            assert frozenset((comment.author_id, comment.parent.author_id)) not in blocked
    for member_id, comment_id in Reaction.objects.filter(comment__isnull=False).values_list("member_id", "comment_id"):
        comment = Comment.objects.get(pk=comment_id)
        assert access.can_view_comment(members[member_id], comment, posts[comment.post_id])
    # Reposts: only of public or members posts, never shown more widely.
    breadth = {"public": 3, "members": 2, "connections": 1}
    for post in posts.values():
        if post.repost_of_id:
            assert post.repost_of.audience in ("public", "members")
            assert breadth[post.audience] <= breadth[post.repost_of.audience]
    assert checked > 1000


def test_people_write_in_their_own_language(demo):
    english = Post.objects.filter(author__language="en", kind="post").exclude(body="")
    french = Post.objects.filter(author__language="fr", kind="post").exclude(body="")
    assert english.exists() and french.exists()
    assert all(p.language == p.author.language for p in Post.objects.select_related("author"))
    french_words = (" le ", " la ", " les ", " des ", " pour ", " une ")
    assert sum(any(w in p.body for w in french_words) for p in english) < english.count() * 0.1
    assert sum(any(w in p.body for w in french_words) for p in french) > french.count() * 0.8


def test_the_plan_is_deterministic():
    specs = demo_member_specs(60)
    extras = [member_extras(s, i) for i, s in enumerate(specs)]
    network = demo_network_plan(specs, extras)
    now = timezone.now()
    first, second = demo_feed_plan(specs, network, now), demo_feed_plan(specs, network, now)
    assert first == second
    assert len(first.posts) > 60


def test_a_refresh_keeps_the_feed_as_it_is(demo):
    before = sorted(Post.objects.values_list("public_id", "reaction_count", "comment_count"))
    comments, follows = Comment.objects.count(), HashtagFollow.objects.count()
    call_command("demo", verbosity=0)
    assert sorted(Post.objects.values_list("public_id", "reaction_count", "comment_count")) == before
    assert (Comment.objects.count(), HashtagFollow.objects.count()) == (comments, follows)


def test_camilles_first_page_shows_many_different_people(demo):
    """The first screen of the demo feed must not be one busy author over and over."""
    from maillage.feed.feed import feed_page

    camille = User.objects.get(email=CAMILLE)
    for order in ("ranked", "recent"):
        page = feed_page(camille, order=order)
        authors = [item.post.author_id for item in page.items]
        assert len(authors) == 10, order
        assert len(set(authors)) >= 6, (order, Counter(authors))
        # The ranked feed spreads a busy author (at most 2 in any 10 ranked posts); the
        # most-recent order does not.
        limit = 2 if order == "ranked" else 3
        assert max(Counter(authors).values()) <= limit, (order, Counter(authors))
