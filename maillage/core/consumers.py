"""The member's WebSocket: one per open tab, joined to the member's group."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .realtime import member_group

CLOSE_UNAUTHENTICATED = 4401


class MemberConsumer(AsyncJsonWebsocketConsumer):
    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = member_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # Clients only listen on this socket for now; a ping keeps proxies from closing it.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def member_event(self, message: dict) -> None:
        await self.send_json({"type": message["event"], "data": message.get("data", {})})
