"""A notification is not even created about something its recipient may not see: the kind's
rule (the one applied again when it is shown or mailed) is applied when it is created."""

from __future__ import annotations

import pytest

from maillage.feed.tests.factories import connect, member, post
from maillage.notifications.models import Kind, Notification
from maillage.notifications.services import notification_create

pytestmark = pytest.mark.django_db


def test_no_notification_about_a_post_the_recipient_may_not_see():
    author, friend, stranger = member(), member(), member()
    connect(author, friend)
    private = post(author, "Only for my connections", audience="connections")

    made = notification_create(
        recipient_id=stranger.pk, kind=Kind.POST_MENTION, actor_id=author.pk, target=private
    )
    assert made is None
    assert not Notification.objects.filter(recipient=stranger).exists()

    made = notification_create(
        recipient_id=friend.pk, kind=Kind.POST_MENTION, actor_id=author.pk, target=private
    )
    assert made is not None and made.pk is not None
    assert Notification.objects.filter(recipient=friend, kind=Kind.POST_MENTION).count() == 1
