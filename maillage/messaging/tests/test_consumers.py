"""The member's socket for messaging: who may open one, typing indicators, read receipts, and
that a member who left, was removed or blocked hears nothing more from the conversation.

Everything goes through the real ASGI application (`config.asgi.application`).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.core.consumers import CLOSE_UNAUTHENTICATED
from maillage.messaging import consumers, services
from maillage.messaging.models import Participant
from maillage.network.tests.factories import block, connect, member

from .sockets import (
    DELIVERY_TIMEOUT,
    SILENCE_TIMEOUT,
    call,
    connected_socket,
    events_until_quiet,
    next_event,
    run,
    session_cookie_for,
    socket,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice():
    return member(member__first_name="Alice", member__last_name="Martin")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Durand")


@pytest.fixture
def camille():
    return member(member__first_name="Camille", member__last_name="Petit")


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


@pytest.fixture
def group(alice, bob, camille):
    connect(alice, bob)
    connect(alice, camille)
    return services.conversation_group_create(creator=alice, others=[bob, camille], name="Projet")


def typing(conversation) -> dict:
    return {"type": "typing", "conversation": str(conversation.public_id)}


def typed(conversation, who) -> dict:
    return {
        "type": "typing",
        "data": {
            "conversation": str(conversation.public_id),
            "member": str(who.public_id),
            "name": who.get_full_name(),
        },
    }


# --- Who may open a socket ------------------------------------------------------------------


def test_anonymous_socket_is_refused():
    async def scenario():
        connected, code = await socket(cookie=None).connect(timeout=DELIVERY_TIMEOUT)
        assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)

    run(scenario)


@pytest.mark.parametrize(
    "origin", [b"https://evil.example", b"http://localhost.evil.example", b"null"]
)
def test_cross_origin_socket_is_refused(alice, origin):
    cookie = session_cookie_for(alice)

    async def scenario():
        connected, _code = await socket(cookie, origin=origin).connect(timeout=DELIVERY_TIMEOUT)
        assert not connected
        # The same cookie from the site itself is accepted: the origin made the difference.
        ws = await connected_socket(cookie)
        await ws.disconnect()

    run(scenario)


# --- Typing ---------------------------------------------------------------------------------


def test_typing_reaches_the_other_participant_once_per_three_seconds(
    alice, bob, direct, monkeypatch
):
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await alice_ws.send_json_to(typing(direct))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(direct, alice)
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)  # not to oneself

            # Keystrokes within three seconds send nothing more.
            await alice_ws.send_json_to(typing(direct))
            await alice_ws.send_json_to(typing(direct))
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)

            # Once the interval has passed, the next keystroke is sent again.
            monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
            await alice_ws.send_json_to(typing(direct))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(direct, alice)
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_throttle_is_per_socket_and_per_conversation(alice, bob, camille, direct, group):
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        tab1, tab2 = await connected_socket(alice_cookie), await connected_socket(alice_cookie)
        bob_ws = await connected_socket(bob_cookie)
        try:
            await tab1.send_json_to(typing(direct))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(direct, alice)
            await tab1.send_json_to(typing(group))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(group, alice)
            await tab2.send_json_to(typing(direct))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(direct, alice)
        finally:
            for ws in (tab1, tab2, bob_ws):
                await ws.disconnect()

    run(scenario)


@pytest.mark.parametrize("who_turns_off", ["typist", "reader"])
def test_typing_needs_receipts_on_both_sides(alice, bob, direct, who_turns_off):
    services.messaging_settings_update(
        member=alice if who_turns_off == "typist" else bob, read_receipts=False
    )
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await alice_ws.send_json_to(typing(direct))
            await bob_ws.send_json_to(typing(direct))
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_typing_setting_is_read_at_each_event(alice, bob, direct, monkeypatch):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await alice_ws.send_json_to(typing(direct))
            assert (await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT))["type"] == "typing"
            await call(services.messaging_settings_update, member=bob, read_receipts=False)
            await alice_ws.send_json_to(typing(direct))
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_group_typing_skips_whoever_is_blocked_with_the_typist(alice, bob, camille, group):
    alice_cookie, bob_cookie, camille_cookie = (
        session_cookie_for(m) for m in (alice, bob, camille)
    )

    async def scenario():
        alice_ws, bob_ws, camille_ws = [
            await connected_socket(c) for c in (alice_cookie, bob_cookie, camille_cookie)
        ]
        try:
            await call(block, camille, bob)
            await camille_ws.send_json_to(typing(group))
            assert await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(
                group, camille
            )
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await bob_ws.send_json_to(typing(group))
            assert await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(group, bob)
            assert await camille_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            for ws in (alice_ws, bob_ws, camille_ws):
                await ws.disconnect()

    run(scenario)


def test_strangers_and_unanswered_requests_show_no_typing(alice, bob, camille, direct):
    # Camille is not a connection of Bob: her first message is a request he has not answered.
    services.message_send_to(sender=camille, recipient=bob, body="Bonjour")
    request = services.conversation_direct(member=camille, other=bob)
    alice_cookie, bob_cookie, camille_cookie = (
        session_cookie_for(m) for m in (alice, bob, camille)
    )

    async def scenario():
        alice_ws, bob_ws, camille_ws = [
            await connected_socket(c) for c in (alice_cookie, bob_cookie, camille_cookie)
        ]
        try:
            await camille_ws.send_json_to(typing(request))  # the request is not accepted yet
            await camille_ws.send_json_to(typing(direct))  # not her conversation at all
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await call(services.request_accept, member=bob, conversation=request)
            await camille_ws.send_json_to(typing(request) | {"again": 1})
            # The throttle remembers the refused keystroke: wait for the next interval.
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            for ws in (alice_ws, bob_ws, camille_ws):
                await ws.disconnect()

    run(scenario)


def test_accepted_request_shows_typing(bob, camille, monkeypatch):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    services.message_send_to(sender=camille, recipient=bob, body="Bonjour")
    request = services.conversation_direct(member=camille, other=bob)
    bob_cookie, camille_cookie = session_cookie_for(bob), session_cookie_for(camille)

    async def scenario():
        bob_ws, camille_ws = (
            await connected_socket(bob_cookie),
            await connected_socket(camille_cookie),
        )
        try:
            await camille_ws.send_json_to(typing(request))
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await call(services.request_accept, member=bob, conversation=request)
            await camille_ws.send_json_to(typing(request))
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(
                request, camille
            )
        finally:
            await bob_ws.disconnect()
            await camille_ws.disconnect()

    run(scenario)


# --- Read receipts --------------------------------------------------------------------------


def test_read_marks_the_conversation_and_tells_the_sender(alice, bob, direct):
    first = services.message_send(sender=alice, conversation=direct, body="Un")
    second = services.message_send(sender=alice, conversation=direct, body="Deux")
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await bob_ws.send_json_to(
                {"type": "read", "conversation": str(direct.public_id), "up_to": first.pk}
            )
            expected = {
                "type": "conversation.read",
                "data": {
                    "conversation": str(direct.public_id),
                    "reader": str(bob.public_id),
                    "up_to": first.pk,
                },
            }
            assert await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == expected
            # Bob's own tabs learn it too, to clear their badges.
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == expected
            row = await call(Participant.objects.get, conversation=direct, member=bob)
            assert row.last_read_message_id == first.pk
            await bob_ws.send_json_to(
                {"type": "read", "conversation": str(direct.public_id), "up_to": second.pk}
            )
            assert (await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT))["data"][
                "up_to"
            ] == second.pk
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_read_without_receipts_is_stored_but_not_shown(alice, bob, direct):
    message = services.message_send(sender=alice, conversation=direct, body="Un")
    services.messaging_settings_update(member=bob, read_receipts=False)
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await bob_ws.send_json_to(
                {"type": "read", "conversation": str(direct.public_id), "up_to": message.pk}
            )
            assert (await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT))[
                "type"
            ] == "conversation.read"
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            row = await call(Participant.objects.get, conversation=direct, member=bob)
            assert row.last_read_message_id == message.pk
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_read_is_refused_for_outsiders_and_foreign_message_ids(alice, bob, camille, direct):
    mine = services.message_send(sender=alice, conversation=direct, body="Un")
    connect(alice, camille)
    other = services.conversation_direct(member=alice, other=camille)
    elsewhere = services.message_send(sender=alice, conversation=other, body="Ailleurs")
    alice_cookie, bob_cookie, camille_cookie = (
        session_cookie_for(m) for m in (alice, bob, camille)
    )

    async def scenario():
        alice_ws, bob_ws, camille_ws = [
            await connected_socket(c) for c in (alice_cookie, bob_cookie, camille_cookie)
        ]
        try:
            # Camille is not in Alice and Bob's conversation.
            await camille_ws.send_json_to(
                {"type": "read", "conversation": str(direct.public_id), "up_to": mine.pk}
            )
            # Bob names a message of another conversation, then garbage.
            for up_to in (elsewhere.pk, -1, "1", True, 10**30):
                await bob_ws.send_json_to(
                    {"type": "read", "conversation": str(direct.public_id), "up_to": up_to}
                )
            for ws in (alice_ws, bob_ws, camille_ws):
                assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            rows = await call(
                lambda: list(
                    Participant.objects.filter(conversation=direct)
                    .values_list("last_read_message_id", flat=True)
                    .order_by("member_id")
                )
            )
            assert rows == [mine.pk, 0]  # Alice read her own message by sending it; Bob nothing
            await bob_ws.send_json_to({"type": "ping"})
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == {"type": "pong"}
        finally:
            for ws in (alice_ws, bob_ws, camille_ws):
                await ws.disconnect()

    run(scenario)


# --- Bad input ------------------------------------------------------------------------------


def test_bad_frames_are_ignored_and_the_socket_stays_open(alice, bob, direct):
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            for text in ("{not json", "", "null", "[]", '"typing"', "x" * 10000):
                await alice_ws.send_input({"type": "websocket.receive", "text": text})
            await alice_ws.send_input({"type": "websocket.receive", "bytes": b"\x00\x01"})
            for frame in (
                {"type": "subscribe", "group": f"member.{bob.pk}"},
                {"type": "typing"},
                {"type": "typing", "conversation": 12},
                {"type": "typing", "conversation": "not-a-uuid"},
                {"type": "typing", "conversation": ["x"]},
                {"type": "typing", "conversation": "00000000-0000-0000-0000-000000000000"},
                {"type": "read", "conversation": None},
                {"type": "read", "conversation": "00000000-0000-0000-0000-000000000000"},
                {"type": 7},
                {"type": ["typing"]},
            ):
                await alice_ws.send_json_to(frame)
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await alice_ws.send_json_to(typing(direct))  # still works
            assert await bob_ws.receive_json_from(timeout=DELIVERY_TIMEOUT) == typed(direct, alice)
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


# --- Leaving, removal, blocks ---------------------------------------------------------------


@pytest.mark.parametrize("how", ["left", "removed"])
def test_a_member_who_left_or_was_removed_hears_nothing_more(
    alice, bob, camille, group, how, monkeypatch
):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    alice_cookie, bob_cookie, camille_cookie = (
        session_cookie_for(m) for m in (alice, bob, camille)
    )

    async def scenario():
        alice_ws, bob_ws, camille_ws = [
            await connected_socket(c) for c in (alice_cookie, bob_cookie, camille_cookie)
        ]
        try:
            if how == "left":
                await call(services.conversation_leave, member=camille, conversation=group)
            else:
                await call(
                    services.participant_remove, member=alice, conversation=group, other=camille
                )
            gone = await events_until_quiet(camille_ws)
            assert {
                "type": "conversation.gone",
                "data": {"conversation": str(group.public_id)},
            } in gone
            assert all(
                e["type"] != "message.new" for e in gone
            )  # not even the "left" event message
            await events_until_quiet(alice_ws)
            await events_until_quiet(bob_ws)

            # Everything afterwards: a message, an edit, a deletion, typing, a read receipt.
            message = await call(
                services.message_send, sender=alice, conversation=group, body="Après"
            )
            await call(services.message_edit, member=alice, message=message, body="Après (modifié)")
            await call(services.message_delete, member=alice, message=message)
            await alice_ws.send_json_to(typing(group))
            await bob_ws.send_json_to(
                {"type": "read", "conversation": str(group.public_id), "up_to": message.pk}
            )
            received = [e["type"] for e in await events_until_quiet(bob_ws)]
            assert received[:3] == ["message.new", "message.edited", "message.deleted"]
            assert "typing" in received and "conversation.read" in received
            assert await camille_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            await events_until_quiet(alice_ws)

            # Her own socket cannot speak into it any more either.
            await camille_ws.send_json_to(typing(group))
            await camille_ws.send_json_to(
                {"type": "read", "conversation": str(group.public_id), "up_to": message.pk}
            )
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await camille_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
        finally:
            for ws in (alice_ws, bob_ws, camille_ws):
                await ws.disconnect()

    run(scenario)


def test_blocking_removes_the_direct_conversation_from_both_at_once(
    alice, bob, direct, monkeypatch
):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    message = services.message_send(sender=alice, conversation=direct, body="Avant")
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        try:
            await call(block, alice, bob)
            gone = {"type": "conversation.gone", "data": {"conversation": str(direct.public_id)}}
            assert await next_event(alice_ws) == gone
            assert await next_event(bob_ws) == gone
            await bob_ws.send_json_to(typing(direct))
            await bob_ws.send_json_to(
                {"type": "read", "conversation": str(direct.public_id), "up_to": message.pk}
            )
            # The conversation is gone for both: not even its author edits in it any more.
            with pytest.raises(ValidationError):
                await call(services.message_edit, member=alice, message=message, body="Modifié")
            # Nothing reaches Alice or Bob, and Bob's typing and read frames reach nobody.
            assert await alice_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await bob_ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            row = await call(Participant.objects.get, conversation=direct, member=bob)
            assert row.last_read_message_id == 0
        finally:
            await alice_ws.disconnect()
            await bob_ws.disconnect()

    run(scenario)


def test_typing_check_costs_the_same_queries_whatever_the_group_size(
    alice, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(size: int) -> int:
        others = [member() for _ in range(size)]
        for other in others:
            connect(alice, other)
        services.messaging_settings_update(member=others[0], read_receipts=False)
        conversation = services.conversation_group_create(creator=alice, others=others)
        cache.clear()  # cold: the typist's block set is read too
        with CaptureQueriesContext(connection) as queries:
            recipients, _data = consumers.typing_recipients(alice.pk, conversation.public_id)
        assert sorted(recipients) == sorted(o.pk for o in others[1:])
        return len(queries)

    small, large = queries_for(2), queries_for(12)
    assert small == large <= 4
