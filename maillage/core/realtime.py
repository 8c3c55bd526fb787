"""Push events to members' open WebSockets — always after the transaction commits.

Each logged-in socket joins its member's group (`member_group(id)`); services call
`push_to_member` and the event leaves only once the data it describes is committed, so a client
that reacts by fetching never sees a state older than the event. With Redis configured the
channel layer spans every server process.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "member.event"  # handled by MemberConsumer.member_event


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


def _send(member_id: int, event: str, data: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
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
