"""Side paths around a post, where leaks usually come from (mention autocomplete and blocks are
tested in test_composer.py): drafts and scheduled posts on every path, an edit narrowing the audience after others were told
or saved it, a commenter blocked after commenting, "X commented on this" on a post the viewer
may not see, reactor lists and blocks, reposts that would widen an audience, and the unread
badge counting notifications the list no longer shows."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.feed import polls, services
from maillage.feed.models import Comment, Post, PostKind, Reaction
from maillage.network.tests.factories import block, connect, follow, member
from maillage.notifications.models import Notification
from maillage.notifications.selectors import notifications_page, unread_count

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _mention(user) -> str:
    return f"@[{user.get_full_name()}]({user.public_id})"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Drafts and scheduled posts --------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_unpublished_posts_reach_nobody_but_their_author(state):
    author = member()
    friend = member()
    connect(author, friend)
    follow(friend, author)
    extra = {"draft": True} if state == "draft" else {"publish_at": timezone.now() + timedelta(hours=2)}
    with_image = services.post_create(
        author=author,
        data=services.PostInput(
            body="MXSECRETIMAGE #mxdrafttag", audience="public",
            images=[(SimpleUploadedFile("a.png", _png(), content_type="image/png"), "alt")], **extra,
        ),
    )
    with_document = services.post_create(
        author=author,
        data=services.PostInput(
            body="MXSECRETDOC #mxdrafttag", audience="public",
            document=SimpleUploadedFile("a.pdf", _pdf(), content_type="application/pdf"), **extra,
        ),
    )
    with_poll = services.post_create(
        author=author,
        data=services.PostInput(
            body="MXSECRETPOLL #mxdrafttag", audience="public",
            poll=polls.PollInput(question="Q?", options=["A", "B"], duration_days=1), **extra,
        ),
    )
    assert {p.status for p in (with_image, with_document, with_poll)} == {state}
    image = with_image.images.first()
    for viewer in (friend, None):
        client = _client(viewer)
        for post in (with_image, with_document, with_poll):
            assert client.get(reverse("post", args=[post.public_id])).status_code == 404
            assert client.get(reverse("post_reactions", args=[post.public_id])).status_code == 404
            assert client.get(f"/api/v1/posts/{post.public_id}").status_code in (401, 404)
        assert client.get(reverse("post_media_image", args=[with_image.public_id, image.public_id])).status_code == 404
        assert client.get(reverse("post_document", args=[with_document.public_id])).status_code == 404
        pages = [
            client.get(reverse("member_posts", args=[author.profile.address])),
            client.get(reverse("hashtag", args=["mxdrafttag"])),
        ]
        if viewer is not None:
            pages.append(client.get(reverse("home")))
            pages.append(client.get(reverse("saved")))
        for response in pages:
            assert b"MXSECRET" not in response.content
        if viewer is not None:
            option = with_poll.poll.options.first()
            client.post(reverse("poll_vote", args=[with_poll.public_id]), {"option": option.pk})
            client.post(reverse("post_comment", args=[with_poll.public_id]), {"body": "hello"})
            client.post(reverse("post_react", args=[with_poll.public_id]), {"kind": "like"})
            client.post(reverse("post_repost", args=[with_poll.public_id]), {})
            client.post(reverse("post_save", args=[with_poll.public_id]), {})
            assert not with_poll.poll.votes.exists()
            assert not Comment.objects.filter(post=with_poll).exists()
            assert not Reaction.objects.filter(post=with_poll).exists()
            assert not Post.objects.filter(repost_of=with_poll).exists()
    # The author sees their own, including the files.
    own = _client(author)
    assert own.get(reverse("post", args=[with_image.public_id])).status_code == 200
    assert own.get(reverse("post_media_image", args=[with_image.public_id, image.public_id])).status_code == 200
    assert own.get(reverse("post_document", args=[with_document.public_id])).status_code == 200


# --- An edit narrows the audience ------------------------------------------------------------


def test_narrowing_a_post_takes_it_back_from_every_list_and_from_the_badge():
    author = member()
    friend = member()
    stranger = member()
    connect(author, friend)
    follow(stranger, author)
    post = services.post_create(
        author=author,
        data=services.PostInput(body=f"MXNARROWED {_mention(friend)} {_mention(stranger)}", audience="public"),
    )
    services.post_save_for_later(member=stranger, post=post)
    assert Notification.objects.filter(recipient=stranger).count() == 1
    assert unread_count(stranger.pk) == 1

    services.post_update(post=post, editor=author, body=post.body, post_audience="connections")

    client = _client(stranger)
    for url in (reverse("home"), reverse("saved"), reverse("notifications"),
                reverse("member_posts", args=[author.profile.address])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"MXNARROWED" not in response.content, url
        assert str(post.public_id).encode() not in response.content, url
    assert notifications_page(member=stranger).items == []
    # The badge must not count what the list no longer shows (it would say "1" over an empty
    # list, telling the stranger that something they may not see happened).
    assert unread_count(stranger.pk) == 0
    # The connection still has theirs.
    assert len(notifications_page(member=friend).items) == 1
    assert unread_count(friend.pk) == 1


def test_a_block_with_the_post_author_hides_a_third_partys_notification_and_its_count():
    author = member()
    commenter = member()
    viewer = member()
    connect(author, commenter)
    post = services.post_create(author=author, data=services.PostInput(body="Public post", audience="public"))
    services.comment_create(author=commenter, post=post, body=f"Look {_mention(viewer)}")
    assert unread_count(viewer.pk) == 1
    block(author, viewer)
    assert notifications_page(member=viewer).items == []
    assert unread_count(viewer.pk) == 0


# --- Commenters blocked after commenting -------------------------------------------------------


def test_a_commenter_blocked_after_commenting():
    author = member()
    commenter = member()
    reader = member()
    connect(author, commenter)
    post = services.post_create(author=author, data=services.PostInput(body="MXPOST", audience="public"))
    comment = services.comment_create(author=commenter, post=post, body="MXEARLIERCOMMENT")
    block(author, commenter)

    # The commenter can no longer reach the post, comment again, react, reply or edit.
    client = _client(commenter)
    assert client.get(reverse("post", args=[post.public_id])).status_code == 404
    client.post(reverse("post_comment", args=[post.public_id]), {"body": "MXAGAIN"})
    client.post(reverse("post_react", args=[post.public_id]), {"kind": "like"})
    client.post(reverse("post_comment", args=[post.public_id]), {"body": "MXREPLY", "parent": str(comment.public_id)})
    assert client.post(reverse("comment_edit", args=[comment.public_id]), {"body": "MXEDITED"}).status_code == 404
    assert not Comment.objects.filter(body__in=["MXAGAIN", "MXREPLY"]).exists()
    assert not Reaction.objects.filter(member=commenter).exists()
    assert Comment.objects.get(pk=comment.pk).body == "MXEARLIERCOMMENT"
    with pytest.raises(ValidationError):
        services.comment_create(author=commenter, post=post, body="direct")
    # The author no longer sees the blocked person's comment, nor its reactions list.
    author_client = _client(author)
    assert b"MXEARLIERCOMMENT" not in author_client.get(reverse("post", args=[post.public_id])).content
    assert author_client.get(reverse("comment_reactions", args=[comment.public_id])).status_code == 404
    # Others, not blocked, still see the conversation as it was.
    assert b"MXEARLIERCOMMENT" in _client(reader).get(reverse("post", args=[post.public_id])).content


# --- "X commented on this" --------------------------------------------------------------------


def test_network_activity_never_brings_in_a_post_the_viewer_may_not_see():
    author = member()
    friend_of_both = member()
    viewer = member()
    connect(author, friend_of_both)
    connect(viewer, friend_of_both)
    hidden = services.post_create(author=author, data=services.PostInput(body="MXCONNECTIONSONLY", audience="connections"))
    shown = services.post_create(author=author, data=services.PostInput(body="MXMEMBERSPOST", audience="members"))
    for post in (hidden, shown):
        services.comment_create(author=friend_of_both, post=post, body="MXFRIENDCOMMENT")
        services.reaction_set(member=friend_of_both, kind="like", post=post)
    services.feed_order_set(member=viewer, order="recent")
    content = _client(viewer).get(reverse("home")).content
    assert b"MXMEMBERSPOST" in content  # brought in by the activity: the test can fail
    assert b"MXCONNECTIONSONLY" not in content
    assert str(hidden.public_id).encode() not in content
    assert _client(viewer).get(reverse("post_why", args=[hidden.public_id])).status_code == 404
    # Nor through the "new posts" count.
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    pill = _client(viewer).get(reverse("feed_new"), {"since": since}).content.decode()
    assert "2" not in pill


def test_activity_of_a_blocked_connection_is_not_shown():
    author = member()
    actor = member()
    viewer = member()
    connect(author, actor)
    connect(viewer, actor)
    post = services.post_create(author=author, data=services.PostInput(body="MXACTIVITYPOST", audience="public"))
    services.comment_create(author=actor, post=post, body="MXACTORCOMMENT")
    block(viewer, actor)
    content = _client(viewer).get(reverse("home")).content.decode()
    assert actor.get_full_name() not in content
    assert "MXACTORCOMMENT" not in content


# --- Reactions and blocks ----------------------------------------------------------------------


def test_reactors_list_and_api_leave_out_blocks_both_ways():
    author = member()
    viewer = member()
    blocked_by_viewer = member(member__first_name="Hidden", member__last_name="One")
    blocker_of_viewer = member(member__first_name="Hidden", member__last_name="Two")
    shown = member(member__first_name="Shown", member__last_name="Three")
    post = services.post_create(author=author, data=services.PostInput(body="MXREACTED", audience="public"))
    for person in (blocked_by_viewer, blocker_of_viewer, shown):
        services.reaction_set(member=person, kind="like", post=post)
    block(viewer, blocked_by_viewer)
    block(blocker_of_viewer, viewer)
    content = _client(viewer).get(reverse("post_reactions", args=[post.public_id])).content.decode()
    assert "Shown Three" in content
    assert "Hidden One" not in content
    assert "Hidden Two" not in content
    # Visitors see the counts, never the names.
    anonymous = _client().get(reverse("post_reactions", args=[post.public_id])).content.decode()
    assert "Shown Three" not in anonymous


# --- Reposts never widen ------------------------------------------------------------------------


def test_a_repost_or_a_quote_never_widens_the_audience():
    author = member()
    reposter = member()
    post = services.post_create(author=author, data=services.PostInput(body="MXMEMBERSONLY", audience="members"))
    client = _client(reposter)
    client.post(reverse("post_repost", args=[post.public_id]), {"audience": "public"})
    client.post(reverse("post_repost", args=[post.public_id]), {"audience": "public", "body": "MXQUOTE"})
    assert not Post.objects.filter(repost_of=post, audience="public").exists()
    quote = services.repost_create(member=reposter, original=post, body="MXQUOTE")
    assert quote.audience == "members"
    client.post(reverse("post_edit", args=[quote.public_id]), {"body": "MXQUOTE2", "audience": "public"})
    quote.refresh_from_db()
    assert quote.audience == "members"
    with pytest.raises(ValidationError):
        services.post_update(post=quote, editor=reposter, body="x", post_audience="public")
    # Visitors see neither the quote nor, through it, the original.
    assert _client().get(reverse("post", args=[quote.public_id])).status_code == 404
    plain = services.repost_create(member=reposter, original=post)
    assert plain.kind == PostKind.REPOST and plain.audience == "members"
    assert _client().get(reverse("post", args=[plain.public_id])).status_code == 404
    assert b"MXMEMBERSONLY" not in _client().get(reverse("member_posts", args=[reposter.profile.address])).content
