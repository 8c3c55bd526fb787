"""Search your messages (first version: a scan of the member's conversations)."""

from __future__ import annotations

from django.db.models import Q

from .models import Message, MessageKind, Participant


def messages_search(member, query: str, *, limit: int = 20, before=None) -> list[Message]:
    query = (query or "").strip()
    if not query or not getattr(member, "is_authenticated", False):
        return []
    rows = Participant.objects.filter(member=member)
    scope = Q()
    for row in rows:
        part = Q(conversation_id=row.conversation_id)
        if row.left_at is not None:
            part &= Q(created_at__lte=row.left_at)
        scope |= part
    if not rows:
        return []
    qs = Message.objects.filter(
        scope, kind=MessageKind.TEXT, deleted_at__isnull=True, body__icontains=query
    )
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return list(qs.select_related("conversation", "sender").order_by("-pk")[:limit])
