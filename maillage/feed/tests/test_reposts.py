"""Reposts from the post card and the "with your thoughts" page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.feed.models import Post, PostKind

from .factories import SEES, cast, member, post, repost

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_who_may_repost(client, post_audience):
    people = cast()
    p = post(people["author"], "Share me", audience=post_audience)
    url = reverse("post_repost", args=[p.public_id])
    for role, who in people.items():
        client.logout()
        if who is None:
            assert "login" in client.post(url).url
            continue
        client.force_login(who)
        response = client.post(url, follow=True)
        if role not in SEES[post_audience]:
            assert response.status_code == 404, role
        elif post_audience == "connections":
            assert "Posts shown only to connections cannot be reposted." in response.content.decode(), role
    made = Post.objects.filter(repost_of=p).count()
    if post_audience == "connections":
        assert made == 0
    else:
        assert made == len(SEES[post_audience] - {"anonymous"})


def test_plain_repost_then_again_is_refused_with_the_reason(client):
    original = post(member(), "Once")
    client.force_login(member())
    url = reverse("post_repost", args=[original.public_id])
    client.post(url)
    response = client.post(url, follow=True)
    assert "You have already reposted this post." in response.content.decode()
    assert Post.objects.filter(repost_of=original, kind=PostKind.REPOST).count() == 1


def test_repost_with_thoughts_shows_the_original_and_narrower_audiences_only(client):
    original = post(member(), "Members only original", audience="members")
    client.force_login(member())
    html = client.get(reverse("post_repost", args=[original.public_id])).content.decode()
    assert "Members only original" in html
    assert 'value="members"' in html and 'value="connections"' in html
    assert 'value="public"' not in html


def test_repost_with_thoughts_creates_a_quote(client):
    original = post(member(), "Quote me")
    reposter = member()
    client.force_login(reposter)
    response = client.post(reverse("post_repost", args=[original.public_id]), {"body": "My take", "audience": "public"})
    quote = Post.objects.get(author=reposter)
    assert response.url == reverse("post", args=[quote.public_id])
    html = client.get(response.url).content.decode()
    assert "My take" in html and "Quote me" in html and "post__quoted" in html


def test_a_wider_audience_than_the_original_is_refused_and_nothing_created(client):
    original = post(member(), "Members", audience="members")
    client.force_login(member())
    response = client.post(reverse("post_repost", args=[original.public_id]), {"body": "Wider", "audience": "public"})
    assert response.status_code == 400
    assert "cannot be shown to more people than the original" in response.content.decode()
    assert not Post.objects.filter(body="Wider").exists()


def test_connections_only_repost_page_explains_the_refusal(client):
    author, friend = member(), member()
    from .factories import connect

    connect(author, friend)
    original = post(author, "Close circle", audience="connections")
    client.force_login(friend)
    html = client.get(reverse("post_repost", args=[original.public_id])).content.decode()
    assert "Posts shown only to connections cannot be reposted." in html
    assert 'name="body"' not in html


def test_plain_repost_card_shows_who_reposted_and_undo(client):
    author, reposter = member(), member()
    original = post(author, "Spread")
    plain = repost(reposter, original)
    client.force_login(reposter)
    html = client.get(reverse("member_posts", args=[reposter.profile.address])).content.decode()
    assert "reposted this" in html and "Spread" in html and "Undo repost" in html
    client.post(reverse("post_delete", args=[plain.public_id]), {"confirm": "1"})
    assert not Post.objects.filter(pk=plain.pk).exists()
    assert Post.objects.get(pk=original.pk).repost_count == 0


def test_reposting_a_plain_repost_reposts_the_original(client):
    original = post(member(), "Root")
    plain = repost(member(), original)
    third = member()
    client.force_login(third)
    client.post(reverse("post_repost", args=[plain.public_id]))
    assert Post.objects.get(author=third).repost_of_id == original.pk


def test_a_quote_of_a_deleted_post_says_the_original_is_no_longer_available(client):
    from maillage.feed import selectors, services

    author, quoter, reader = member(), member(), member()
    original = post(author, "Soon gone")
    quote = repost(quoter, original, "My thoughts on this")
    plain = repost(reader, original)
    client.force_login(reader)
    html = client.get(reverse("post", args=[quote.public_id])).content.decode()
    assert "Soon gone" in html and "no longer available" not in html
    services.post_delete(post=original, member=author)
    quote.refresh_from_db()
    assert quote.repost_of_id is None and quote.repost_of_deleted
    assert not Post.objects.filter(pk=plain.pk).exists()  # plain reposts go with the original
    html = client.get(reverse("post", args=[quote.public_id])).content.decode()
    assert "My thoughts on this" in html and "This post is no longer available." in html
    assert selectors.post_for_display(reader, quote).original_unavailable
    # A post that never quoted anything says nothing of the kind.
    other = post(quoter, "Just a post")
    assert "no longer available" not in client.get(reverse("post", args=[other.public_id])).content.decode()
