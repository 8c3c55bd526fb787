"""What keeps a message's delivery fast: the work a send does, and how its events leave.

* a one-to-one send costs a fixed, small number of queries, its events and e-mail scheduling
  included (`bench/message_delivery.py` measures the time);
* under the server, a request's thread hands its pushes to the server's event loop and does
  not wait for Redis; they still leave in commit order, one member's after the other's;
* with Redis, the channel layer survives hundreds of sockets closing at once (each closing
  socket leaves its group at the same moment): the commands beyond a limit wait their turn
  instead of raising `MaxConnectionsError`, and closing sockets leave no task behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction

from maillage.core import realtime
from maillage.messaging import services
from maillage.network.tests.factories import connect, member

# --- Queries of a send --------------------------------------------------------------------------


@pytest.fixture
def alice():
    return member(member__first_name="Alice", member__last_name="Martin")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Durand")


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


@pytest.fixture
def pushed(monkeypatch):
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(realtime, "_send", lambda member_id, event, data: sent.append((member_id, event)))
    return sent


@pytest.mark.django_db
def test_a_one_to_one_send_costs_a_fixed_number_of_queries(
    alice, bob, direct, pushed, django_assert_num_queries, django_capture_on_commit_callbacks
):
    services.message_send(sender=alice, conversation=direct, body="Premier")  # the request
    services.message_send(sender=bob, conversation=direct, body="Réponse")
    pushed.clear()
    # Both rows and the other member (1), the transaction (here a savepoint and its release,
    # 2): the message (1), the conversation (1), the sender's row (1) — the recipient's row is
    # unchanged, so not written; after commit, the participants for events and e-mail (1).
    with (
        django_assert_num_queries(7),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_send(sender=alice, conversation=direct, body="Bonjour")
    assert sorted(pushed) == sorted([(alice.pk, "message.new"), (bob.pk, "message.new")])


@pytest.mark.django_db
def test_an_archived_recipient_row_is_still_brought_back(alice, bob, direct, pushed):
    services.message_send(sender=alice, conversation=direct, body="Premier")
    services.conversation_set_archived(member=bob, conversation=direct, archived=True)
    services.message_send(sender=alice, conversation=direct, body="Encore")
    from maillage.messaging.models import Participant

    assert Participant.objects.get(conversation=direct, member=bob).archived is False


# --- Pushes under a server loop ---------------------------------------------------------------


class SlowLayer:
    """A layer whose every send takes `delay` seconds; records what arrived, in order."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.sent: list[tuple[str, str]] = []

    async def group_send(self, group: str, message: dict) -> None:
        await asyncio.sleep(self.delay)
        self.sent.append((group, message["event"]))


@pytest.mark.django_db(transaction=True)
def test_a_request_thread_does_not_wait_for_its_pushes_and_they_keep_commit_order(monkeypatch):
    layer = SlowLayer(delay=0.05)
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)

    def request_work() -> float:
        """What a view does: commit, push after commit; returns how long the pushing took."""
        started = time.perf_counter()
        with transaction.atomic():
            for n in range(5):
                realtime.push_to_member(member_id=1, event=f"one-{n}")
            realtime.push_to_member(member_id=2, event="two-0")
        with transaction.atomic():
            realtime.push_to_member(member_id=1, event="one-5")
        return time.perf_counter() - started

    async def scenario() -> float:
        # sync_to_async is how the ASGI handler runs a view: its thread knows the server loop.
        took = await sync_to_async(request_work, thread_sensitive=False)()
        deadline = time.monotonic() + 5
        while len(layer.sent) < 7 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return took

    took = run_to_the_end(scenario)
    # Waiting for each push would take 7 × 50 ms; handing them over takes next to nothing.
    assert took < 0.15
    assert [e for g, e in layer.sent if g == "member.1"] == [f"one-{n}" for n in range(6)]
    assert [e for g, e in layer.sent if g == "member.2"] == ["two-0"]
    assert not realtime._outboxes  # the sending task ended once the queue was empty


@pytest.mark.django_db
def test_without_a_server_loop_the_push_is_sent_before_returning(
    monkeypatch, django_capture_on_commit_callbacks
):
    layer = SlowLayer(delay=0.01)
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    with django_capture_on_commit_callbacks(execute=True):
        realtime.push_to_member(member_id=3, event="now")
    assert layer.sent == [("member.3", "now")]  # a worker or a command: nothing left behind


# --- The Redis layer under a burst ----------------------------------------------------------------


def run_to_the_end(scenario):
    """`async_to_sync(scenario)()`, in a thread of its own when an event loop already runs in
    this one — Playwright leaves one in a test process that ran browser tests, and
    `async_to_sync` refuses to run there. What the scenario makes on its own loop (the Redis
    layer's pool and locks) stays in the layer instance of this test alone: the root conftest
    gives each test a new one, so the socket tests after it do not inherit it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(scenario)()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(async_to_sync(scenario)).result(timeout=60)


@pytest.mark.skipif(not settings.REDIS_URL, reason="Redis runs only when REDIS_URL is set")
def test_three_hundred_sockets_leaving_at_once_do_not_exhaust_the_redis_pool():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert isinstance(layer, realtime.RedisChannelLayer)
    groups = [f"burst-{n}" for n in range(300)]

    async def burst() -> list:
        channel = await layer.new_channel()
        await asyncio.gather(*(layer.group_add(g, channel) for g in groups))
        # All at once, as when a proxy restart closes every socket of a process.
        results = await asyncio.gather(
            *(layer.group_discard(g, channel) for g in groups), return_exceptions=True
        )
        await layer.flush()
        return results

    results = run_to_the_end(burst)
    assert [r for r in results if isinstance(r, Exception)] == []


@pytest.mark.skipif(not settings.REDIS_URL, reason="Redis runs only when REDIS_URL is set")
def test_the_commands_in_flight_stay_under_the_pool_size():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def pool_size():
        size = layer.connection(0).connection_pool.max_connections
        await layer.flush()
        return size

    # Room is left for the receive loop and its clean-ups, which are not counted.
    assert layer.concurrency < run_to_the_end(pool_size)
