"""Sockets through the real ASGI application for the messaging tests (origin check, session
cookie, auth middleware, the member consumer), on whichever channel layer the settings name.

Built on the communicator of `maillage/core/tests/test_realtime.py`; each scenario is one
coroutine run with `async_to_sync`, the sync parts (services, HTTP clients) through
`sync_to_async`, which runs them on the test's own thread and database connection.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from maillage.core.tests.test_realtime import (  # noqa: F401 (re-exported for the tests)
    DELIVERY_TIMEOUT,
    SILENCE_TIMEOUT,
    WebsocketCommunicator,
    connected_socket,
    run,
    session_cookie_for,
    socket,
)


def logged_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cookie_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def call(function, *args, **kwargs):
    return await sync_to_async(function)(*args, **kwargs)


async def next_event(ws: WebsocketCommunicator, *, skip: tuple[str, ...] = ()) -> dict:
    """The next event on the socket, passing over the types in `skip`."""
    while True:
        event = await ws.receive_json_from(timeout=DELIVERY_TIMEOUT)
        if event["type"] not in skip:
            return event


async def events_until_quiet(ws: WebsocketCommunicator) -> list[dict]:
    """Everything the socket receives until it stays quiet for SILENCE_TIMEOUT."""
    events = []
    while not await ws.receive_nothing(timeout=SILENCE_TIMEOUT):
        output = await ws.receive_output(timeout=DELIVERY_TIMEOUT)
        if output["type"] == "websocket.send":
            import json

            events.append(json.loads(output["text"]))
        else:
            events.append(output)
    return events


async def closed_with(ws: WebsocketCommunicator) -> int | None:
    """The close code the server sent, after an optional `session.ended` event; None if the
    socket stayed open."""
    events = await events_until_quiet(ws)
    codes = [e.get("code") for e in events if e.get("type") == "websocket.close"]
    return codes[0] if codes else None
