"""Test helpers for the feed: posts made through the real services.

Members, connections, follows and blocks come from `maillage.network.tests.factories`
(`member()`, `connect(a, b)`, `follow(a, b)`, `block(a, b)`); re-exported here for convenience.
"""

from __future__ import annotations

import itertools

from maillage.network.tests.factories import block, connect, follow, member  # noqa: F401

from .. import services

_counter = itertools.count(1)


def post(author, body: str | None = None, *, audience: str = "public", **kw):
    """A published post by `author` (any other `PostInput` field may be passed: `images`,
    `poll`, `document`, `publish_at`, `draft`...)."""
    if body is None:
        body = f"Post number {next(_counter)}"
    return services.post_create(author=author, data=services.PostInput(body=body, audience=audience, **kw))


def repost(member_, original, body: str = "", **kw):
    """`member_` reposts `original` (plainly, or with `body`)."""
    return services.repost_create(member=member_, original=original, body=body, **kw)


def comment(author, on, body: str = "A comment", *, parent=None):
    return services.comment_create(author=author, post=on, body=body, parent=parent)


def react(member_, kind: str = "like", *, post=None, comment=None):
    return services.reaction_set(member=member_, kind=kind, post=post, comment=comment)


ROLES = ("author", "connection", "follower", "second", "stranger", "blocked", "anonymous")
# Who may see a post, by its audience (the rule lives in core/audience.py; this is the table
# the tests hold it to).
SEES = {
    "public": {"author", "connection", "follower", "second", "stranger", "anonymous"},
    "members": {"author", "connection", "follower", "second", "stranger"},
    "connections": {"author", "connection"},
}


def cast(author=None) -> dict:
    """An author and one member in each relation to them (anonymous is None)."""
    author = author or member()
    people = {"author": author, "connection": member(), "follower": member(), "second": member(),
              "stranger": member(), "blocked": member(), "anonymous": None}
    connect(author, people["connection"])
    follow(people["follower"], author)
    connect(people["connection"], people["second"])
    block(author, people["blocked"])
    return people
