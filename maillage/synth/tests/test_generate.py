"""`maillage generate`: what it writes keeps the rules the services keep, the same inputs give
the same rows, and a generated member uses the site like any other."""

import hashlib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from maillage.accounts.models import User
from maillage.feed.access import visible_posts_q
from maillage.feed.models import (
    AUDIENCE_BREADTH,
    POST_AUDIENCES,
    Comment,
    Hashtag,
    HashtagFollow,
    Post,
    PostHashtag,
    Reaction,
)
from maillage.network.models import Block, Connection, Follow, Invitation
from maillage.synth import SYNTH_PASSWORD
from maillage.synth.load import NotEmptyError, load_plan
from maillage.synth.plan import default_as_of, plan_all

AS_OF = datetime(2026, 12, 7, tzinfo=UTC)
SMALL = 200


def generate(members=SMALL, seed="1", as_of=AS_OF):
    return load_plan(plan_all(members=members, seed=seed, as_of=as_of))


def digest(models) -> dict[str, str]:
    """One hash per table written, over every column of every row in id order (values as the
    ORM reads them back: the same on SQLite and PostgreSQL)."""
    result = {}
    for model in models:
        names = [f.attname for f in model._meta.concrete_fields]
        h = hashlib.sha256()
        for row in model.objects.order_by("pk").values_list(*names).iterator(2000):
            # Keys sorted: PostgreSQL's jsonb keeps its own key order.
            h.update(json.dumps(row, sort_keys=True, default=repr).encode())
        result[model._meta.label] = h.hexdigest()
    return result


def wipe(models) -> None:
    """Empty the tables written (foreign keys are checked at commit: any order will do)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


@pytest.mark.django_db
def test_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    report = generate(seed="1")
    first = digest(report.models)
    assert len(first) >= 25
    wipe(report.models)
    assert not User.objects.exists()

    again = digest(generate(seed="1").models)
    assert again == first

    wipe(report.models)
    other = digest(generate(seed="2").models)
    assert other["accounts.User"] != first["accounts.User"]
    assert other["network.Connection"] != first["network.Connection"]
    assert other["feed.Post"] != first["feed.Post"]


@pytest.mark.django_db
def test_members_count_and_graph_rules():
    generate()
    assert User.objects.count() == SMALL
    assert Connection.objects.count() > SMALL  # a real graph, not a handful of pairs

    pairs = set(Connection.objects.values_list("member_id", "other_id"))
    assert all((b, a) in pairs for a, b in pairs), "connections are stored both ways"
    assert all(a != b for a, b in pairs)
    dates = {(a, b): when for a, b, when in Connection.objects.values_list(
        "member_id", "other_id", "created_at")}  # fmt: skip
    assert all(dates[(a, b)] == dates[(b, a)] for a, b in pairs)

    follows = set(Follow.objects.values_list("follower_id", "followed_id"))
    assert pairs <= follows, "connected members follow each other"
    assert len(follows) > len(pairs), "and some members follow people they are not connected to"
    assert all(a != b for a, b in follows)

    blocks = list(Block.objects.values_list("blocker_id", "blocked_id"))
    assert blocks
    for a, b in blocks:
        assert (a, b) not in pairs and (b, a) not in pairs
        assert (a, b) not in follows and (b, a) not in follows
        assert not Invitation.objects.filter(sender_id__in=(a, b), recipient_id__in=(a, b)).exists()

    pending = list(Invitation.objects.values_list("sender_id", "recipient_id", "status"))
    assert pending and all(status == "pending" for _a, _b, status in pending)
    assert not any((a, b) in pairs for a, b, _status in pending)


@pytest.mark.django_db
def test_content_rules_and_counters():
    generate()
    members = list(User.objects.all())
    posts = list(Post.objects.all())
    assert len(posts) >= SMALL  # about two per member
    assert {p.language for p in posts} == {"fr", "en"}
    by_id = {p.pk: p for p in posts}
    for post in posts:
        assert post.audience in POST_AUDIENCES
        assert post.status == "published" and post.published_at is not None
        assert post.body_html or post.kind == "repost"
        if post.repost_of_id:
            original = by_id[post.repost_of_id]
            assert original.audience in ("public", "members")
            assert AUDIENCE_BREADTH[post.audience] <= AUDIENCE_BREADTH[original.audience]
            assert original.published_at <= post.published_at

    # Counters equal the rows.
    reactions = defaultdict(Counter)
    for post_id, kind in Reaction.objects.filter(post__isnull=False).values_list("post_id", "kind"):
        reactions[post_id][kind] += 1
    comments = Counter(Comment.objects.values_list("post_id", flat=True))
    reposts = Counter(Post.objects.exclude(repost_of=None).values_list("repost_of_id", flat=True))
    for post in posts:
        assert post.reaction_counts == dict(reactions[post.pk])
        assert post.reaction_count == sum(reactions[post.pk].values())
        assert post.comment_count == comments[post.pk]
        assert post.repost_count == reposts[post.pk]
    on_comments = defaultdict(Counter)
    for comment_id, kind in Reaction.objects.filter(comment__isnull=False).values_list(
        "comment_id", "kind"
    ):
        on_comments[comment_id][kind] += 1
    replies = Counter(Comment.objects.exclude(parent=None).values_list("parent_id", flat=True))
    all_comments = {c.pk: c for c in Comment.objects.all()}
    for comment in all_comments.values():
        assert comment.reaction_counts == dict(on_comments[comment.pk])
        assert comment.reaction_count == sum(on_comments[comment.pk].values())
        assert comment.reply_count == replies[comment.pk]
        if comment.parent_id:
            parent = all_comments[comment.parent_id]
            assert parent.parent_id is None and parent.post_id == comment.post_id
            assert parent.created_at <= comment.created_at
    for tag in Hashtag.objects.all():
        assert tag.post_count == PostHashtag.objects.filter(hashtag=tag).count()
        assert tag.follower_count == HashtagFollow.objects.filter(hashtag=tag).count()

    # Realistic volumes: reactions skewed to "like", comments with replies.
    kinds = Counter(Reaction.objects.values_list("kind", flat=True))
    assert kinds.most_common(1)[0][0] == "like"
    assert 5 <= Reaction.objects.filter(post__isnull=False).count() / len(posts) <= 30
    assert 1 <= Comment.objects.count() / len(posts) <= 6
    assert Comment.objects.exclude(parent=None).exists()

    # Nobody reacted to or commented on a post they may not see (the application's own rule).
    for member in members:
        assert not Reaction.objects.filter(member=member, post__isnull=False).exclude(
            visible_posts_q(member, prefix="post__")
        ).exists()
        assert not Reaction.objects.filter(member=member, comment__isnull=False).exclude(
            visible_posts_q(member, prefix="comment__post__")
        ).exists()
        assert not Comment.objects.filter(author=member).exclude(
            visible_posts_q(member, prefix="post__")
        ).exists()


@pytest.mark.django_db
def test_a_generated_member_logs_in_reads_the_feed_searches_and_gets_suggestions(client):
    generate(as_of=default_as_of())
    # A member with a few connections, as most are.
    member = (
        User.objects.filter(pk__in=Connection.objects.values("member_id"))
        .order_by("pk")
        .first()
    )
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": SYNTH_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == member

    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.context["page"].items, "the home feed shows posts"

    someone = User.objects.exclude(pk=member.pk).order_by("pk")[5]
    found = client.get(reverse("search"), {"q": someone.last_name})
    assert someone in found.context["page"].results

    suggestions = client.get(reverse("network_suggestions"))
    assert suggestions.status_code == 200
    assert suggestions.context["people"], "people you may know"


@pytest.mark.django_db
def test_refuses_a_database_that_already_has_members():
    User.objects.create_user(email="someone@example.org", first_name="A", last_name="B")
    with pytest.raises(CommandError, match="already has members"):
        call_command("generate", members=20, seed="1", verbosity=0)
    with pytest.raises(NotEmptyError):
        generate(members=20)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_command_prints_phases_and_a_summary(capsys):
    call_command("generate", members=60, seed="3", as_of="2026-12-07")
    out = capsys.readouterr().out
    for phase in ("plan graph", "members", "graph", "content", "search", "statistics"):
        assert phase in out
    assert "connections" in out and "Done in" in out
    assert User.objects.count() == 60
