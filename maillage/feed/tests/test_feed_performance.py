"""What keeps the home feed fast for a large network gives the same feed: ids sent as one
parameter (`sql.InIds`), the candidates of a large network read from the newest days first, the
connections' activity read before its posts are checked, and the words of the score's factors
written for the posts shown only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.feed import feed, ranking
from maillage.feed.models import Post
from maillage.feed.sql import InIds
from maillage.feed.tests.factories import comment, connect, follow, member, post, react

pytestmark = pytest.mark.django_db


def test_in_ids_filters_like_in_and_matches_nothing_when_empty():
    a, b, c = member(), member(), member()
    posts = [post(a, "One"), post(b, "Two"), post(c, "Three")]
    wanted = {posts[0].pk, posts[2].pk}
    assert set(Post.objects.filter(InIds("pk", wanted)).values_list("pk", flat=True)) == wanted
    assert set(
        Post.objects.filter(InIds("author__pk", [b.pk])).values_list("pk", flat=True)
    ) == {posts[1].pk}
    assert not Post.objects.filter(InIds("pk", [])).exists()
    from django.db.models import Q

    assert set(
        Post.objects.filter(~Q(InIds("pk", wanted))).values_list("pk", flat=True)
    ) == {posts[1].pk}
    # One parameter whatever the number of ids.
    with CaptureQueriesContext(connection) as captured:
        list(Post.objects.filter(InIds("pk", range(1, 2000))))
    sql = captured.captured_queries[0]["sql"]
    assert "= ANY(" in sql if connection.vendor == "postgresql" else "json_each(" in sql


def _busy_network(viewer, authors: int, posts_each: int):
    now = timezone.now()
    made = []
    for i in range(authors):
        author = member()
        connect(viewer, author)
        for n in range(posts_each):
            p = post(author, f"Post {i}-{n}")
            # Spread over the whole window, some in the newest days, some older.
            when = now - timedelta(hours=6 + (i * posts_each + n) * 13)
            Post.objects.filter(pk=p.pk).update(published_at=when)
            made.append(p)
    return made


@pytest.mark.parametrize("limit", [5, 40])
def test_large_network_candidates_read_newest_days_first_are_the_same(monkeypatch, limit):
    viewer = member()
    _busy_network(viewer, authors=4, posts_each=8)
    monkeypatch.setattr(ranking, "CANDIDATE_LIMIT", limit)
    net = ranking.network_for(viewer, timezone.now())
    ranking.load_activity(viewer, net)
    monkeypatch.setattr(ranking, "SLICE_FROM_FOLLOWS", 10_000)
    whole = [c.post_id for c in ranking.ranked_candidates(viewer, net)]
    monkeypatch.setattr(ranking, "SLICE_FROM_FOLLOWS", 0)
    with CaptureQueriesContext(connection) as captured:
        sliced = [c.post_id for c in ranking.ranked_candidates(viewer, net)]
    assert sliced == whole
    assert len(whole) == min(limit, 32)
    # 5 fit in the newest three days (one query); 40 need the rest of the window (two).
    assert len(captured) == (1 if limit == 5 else 2)


def test_activity_leaves_out_own_posts_and_posts_the_viewer_may_not_see():
    viewer, friend, author = member(), member(), member()
    connect(viewer, friend)
    connect(friend, author)
    public = post(author, "Public")
    hidden_from_viewer = post(author, "Connections only", audience="connections")
    own = post(friend, "My own")
    comment(friend, public, "Great")
    comment(friend, hidden_from_viewer, "Great")
    comment(friend, own, "Thanks all")
    react(friend, post=public)
    net = ranking.network_for(viewer, timezone.now())
    ranking.load_activity(viewer, net)
    assert set(net.activity) == {public.pk}
    assert sorted(a.kind for a in net.activity[public.pk]) == ["comment", "reaction"]


def test_factors_have_words_for_the_posts_shown_and_the_same_weights():
    viewer, friend = member(), member()
    connect(viewer, friend)
    follow(viewer, member())
    for n in range(12):
        post(friend, f"Post {n}")
    page = feed.feed_page(viewer, size=5, hydrate=False)
    assert len(page.scored) == 5
    for s in page.scored:
        assert all(f.text for f in s.factors if f.code != "engagement")
        assert [f.code for f in s.factors][0] == "connection"
        assert friend.get_full_name() in s.factors[0].text
    net = ranking.network_for(viewer, page.as_of)
    ranking.load_activity(viewer, net)
    bare = ranking.score_candidates(viewer, net, ranking.ranked_candidates(viewer, net))
    by_id = {s.post_id: s for s in bare}
    for s in page.scored:
        assert [f.weight for f in s.factors] == [f.weight for f in by_id[s.post_id].factors]
        assert s.score == by_id[s.post_id].score


def _walk(viewer, order, cursor, size=4):
    pages = []
    while cursor:
        page = feed.feed_page(viewer, cursor=cursor, size=size, hydrate=False)
        pages.append([s.post_id for s in page.scored])
        cursor = page.next_cursor
    return pages


@pytest.mark.parametrize("order", ["ranked", "recent"])
def test_next_pages_from_the_first_pages_snapshot_are_the_pages_recomputed(order):
    from django.core.cache import cache

    viewer, friend, other, commenter = member(), member(), member(), member()
    connect(viewer, friend)
    connect(viewer, commenter)
    follow(viewer, other)
    made = [post(friend, f"Friend {n}") for n in range(7)] + [post(other, f"Other {n}") for n in range(7)]
    for p in made[::3]:
        comment(commenter, p, "Good one")
        react(friend, post=p)
    first = feed.feed_page(viewer, order=order, size=4, hydrate=False)
    with CaptureQueriesContext(connection) as from_snapshot:
        reused = _walk(viewer, order, first.next_cursor)
    cache.clear()  # the snapshot is gone: each next page reads and scores everything again
    with CaptureQueriesContext(connection) as recomputed:
        again = _walk(viewer, order, first.next_cursor)
    assert reused == again
    assert sorted([s.post_id for s in first.scored] + sum(reused, [])) == sorted(p.pk for p in made)
    assert len(from_snapshot) < len(recomputed)
    if order == "ranked":
        # Past the first, a ranked page re-checks its posts instead of reading and scoring them.
        assert len(from_snapshot) <= len(recomputed) - 3 * len(reused)


def test_next_pages_from_a_snapshot_leave_out_what_was_muted_hidden_or_deleted_since():
    from maillage.feed import services
    from maillage.network import services as network_services

    viewer, friend, muted = member(), member(), member()
    connect(viewer, friend)
    connect(viewer, muted)
    made = [post(friend, f"Friend {n}") for n in range(6)] + [post(muted, f"Muted {n}") for n in range(6)]
    first = feed.feed_page(viewer, size=2, hydrate=False)
    shown = {s.post_id for s in first.scored}
    rest = [p for p in made if p.pk not in shown]
    network_services.mute_add(muter=viewer, muted=muted)
    hidden = next(p for p in rest if p.author_id == friend.pk)
    services.post_hide(member=viewer, post=hidden)
    gone = next(p for p in rest if p.author_id == friend.pk and p.pk != hidden.pk)
    Post.objects.filter(pk=gone.pk).delete()
    later = sum(_walk(viewer, "ranked", first.next_cursor, size=2), [])
    expected = {p.pk for p in rest if p.author_id == friend.pk} - {hidden.pk, gone.pk}
    assert set(later) == expected and len(later) == len(expected)


def test_a_next_page_whose_snapshot_is_gone_stores_it_again_for_the_same_cursor():
    from django.core.cache import cache

    viewer, friend = member(), member()
    connect(viewer, friend)
    for n in range(12):
        post(friend, f"Friend {n}")
    first = feed.feed_page(viewer, size=4, hydrate=False)
    cache.clear()
    with CaptureQueriesContext(connection) as recomputed:
        again = feed.feed_page(viewer, size=4, cursor=first.next_cursor, hydrate=False)
    with CaptureQueriesContext(connection) as reloaded:
        reused = feed.feed_page(viewer, size=4, cursor=first.next_cursor, hydrate=False)
    assert feed.page_ids(reused) == feed.page_ids(again)
    assert reused.next_cursor and again.next_cursor
    # Reloaded, it reads no comment (the connections' activity) and scores nothing again.
    assert any("feed_comment" in q["sql"] for q in recomputed.captured_queries)
    assert not any("feed_comment" in q["sql"] for q in reloaded.captured_queries)
