"""The feed's REST API: who may see and do what on every endpoint, bad input, the document."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from maillage.feed.models import Comment, Hashtag, Post, Reaction

from .factories import block, comment, connect, follow, member, post, repost

pytestmark = pytest.mark.django_db

ROLES = ["author", "connection", "follower", "second", "stranger", "blocked", "anonymous"]
AUDIENCES = ["public", "members", "connections"]

# Who may see a post, by audience (the rule lives in access.py; this is the table it must give).
SEES = {
    "public": {"author", "connection", "follower", "second", "stranger", "anonymous"},
    "members": {"author", "connection", "follower", "second", "stranger"},
    "connections": {"author", "connection"},
}
# Whose home feed carries the author's posts: their network (the post's audience permitting).
IN_NETWORK = {"author", "connection", "follower"}


def make_world(post_audience: str):
    people = {role: member() for role in ROLES if role != "anonymous"}
    connect(people["author"], people["connection"])
    follow(people["follower"], people["author"])
    connect(people["connection"], people["second"])
    block(people["author"], people["blocked"])
    the_post = post(people["author"], "Matrix post #matrixtag", audience=post_audience)
    comment(people["author"], the_post, "The author's own comment")
    return people, the_post


def client_for(people, role: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if role != "anonymous":
        client.force_login(people[role])
    return client


def send(client: Client, method: str, path: str, payload=None):
    kwargs = {}
    if payload is not None:
        kwargs = {"data": json.dumps(payload), "content_type": "application/json"}
    return getattr(client, method)(path, **kwargs)


MATRIX = [(a, r) for a in AUDIENCES for r in ROLES]


@pytest.mark.parametrize(("post_audience", "role"), MATRIX)
def test_reading_endpoints_follow_the_audience(post_audience, role):
    people, the_post = make_world(post_audience)
    client = client_for(people, role)
    sees = role in SEES[post_audience]

    response = client.get(f"/api/v1/posts/{the_post.public_id}")
    assert response.status_code == (200 if sees else 404)
    if sees:
        body = response.json()
        assert body["id"] == str(the_post.public_id)
        assert body["audience"] == post_audience
        assert body["author"]["id"] == str(people["author"].public_id)
        assert set(body["author"]) == {"id", "name", "headline", "profile_url"}  # no e-mail
        assert "#matrixtag" in body["text"]
    else:
        assert response.json() == {"detail": "Not Found"}

    response = client.get(f"/api/v1/posts/{the_post.public_id}/comments")
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert [c["text"] for c in response.json()["items"]] == ["The author's own comment"]

    response = client.get("/api/v1/hashtags/matrixtag/posts")
    assert response.status_code == 200
    listed = [item["id"] for item in response.json()["items"]]
    assert (str(the_post.public_id) in listed) is sees

    response = client.get("/api/v1/feed")
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == 200
        listed = [item["id"] for item in response.json()["items"]]
        assert (str(the_post.public_id) in listed) is (sees and role in IN_NETWORK)


@pytest.mark.parametrize(("post_audience", "role"), MATRIX)
def test_writing_endpoints_follow_the_audience(post_audience, role):
    people, the_post = make_world(post_audience)
    client = client_for(people, role)
    sees = role in SEES[post_audience]
    expected = 401 if role == "anonymous" else None
    comments_before = Comment.objects.count()

    response = send(
        client, "post", f"/api/v1/posts/{the_post.public_id}/comments", {"text": "Nice"}
    )
    assert response.status_code == (expected or (201 if sees else 404))
    assert Comment.objects.count() == comments_before + (1 if response.status_code == 201 else 0)
    if response.status_code == 201:
        assert response.json()["text"] == "Nice"
        assert response.json()["author"]["id"] == str(people[role].public_id)

    response = send(
        client, "put", f"/api/v1/posts/{the_post.public_id}/reaction", {"kind": "celebrate"}
    )
    assert response.status_code == (expected or (200 if sees else 404))
    reacted = Reaction.objects.filter(post=the_post).count()
    assert reacted == (1 if response.status_code == 200 else 0)
    if response.status_code == 200:
        assert response.json() == {
            "kind": "celebrate",
            "reaction_count": 1,
            "reaction_counts": {"celebrate": 1},
        }
        assert (
            client.get(f"/api/v1/posts/{the_post.public_id}").json()["my_reaction"] == "celebrate"
        )

    response = client.delete(f"/api/v1/posts/{the_post.public_id}/reaction")
    assert response.status_code == (expected or (204 if sees else 404))
    assert Reaction.objects.filter(post=the_post).count() == (0 if sees else reacted)


@pytest.mark.parametrize("role", ["author", "stranger", "anonymous"])
def test_publishing_needs_a_member(role):
    people, _the_post = make_world("public")
    before = Post.objects.count()
    response = send(
        client_for(people, role),
        "post",
        "/api/v1/posts",
        {"text": "From the API", "audience": "members"},
    )
    if role == "anonymous":
        assert response.status_code == 401
        assert Post.objects.count() == before
        return
    assert response.status_code == 201
    created = Post.objects.get(public_id=response.json()["id"])
    assert created.author == people[role]
    assert created.audience == "members"
    assert response.json()["html"].startswith("<p>From the API</p>")
    assert response.json()["text"] == "From the API"


def test_writes_need_the_csrf_token_with_the_session():
    people, the_post = make_world("public")
    client = client_for(people, "connection", csrf=True)
    assert send(client, "post", "/api/v1/posts", {"text": "No token"}).status_code == 403
    assert (
        send(
            client, "put", f"/api/v1/posts/{the_post.public_id}/reaction", {"kind": "like"}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/posts/{the_post.public_id}/reaction").status_code == 403
    assert (
        send(
            client, "post", f"/api/v1/posts/{the_post.public_id}/comments", {"text": "x"}
        ).status_code
        == 403
    )
    assert Post.objects.filter(body="No token").count() == 0
    assert Reaction.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": ""}, "Write something"),
        ({"text": "   "}, "Write something"),
        ({"text": "x" * 3001}, "at most 3000 characters"),
        ({"text": "Hello", "audience": "everyone"}, "Choose who can see this post"),
        ({"text": "Hello", "audience": "only_me"}, "Choose who can see this post"),
        (
            {"text": "See http://169.254.169.254/latest/meta-data/"},
            "private or local network address",
        ),
        ({"text": 12}, "text"),
        ({"audience": ["public"]}, "audience"),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_created(payload, message):
    author = member()
    client = Client()
    client.force_login(author)
    response = send(client, "post", "/api/v1/posts", payload)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert set(response.json()) == {"detail"}
    assert Post.objects.count() == 0


def test_a_mention_of_someone_blocked_is_refused():
    author = member()
    other = member()
    block(other, author)
    client = Client()
    client.force_login(author)
    response = send(client, "post", "/api/v1/posts", {"text": f"Hi @[X]({other.public_id})"})
    assert response.status_code == 400
    assert "You cannot mention" in response.json()["detail"]
    assert Post.objects.count() == 0


def test_bad_comments_and_reactions_are_refused():
    people, the_post = make_world("public")
    other_post = post(people["stranger"], "Elsewhere")
    elsewhere = comment(people["stranger"], other_post, "Over there")
    client = client_for(people, "connection")
    url = f"/api/v1/posts/{the_post.public_id}"
    before = Comment.objects.count()
    response = send(client, "post", f"{url}/comments", {"text": "  "})
    assert response.status_code == 400 and response.json() == {"detail": "Write a comment first."}
    response = send(client, "post", f"{url}/comments", {"text": "y" * 1251})
    assert response.status_code == 400 and "1250" in response.json()["detail"]
    response = send(
        client, "post", f"{url}/comments", {"text": "Reply", "parent_id": str(elsewhere.public_id)}
    )
    assert response.status_code == 404
    response = send(client, "post", f"{url}/comments", {"text": "Reply", "parent_id": "not-a-uuid"})
    assert response.status_code == 400
    assert Comment.objects.count() == before
    response = send(client, "put", f"{url}/reaction", {"kind": "angry"})
    assert response.status_code == 400 and response.json() == {"detail": "Choose a reaction."}
    assert Reaction.objects.count() == 0
    assert client.get("/api/v1/posts/not-a-uuid").status_code in (400, 404)
    assert client.get("/api/v1/hashtags/nosuchtag/posts").status_code == 404


def test_replies_are_nested_under_their_comment():
    people, the_post = make_world("public")
    client = client_for(people, "connection")
    top = Comment.objects.get(post=the_post)
    response = send(
        client,
        "post",
        f"/api/v1/posts/{the_post.public_id}/comments",
        {"text": "A reply", "parent_id": str(top.public_id)},
    )
    assert response.status_code == 201
    assert response.json()["parent_id"] == str(top.public_id)
    items = client.get(f"/api/v1/posts/{the_post.public_id}/comments").json()["items"]
    assert items[0]["replies"][0]["text"] == "A reply"
    assert items[0]["replies"][0]["parent_id"] == str(top.public_id)


def test_comments_of_blocked_people_are_left_out():
    people, the_post = make_world("public")
    comment(people["stranger"], the_post, "From the stranger")
    block(people["stranger"], people["connection"])
    texts = [
        c["text"]
        for c in client_for(people, "connection")
        .get(f"/api/v1/posts/{the_post.public_id}/comments")
        .json()["items"]
    ]
    assert "From the stranger" not in texts
    texts = [
        c["text"]
        for c in client_for(people, "follower")
        .get(f"/api/v1/posts/{the_post.public_id}/comments")
        .json()["items"]
    ]
    assert "From the stranger" in texts


def test_a_reposted_original_is_shown_only_to_those_who_may_see_it():
    original_author = member()
    reposter = member()
    viewer = member()
    original = post(original_author, "The original", audience="public")
    shared = repost(reposter, original, "My thoughts", post_audience="public")
    client = Client()
    client.force_login(viewer)
    body = client.get(f"/api/v1/posts/{shared.public_id}").json()
    assert body["original"]["text"] == "The original"
    assert body["original_unavailable"] is False
    block(original_author, viewer)
    body = client.get(f"/api/v1/posts/{shared.public_id}").json()
    assert body["original"] is None
    assert body["original_unavailable"] is True
    assert "The original" not in json.dumps(body)


def test_drafts_are_not_served():
    author = member()
    draft = post(author, "Not yet", draft=True)
    client = Client()
    client.force_login(author)
    assert client.get(f"/api/v1/posts/{draft.public_id}").status_code == 404


def test_hashtag_keys_are_folded():
    author = member()
    mine = post(author, "Remote work #Télétravail")
    assert Hashtag.objects.filter(key="teletravail").exists()
    listed = Client().get("/api/v1/hashtags/TÉLÉTRAVAIL/posts").json()["items"]
    assert [item["id"] for item in listed] == [str(mine.public_id)]


def test_the_openapi_document_lists_the_feed_endpoints():
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/posts/{post_id}/reaction"]) == {"put", "delete"}
    assert set(paths["/api/v1/posts/{post_id}/comments"]) == {"get", "post"}
    assert "get" in paths["/api/v1/feed"]
    assert "get" in paths["/api/v1/posts/{post_id}"]
    assert "post" in paths["/api/v1/posts"]
    assert "get" in paths["/api/v1/hashtags/{key}/posts"]
    assert "web interface" in paths["/api/v1/posts"]["post"]["description"]


def _queries_for(client, path, viewer) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.feed import feed as home_feed

    # The feed computed in full each time: a page that starts from the previous computation
    # (feed.REUSE_SECONDS) costs another fixed number (test_feed_performance.py pins it).
    cache.delete(home_feed.latest_cache_key(viewer.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("path", ["/api/v1/feed", "/api/v1/hashtags/pinned/posts"])
def test_lists_cost_the_same_queries_whatever_their_length_and_mix(path):
    viewer = member()
    others = [member() for _ in range(3)]
    for other in others:
        connect(viewer, other)
    client = Client()
    client.force_login(viewer)
    post(others[0], "First #pinned")
    client.get(path)  # warm the per-member caches (degrees) as on any later page
    small = _queries_for(client, path, viewer)
    for index, other in enumerate(others * 3):
        shown = post(
            other, f"More #pinned {index}", audience=["public", "members", "connections"][index % 3]
        )
        if index % 2:
            comment(viewer, shown, "A comment")
        if index % 3 == 0:
            repost(
                others[(index + 1) % 3],
                post(other, f"Original #pinned {index}"),
                f"Quote #pinned {index}",
            )
    large = _queries_for(client, path, viewer)
    assert len(client.get(path).json()["items"]) == 10
    # A full page of mixed posts may add the reposted originals (one query) and the
    # viewer's own rows about them (one more): never one per post.
    assert large <= small + 2, (small, large)


def test_comments_cost_the_same_queries_whatever_their_number():
    people, the_post = make_world("public")
    client = client_for(people, "connection")
    path = f"/api/v1/posts/{the_post.public_id}/comments"
    top = Comment.objects.get(post=the_post)
    authors = [people["connection"], people["follower"], people["second"]]

    def add(count):
        for index in range(count):
            comment(
                authors[index % 3], the_post, f"Comment {index}", parent=top if index % 2 else None
            )
        client.get(path)  # the same people's degrees are cached after a first page

    add(2)
    small = _queries_for(client, path, people["connection"])
    add(7)
    assert _queries_for(client, path, people["connection"]) == small
