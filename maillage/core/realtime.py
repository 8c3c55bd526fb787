"""Push events to members' open WebSockets — always after the transaction commits.

Each logged-in socket joins its member's group (`member_group(id)`); services call
`push_to_member` and the event leaves only once the data it describes is committed, so a client
that reacts by fetching never sees a state older than the event. With Redis configured the
channel layer spans every server process.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer as _ChannelsRedisLayer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "member.event"  # handled by MemberConsumer.member_event


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


class RedisChannelLayer(_ChannelsRedisLayer):
    """channels_redis' layer, with at most `concurrency` commands in flight per event loop.

    channels_redis gives each event loop one redis-py pool, which raises
    `MaxConnectionsError` once 100 connections are in use at once: 200 sockets closing together
    (a deploy, a proxy restart) each run a `group_discard` at the same moment. Here the
    operations beyond `concurrency` wait their turn instead; the pool itself stays channels_redis'
    (redis-py's waiting `BlockingConnectionPool` was tried only with the longer read timeout
    below, and dropped with it).

    redis-py's read timeout (5 s) is left as it is, equal to the layer's blocking pop: a closing
    socket sometimes logs a `TimeoutError` from that pop, but with a longer read timeout a
    cancelled receive was seen to go on popping forever, and the server could not shut down.
    """

    def __init__(self, *args, concurrency: int = 50, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.concurrency = concurrency

    def _slots(self) -> asyncio.Semaphore:
        """This event loop's semaphore, kept with channels_redis' per-loop state (dropped
        with it when the loop closes)."""
        loop = asyncio.get_running_loop()
        self.connection(0)  # makes the loop's state if it is new
        state = self._layers[loop]
        slots = getattr(state, "slots", None)
        if slots is None:
            slots = state.slots = asyncio.Semaphore(self.concurrency)
        return slots

    async def send(self, channel, message):
        async with self._slots():
            return await super().send(channel, message)

    async def group_add(self, group, channel):
        async with self._slots():
            return await super().group_add(group, channel)

    async def group_discard(self, group, channel):
        async with self._slots():
            return await super().group_discard(group, channel)

    async def group_send(self, group, message):
        async with self._slots():
            return await super().group_send(group, message)


class _Outbox:
    """Pushes waiting to leave from one event loop, and the task sending them."""

    def __init__(self) -> None:
        self.pending: deque[tuple[Any, int, str, dict]] = deque()
        self.task: asyncio.Task | None = None


_outboxes: dict[asyncio.AbstractEventLoop, _Outbox] = {}  # touched only from their own loop


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop that handed this thread its work (a request's view under the
    ASGI server), or None (a worker, a management command, a plain test)."""
    try:
        asyncio.get_running_loop()
        return None  # an event loop thread itself: async code awaits group_send directly
    except RuntimeError:
        pass
    # Where asgiref's async_to_sync would run the coroutine (asgiref sets it for threads
    # started by sync_to_async).
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def _enqueue(layer, member_id: int, event: str, data: dict[str, Any]) -> None:
    """On the server's loop: queue the push; start the sending task if it is not running."""
    loop = asyncio.get_running_loop()
    box = _outboxes.get(loop)
    if box is None:
        box = _outboxes[loop] = _Outbox()
    box.pending.append((layer, member_id, event, data))
    if box.task is None:
        box.task = loop.create_task(_drain(loop, box))


async def _send_in_order(pushes: list[tuple[Any, int, str, dict]]) -> None:
    for layer, member_id, event, data in pushes:
        try:
            await layer.group_send(
                member_group(member_id), {"type": EVENT_MESSAGE_TYPE, "event": event, "data": data}
            )
        except Exception:
            logger.exception("Realtime push %s to member %s failed", event, member_id)


async def _drain(loop: asyncio.AbstractEventLoop, box: _Outbox) -> None:
    """Send what is queued, round after round. In a round, each member's pushes go one after
    the other (in queue order, which is commit order) and different members' go at once."""
    try:
        while box.pending:
            by_member: dict[int, list] = {}
            while box.pending:
                push = box.pending.popleft()
                by_member.setdefault(push[1], []).append(push)
            await asyncio.gather(*(_send_in_order(p) for p in by_member.values()))
    finally:
        box.task = None
        if not box.pending:
            _outboxes.pop(loop, None)


def _send(member_id: int, event: str, data: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _server_loop()
    if loop is not None:
        # Under the server, the request's thread does not wait for Redis: the push is handed
        # to the server's loop, which sends it after the pushes queued before it, while the
        # thread goes on to answer the request.
        try:
            loop.call_soon_threadsafe(_enqueue, layer, member_id, event, data)
            return
        except RuntimeError:  # the loop closed meanwhile: send it here
            pass
    try:
        async_to_sync(layer.group_send)(
            member_group(member_id), {"type": EVENT_MESSAGE_TYPE, "event": event, "data": data}
        )
    except Exception:
        # A realtime push is a courtesy: the page catches up on its next load or reconnect.
        logger.exception("Realtime push %s to member %s failed", event, member_id)


def push_to_member(*, member_id: int, event: str, data: dict[str, Any] | None = None) -> None:
    """Send `event` with JSON-serialisable `data` to the member's sockets after commit."""
    payload = dict(data or {})
    transaction.on_commit(lambda: _send(member_id, event, payload))


def push_now(*, member_id: int, event: str, data: dict[str, Any] | None = None) -> None:
    """Send at once — for code already running after commit (a fan-out that re-reads its
    recipients once the data is committed)."""
    _send(member_id, event, dict(data or {}))
