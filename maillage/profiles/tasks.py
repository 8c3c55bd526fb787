"""Background work for profiles."""

from __future__ import annotations

from django_tasks import task


@task()
def profile_views_prune_task() -> int:
    """Forget profile views older than 90 days. Idempotent: a rerun finds nothing to delete."""
    from .profile_views import profile_views_prune

    return profile_views_prune()
