"""The demo login's inbox is alive on first start: conversations with connections (some
unread), a group, a message request — written once, consistent with what the services keep,
and shown by the messaging pages."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User
from maillage.core import audience
from maillage.messaging import selectors
from maillage.messaging.models import Conversation, Message, Participant, RequestState
from maillage.network import degrees

CAMILLE = "camille.martin@demo.maillage.test"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", verbosity=0)
        yield
        call_command("flush", interactive=False, verbosity=0)


pytestmark = pytest.mark.django_db


def test_camille_has_conversations_unread_a_group_and_a_request(demo):
    camille = User.objects.get(email=CAMILLE)
    rows = selectors.inbox(camille)
    assert len(rows) >= 5
    assert any(r.conversation.is_group and r.conversation.name for r in rows)
    assert any(r.unread for r in rows) and any(not r.unread for r in rows)
    requests = selectors.inbox(camille, which="requests")
    assert len(requests) == 1
    assert selectors.unread_conversations_count(camille.pk) >= 2


def test_the_demo_keeps_the_services_rules(demo):
    camille = User.objects.get(email=CAMILLE)
    for conversation in Conversation.objects.filter(participants__member=camille):
        people = list(
            Participant.objects.filter(conversation=conversation).values_list(
                "member_id", "request_state"
            )
        )
        ids = [m for m, _ in people]
        newest = conversation.messages.order_by("-pk").first()
        assert conversation.last_message_id == newest.pk
        assert all(m.body_html for m in conversation.messages.filter(kind="text"))
        for a in ids:
            for b in ids:
                assert a == b or not audience.is_blocked(a, b)
        if conversation.kind == "direct":
            low, high = sorted(ids)
            assert conversation.direct_key == f"{low}:{high}"
            other = high if low == camille.pk else low
            connected = degrees.degrees_for(camille.pk, [other]).get(other) == 1
            pending = dict(people)[camille.pk] == RequestState.PENDING
            assert pending == (not connected)
            if pending:
                assert conversation.messages.count() == 1
        else:
            for other in ids:
                if other != camille.pk:
                    assert degrees.degrees_for(camille.pk, [other]).get(other) == 1


def test_a_refresh_leaves_the_conversations_alone(demo):
    before = Message.objects.count()
    call_command("demo", verbosity=0)
    assert Message.objects.count() == before


def test_the_inbox_page_of_the_demo_login(demo):
    client = Client()
    client.force_login(User.objects.get(email=CAMILLE))
    response = client.get(reverse("messaging"))
    assert response.status_code == 200
    assert response.content.decode().count("data-conversation-item=") >= 5
