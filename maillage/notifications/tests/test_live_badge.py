"""The top bar's notifications badge, live: the unread count is pushed to the member's sockets
when a notification arrives or is read, and the badge entry can be fetched alone."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from maillage.core.tests.test_realtime import (
    DELIVERY_TIMEOUT,
    SILENCE_TIMEOUT,
    connected_socket,
    run,
    session_cookie_for,
)
from maillage.network.tests.factories import member
from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create, notifications_mark_read


@pytest.mark.django_db(transaction=True)
def test_unread_count_is_pushed_live_to_the_recipient_only():
    me, actor, other = member(), member(), member()
    my_cookie, other_cookie = session_cookie_for(me), session_cookie_for(other)

    async def scenario():
        mine = await connected_socket(my_cookie)
        theirs = await connected_socket(other_cookie)
        try:
            for expected in (1, 2):
                await sync_to_async(notification_create)(
                    recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=actor.pk
                )
                assert await mine.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                    "type": "notification",
                    "data": {"unread": expected, "kind": "new_follower"},
                }
            assert await theirs.receive_nothing(timeout=SILENCE_TIMEOUT)
            # Read in another tab: every tab's badge goes back to zero.
            await sync_to_async(notifications_mark_read)(member_id=me.pk)
            assert await mine.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                "type": "notification",
                "data": {"unread": 0},
            }
        finally:
            await mine.disconnect()
            await theirs.disconnect()

    run(scenario)


@pytest.mark.django_db
def test_badge_entry_alone_for_the_script(django_assert_max_num_queries):
    me, actor = member(), member()
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=actor.pk)
    client = Client()
    client.force_login(me)
    url = reverse("notifications_badge")
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith("<li data-notifications-nav")
    assert f'data-refresh-url="{url}"' in body
    assert 'class="nav-badge" aria-hidden="true">1<' in body and "(1 unread)" in body
    with django_assert_max_num_queries(4):
        client.get(url)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302


@pytest.mark.django_db
def test_pages_load_the_badge_script():
    me = member()
    client = Client()
    client.force_login(me)
    page = client.get(reverse("home")).content.decode()
    assert "maillage/js/notifications" in page
    assert "data-notifications-nav" in page
