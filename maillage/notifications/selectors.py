"""Reads for notifications: the member's list, each re-checked when shown, and the unread count."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from maillage.core import audience

from .kinds import Shown, group_actor_ids, load_targets, show
from .models import Notification

PAGE_SIZE = 20
UNREAD_TTL = 60  # seconds; bounds how stale a badge can get if an invalidation is lost


@dataclass
class NotificationsPage:
    items: list[Shown]
    number: int
    has_previous: bool
    has_next: bool


def notifications_page(*, member, page: int = 1) -> NotificationsPage:
    """One page of the member's notifications, newest first: one query for the page (with the
    actors and their profiles), one per kind of target on it, one for the actors named by grouped
    notifications, and the cached block and connection sets.

    Notifications whose actor is now blocked or gone, or whose target was withdrawn or deleted,
    are left out of the page (the page may then hold fewer than PAGE_SIZE)."""
    page = max(1, page)
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        Notification.objects.filter(recipient_id=member.pk)
        .select_related("actor", "actor__profile")
        .order_by("-created_at", "-pk")[offset : offset + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for row in rows:
        row.recipient = member  # the re-checks ask what *this* member may see, without a query
    targets = load_targets(rows)
    hidden = frozenset(audience.relation(audience.BLOCKED).ids_for(member.pk))
    people = _group_people(rows)
    items = []
    for row in rows:
        shown = show(
            row, targets.get((row.target_type, row.target_id)), hidden_actor_ids=hidden, people=people
        )
        if shown is not None:
            items.append(shown)
    return NotificationsPage(items=items, number=page, has_previous=page > 1, has_next=has_next)


def _group_people(rows: list[Notification]) -> dict:
    ids = group_actor_ids(rows)
    if not ids:
        return {}
    from django.contrib.auth import get_user_model

    return get_user_model().objects.select_related("profile").in_bulk(list(ids))


def _unread_key(member_id: int) -> str:
    return f"notifications:unread:{member_id}"


def unread_count(member_id: int) -> int:
    """How many unread notifications the member has, for the top bar's badge: cached (every
    page shows it), else one count on the `notification_unread` index. The services that add
    notifications or mark them read forget the cached count (`forget_unread_count`)."""
    key = _unread_key(member_id)
    count = cache.get(key)
    if count is None:
        # Those from a member who is gone are left out of the list: out of the count too.
        count = (
            Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
            .exclude(actor__is_active=False)
            .count()
        )
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread_count(member_id: int) -> None:
    """Drop the cached count now and again after commit: a page rendered between the two (and
    reading the database before the commit) cannot keep a stale count."""
    key = _unread_key(member_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
