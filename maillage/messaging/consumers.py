"""What a member's socket may say about messaging: "I am typing" and "I have read up to here".

Registered on the member's socket (`core/consumers.py`) when the app is ready. Nothing the
client sends is trusted: every event is re-checked in the database when it arrives (the socket's
identity was fixed at connect; since then the member may have left, been removed or blocked).

* `{"type": "typing", "conversation": "<uuid>"}` reaches the conversation's other current
  participants as a `typing` event, only between members who both share read receipts and
  typing indicators (one setting, as on LinkedIn), never across a block, never into an
  unanswered or declined request; at most once every `TYPING_EVERY` seconds per conversation
  per socket.
* `{"type": "read", "conversation": "<uuid>", "up_to": <message id>}` marks the conversation
  read up to that message (services.conversation_mark_read, which tells the others).
"""

from __future__ import annotations

import time
import uuid

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.http import Http404

from maillage.core import audience
from maillage.core.consumers import register_handler
from maillage.core.realtime import EVENT_MESSAGE_TYPE, member_group

from .models import Message, MessagingSettings, Participant, RequestState

TYPING_EVERY = 3.0  # seconds
_TYPING_MEMORY = 64  # conversations a socket remembers for throttling


def _conversation_uuid(value) -> uuid.UUID | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def typing_recipients(member_id: int, conversation_public_id: uuid.UUID) -> tuple[list[int], dict]:
    """Who should see that `member_id` is typing in the conversation, and the event's data.

    Nobody unless the typist is an active member with a current, accepted place in the
    conversation and shares typing indicators; then every other current, accepted participant
    who shares them too and is on neither side of a block with the typist."""
    rows = list(
        Participant.objects.filter(
            conversation__public_id=conversation_public_id,
            left_at__isnull=True,
            request_state=RequestState.ACCEPTED,
            member__is_active=True,
        ).values_list("member_id", "member__public_id", "member__first_name", "member__last_name")
    )
    mine = next((r for r in rows if r[0] == member_id), None)
    if mine is None:
        return [], {}
    # Receipts are on unless turned off (selectors.receipts_on), read for everyone in one query.
    off = set(
        MessagingSettings.objects.filter(
            member_id__in=[r[0] for r in rows], read_receipts=False
        ).values_list("member_id", flat=True)
    )
    if member_id in off:
        return [], {}
    others = [
        r[0]
        for r in rows
        if r[0] != member_id and r[0] not in off and not audience.is_blocked(member_id, r[0])
    ]
    data = {
        "conversation": str(conversation_public_id),
        "member": str(mine[1]),
        "name": f"{mine[2]} {mine[3]}".strip(),
    }
    return others, data


def mark_read(member_id: int, conversation_public_id: uuid.UUID, up_to) -> bool:
    from maillage.accounts.models import User

    from . import services
    from .access import conversation_for_member_or_404

    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        return False
    try:
        conversation, _row = conversation_for_member_or_404(member, conversation_public_id)
    except Http404:
        return False
    message = None
    if up_to is not None:
        if isinstance(up_to, bool) or not isinstance(up_to, int) or up_to <= 0:
            return False
        message = Message.objects.filter(conversation=conversation, pk=up_to).first()
        if message is None:
            return False
    try:
        services.conversation_mark_read(member=member, conversation=conversation, up_to=message)
    except ValidationError:
        return False
    return True


def _throttled(consumer, key: uuid.UUID) -> bool:
    sent = getattr(consumer, "_typing_sent", None)
    if sent is None:
        sent = consumer._typing_sent = {}
    now = time.monotonic()
    last = sent.get(key)
    if last is not None and now - last < TYPING_EVERY:
        return True
    if len(sent) >= _TYPING_MEMORY:
        sent.clear()
    sent[key] = now
    return False


async def on_typing(consumer, content: dict) -> None:
    conversation = _conversation_uuid(content.get("conversation"))
    if conversation is None or consumer.member_id is None or _throttled(consumer, conversation):
        return
    recipients, data = await database_sync_to_async(typing_recipients)(
        consumer.member_id, conversation
    )
    for member_id in recipients:
        await consumer.channel_layer.group_send(
            member_group(member_id), {"type": EVENT_MESSAGE_TYPE, "event": "typing", "data": data}
        )


async def on_read(consumer, content: dict) -> None:
    conversation = _conversation_uuid(content.get("conversation"))
    if conversation is None or consumer.member_id is None:
        return
    await database_sync_to_async(mark_read)(consumer.member_id, conversation, content.get("up_to"))


def register() -> None:
    register_handler("typing", on_typing)
    register_handler("read", on_read)
