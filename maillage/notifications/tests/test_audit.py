"""Security audit of notifications: the unread badge never counts what the list would hide."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from maillage.network.tests.factories import member
from maillage.notifications.models import Kind
from maillage.notifications.selectors import notifications_page, unread_count
from maillage.notifications.services import notification_create

pytestmark = pytest.mark.django_db


def test_the_badge_does_not_count_notifications_from_a_gone_member():
    me, gone, other = member(), member(), member()
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=gone.pk)
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=other.pk)
    assert unread_count(me.pk) == 2
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    cache.clear()
    assert len(notifications_page(member=me).items) == 1
    assert unread_count(me.pk) == 1
    # A notification without an actor (a reminder) still counts.
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER)
    assert unread_count(me.pk) == 2
