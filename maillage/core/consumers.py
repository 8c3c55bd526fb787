"""The member's WebSocket: one per open tab, joined to the member's group.

A socket's identity is fixed when it connects (the session cookie is read once, at the
handshake), so whatever ends that identity must close the socket at once: `sockets_close`
sends a `session.ended` control message to the member's group naming the sessions that ended
(or all of them), and every socket opened with one of those sessions closes itself with 4401.
Session keys never travel as such: sockets compare a keyed hash of them.

What a client may send is small and typed: `{"type": "ping"}`, plus the types apps register
with `register_handler` (messaging: `typing`, `read`). Anything else — bad JSON, unknown types,
oversized frames — is ignored without closing the socket.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from .realtime import member_group

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
SESSION_ENDED_TYPE = "session.ended"  # handled by MemberConsumer.session_ended
ALL_SESSIONS = "all"
MAX_FRAME_CHARS = 4096  # clients send small control messages only

Handler = Callable[["MemberConsumer", dict], Awaitable[None]]
_handlers: dict[str, Handler] = {}


def register_handler(message_type: str, handler: Handler) -> None:
    """Let an app answer a client message type (called from its AppConfig.ready)."""
    _handlers[message_type] = handler


def session_tag(session_key: str | None) -> str:
    """What sockets and control messages compare instead of the session key itself."""
    if not session_key:
        return ""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"socket-session:{session_key}".encode(), hashlib.sha256
    ).hexdigest()


def _send_session_ended(member_id: int, sessions: list[str] | str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            member_group(member_id), {"type": SESSION_ENDED_TYPE, "sessions": sessions}
        )
    except Exception:
        # Not fatal for the logout itself; the socket would still be refused on its next
        # handshake, and the events it may receive meanwhile are re-checked at fan-out.
        logger.exception("Closing the sockets of member %s failed", member_id)


def sockets_close(*, member_id: int, session_keys: list[str] | None = None) -> None:
    """After commit, close the member's sockets opened with `session_keys` (all if None)."""
    sessions: list[str] | str = (
        ALL_SESSIONS if session_keys is None else [session_tag(k) for k in session_keys if k]
    )
    if sessions == []:
        return
    transaction.on_commit(lambda: _send_session_ended(member_id, sessions))


class MemberConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None
    member_id: int | None = None
    session: str = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.member_id = user.pk
        session = self.scope.get("session")
        self.session = session_tag(getattr(session, "session_key", None))
        self.group_name = member_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs
    ) -> None:
        if self.group_name is None or not text_data or len(text_data) > MAX_FRAME_CHARS:
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict):
            return
        message_type = content.get("type")
        if message_type == "ping":
            # A ping every few seconds keeps proxies from closing an idle socket.
            await self.send_json({"type": "pong"})
            return
        handler = _handlers.get(message_type) if isinstance(message_type, str) else None
        if handler is None:
            return
        try:
            await handler(self, content)
        except Exception:
            # A client message is never worth losing the socket over.
            logger.exception("Socket message %s of member %s failed", message_type, self.member_id)

    async def member_event(self, message: dict) -> None:
        if self.group_name is None:
            return
        await self.send_json({"type": message["event"], "data": message.get("data", {})})

    async def session_ended(self, message: dict) -> None:
        sessions = message.get("sessions")
        if sessions != ALL_SESSIONS and (not self.session or self.session not in (sessions or ())):
            return
        # Leave the group first: nothing more reaches this socket, even in the moment it closes.
        await self.disconnect(CLOSE_UNAUTHENTICATED)
        await self.send_json({"type": "session.ended", "data": {}})
        await self.close(code=CLOSE_UNAUTHENTICATED)
