"""A socket's identity is fixed when it connects, so the end of that identity closes it at once:
logging out closes the sockets of that session only; "log out everywhere else" closes the other
sessions' sockets; a password change or a deactivation closes every socket of the member.

Each member here logs in twice (two browsers = two sessions) and opens sockets with each
session's cookie through the real ASGI application. A closed socket first hears
`session.ended`, then is closed with 4401 (app.js does not reconnect on 4401).
"""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from maillage.accounts.tests.factories import DEFAULT_PASSWORD
from maillage.core.consumers import CLOSE_UNAUTHENTICATED
from maillage.core.realtime import push_to_member
from maillage.network.tests.factories import member

from .sockets import (
    DELIVERY_TIMEOUT,
    SILENCE_TIMEOUT,
    call,
    connected_socket,
    cookie_of,
    events_until_quiet,
    logged_in_client,
    run,
    socket,
)

pytestmark = pytest.mark.django_db(transaction=True)

ENDED = [
    {"type": "session.ended", "data": {}},
    {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED},
]


@pytest.fixture
def alice():
    return member()


@pytest.fixture
def bob():
    return member()


async def still_open(ws) -> None:
    """The socket is open and receives: a ping is answered."""
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {"type": "pong"}


async def refused(cookie: str) -> bool:
    connected, code = await socket(cookie).connect(timeout=DELIVERY_TIMEOUT)
    return not connected and code == CLOSE_UNAUTHENTICATED


def test_logout_closes_the_sockets_of_that_session_only(alice, bob):
    laptop, phone, bobs = logged_in_client(alice), logged_in_client(alice), logged_in_client(bob)
    laptop_cookie, phone_cookie = cookie_of(laptop), cookie_of(phone)

    async def scenario():
        laptop_tabs = [await connected_socket(laptop_cookie) for _ in range(2)]
        phone_ws = await connected_socket(phone_cookie)
        bob_ws = await connected_socket(cookie_of(bobs))
        try:
            response = await call(laptop.post, reverse("account_logout"))
            assert response.status_code == 302
            for tab in laptop_tabs:
                assert await events_until_quiet(tab) == ENDED
            assert await phone_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await still_open(phone_ws)
            await still_open(bob_ws)
            # The closed tabs' group membership is gone: a push reaches the phone alone.
            await call(push_to_member, member_id=alice.pk, event="after")
            assert (await phone_ws.receive_json_from(timeout=DELIVERY_TIMEOUT))["type"] == "after"
            for tab in laptop_tabs:
                assert await tab.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await refused(laptop_cookie)
        finally:
            for ws in (*laptop_tabs, phone_ws, bob_ws):
                await ws.disconnect()

    run(scenario)


def log_in_with_the_form(user) -> Client:
    # allauth records a user session (what "log out everywhere else" ends) on its own login
    # flow, not on the test client's force_login.
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client


def test_log_out_everywhere_else_closes_the_other_sessions_sockets(alice):
    laptop, phone, tablet = (log_in_with_the_form(alice) for _ in range(3))
    assert UserSession.objects.filter(user=alice).count() == 3

    async def scenario():
        laptop_ws, phone_ws, tablet_ws = [
            await connected_socket(cookie_of(c)) for c in (laptop, phone, tablet)
        ]
        try:
            response = await call(laptop.post, reverse("usersessions_list"))
            assert response.status_code == 302
            assert await events_until_quiet(phone_ws) == ENDED
            assert await events_until_quiet(tablet_ws) == ENDED
            await still_open(laptop_ws)
            assert await refused(cookie_of(phone))
        finally:
            for ws in (laptop_ws, phone_ws, tablet_ws):
                await ws.disconnect()

    run(scenario)


def test_password_change_closes_every_socket_of_the_member(alice, bob):
    laptop, phone, bobs = logged_in_client(alice), logged_in_client(alice), logged_in_client(bob)

    async def scenario():
        laptop_ws, phone_ws, bob_ws = [
            await connected_socket(cookie_of(c)) for c in (laptop, phone, bobs)
        ]
        try:
            response = await call(
                laptop.post,
                reverse("account_change_password"),
                {
                    "oldpassword": DEFAULT_PASSWORD,
                    "password1": "another-long-secret-42",
                    "password2": "another-long-secret-42",
                },
            )
            assert response.status_code == 302, response.content[:500]
            # Even the tab that changed it: its socket was opened with the old session key;
            # the page it loads next opens a new one.
            assert await events_until_quiet(laptop_ws) == ENDED
            assert await events_until_quiet(phone_ws) == ENDED
            await still_open(bob_ws)
            new_ws = await connected_socket(cookie_of(laptop))  # the new session still works
            await new_ws.disconnect()
        finally:
            for ws in (laptop_ws, phone_ws, bob_ws):
                await ws.disconnect()

    run(scenario)


def test_password_set_outside_allauth_closes_every_socket(alice):
    # The admin form, `changepassword`, a reset: whatever calls set_password() and saves.
    laptop = logged_in_client(alice)

    def change():
        alice.set_password("another-long-secret-42")
        alice.save()

    def unrelated_save():
        alice.first_name = "Alicia"
        alice.save()

    async def scenario():
        ws = await connected_socket(cookie_of(laptop))
        try:
            await call(unrelated_save)
            await still_open(ws)
            await call(change)
            assert await events_until_quiet(ws) == ENDED
        finally:
            await ws.disconnect()

    run(scenario)


def test_deactivation_closes_every_socket_of_the_member(alice, bob):
    laptop, phone, bobs = logged_in_client(alice), logged_in_client(alice), logged_in_client(bob)

    def deactivate():
        alice.is_active = False
        alice.save()

    async def scenario():
        laptop_ws, phone_ws, bob_ws = [
            await connected_socket(cookie_of(c)) for c in (laptop, phone, bobs)
        ]
        try:
            await call(deactivate)
            assert await events_until_quiet(laptop_ws) == ENDED
            assert await events_until_quiet(phone_ws) == ENDED
            await still_open(bob_ws)
            assert await refused(cookie_of(laptop))
        finally:
            for ws in (laptop_ws, phone_ws, bob_ws):
                await ws.disconnect()

    run(scenario)
