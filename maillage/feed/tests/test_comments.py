"""Comments on the post page: who may comment, replies, edit and delete, blocks, load more."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.feed import selectors
from maillage.feed.models import Comment, Post
from maillage.network.tests.factories import block

from .factories import SEES, cast, comment, member, post, react

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_who_may_comment_follows_who_may_see(client, post_audience):
    people = cast()
    p = post(people["author"], "Talk to me", audience=post_audience)
    url = reverse("post_comment", args=[p.public_id])
    for role, who in people.items():
        client.logout()
        if who is None:
            response = client.post(url, {"body": "anon"})
            assert response.status_code == 302 and "login" in response.url
            continue
        client.force_login(who)
        response = client.post(url, {"body": f"From {role}"})
        if role in SEES[post_audience]:
            assert response.status_code == 302, role
            assert Comment.objects.filter(post=p, body=f"From {role}").exists()
        else:
            assert response.status_code == 404, role
            assert not Comment.objects.filter(post=p, body=f"From {role}").exists()


def test_comment_and_reply_show_on_the_post_page_one_level_deep(client):
    author, a, b = member(), member(), member()
    p = post(author, "Thread")
    client.force_login(a)
    response = client.post(reverse("post_comment", args=[p.public_id]), {"body": "Top level"})
    top = Comment.objects.get(body="Top level")
    assert response.url.endswith(f"#comment-{top.public_id}")
    client.force_login(b)
    client.post(reverse("post_comment", args=[p.public_id]), {"body": "A reply", "parent": str(top.public_id)})
    reply = Comment.objects.get(body="A reply")
    client.post(reverse("post_comment", args=[p.public_id]), {"body": "Reply to reply", "parent": str(reply.public_id)})
    assert Comment.objects.get(body="Reply to reply").parent_id == top.pk
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert html.index("Top level") < html.index("A reply") < html.index("Reply to reply")
    assert 'class="comment comment--reply"' in html
    assert f'id="reply-{top.public_id}"' in html  # the reply form under the thread
    p.refresh_from_db()
    assert p.comment_count == 3


def test_empty_comment_says_why_and_creates_nothing(client):
    p = post(member(), "Say something")
    client.force_login(member())
    response = client.post(reverse("post_comment", args=[p.public_id]), {"body": "   "}, follow=True)
    assert "Write a comment first." in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_post_is_refused(client):
    p1, p2 = post(member(), "One"), post(member(), "Two")
    elsewhere = comment(member(), p2, "Elsewhere")
    client.force_login(member())
    response = client.post(reverse("post_comment", args=[p1.public_id]), {"body": "x", "parent": str(elsewhere.public_id)})
    assert response.status_code == 404
    assert not Comment.objects.filter(body="x").exists()


def test_only_the_comment_author_edits_it(client):
    author, commenter = member(), member()
    p = post(author, "Edits")
    c = comment(commenter, p, "Original words")
    url = reverse("comment_edit", args=[c.public_id])
    client.force_login(author)  # the post's author may delete, not edit
    assert client.post(url, {"body": "Rewritten"}).status_code == 404
    client.force_login(commenter)
    assert client.post(url, {"body": "Fixed words"}).status_code == 302
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert "Fixed words" in html and "Edited" in html
    response = client.post(url, {"body": ""})
    assert response.status_code == 400 and "Write a comment first." in response.content.decode()


def test_comment_deleted_by_its_author_or_the_posts_author_only(client):
    author, commenter, other = member(), member(), member()
    p = post(author, "Moderated")
    c1 = comment(commenter, p, "First")
    c2 = comment(commenter, p, "Second")
    comment(other, p, "Reply goes too", parent=c2)
    client.force_login(other)
    assert client.post(reverse("comment_delete", args=[c1.public_id])).status_code == 404
    client.force_login(commenter)
    assert "cannot be undone" in client.get(reverse("comment_delete", args=[c1.public_id])).content.decode()
    assert client.post(reverse("comment_delete", args=[c1.public_id])).status_code == 302
    client.force_login(author)
    assert client.post(reverse("comment_delete", args=[c2.public_id])).status_code == 302
    assert not Comment.objects.filter(post=p).exists()
    assert Post.objects.get(pk=p.pk).comment_count == 0


def test_delete_link_shows_to_the_posts_author_on_others_comments(client):
    author, commenter = member(), member()
    p = post(author, "Mine to tidy")
    c = comment(commenter, p, "Their words")
    client.force_login(author)
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert reverse("comment_delete", args=[c.public_id]) in html
    assert reverse("comment_edit", args=[c.public_id]) not in html


def test_blocked_people_comments_are_hidden_both_ways(client):
    author, viewer, blocked_by_viewer, blocker_of_viewer = member(), member(), member(), member()
    p = post(author, "Crowded")
    comment(blocked_by_viewer, p, "From someone I blocked")
    top = comment(member(), p, "Neutral top")
    comment(blocker_of_viewer, p, "Reply from someone who blocked me", parent=top)
    block(viewer, blocked_by_viewer)
    block(blocker_of_viewer, viewer)
    client.force_login(viewer)
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert "Neutral top" in html
    assert "From someone I blocked" not in html
    assert "Reply from someone who blocked me" not in html
    client.force_login(member())
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert "From someone I blocked" in html and "Reply from someone who blocked me" in html


def test_comments_load_more_by_keyset(client):
    author = member()
    p = post(author, "Popular")
    for i in range(13):
        comment(member(), p, f"Comment number {i:02d}")
    client.force_login(author)
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert "Comment number 00" in html and "Comment number 09" in html and "Comment number 10" not in html
    assert "Load more comments" in html
    page = selectors.comments_for_post(author, p)
    more = client.get(reverse("post", args=[p.public_id]) + f"?comments={page.next_cursor}", HTTP_HX_REQUEST="true")
    text = more.content.decode()
    assert "Comment number 10" in text and "Comment number 12" in text and "Comment number 09" not in text
    assert "<html" not in text  # a fragment to append


def test_comment_reactions_toggle_and_show(client):
    author, reader = member(), member()
    p = post(author, "React to comments")
    c = comment(author, p, "React here")
    client.force_login(reader)
    url = reverse("comment_react", args=[c.public_id])
    client.post(url, {"kind": "celebrate"})
    c.refresh_from_db()
    assert c.reaction_counts == {"celebrate": 1}
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert "reaction-text--celebrate" in html
    client.post(url, {"kind": "celebrate"})
    c.refresh_from_db()
    assert c.reaction_count == 0


def test_comment_on_a_post_of_someone_who_blocked_me_is_404(client):
    author, blocked = member(), member()
    p = post(author, "Not for you")
    c = comment(member(), p, "Hello")
    block(author, blocked)
    client.force_login(blocked)
    for name in ("comment_react", "comment_report", "comment_edit", "comment_delete"):
        assert client.post(reverse(name, args=[c.public_id]), {"kind": "like", "reason": "spam"}).status_code == 404


def test_mentions_in_comments_link_to_the_profile(client):
    author, named = member(), member()
    p = post(author, "Mention test")
    client.force_login(author)
    body = f"Thanks @[{named.get_full_name()}]({named.public_id})"
    client.post(reverse("post_comment", args=[p.public_id]), {"body": body})
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    assert reverse("profile", args=[named.profile.address]) in html


def test_reactions_on_comments_are_hydrated_without_a_query_per_comment(django_assert_max_num_queries):
    author, viewer = member(), member()
    p = post(author, "Many")
    for _ in range(6):
        c = comment(member(), p)
        react(viewer, comment=c)
        comment(member(), p, parent=c)
    with django_assert_max_num_queries(8):
        page = selectors.comments_for_post(viewer, p)
        assert all(c.my_reaction == "like" for c in page.comments)
        assert all(len(c.replies) == 1 for c in page.comments)
