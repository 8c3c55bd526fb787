"""Hashtag pages: the posts each viewer may see, newest first, pages, follows, counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.feed import selectors
from maillage.feed.models import Hashtag, HashtagFollow, Post

from .factories import SEES, cast, member, post

pytestmark = pytest.mark.django_db


def test_hashtag_page_lists_only_what_each_viewer_may_see(client):
    people = cast()
    for audience in ("public", "members", "connections"):
        post(people["author"], f"#Remote work for {audience}", audience=audience)
    url = reverse("hashtag", args=["remote"])
    for role, who in people.items():
        client.logout()
        if who is not None:
            client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200, role
        html = response.content.decode()
        for audience in ("public", "members", "connections"):
            assert (f"work for {audience}" in html) == (role in SEES[audience]), (role, audience)


def test_hashtag_keys_are_folded_and_unknown_tags_are_404(client):
    post(member(), "Vive le #Télétravail")
    response = client.get(reverse("hashtag", args=["Teletravail"]))
    assert response.status_code == 302 and response.url == reverse("hashtag", args=["teletravail"])
    html = client.get(reverse("hashtag", args=["teletravail"])).content.decode()
    assert "#Télétravail" in html and "1 post" in html
    assert client.get(reverse("hashtag", args=["nothing"])).status_code == 404


def test_hashtag_page_newest_first_with_keyset_pages(client):
    author = member()
    for i in range(12):
        p = post(author, f"#paging item {i:02d}")
        Post.objects.filter(pk=p.pk).update(published_at=timezone.now() - timedelta(minutes=60 - i))
    first = client.get(reverse("hashtag", args=["paging"])).content.decode()
    assert first.index("item 11") < first.index("item 10")
    assert "item 01" not in first and "Show more" in first
    page = selectors.hashtag_posts(None, Hashtag.objects.get(key="paging"))
    second = client.get(reverse("hashtag", args=["paging"]) + f"?cursor={page.next_cursor}").content.decode()
    assert "item 01" in second and "item 00" in second and "item 11" not in second
    garbage = client.get(reverse("hashtag", args=["paging"]) + "?cursor=%%%not-a-cursor")
    assert garbage.status_code == 200  # a bad cursor starts from the top


def test_follow_and_unfollow_update_the_counts(client):
    post(member(), "#python rocks")
    fan = member()
    client.force_login(fan)
    client.post(reverse("hashtag_follow", args=["python"]))
    client.post(reverse("hashtag_follow", args=["python"]))  # twice counts once
    tag = Hashtag.objects.get(key="python")
    assert tag.follower_count == 1 and HashtagFollow.objects.filter(member=fan).exists()
    html = client.get(reverse("hashtag", args=["python"])).content.decode()
    assert "Following" in html and "1 follower" in html
    client.post(reverse("hashtag_unfollow", args=["python"]))
    assert Hashtag.objects.get(key="python").follower_count == 0


def test_anonymous_sees_the_page_but_cannot_follow(client):
    post(member(), "Data should be #open for all")
    html = client.get(reverse("hashtag", args=["open"])).content.decode()
    assert "for all" in html and reverse("hashtag_follow", args=["open"]) not in html
    response = client.post(reverse("hashtag_follow", args=["open"]))
    assert "login" in response.url
    assert not HashtagFollow.objects.exists()


def test_hashtag_page_query_count_does_not_grow_with_posts(client):
    from django.core.cache import cache

    author, viewer = member(), member()
    post(author, "#few one")
    for i in range(10):
        post(member(), f"#many {i}")
    client.force_login(viewer)
    counts = []
    for key in ("few", "many"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("hashtag", args=[key])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == 15  # pinned (the top bar's unread-messages badge came with messaging; a viewer without connections reads no one's connections for mutual counts)
