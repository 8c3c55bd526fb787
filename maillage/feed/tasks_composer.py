"""Background work of the composer: publishing scheduled posts when their time comes.

`maillage worker` enqueues `posts_publish_due_task` every minute (see
core/management/commands/worker.py); the service claims each post under its row lock, so a
retried run, or two workers at once, never publish a post twice.
"""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def posts_publish_due_task() -> int:
    """Publish the scheduled posts whose time has come (idempotent)."""
    return services.posts_publish_due()
