"""Background work for the kernel, and the helper every app uses to enqueue after commit."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task


def enqueue_on_commit(task_obj: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task_obj` once the current transaction commits (at once outside one).

    A task enqueued inside a transaction that later rolls back would act on rows that never
    existed; waiting for the commit also guarantees the worker sees what the task refers to.
    """
    transaction.on_commit(lambda: task_obj.enqueue(*args, **kwargs))


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    from_email: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send an already rendered e-mail. Rendering happens in the request, in the member's
    language; the worker only delivers, so a slow SMTP server never slows a page down."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=to, from_email=from_email, headers=headers or {}
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


OPTIMIZE_EVERY_SECONDS = 3600


@task()
def database_optimize() -> bool:
    """Keep SQLite's query planner informed: `PRAGMA optimize` gathers table statistics where
    they are missing or stale (bounded by `analysis_limit`), at most once an hour. Without them
    SQLite picks poor indexes for the feed's queries (tens of milliseconds instead of a few).
    PostgreSQL's autovacuum does this by itself. Returns whether it ran."""
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "sqlite":
        return False
    if not cache.add("maillage:database-optimize", 1, timeout=OPTIMIZE_EVERY_SECONDS):
        return False  # another tick, or another worker, did it within the hour
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize=0x10002")
    return True
