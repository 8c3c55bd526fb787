"""Reminders that fire: due reminders become a notification to their owner, exactly once.

`reminders_fire()` finds reminders whose time has come (`due_at <= now`, not done, not fired)
and, for each, claims it with `UPDATE … WHERE fired_at IS NULL` before notifying: a run retried
after a crash, or two workers running at once, never notify twice — whoever's update changed the
row sends the notification, in the same transaction.

How it runs periodically: `maillage worker` (and so `maillage run`, which starts one) enqueues
`reminders_fire_task` once a minute from a small daemon thread, whatever the queue backend (the
database queue has no scheduler; with RQ the same thread does the job, so one mechanism covers
both). With `--batch` the worker enqueues it once before working the queue, so a cron job calling
`maillage worker --batch` fires reminders too. Each run handles at most BATCH reminders per
round and loops until none is left.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create

from .models import Reminder

BATCH = 500
TICK_SECONDS = 60


def due_reminders(now: datetime):
    return Reminder.objects.filter(
        due_at__lte=now, fired_at__isnull=True, done_at__isnull=True
    ).select_related("contact")


def reminders_fire(*, now: datetime | None = None) -> int:
    """Notify the owner of every due reminder not yet fired; returns how many fired."""
    now = now or timezone.now()
    fired = 0
    while True:
        batch = list(due_reminders(now).order_by("due_at", "pk")[:BATCH])
        if not batch:
            return fired
        for reminder in batch:
            with transaction.atomic():
                claimed = Reminder.objects.filter(
                    pk=reminder.pk, fired_at__isnull=True, done_at__isnull=True
                ).update(fired_at=now)
                if not claimed:
                    continue  # another run fired it, or it was marked done meanwhile
                notification_create(
                    recipient_id=reminder.contact.owner_id,
                    kind=Kind.REMINDER_DUE,
                    target=reminder,
                    data={"text": reminder.text},
                )
                fired += 1
        if len(batch) < BATCH:
            return fired


@task()
def reminders_fire_task() -> int:
    """Fire due reminders (idempotent: a retried run notifies nobody twice)."""
    return reminders_fire()
