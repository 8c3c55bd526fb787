"""Writes for notifications. Other apps call `notification_create` from their services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from maillage.core import audience, realtime

from .models import Kind, Notification
from .selectors import forget_unread_count


def notification_create(
    *,
    recipient_id: int,
    kind: Kind | str,
    actor_id: int | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Notification | None:
    """Tell `recipient_id` something happened. Nothing is created for oneself or across a block;
    the live badge is pushed after commit."""
    if actor_id is not None and (
        actor_id == recipient_id or audience.is_blocked(recipient_id, actor_id)
    ):
        return None
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
    )
    forget_unread_count(recipient_id)
    realtime.push_to_member(member_id=recipient_id, event="notification", data={"kind": str(kind)})
    return notification


def notifications_mark_read(*, member_id: int, ids: list[int] | None = None) -> int:
    """Mark some (or all) of a member's notifications read; returns how many changed."""
    with transaction.atomic():
        rows = Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        changed = rows.update(read_at=timezone.now())
    forget_unread_count(member_id)
    return changed
