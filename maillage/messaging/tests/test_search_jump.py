"""A search result opens its conversation at the message found, even when it is old."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.network.tests.factories import connect, member

from .. import services
from ..search import messages_search

pytestmark = pytest.mark.django_db


def test_an_old_result_opens_the_conversation_at_that_message(settings):
    settings.MAILLAGE_MESSAGES_PER_MINUTE = 1000
    alice, bob = member(), member()
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    sent = []
    for number in range(70):
        body = "Le jalon du projet est validé" if number == 2 else f"Message numéro {number}"
        sent.append(
            services.message_send(
                sender=alice if number % 2 else bob, conversation=conversation, body=body
            )
        )
    old, newest = sent[2], sent[-1]

    [result] = messages_search(alice, "jalon").results
    assert result.message == old
    client = Client()
    client.force_login(alice)
    page = client.get(result.url).content.decode()
    assert f'id="m{old.pk}"' in page  # the found message is on the page the link opens…
    assert f'id="m{newest.pk}"' not in page  # …which ends with it,
    assert "Go to the newest messages" in page  # and the newest are one link away.

    latest = client.get(result.url.split("?")[0]).content.decode()
    assert f'id="m{newest.pk}"' in latest and f'id="m{old.pk}"' not in latest
    assert "Go to the newest messages" not in latest
