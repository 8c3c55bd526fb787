"""Post analytics and the activity page: only the author sees them (404 for everyone else), the
numbers they show, the per-day chart with its table, sorting, totals, and pinned query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.feed import analytics, services
from maillage.feed.impressions import impressions_store
from maillage.feed.models import Post
from maillage.feed.services import PostInput
from maillage.network.tests.factories import block, connect, follow, member

pytestmark = pytest.mark.django_db

AUDIENCES = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS]


def publish(author, body="Hello network", audience=Audience.PUBLIC) -> Post:
    return services.post_create(author=author, data=PostInput(body=body, audience=audience))


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def day(offset: int = 0) -> str:
    return (timezone.localdate() - timedelta(days=offset)).isoformat()


def seen(post, viewers, offset: int = 0) -> None:
    impressions_store(rows=[[post.pk, v.pk, day(offset)] for v in viewers])


def numbers(html: str) -> str:
    return re.sub(r"\s+", " ", html)


# --- Who may see them ----------------------------------------------------------------------------


def _viewer(author, role: str):
    if role == "anonymous":
        return None
    other = member()
    if role == "connection":
        connect(author, other)
    elif role == "follower":
        follow(other, author)
    elif role == "second":
        middle = member()
        connect(author, middle)
        connect(middle, other)
    elif role == "blocked":
        block(author, other)
    elif role == "blocker":
        block(other, author)
    elif role == "staff":
        other.is_staff = other.is_superuser = True
        other.save()
    return other


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize(
    "role", ["connection", "follower", "second", "stranger", "blocked", "blocker", "staff", "anonymous"]
)
def test_post_analytics_is_the_authors_alone(role, audience):
    author = member()
    post = publish(author, audience=audience)
    url = reverse("post_analytics", args=[post.public_id])
    viewer = _viewer(author, role)
    client = logged(viewer) if viewer else Client()
    response = client.get(url)
    assert response.status_code == 404
    assert logged(author).get(url).status_code == 200


def test_unknown_drafts_and_plain_reposts_have_no_analytics():
    author, other = member(), member()
    client = logged(author)
    assert client.get("/posts/not-a-uuid/analytics/").status_code == 404
    assert client.get(reverse("post_analytics", args=["5f1c1e0e-0000-4000-8000-000000000000"])).status_code == 404
    draft = services.post_create(author=author, data=PostInput(body="Later", draft=True))
    assert client.get(reverse("post_analytics", args=[draft.public_id])).status_code == 404
    repost = services.repost_create(member=author, original=publish(other))
    assert client.get(reverse("post_analytics", args=[repost.public_id])).status_code == 404
    assert client.post(reverse("post_analytics", args=[publish(author).public_id])).status_code == 405


def test_activity_needs_login_and_shows_only_ones_own_posts():
    author, other = member(), member()
    connect(author, other)
    publish(author, "Mine, about gardens")
    publish(other, "Theirs, about boats")
    response = Client().get(reverse("activity"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    page = logged(author).get(reverse("activity")).content.decode()
    assert "Mine, about gardens" in page and "Theirs, about boats" not in page
    page = logged(other).get(reverse("activity")).content.decode()
    assert "Mine, about gardens" not in page and "Theirs, about boats" in page


# --- The numbers ---------------------------------------------------------------------------------


def test_followers_reached_as_in_seed_002():
    """A page followed by 1,000 people reaching about 60 of them reads "6 %"."""
    assert analytics.percent(60, 1000) == 6
    assert analytics.percent(1, 1000) == 1  # a little reach is never shown as 0 %
    assert analytics.percent(0, 1000) == 0
    assert analytics.percent(3, 0) is None


def test_post_analytics_numbers():
    author = member()
    followers = [member() for _ in range(10)]
    for person in followers:
        follow(person, author)
    strangers = [member() for _ in range(4)]
    post = publish(author, "Our **new** office")
    seen(post, followers[:3] + strangers, offset=2)
    seen(post, followers[:1] + strangers[:1], offset=0)
    services.reaction_set(member=followers[0], kind="like", post=post)
    services.reaction_set(member=followers[1], kind="celebrate", post=post)
    services.reaction_set(member=strangers[0], kind="celebrate", post=post)
    services.comment_create(author=strangers[1], post=post, body="Congrats")
    services.repost_create(member=strangers[2], original=post)

    post.refresh_from_db()
    stats = analytics.post_analytics(post)
    assert (stats.impressions, stats.viewers) == (9, 7)
    assert (stats.followers, stats.followers_reached, stats.followers_share) == (10, 3, 30)
    assert {(r.kind, r.count) for r in stats.reactions_by_kind} == {("like", 1), ("celebrate", 2)}
    assert (stats.comments, stats.reposts, stats.engagement, stats.engagement_rate) == (1, 1, 5, 56)

    page = numbers(logged(author).get(reverse("post_analytics", args=[post.public_id])).content.decode())
    assert "This post reached 30% of your followers (3 of 10 followers)." in page
    assert "Our new office" in page  # the excerpt reads as text, without markdown marks
    assert reverse("post", args=[post.public_id]) in page


def test_a_member_without_followers_is_told_how_to_get_some():
    author = member()
    post = publish(author)
    page = logged(author).get(reverse("post_analytics", args=[post.public_id])).content.decode()
    assert "Nobody follows you yet" in page
    assert "No impressions yet" in page


def test_impressions_per_day_chart_and_table():
    author = member()
    post = publish(author)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=4))
    post.refresh_from_db()
    viewers = [member() for _ in range(4)]
    seen(post, viewers, offset=3)
    seen(post, viewers[:1], offset=1)
    seen(post, viewers[:2], offset=0)
    stats = analytics.post_analytics(post)
    assert [bar.count for bar in stats.days] == [0, 4, 0, 1, 2]
    assert [bar.height for bar in stats.days] == [0, 100, 0, 25, 50]
    assert stats.busiest_day == 4
    page = logged(author).get(reverse("post_analytics", args=[post.public_id])).content.decode()
    assert page.count('class="day-chart__bar"') == 5
    assert 'role="img"' in page and "<table" in page and "Show the numbers as a table" in page
    assert 'style="' not in page.split("<main", 1)[1]  # CSP: bars are SVG attributes


def test_a_long_lived_post_charts_its_last_30_days():
    author = member()
    post = publish(author)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=70))
    post.refresh_from_db()
    assert len(analytics.post_analytics(post).days) == analytics.CHART_DAYS


def test_post_analytics_query_count_is_pinned(django_assert_max_num_queries):
    author = member()
    for _ in range(5):
        follow(member(), author)
    post = publish(author)
    seen(post, [member() for _ in range(6)])
    client = logged(author)
    client.get(reverse("post_analytics", args=[post.public_id]))
    # session, user, the post, followers, followers reached, days (+ the badge, cached)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("post_analytics", args=[post.public_id])).status_code == 200


# --- Activity ------------------------------------------------------------------------------------


@pytest.fixture
def history():
    author = member()
    followers = [member() for _ in range(4)]
    for person in followers:
        follow(person, author)
    quiet = publish(author, "Quiet one")
    popular = publish(author, "Popular one")
    talked = publish(author, "Talked about")
    seen(popular, followers + [member() for _ in range(6)])
    seen(quiet, followers[:1])
    seen(talked, followers[:2])
    for person in followers[:3]:
        services.comment_create(author=person, post=talked, body="Yes")
    old = publish(author, "Old one")
    Post.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=91))
    services.post_create(author=author, data=PostInput(body="Draft one", draft=True))
    services.repost_create(member=author, original=publish(member(), "Someone else's"))
    return author, quiet, popular, talked


def test_activity_lists_90_days_of_published_posts(history):
    author, quiet, popular, talked = history
    data = analytics.activity(author=author)
    assert [row.post for row in data.rows] == [talked, popular, quiet]
    assert data.post_count == 3 and data.followers == 4
    assert data.totals == {"impressions": 13, "viewers": 13, "reactions": 0, "comments": 3, "reposts": 0,
                           "engagement": 3}
    assert data.averages["impressions"] == 4.3
    rows = {row.post: row for row in data.rows}
    assert (rows[popular].followers_reached, rows[popular].followers_share) == (4, 100)
    assert (rows[quiet].followers_reached, rows[quiet].followers_share) == (1, 25)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("date", ["Talked about", "Popular one", "Quiet one"]),
     ("impressions", ["Popular one", "Talked about", "Quiet one"]),
     ("engagement", ["Talked about", "Popular one", "Quiet one"]),
     ("nonsense", ["Talked about", "Popular one", "Quiet one"])],
)
def test_activity_sorts(history, sort, expected):
    author = history[0]
    response = logged(author).get(reverse("activity"), {"sort": sort})
    page = response.content.decode()
    positions = [page.index(text) for text in expected]
    assert positions == sorted(positions)
    assert "Old one" not in page and "Draft one" not in page and "Someone else" not in page
    current = sort if sort in analytics.ACTIVITY_SORTS else "date"
    assert f'href="?sort={current}" aria-current="true"' in page
    for row in response.context["activity"].rows:
        assert reverse("post_analytics", args=[row.post.public_id]) in page


def test_activity_empty_state():
    page = logged(member()).get(reverse("activity")).content.decode()
    assert "No posts in the last 90 days" in page and reverse("compose") in page


@pytest.mark.parametrize("n", [2, 12])
def test_activity_query_count_does_not_grow(django_assert_max_num_queries, n):
    author = member()
    follow(member(), author)
    viewer = member()
    for i in range(n):
        post = publish(author, f"Post {i}")
        seen(post, [viewer])
    client = logged(author)
    client.get(reverse("activity"))
    # session, user, totals, followers, the posts with followers reached (+ the badge, cached)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("activity"))
    assert len(response.context["activity"].rows) == n


def test_the_account_menu_links_to_the_activity_page(client):
    client.force_login(member())
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index('id="account-menu"') :]
    assert f'href="{reverse("activity")}"' in menu
    client.logout()
    assert reverse("activity") not in client.get(reverse("account_login")).content.decode()
