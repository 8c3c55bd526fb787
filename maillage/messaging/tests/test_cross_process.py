"""Across processes: with Redis, an event caused in one server process reaches a socket held by
another (issue 6, point 7).

Two real uvicorn processes on 127.0.0.1 share the test database and Redis with this test. A
member's socket is opened on server A; the other member acts over HTTP on server B; the event
must arrive on A's socket within 5 s. Skipped only when REDIS_URL is not set (without Redis
there is one process and an in-memory channel layer, by design).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import string
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse

from maillage.messaging import services
from maillage.messaging.models import Message
from maillage.network.tests.factories import connect, member

from .servers import start_servers
from .sockets import cookie_of, logged_in_client

pytestmark = [
    pytest.mark.skipif(not settings.REDIS_URL, reason="Redis runs only when REDIS_URL is set"),
    pytest.mark.django_db(transaction=True),
]

DELIVERY_TIMEOUT = 5


@pytest.fixture
def servers():
    running = start_servers(2)
    yield running
    for server in running:
        server.stop()


def post(url: str, *, session: str, data: dict) -> int:
    """A form post as a logged-in browser would send it (session cookie, CSRF cookie + token)."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        url,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:  # 3xx arrive here once redirects are not followed
        return error.code


async def open_socket(server, session: str):
    from websockets.asyncio.client import connect as ws_connect

    return await ws_connect(
        f"ws://127.0.0.1:{server.port}/ws/",
        additional_headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            "Origin": server.base,
        },
        open_timeout=DELIVERY_TIMEOUT,
    )


async def next_of_type(ws, event_type: str) -> dict:
    async def wait():
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == event_type:
                return event

    return await asyncio.wait_for(wait(), DELIVERY_TIMEOUT)


def test_message_sent_through_one_process_reaches_a_socket_on_another(servers):
    """Alice's socket is held by server A; Bob's message is sent by this test process (a third
    process) through the service, whose fan-out goes through Redis. The form post from a
    browser will take the same path once the messaging pages land."""
    a, _b = servers
    alice, bob = member(), member()
    connect(alice, bob)
    conversation = services.conversation_direct(member=alice, other=bob)
    alice_session = cookie_of(logged_in_client(alice))

    def send():
        from django.db import connection

        try:
            services.message_send(sender=bob, conversation=conversation, body="Bonjour d'ailleurs")
        finally:
            connection.close()

    async def scenario():
        ws = await open_socket(a, alice_session)
        try:
            await asyncio.to_thread(send)
            event = await next_of_type(ws, "message.new")
            return event
        finally:
            await ws.close()

    event = asyncio.run(scenario())
    message = Message.objects.get(conversation=conversation)
    assert message.body == "Bonjour d'ailleurs"
    assert event["data"] == {
        "conversation": str(conversation.public_id),
        "message": str(message.public_id),
        "id": message.pk,
        "sender": str(bob.public_id),
    }


def test_logout_on_one_process_closes_the_session_sockets_on_another(servers):
    a, b = servers
    alice = member()
    session = cookie_of(logged_in_client(alice))
    other_session = cookie_of(logged_in_client(alice))

    async def scenario():
        ws = await open_socket(a, session)
        other = await open_socket(a, other_session)
        try:
            status = await asyncio.to_thread(
                post, b.base + reverse("account_logout"), session=session, data={}
            )
            assert status == 302
            assert await next_of_type(ws, "session.ended") == {"type": "session.ended", "data": {}}
            await asyncio.wait_for(ws.wait_closed(), DELIVERY_TIMEOUT)
            assert ws.close_code == 4401
            await other.send(json.dumps({"type": "ping"}))
            assert await next_of_type(other, "pong") == {"type": "pong"}
        finally:
            await ws.close()
            await other.close()

    asyncio.run(scenario())
