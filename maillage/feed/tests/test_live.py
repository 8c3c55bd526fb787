"""Live feed events reach exactly the right members' sockets: each member's channel group
(`member.<id>`) is watched on the real channel layer (in memory, or Redis when configured), and
the post is published through the real service; the one fan-out task runs after commit."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

from maillage.core.realtime import member_group
from maillage.feed import services
from maillage.feed.models import Hashtag
from maillage.feed.tests.factories import block, connect, follow, member, post
from maillage.network.tests.factories import mute

pytestmark = pytest.mark.django_db

SILENCE = 0.2


def deliveries(people: dict, act) -> dict[str, list]:
    """Run `act` (sync, its on-commit callbacks executed) while every person's group is watched;
    return the events each one received."""
    layer = get_channel_layer()

    async def scenario():
        channels = {}
        for name, person in people.items():
            channels[name] = await layer.new_channel()
            await layer.group_add(member_group(person.pk), channels[name])
        await sync_to_async(act)()
        got = {name: [] for name in people}
        for name, channel in channels.items():
            while True:
                try:
                    message = await asyncio.wait_for(layer.receive(channel), timeout=SILENCE)
                except TimeoutError:
                    break
                got[name].append((message["event"], message["data"]))
        for name, channel in channels.items():
            await layer.group_discard(member_group(people[name].pk), channel)
        return got

    return async_to_sync(scenario)()


@pytest.fixture
def cast():
    author = member()
    people = {
        "connection": member(),
        "follower": member(),
        "tag_follower": member(),
        "second": member(),
        "stranger": member(),
        "blocked": member(),
        "muter": member(),
        "inactive": member(),
    }
    connect(author, people["connection"])
    follow(people["follower"], author)
    connect(people["connection"], people["second"])
    follow(people["blocked"], author)
    block(author, people["blocked"])
    connect(author, people["muter"])
    mute(people["muter"], author)
    follow(people["inactive"], author)
    people["inactive"].is_active = False
    people["inactive"].save()
    Hashtag.objects.create(name="teletravail", key="teletravail")
    services.hashtag_follow(member=people["tag_follower"], hashtag=Hashtag.objects.get(key="teletravail"))
    people["author"] = author
    return people


def _publish(django_capture_on_commit_callbacks, author, **kw):
    made = {}

    def act():
        with django_capture_on_commit_callbacks(execute=True):
            made["post"] = post(author, "New #teletravail", **kw)

    return act, made


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        ("public", {"connection", "follower", "tag_follower"}),
        ("members", {"connection", "follower", "tag_follower"}),
        ("connections", {"connection"}),
    ],
)
def test_a_new_post_reaches_exactly_those_who_would_see_it_in_their_feed(
    cast, audience, expected, django_capture_on_commit_callbacks
):
    act, made = _publish(django_capture_on_commit_callbacks, cast["author"], audience=audience)
    got = deliveries(cast, act)
    reached = {name for name, events in got.items() if events}
    assert reached == expected
    for name in expected:
        assert got[name] == [("feed.new_post", {"post": str(made["post"].public_id)})]


def test_nothing_leaves_before_commit_nor_for_a_draft(cast, django_capture_on_commit_callbacks):
    def draft():
        with django_capture_on_commit_callbacks(execute=True):
            post(cast["author"], "Draft", draft=True)

    assert not any(deliveries(cast, draft).values())

    def rolled_back():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post(cast["author"], "Not yet committed")
        assert len(callbacks) == 1  # ONE task for the whole fan-out, waiting for the commit

    assert not any(deliveries(cast, rolled_back).values())


def test_a_deleted_post_is_pushed_to_open_feeds(cast, django_capture_on_commit_callbacks):
    p = post(cast["author"], "Soon gone")

    def delete():
        with django_capture_on_commit_callbacks(execute=True):
            services.post_delete(post=p, member=cast["author"])

    got = deliveries(cast, delete)
    event = ("feed.post_deleted", {"post": str(p.public_id)})
    assert got["author"] == [event]
    assert got["connection"] == [event] and got["follower"] == [event]
    assert not got["stranger"] and not got["blocked"] and not got["inactive"]


def test_a_comment_pushes_nothing(cast, django_capture_on_commit_callbacks):
    p = post(cast["author"], "Comment on me")

    def comment():
        with django_capture_on_commit_callbacks(execute=True):
            services.comment_create(author=cast["connection"], post=p, body="Hi")

    got = deliveries(cast, comment)
    assert not any(events for events in got.values() if ("feed.new_post", {"post": str(p.public_id)}) in events)
