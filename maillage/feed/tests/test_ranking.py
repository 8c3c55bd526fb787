"""Ranking the home feed: who is a candidate for whom, how scores combine, and that "Why am I
seeing this?" lists exactly the factors that made the score."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.feed import feed, ranking, services
from maillage.feed.models import Hashtag, Post
from maillage.feed.tests.factories import block, comment, connect, follow, member, post, react
from maillage.network.tests.factories import mute

pytestmark = pytest.mark.django_db


def ids(viewer, **kw) -> list[int]:
    return feed.page_ids(feed.feed_page(viewer, size=30, hydrate=False, **kw))


def aged(p: Post, hours: float) -> Post:
    Post.objects.filter(pk=p.pk).update(published_at=timezone.now() - timedelta(hours=hours))
    p.refresh_from_db()
    return p


def follow_tag(viewer, key: str) -> None:
    services.hashtag_follow(member=viewer, hashtag=Hashtag.objects.get(key=key))


# --- Who is in whose feed -------------------------------------------------------------------


def test_candidates_by_relation():
    author = member()
    connection, follower, second, stranger, tagger = member(), member(), member(), member(), member()
    connect(author, connection)
    follow(follower, author)
    connect(connection, second)
    p = post(author, "Remote work #teletravail")
    follow_tag(tagger, "teletravail")
    assert p.pk in ids(connection)
    assert p.pk in ids(follower)
    assert p.pk in ids(tagger)
    assert p.pk in ids(author)  # one's own recent posts
    assert p.pk not in ids(second)  # 2nd degree: not without activity
    assert p.pk not in ids(stranger)


def test_second_degree_through_a_connections_comment_with_its_context_line():
    author, friend, viewer = member(), member(), member()
    connect(author, friend)
    connect(friend, viewer)
    p = post(author, "Public post")
    assert p.pk not in ids(viewer)
    comment(friend, p, "Great")
    page = feed.feed_page(viewer, hydrate=False)
    assert feed.page_ids(page) == [p.pk]
    assert page.scored[0].context_line == f"{friend.get_full_name()} commented on this"


def test_connections_only_post_never_reaches_a_non_connection_even_through_activity():
    author, friend, viewer, tagger = member(), member(), member(), member()
    connect(author, friend)
    connect(friend, viewer)
    p = post(author, "Only for my connections #rse", audience="connections")
    comment(friend, p)
    react(friend, post=p)
    follow_tag(tagger, "rse")
    follow(tagger, author)
    assert p.pk in ids(friend)
    assert p.pk not in ids(viewer)
    assert p.pk not in ids(tagger)


def test_blocked_muted_hidden_and_inactive_never():
    author = member()
    blocker, muter, hider, friend = member(), member(), member(), member()
    for viewer in (blocker, muter, hider, friend):
        connect(author, viewer)
    p = post(author)
    block(blocker, author)
    mute(muter, author)
    services.post_hide(member=hider, post=p)
    assert p.pk not in ids(blocker)
    assert p.pk not in ids(muter)
    assert p.pk not in ids(hider)
    assert p.pk in ids(friend)
    author.is_active = False
    author.save()
    assert p.pk not in ids(friend)


def test_a_blocked_commenter_is_never_the_context():
    author, friend, viewer = member(), member(), member()
    connect(author, viewer)
    connect(friend, viewer)
    p = post(author)
    comment(friend, p)
    page = feed.feed_page(viewer, hydrate=False)
    assert page.scored[0].activity.actor_id == friend.pk
    block(viewer, friend)
    page = feed.feed_page(viewer, hydrate=False)
    assert feed.page_ids(page) == [p.pk]
    assert page.scored[0].activity is None and page.scored[0].context_line == ""


def test_posts_older_than_the_window_are_not_ranked():
    author, viewer = member(), member()
    connect(author, viewer)
    old = aged(post(author), hours=24 * 22)
    assert old.pk not in ids(viewer)


# --- Scores ------------------------------------------------------------------------------------


def test_connection_outranks_follow_outranks_hashtag_only():
    viewer, friend, followed, other = member(), member(), member(), member()
    connect(viewer, friend)
    follow(viewer, followed)
    from_tag = post(other, "#emploi")
    from_followed = post(followed, "Followed")
    from_friend = post(friend, "Friend")
    follow_tag(viewer, "emploi")
    for p in (from_tag, from_followed, from_friend):
        aged(p, 2)
    assert ids(viewer) == [from_friend.pk, from_followed.pk, from_tag.pk]


def test_recency_halves_every_day_and_engagement_lifts():
    viewer, friend = member(), member()
    connect(viewer, friend)
    fresh, day_old = post(friend), aged(post(friend), 24)
    by_id = {s.post_id: s for s in feed.feed_page(viewer, hydrate=False).scored}
    assert math.isclose(by_id[day_old.pk].score / by_id[fresh.pk].score, 0.5, rel_tol=0.01)
    for _ in range(5):
        react(member(), post=day_old)
    comment(member(), day_old)
    by_id = {s.post_id: s for s in feed.feed_page(viewer, hydrate=False).scored}
    engagement = next(f for f in by_id[day_old.pk].factors if f.code == "engagement")
    assert engagement.text == "5 people reacted, 1 comment"
    assert math.isclose(engagement.weight, 1 + math.log1p(5 + 2) / ranking.ENGAGEMENT_DAMPING)


def test_past_interactions_with_an_author_raise_their_posts():
    viewer, camille, dominique = member(), member(member__first_name="Camille"), member()
    for friend in (camille, dominique):
        connect(viewer, friend)
    older = [post(camille, f"Older {i}") for i in range(3)]
    for p in older:
        react(viewer, post=p)
    a, b = post(camille, "New from Camille"), post(dominique, "New from Dominique")
    scored = {s.post_id: s for s in feed.feed_page(viewer, hydrate=False).scored}
    assert scored[a.pk].score > scored[b.pk].score
    interaction = next(f for f in scored[a.pk].factors if f.code == "interactions")
    assert interaction.text == f"You often react to {camille.get_full_name()}'s posts"
    assert not any(f.code == "interactions" for f in scored[b.pk].factors)


def test_mentions_and_followed_hashtags_boost():
    viewer, friend = member(), member()
    connect(viewer, friend)
    plain = post(friend, "Plain")
    mention = post(friend, f"Hello @[x]({viewer.public_id})")
    tagged = post(friend, "About #teletravail")
    follow_tag(viewer, "teletravail")
    scored = {s.post_id: s for s in feed.feed_page(viewer, hydrate=False).scored}
    assert scored[mention.pk].score > scored[plain.pk].score
    assert scored[tagged.pk].score > scored[plain.pk].score
    assert "This post mentions you" in [f.text for f in scored[mention.pk].factors]
    assert "You follow #teletravail" in [f.text for f in scored[tagged.pk].factors]


def test_new_activity_after_as_of_does_not_change_scores():
    viewer, friend = member(), member()
    connect(viewer, friend)
    p = post(friend)
    first = feed.feed_page(viewer, hydrate=False)
    react(member(), post=p)
    comment(viewer, p)
    again = feed.feed_page(viewer, hydrate=False, now=first.as_of)
    assert again.scored[0].score == first.scored[0].score


# --- The explanation matches the score ------------------------------------------------------


def test_why_lists_the_factors_that_multiply_to_the_score():
    viewer, camille = member(), member(member__first_name="Camille")
    connect(viewer, camille)
    p = aged(post(camille, "On #teletravail"), 3)
    follow_tag(viewer, "teletravail")
    react(viewer, post=post(camille, "earlier"))
    for _ in range(12):
        react(member(), post=p)
    now = timezone.now()
    explanation = feed.explain(viewer, p, now=now)
    ranked = {s.post_id: s for s in feed.feed_page(viewer, hydrate=False, now=now).scored}
    assert explanation.in_feed
    assert math.isclose(ranking.product(explanation.factors), explanation.score)
    assert explanation.score == ranked[p.pk].score
    assert [f.code for f in explanation.factors] == [f.code for f in ranked[p.pk].factors]
    texts = [f.text.replace("\xa0", " ") for f in explanation.factors]
    name = camille.get_full_name()
    assert f"You are connected to {name}" in texts
    assert "You follow #teletravail" in texts
    assert "12 people reacted" in texts
    assert "Posted 3 hours ago" in texts
    assert any(t.startswith("You reacted to or commented on") for t in texts)


def test_changing_an_input_changes_the_explanation():
    viewer, author = member(), member()
    follow(viewer, author)
    p = post(author, "#rse")
    before = feed.explain(viewer, p)
    assert [f.code for f in before.factors] == ["follow", "recency"]
    follow_tag(viewer, "rse")
    after = feed.explain(viewer, p)
    assert [f.code for f in after.factors] == ["follow", "hashtag", "recency"]
    assert after.score > before.score
    connect(viewer, author)
    connected = feed.explain(viewer, p)
    assert connected.factors[0].code == "connection"
    services.post_hide(member=viewer, post=p)
    assert not feed.explain(viewer, p).in_feed


def test_a_plain_repost_shows_once_with_its_original():
    viewer, friend, other = member(), member(), member()
    connect(viewer, friend)
    connect(viewer, other)
    original = post(friend, "Original")
    from maillage.feed.tests.factories import repost

    plain = repost(other, original)
    assert ids(viewer).count(original.pk) == 1
    assert plain.pk not in ids(viewer)


# --- A busy author's posts are spread out ------------------------------------------------------


def _most_by_one_author_in_any_ten(authors: list[int]) -> int:
    return max(
        (max(authors[i : i + 10].count(a) for a in set(authors[i : i + 10])) for i in range(len(authors))),
        default=0,
    )


@pytest.mark.parametrize("size", [3, 10])
def test_at_most_two_posts_by_one_author_in_any_ten_ranked_posts(size):
    viewer, busy, others = member(), member(), [member() for _ in range(4)]
    connect(viewer, busy)
    for other in others:
        follow(viewer, other)  # a follow weighs less than a connection: busy's posts score higher
    made = [aged(post(busy, f"Busy {n}"), hours=n * 0.1) for n in range(12)]
    made += [aged(post(other, f"Other {n}"), hours=2 + n) for n, other in enumerate(others * 2)]
    by_score = sorted(
        feed.feed_page(viewer, size=30, hydrate=False).scored, key=lambda s: s.sort_key, reverse=True
    )
    assert [s.candidate.author_id for s in by_score[:10]].count(busy.pk) == 10  # without the rule
    seen, cursor = [], None
    while True:  # page by page, as the infinite scroll asks
        page = feed.feed_page(viewer, size=size, cursor=cursor, hydrate=False)
        seen += page.scored
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(s.post_id for s in seen) == sorted(p.pk for p in made)  # no repeat, no gap
    authors = [s.candidate.author_id for s in seen]
    # Spread while other authors' posts are left to put between: two in every ten, then the
    # rest of busy's posts once nobody else has any left.
    assert authors[:10].count(busy.pk) == 2
    last_other = max(i for i, a in enumerate(authors) if a != busy.pk)
    assert _most_by_one_author_in_any_ten(authors[: last_other + 1]) <= 2
    assert all(a == busy.pk for a in authors[last_other + 1 :])
    # Among themselves, busy's posts (and the others') keep their score order.
    scores = [s.score for s in seen if s.candidate.author_id == busy.pk]
    assert scores == sorted(scores, reverse=True)


def test_hiding_the_last_post_shown_loses_no_post_of_the_next_page():
    viewer, busy, other = member(), member(), member()
    connect(viewer, busy)
    connect(viewer, other)
    made = [aged(post(busy, f"Busy {n}"), hours=n * 0.1) for n in range(6)]
    made += [aged(post(other, f"Other {n}"), hours=3 + n) for n in range(6)]
    first = feed.feed_page(viewer, size=4, hydrate=False)
    services.post_hide(member=viewer, post=Post.objects.get(pk=first.scored[-1].post_id))
    rest, cursor = [], first.next_cursor
    while cursor:
        page = feed.feed_page(viewer, size=4, cursor=cursor, hydrate=False)
        rest += [s.post_id for s in page.scored]
        cursor = page.next_cursor
    shown = [s.post_id for s in first.scored]
    assert not set(shown) & set(rest)
    assert sorted(shown + rest) == sorted(p.pk for p in made)
