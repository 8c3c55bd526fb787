"""The member's WebSocket and `push_to_member`: events leave only after commit, to their member.

The sockets go through the real ASGI application (origin check, session cookie, auth), on
whichever channel layer the settings name (in memory, or Redis when REDIS_URL is set).

pytest-asyncio is not used: each scenario is one coroutine run with `async_to_sync`, so the
communicators and the channel layer share one event loop; the sync parts (transactions, pushes)
run through `sync_to_async`, which hands them back to the test's own thread and DB connection.
"""

from __future__ import annotations

import json
import logging
from unittest import mock

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.db import transaction
from django.test import Client

from config.asgi import application
from maillage.accounts.tests.factories import UserFactory
from maillage.core import realtime
from maillage.core.consumers import CLOSE_UNAUTHENTICATED
from maillage.core.realtime import EVENT_MESSAGE_TYPE, member_group, push_to_member

WS_PATH = "/ws/"
DELIVERY_TIMEOUT = 5  # generous: Redis on a busy CI machine
SILENCE_TIMEOUT = 0.3  # how long "nothing arrives" is watched


class WebsocketCommunicator(ApplicationCommunicator):
    """The part of `channels.testing.WebsocketCommunicator` these tests use.

    `channels.testing` imports daphne (for its live-server test case), which this project does
    not install; this is the same thing on asgiref's communicator.
    """

    def __init__(self, app, path: str, headers: list[tuple[bytes, bytes]]) -> None:
        scope = {"type": "websocket", "path": path, "query_string": b"", "headers": headers}
        super().__init__(app, scope)

    # Like channels' communicator: the test owns the DB connection; consumers must not close it.
    async def send_input(self, message):
        with mock.patch("channels.db.close_old_connections", lambda: None):
            return await super().send_input(message)

    async def receive_output(self, timeout=1):
        with mock.patch("channels.db.close_old_connections", lambda: None):
            return await super().receive_output(timeout)

    async def connect(self, timeout: float = 1) -> tuple[bool, int | str | None]:
        """(True, subprotocol) when accepted, (False, close code) when refused."""
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept", response
        return True, response.get("subprotocol")

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def session_cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(cookie: str | None = None, origin: bytes = b"http://localhost") -> WebsocketCommunicator:
    headers = [(b"host", b"localhost"), (b"origin", origin)]
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return WebsocketCommunicator(application, WS_PATH, headers=headers)


async def connected_socket(cookie: str) -> WebsocketCommunicator:
    communicator = socket(cookie)
    connected, code = await communicator.connect(timeout=DELIVERY_TIMEOUT)
    assert connected, f"socket refused (close code {code})"
    return communicator


def run(scenario):
    """Run an async scenario to the end from a sync test."""
    async_to_sync(scenario)()


async def push(**kwargs) -> None:
    # In autocommit mode on_commit runs at once, so this sends straight away.
    await sync_to_async(push_to_member)(**kwargs)


@pytest.fixture
def alice():
    return UserFactory()


@pytest.fixture
def bob():
    return UserFactory()


# --- Who may open a socket ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_anonymous_socket_is_closed_with_4401():
    async def scenario():
        communicator = socket(cookie=None)
        connected, code = await communicator.connect(timeout=DELIVERY_TIMEOUT)
        assert not connected
        assert code == CLOSE_UNAUTHENTICATED == 4401

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_unknown_session_is_anonymous():
    async def scenario():
        communicator = socket(cookie="not-a-real-session-key")
        connected, code = await communicator.connect(timeout=DELIVERY_TIMEOUT)
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_deactivated_member_is_anonymous(alice):
    cookie = session_cookie_for(alice)
    alice.is_active = False
    alice.save()

    async def scenario():
        connected, code = await socket(cookie).connect(timeout=DELIVERY_TIMEOUT)
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_foreign_origin_is_refused_even_with_a_session(alice):
    # Cross-site WebSocket hijacking: another site's page must not ride the member's cookie.
    cookie = session_cookie_for(alice)

    async def scenario():
        communicator = socket(cookie, origin=b"https://evil.example")
        connected, _ = await communicator.connect(timeout=DELIVERY_TIMEOUT)
        assert not connected

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_ping_pong(alice):
    cookie = session_cookie_for(alice)

    async def scenario():
        ws = await connected_socket(cookie)
        try:
            await ws.send_json_to({"type": "ping"})
            assert await ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {"type": "pong"}
            # Anything else is ignored, without closing the socket.
            await ws.send_json_to({"type": "subscribe", "to": "member.1"})
            await ws.send_json_to(["ping"])
            assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await ws.send_json_to({"type": "ping"})
            assert await ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {"type": "pong"}
        finally:
            await ws.disconnect()

    run(scenario)


# --- Pushes ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_push_is_delivered_only_after_commit_and_only_to_its_member(alice, bob):
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws = await connected_socket(alice_cookie)
        bob_ws = await connected_socket(bob_cookie)
        try:
            atomic = transaction.atomic()
            await sync_to_async(atomic.__enter__)()
            try:
                await sync_to_async(push_to_member)(
                    member_id=alice.pk, event="hello", data={"text": "bonjour", "n": 1}
                )
                # Still inside the transaction: nothing has left.
                assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            finally:
                await sync_to_async(atomic.__exit__)(None, None, None)

            assert await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                "type": "hello",
                "data": {"text": "bonjour", "n": 1},
            }
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)  # exactly once
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)

            # Bob's socket works: it is not receiving because the event was not his.
            await push(member_id=bob.pk, event="for-bob")
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                "type": "for-bob",
                "data": {},
            }
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_push_in_a_rolled_back_transaction_is_never_delivered(alice):
    cookie = session_cookie_for(alice)

    class Boom(Exception):
        pass

    def push_then_fail():
        with transaction.atomic():
            push_to_member(member_id=alice.pk, event="ghost", data={"n": 1})
            raise Boom

    def push_in_rolled_back_savepoint_then_commit():
        with transaction.atomic():
            try:
                with transaction.atomic():
                    push_to_member(member_id=alice.pk, event="ghost", data={"n": 2})
                    raise Boom
            except Boom:
                pass
            push_to_member(member_id=alice.pk, event="kept")

    async def scenario():
        ws = await connected_socket(cookie)
        try:
            with pytest.raises(Boom):
                await sync_to_async(push_then_fail)()
            assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT)

            await sync_to_async(push_in_rolled_back_savepoint_then_commit)()
            # Had a ghost left, it would arrive before the event pushed after it.
            assert await ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                "type": "kept",
                "data": {},
            }
            await push(member_id=alice.pk, event="after")
            assert (await ws.receive_json_from(timeout=DELIVERY_TIMEOUT))["type"] == "after"
            assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            await ws.disconnect()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_every_open_tab_receives_and_a_closed_one_leaves_the_group(alice):
    cookie = session_cookie_for(alice)

    async def scenario():
        tab1 = await connected_socket(cookie)
        tab2 = await connected_socket(cookie)
        try:
            await push(member_id=alice.pk, event="both", data={"x": [1, 2]})
            for tab in (tab1, tab2):
                assert await tab.receive_json_from(timeout=DELIVERY_TIMEOUT) == {
                    "type": "both",
                    "data": {"x": [1, 2]},
                }
            await tab1.disconnect()
            await push(member_id=alice.pk, event="one")
            assert (await tab2.receive_json_from(timeout=DELIVERY_TIMEOUT))["type"] == "one"
        finally:
            await tab2.disconnect()

    run(scenario)


@pytest.mark.django_db(transaction=True)
def test_events_arrive_in_the_order_of_their_commits(alice):
    cookie = session_cookie_for(alice)

    def two_transactions():
        with transaction.atomic():
            push_to_member(member_id=alice.pk, event="first")
            push_to_member(member_id=alice.pk, event="second")
        with transaction.atomic():
            push_to_member(member_id=alice.pk, event="third")

    async def scenario():
        ws = await connected_socket(cookie)
        try:
            await sync_to_async(two_transactions)()
            received = [
                (await ws.receive_json_from(timeout=DELIVERY_TIMEOUT))["type"] for _ in range(3)
            ]
            assert received == ["first", "second", "third"]
        finally:
            await ws.disconnect()

    run(scenario)


# --- push_to_member without sockets ---------------------------------------------------------


class RecordingLayer:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.fail = fail

    async def group_send(self, group: str, message: dict) -> None:
        if self.fail:
            raise ConnectionError("layer down")
        self.sent.append((group, message))


@pytest.mark.django_db
def test_push_waits_for_commit(monkeypatch, django_capture_on_commit_callbacks):
    layer = RecordingLayer()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: layer)
    data = {"id": 7, "tags": ["a"]}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        push_to_member(member_id=42, event="updated", data=data)
    assert layer.sent == []
    assert len(callbacks) == 1
    data["id"] = 8  # changed after the push: the event keeps what was pushed
    callbacks[0]()
    assert layer.sent == [
        (
            member_group(42),
            {"type": EVENT_MESSAGE_TYPE, "event": "updated", "data": {"id": 7, "tags": ["a"]}},
        )
    ]
    assert member_group(42) == "member.42"


@pytest.mark.django_db
def test_failing_layer_does_not_break_the_commit(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: RecordingLayer(fail=True))
    with (
        caplog.at_level(logging.ERROR, logger="maillage.core.realtime"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        push_to_member(member_id=42, event="updated")
    assert "Realtime push updated to member 42 failed" in caplog.text


@pytest.mark.django_db
def test_no_layer_configured_is_a_no_op(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        push_to_member(member_id=42, event="updated", data=None)
    assert len(callbacks) == 1
