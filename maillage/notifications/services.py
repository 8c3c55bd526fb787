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
    """Tell `recipient_id` something happened. Nothing is created for oneself, across a block,
    or about something the recipient may not see (the kind's own rule, the one applied again
    when the notification is shown or mailed); the live badge is pushed after commit."""
    if actor_id is not None and (
        actor_id == recipient_id or audience.is_blocked(recipient_id, actor_id)
    ):
        return None
    notification = Notification(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
    )
    if target is not None and not _may_see(notification, target):
        return None
    notification.save()
    forget_unread_count(recipient_id)
    _after_commit(recipient_id, str(kind), notification.pk)
    return notification


def _may_see(notification: Notification, target: models.Model) -> bool:
    from .kinds import RULES

    rule = RULES.get(str(notification.kind))
    return rule is None or rule.visible(notification, target)


def notifications_mark_read(*, member_id: int, ids: list[int] | None = None) -> int:
    """Mark some (or all) of a member's notifications read; returns how many changed."""
    with transaction.atomic():
        rows = Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        changed = rows.update(read_at=timezone.now())
    forget_unread_count(member_id)
    if changed:
        transaction.on_commit(lambda: push_unread_count(member_id))
    return changed


def push_unread_count(member_id: int, kind: str | None = None) -> None:
    """Tell the member's open pages their unread count (the top bar's badge follows live).
    Runs after commit, once the cached count was forgotten."""
    from .selectors import unread_count

    data: dict[str, Any] = {"unread": unread_count(member_id)}
    if kind is not None:
        data["kind"] = kind
    realtime.push_now(member_id=member_id, event="notification", data=data)


def _after_commit(recipient_id: int, kind: str, notification_id: int) -> None:
    """Once committed: the live badge, and the e-mail if the recipient wants this kind at once
    (the task re-reads and re-checks everything when it runs)."""

    def run() -> None:
        push_unread_count(recipient_id, kind)
        from .email import notification_email_schedule

        notification_email_schedule(recipient_id=recipient_id, kind=kind, notification_id=notification_id)

    transaction.on_commit(run)


def preferences_update(*, member_id: int, values: dict[str, str]) -> int:
    """Set the member's delivery for each kind in `values` (all valid, or nothing changes:
    `ValueError`). Returns how many kinds changed."""
    from . import preferences
    from .models import NotificationPreference

    bad = [kind for kind, delivery in values.items() if not preferences.is_valid(kind, delivery)]
    if bad:
        raise ValueError(bad)
    current = preferences.preferences_for(member_id)
    changed = 0
    with transaction.atomic():
        for kind, delivery in values.items():
            if current[kind] == delivery:
                continue
            NotificationPreference.objects.update_or_create(
                member_id=member_id, kind=kind, defaults={"delivery": delivery}
            )
            changed += 1
    return changed


# --- Grouped notifications (reactions and comments on one post pile up into one) ----------------

GROUP_ACTORS_KEPT = 200  # ids kept per group, latest first: enough to undo a reaction exactly


def _group_rows(*, recipient_id: int, kind: str, target: models.Model):
    return Notification.objects.filter(
        recipient_id=recipient_id,
        kind=kind,
        target_type=target._meta.label_lower,
        target_id=target.pk,
    )


def notification_group_add(
    *,
    recipient_id: int,
    kind: Kind | str,
    actor_id: int,
    target: models.Model,
    data: dict[str, Any] | None = None,
) -> Notification | None:
    """Tell `recipient_id` that `actor_id` did something to `target`, joining the recipient's
    unread notification of this kind about this target if there is one ("A, B and 10 others").

    The group keeps its actors latest first and a count of distinct actors; it moves back to the
    top of the list. A group already read is left as it was and a new one starts. Callers hold a
    lock on the target's row (the feed services do), so two actors never start two groups."""
    if actor_id == recipient_id or audience.is_blocked(recipient_id, actor_id):
        return None
    with transaction.atomic():
        existing = (
            _group_rows(recipient_id=recipient_id, kind=kind, target=target)
            .filter(read_at__isnull=True)
            .select_for_update()
            .order_by("-created_at", "-pk")
            .first()
        )
        if existing is None:
            return notification_create(
                recipient_id=recipient_id,
                kind=kind,
                actor_id=actor_id,
                target=target,
                data={**(data or {}), "actors": [actor_id], "count": 1},
            )
        actors = [i for i in existing.data.get("actors", []) if i != actor_id]
        count = int(existing.data.get("count", len(actors)))
        if len(actors) == len(existing.data.get("actors", [])):
            count += 1  # a new actor (one already listed only moves to the front)
        existing.data = {
            **existing.data,
            **(data or {}),
            "actors": [actor_id, *actors][:GROUP_ACTORS_KEPT],
            "count": count,
        }
        existing.actor_id = actor_id
        existing.created_at = timezone.now()
        existing.save(update_fields=["data", "actor", "created_at", "updated_at"])
    forget_unread_count(recipient_id)
    _after_commit(recipient_id, str(kind), existing.pk)
    return existing


def notification_group_remove(
    *, recipient_id: int, kind: Kind | str, actor_id: int, target: models.Model
) -> None:
    """Take `actor_id` back out of the latest group naming them (a reaction withdrawn): the
    count goes down, and a group left empty is deleted, read or not."""
    with transaction.atomic():
        rows = (
            _group_rows(recipient_id=recipient_id, kind=kind, target=target)
            .select_for_update()
            .order_by("-created_at", "-pk")
        )
        for row in rows:
            actors = list(row.data.get("actors", []))
            if actor_id not in actors:
                continue
            actors.remove(actor_id)
            count = int(row.data.get("count", 1)) - 1
            if count <= 0 or not actors:
                row.delete()
            else:
                row.data = {**row.data, "actors": actors, "count": max(count, len(actors))}
                row.actor_id = actors[0] if actors else row.actor_id
                row.save(update_fields=["data", "actor", "updated_at"])
            break
        else:
            return
    forget_unread_count(recipient_id)


def notifications_delete_about(*, target_type: str, target_ids) -> int:
    """Forget every notification pointing at these targets (`target_type` is the model's
    "app.model" label; `target_ids` ids or a values_list subquery), so a deleted post or comment
    leaves no phantom in the unread count."""
    rows = Notification.objects.filter(target_type=target_type, target_id__in=target_ids)
    recipients = set(rows.values_list("recipient_id", flat=True))
    if not recipients:
        return 0
    deleted, _rows = rows.delete()
    for recipient_id in recipients:
        forget_unread_count(recipient_id)
    return deleted


def notifications_between_forget(*, member_id: int, other_id: int) -> None:
    """A block: each one's notifications about the other go. A grouped notification ("A, B and
    10 others reacted…") loses only that actor, so the others who reacted are still counted."""
    from django.db.models import Q

    from .kinds import GROUPED_KINDS

    pair = Q(recipient_id=member_id, actor_id=other_id) | Q(recipient_id=other_id, actor_id=member_id)
    with transaction.atomic():
        Notification.objects.filter(pair).exclude(kind__in=GROUPED_KINDS).delete()
        grouped = Notification.objects.filter(
            recipient_id__in=[member_id, other_id], kind__in=GROUPED_KINDS
        ).select_for_update()
        for row in grouped:
            gone = other_id if row.recipient_id == member_id else member_id
            actors = [int(i) for i in row.data.get("actors") or []]
            if gone not in actors and row.actor_id != gone:
                continue
            if gone in actors:
                actors.remove(gone)
                count = int(row.data.get("count", 1)) - 1
            else:
                count = int(row.data.get("count", 1))
            if count <= 0 or not actors:
                row.delete()
                continue
            row.data = {**row.data, "actors": actors, "count": max(count, len(actors))}
            row.actor_id = actors[0]
            row.save(update_fields=["data", "actor", "updated_at"])
        # Someone else's notification about the other one's post (a mention in a comment on it,
        # say) is no longer shown either: it must not stay in the unread count.
        from maillage.feed.notify import notifications_about_posts_forget

        notifications_about_posts_forget(recipient_id=member_id, author_id=other_id)
        notifications_about_posts_forget(recipient_id=other_id, author_id=member_id)
    forget_unread_count(member_id)
    forget_unread_count(other_id)
