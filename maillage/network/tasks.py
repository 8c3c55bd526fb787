"""Background work for the network."""

from __future__ import annotations

from django_tasks import task


@task()
def suggestions_refresh_task(member_id: int) -> int:
    """Recompute a member's "people you may know". Idempotent: it replaces the stored rows."""
    from .suggestions import suggestions_refresh

    return suggestions_refresh(member_id)
