"""Test helpers for the network: build relationships through the real services.

`pytest-django` runs each test in a transaction that is never committed, so the services'
`on_commit` cache invalidation never fires; these helpers invalidate the degree caches of the
people involved themselves, so the degree badges and lists see the change at once.
"""

from __future__ import annotations

from maillage.accounts.tests.factories import ProfileFactory

from .. import degrees, services
from ..models import Invitation


def member(**kwargs):
    """A new member with a profile (the user, not the profile)."""
    return ProfileFactory(**kwargs).member


def _refresh(*people) -> None:
    degrees.invalidate_around(*[p.pk for p in people])


def connect(a, b, *, at=None) -> None:
    """Connect `a` and `b` (both ways, with the follows a connection implies)."""
    degrees.invalidate_around(a.pk, b.pk)
    services.connection_create(member_id=a.pk, other_id=b.pk, at=at)
    _refresh(a, b)


def invite(a, b, *, note: str = "") -> Invitation:
    """`a` invites `b` (pending)."""
    return services.invitation_send(sender=a, recipient=b, note=note)


def disconnect(a, b) -> None:
    degrees.invalidate_around(a.pk, b.pk)
    services.connection_remove(member=a, other=b)
    _refresh(a, b)


def block(a, b):
    """`a` blocks `b`."""
    degrees.invalidate_around(a.pk, b.pk)
    row = services.block_add(blocker=a, blocked=b)
    _refresh(a, b)
    return row


def follow(a, b):
    """`a` follows `b`."""
    return services.follow_add(follower=a, followed=b)


def mute(a, b):
    """`a` mutes `b`."""
    return services.mute_add(muter=a, muted=b)


def session_read_queries() -> int:
    """Queries a logged-in request spends reading its session: none when sessions are read
    from the cache (`cached_db`, with Redis), one otherwise. Pinned page counts include one."""
    from django.conf import settings

    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
