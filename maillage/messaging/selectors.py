"""Reads for messaging (owner: messaging UI helper — extend; keep these functions)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q

from .models import MessagingSettings, Participant, RequestState

UNREAD_TTL = 60


def receipts_on(member_id: int) -> bool:
    """Whether the member shares read receipts and typing indicators (on unless turned off)."""
    value = (
        MessagingSettings.objects.filter(member_id=member_id).values_list("read_receipts", flat=True).first()
    )
    return True if value is None else bool(value)


def _unread_key(member_id: int) -> str:
    return f"messaging:unread:{member_id}"


def unread_conversations_count(member_id: int) -> int:
    """Conversations with something unread (or marked unread), for the top bar's badge."""
    key = _unread_key(member_id)
    count = cache.get(key)
    if count is None:
        count = (
            Participant.objects.filter(member_id=member_id, left_at__isnull=True, archived=False)
            .exclude(request_state=RequestState.DECLINED)
            .filter(
                Q(marked_unread=True)
                | Q(conversation__last_message_id__gt=F("last_read_message_id"))
            )
            .exclude(conversation__last_message__sender_id=member_id, marked_unread=False)
            .count()
        )
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread_count(member_id: int) -> None:
    key = _unread_key(member_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
