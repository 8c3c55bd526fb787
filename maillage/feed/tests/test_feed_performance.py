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
from maillage.network.tests.factories import block, mute

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


def _network_with_history(viewer, *, each: int = 5, every: int = 2):
    """A connection and a followed member with `each` posts apiece; every `every`-th post
    commented on by another connection and reacted to by the first."""
    friend, followed, commenter = member(), member(), member()
    connect(viewer, friend)
    connect(viewer, commenter)
    follow(viewer, followed)
    made = [post(friend, f"Friend {n}") for n in range(each)] + [
        post(followed, f"Followed {n}") for n in range(each)
    ]
    for p in made[::every]:
        comment(commenter, p, "Well said")
        react(friend, post=p)
    return friend, followed, made


@pytest.mark.parametrize("order", ["ranked", "recent"])
def test_next_pages_from_the_first_pages_snapshot_are_the_pages_recomputed(order):
    from django.core.cache import cache

    viewer = member()
    _friend, _followed, made = _network_with_history(viewer, each=7, every=3)
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


# --- A first page that starts from the last full computation (feed.REUSE_SECONDS) ---------------


def _feed_of(viewer, *, now, reuse=True, size=30):
    return feed.feed_page(viewer, size=size, now=now, hydrate=False, reuse=reuse)


def _reads_activity(captured) -> bool:
    """Whether the connections' week of comments was read (`ranking.load_activity`: the one
    query that selects comments' authors; scoring only counts comments)."""
    return any(
        q["sql"].startswith('SELECT "feed_comment"."post_id" AS "post_id", "feed_comment"."author_id"')
        for q in captured.captured_queries
    )


@pytest.mark.parametrize("order", ["ranked", "recent"])
def test_a_first_page_soon_after_starts_from_the_last_computation_and_sees_new_posts(order):
    from maillage.feed.models import FeedOrder, FeedSettings

    viewer = member()
    FeedSettings.objects.create(member=viewer, order=order)
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    first = feed.feed_page(viewer, order=order, size=30, now=now, hydrate=False, reuse=True)
    assert first.order == order == FeedOrder(order)
    later = now + timedelta(minutes=3)
    newest = post(followed, "Just published")
    Post.objects.filter(pk=newest.pk).update(published_at=now + timedelta(minutes=1))
    with CaptureQueriesContext(connection) as reused:
        again = feed.feed_page(viewer, order=order, size=30, now=later, hydrate=False, reuse=True)
    assert not _reads_activity(reused)  # the week of the connections' activity is not read again
    with CaptureQueriesContext(connection) as full:
        computed = feed.feed_page(viewer, order=order, size=30, now=later, hydrate=False)
    assert _reads_activity(full)
    # No reaction or comment since: the same posts, in the same order, with the same scores.
    assert feed.page_ids(again) == feed.page_ids(computed)
    assert newest.pk in feed.page_ids(again)
    assert [round(s.score, 9) for s in again.scored] == [round(s.score, 9) for s in computed.scored]
    assert [s.context_line for s in again.scored] == [s.context_line for s in computed.scored]
    assert [[f.text for f in s.factors] for s in again.scored] == [
        [f.text for f in s.factors] for s in computed.scored
    ]


def test_a_reused_first_page_leaves_out_what_was_hidden_deleted_or_narrowed_since():
    from maillage.feed import services

    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    first = _feed_of(viewer, now=now)
    assert set(feed.page_ids(first)) == {p.pk for p in made}
    hidden, gone, narrowed = made[1], made[2], made[6]  # narrowed: a followed member's, not connected
    services.post_hide(member=viewer, post=hidden)
    Post.objects.filter(pk=gone.pk).delete()
    Post.objects.filter(pk=narrowed.pk).update(audience="connections")
    again = _feed_of(viewer, now=now + timedelta(minutes=2))
    assert set(feed.page_ids(again)) == {p.pk for p in made} - {hidden.pk, gone.pk, narrowed.pk}


@pytest.mark.parametrize("change", ["follow", "unfollow", "mute", "block", "connect", "hashtag"])
def test_a_change_in_the_viewers_network_computes_the_first_page_in_full(change):
    from maillage.feed import services

    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    stranger = member()
    post(stranger, "Someone else #remote")
    now = timezone.now()
    _feed_of(viewer, now=now)
    if change == "follow":
        follow(viewer, stranger)
    elif change == "unfollow":
        from maillage.network import services as network_services

        network_services.follow_remove(follower=viewer, followed=followed)
    elif change == "mute":
        mute(viewer, followed)
    elif change == "block":
        block(viewer, friend)
    elif change == "connect":
        connect(viewer, stranger)
    else:
        from maillage.feed.models import Hashtag

        services.hashtag_follow(member=viewer, hashtag=Hashtag.objects.get(key="remote"))
    later = now + timedelta(minutes=2)
    with CaptureQueriesContext(connection) as captured:
        again = _feed_of(viewer, now=later)
    assert _reads_activity(captured)
    assert feed.page_ids(again) == feed.page_ids(_feed_of(viewer, now=later, reuse=False))


def test_the_first_page_is_computed_in_full_again_after_the_reuse_window():
    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    _feed_of(viewer, now=now)
    with CaptureQueriesContext(connection) as within:
        _feed_of(viewer, now=now + timedelta(seconds=feed.REUSE_SECONDS - 1))
    with CaptureQueriesContext(connection) as after:
        _feed_of(viewer, now=now + timedelta(seconds=feed.REUSE_SECONDS + 1))
    assert not _reads_activity(within)
    assert _reads_activity(after)
    # A reused page does not push the window on: it still counts from the full computation.
    with CaptureQueriesContext(connection) as chained:
        _feed_of(viewer, now=now + timedelta(seconds=2 * feed.REUSE_SECONDS - 10))
    assert not _reads_activity(chained)  # (the full one at REUSE_SECONDS + 1 started a new window)
    with CaptureQueriesContext(connection) as expired:
        _feed_of(viewer, now=now + timedelta(seconds=2 * feed.REUSE_SECONDS + 2))
    assert _reads_activity(expired)


def test_another_members_computation_is_never_reused():
    viewer, other = member(), member()
    _network_with_history(viewer)
    _network_with_history(other)
    now = timezone.now()
    _feed_of(viewer, now=now)
    with CaptureQueriesContext(connection) as captured:
        page = _feed_of(other, now=now + timedelta(minutes=1))
    assert _reads_activity(captured)
    assert page.scored and all(s.candidate.author_id != viewer.pk for s in page.scored)
    assert feed.page_ids(page) == feed.page_ids(_feed_of(other, now=now + timedelta(minutes=1), reuse=False))


def test_aged_scores_are_the_scores_computed_at_the_later_moment():
    viewer = member()
    _network_with_history(viewer)
    now = timezone.now()
    net = ranking.network_for(viewer, now)
    ranking.load_activity(viewer, net)
    scored = ranking.score_candidates(viewer, net, ranking.ranked_candidates(viewer, net))
    later = now + timedelta(hours=5)
    aged = ranking.aged(scored, now, later)
    net.as_of = later
    for s in aged:
        assert s.score == pytest.approx(ranking.product(ranking.factors_for(s.candidate, net, s.inputs)))


def test_a_reused_first_page_costs_the_same_queries_whatever_was_published_since():
    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    _feed_of(viewer, now=now)

    def published_since(count: int, minutes: int) -> int:
        for n in range(count):
            p = post([friend, followed][n % 2], f"New {minutes}-{n}")
            Post.objects.filter(pk=p.pk).update(published_at=now + timedelta(minutes=minutes, seconds=n))
            comment(friend, p, "First")
        with CaptureQueriesContext(connection) as captured:
            page = _feed_of(viewer, now=now + timedelta(minutes=minutes + 1))
        assert not _reads_activity(captured) and page.scored
        return len(captured)

    assert published_since(1, 1) == published_since(12, 3)


def test_a_reused_first_page_rechecks_what_it_shows_and_its_next_pages_the_rest(monkeypatch):
    from maillage.feed import services

    monkeypatch.setattr(feed, "RECHECK_AHEAD", 1)
    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    full = _feed_of(viewer, now=now, size=3)
    best = feed.page_ids(full)
    # Gone since: two of the best three (beyond what one query re-checks once the first is
    # left out) and one far down the ranking.
    services.post_hide(member=viewer, post=Post.objects.get(pk=best[0]))
    Post.objects.filter(pk=best[2]).delete()
    ranked_last = [s.post_id for s in _feed_of(viewer, now=now, size=30, reuse=False).scored][-1]
    Post.objects.filter(pk=ranked_last).update(audience="connections", author_id=followed.pk)
    later = now + timedelta(minutes=2)
    first = _feed_of(viewer, now=later, size=3)
    rest = sum(_walk(viewer, "ranked", first.next_cursor, size=3), [])
    expected = feed.page_ids(_feed_of(viewer, now=later, size=30, reuse=False))
    assert feed.page_ids(first) + rest == expected
    assert not {best[0], best[2], ranked_last} & set(expected)
    assert len(expected) == len(made) - 3


def _recent(viewer, *, now, size=3, reuse=True, order="recent"):
    return feed.feed_page(viewer, order=order, size=size, now=now, hydrate=False, reuse=reuse)


def test_a_recent_first_page_shown_again_scores_only_the_posts_published_since(monkeypatch):
    viewer = member()
    friend, followed, made = _network_with_history(viewer)
    now = timezone.now()
    first = _recent(viewer, now=now)
    scored_for: list[list[int]] = []
    score = ranking.score_candidates
    monkeypatch.setattr(
        ranking,
        "score_candidates",
        lambda viewer, net, candidates: scored_for.append([c.post_id for c in candidates])
        or score(viewer, net, candidates),
    )
    again = _recent(viewer, now=now + timedelta(minutes=1))
    assert feed.page_ids(again) == feed.page_ids(first)
    assert scored_for in ([], [[]])  # nothing published since: nothing read or scored again
    newest = post(friend, "Hot off the press")
    Post.objects.filter(pk=newest.pk).update(published_at=now + timedelta(minutes=2))
    later = now + timedelta(minutes=3)
    scored_for.clear()
    third = _recent(viewer, now=later)
    assert scored_for == [[newest.pk]]
    assert feed.page_ids(third) == [newest.pk] + feed.page_ids(first)[:2]
    assert feed.page_ids(third) == feed.page_ids(_recent(viewer, now=later, reuse=False))
    walked = sum(_walk(viewer, "recent", third.next_cursor, size=3), [])
    assert sorted(feed.page_ids(third) + walked) == sorted([p.pk for p in made] + [newest.pk])


def test_a_recent_first_page_reads_in_full_when_too_many_of_the_last_ones_are_gone(monkeypatch):
    from maillage.feed import services

    viewer = member()
    _friend, _followed, _made = _network_with_history(viewer)
    now = timezone.now()
    first = _recent(viewer, now=now)  # the 3 shown and the next one kept
    for pk in feed.page_ids(first)[:2]:
        services.post_hide(member=viewer, post=Post.objects.get(pk=pk))
    answers = []
    continued = feed._continued_recent
    monkeypatch.setattr(
        feed, "_continued_recent", lambda *a: answers.append(continued(*a)) or answers[-1]
    )
    later = now + timedelta(minutes=1)
    again = _recent(viewer, now=later)
    # 2 of the 4 it read are left: what comes after them was never read, so it reads in full.
    assert answers == [None]
    assert feed.page_ids(again) == feed.page_ids(_recent(viewer, now=later, reuse=False))
    assert len(again.scored) == 3 and not set(feed.page_ids(first)[:2]) & set(feed.page_ids(again))


@pytest.mark.parametrize("before, after", [("ranked", "recent"), ("recent", "ranked")])
def test_a_first_page_in_the_other_order_does_not_take_the_scores_of_the_last_one(before, after):
    viewer = member()
    _network_with_history(viewer)
    now = timezone.now()
    _recent(viewer, now=now, order=before)
    later = now + timedelta(minutes=1)
    again = _recent(viewer, now=later, order=after, size=4)
    assert feed.page_ids(again) == feed.page_ids(_recent(viewer, now=later, order=after, size=4, reuse=False))
    assert [round(s.score, 9) for s in again.scored] == [
        round(s.score, 9) for s in _recent(viewer, now=later, order=after, size=4, reuse=False).scored
    ]


def test_a_recent_first_page_shown_again_leaves_out_what_was_hidden_since():
    from maillage.feed import services

    viewer = member()
    friend, followed, _made = _network_with_history(viewer)
    now = timezone.now()
    first = _recent(viewer, now=now)
    hidden = feed.page_ids(first)[0]
    services.post_hide(member=viewer, post=Post.objects.get(pk=hidden))
    for n, author in enumerate([friend, followed]):
        fresh = post(author, f"Since {n}")
        Post.objects.filter(pk=fresh.pk).update(published_at=now + timedelta(seconds=30 + n))
    later = now + timedelta(minutes=1)
    again = _recent(viewer, now=later)
    assert hidden not in feed.page_ids(again)
    assert feed.page_ids(again) == feed.page_ids(_recent(viewer, now=later, reuse=False))
