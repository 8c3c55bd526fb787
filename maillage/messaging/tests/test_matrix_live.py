"""The authorization matrix over the member's socket: every kind of outsider (a former group
member, a connection in neither conversation, a stranger, the member on the other side of a
block, a staff member) against a one-to-one conversation and a group.

An outsider's "typing" and "read" frames are ignored — nobody hears them, no read state moves —
and nothing the participants do (send, edit, delete, read, type, rename) reaches an outsider's
socket, while the other participant hears it all (so silence is not a broken socket).
"""

from __future__ import annotations

import pytest

from maillage.messaging import consumers, services
from maillage.messaging.models import Participant
from maillage.network.tests.factories import block, connect, member

from .sockets import (
    DELIVERY_TIMEOUT,
    SILENCE_TIMEOUT,
    call,
    connected_socket,
    events_until_quiet,
    run,
    session_cookie_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

OUTSIDERS = ["left", "connection", "stranger", "blocked", "staff"]


@pytest.fixture
def cast():
    alice = member(member__first_name="Alice", member__last_name="Participant")
    bob = member(member__first_name="Bob", member__last_name="Other")
    dana = member(member__first_name="Dana", member__last_name="Groupmate")
    people = {
        "left": member(member__first_name="Léo", member__last_name="Left"),
        "connection": member(member__first_name="Cora", member__last_name="Connection"),
        "stranger": member(member__first_name="Stan", member__last_name="Stranger"),
        "blocked": member(member__first_name="Béa", member__last_name="Blocked"),
        "staff": member(member__first_name="Sam", member__last_name="Staff"),
    }
    people["staff"].is_staff = people["staff"].is_superuser = True
    people["staff"].save()
    for other in (bob, dana, people["left"], people["connection"], people["blocked"]):
        connect(alice, other)
    direct = services.conversation_direct(member=alice, other=bob)
    services.message_send(sender=alice, conversation=direct, body="Bonjour Bob")
    group = services.conversation_group_create(
        creator=alice, others=[bob, dana, people["left"], people["blocked"]], name="Groupe"
    )
    services.message_send(sender=alice, conversation=group, body="Bonjour à tous")
    services.conversation_leave(member=people["left"], conversation=group)
    # Béa was in the group and in a one-to-one conversation with Alice; Alice blocked her and
    # removed her from the group.
    with_bea = services.conversation_direct(member=alice, other=people["blocked"])
    services.message_send(sender=alice, conversation=with_bea, body="Avant")
    services.participant_remove(member=alice, conversation=group, other=people["blocked"])
    block(alice, people["blocked"])
    return {"alice": alice, "bob": bob, "direct": direct, "group": group, **people}


def _read_state():
    return list(
        Participant.objects.order_by("pk").values_list(
            "pk", "last_read_message_id", "marked_unread", "left_at"
        )
    )


def test_outsiders_typing_and_read_are_ignored(cast, monkeypatch):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    bob_cookie = session_cookie_for(cast["bob"])
    alice_cookie = session_cookie_for(cast["alice"])
    outsider_cookies = {role: session_cookie_for(cast[role]) for role in OUTSIDERS}
    latest = {
        name: cast[name].messages.order_by("-pk").values_list("pk", flat=True).first()
        for name in ("direct", "group")
    }
    before = _read_state()

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        outsiders = {role: await connected_socket(c) for role, c in outsider_cookies.items()}
        try:
            for ws in outsiders.values():
                for name in ("direct", "group"):
                    conversation = str(cast[name].public_id)
                    await ws.send_json_to({"type": "typing", "conversation": conversation})
                    await ws.send_json_to(
                        {"type": "read", "conversation": conversation, "up_to": latest[name]}
                    )
                    await ws.send_json_to({"type": "read", "conversation": conversation})
            for ws in (alice_ws, bob_ws, *outsiders.values()):
                assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT)
            assert await call(_read_state) == before
            # The same frames from Bob are heard: the silence above was the check, not a
            # socket that hears nothing.
            await bob_ws.send_json_to(
                {"type": "typing", "conversation": str(cast["direct"].public_id)}
            )
            event = await alice_ws.receive_json_from(timeout=DELIVERY_TIMEOUT)
            assert event["type"] == "typing"
        finally:
            for ws in (alice_ws, bob_ws, *outsiders.values()):
                await ws.disconnect()

    run(scenario)


def test_nothing_participants_do_reaches_an_outsiders_socket(cast, monkeypatch):
    monkeypatch.setattr(consumers, "TYPING_EVERY", 0.0)
    alice, bob = cast["alice"], cast["bob"]
    alice_cookie, bob_cookie = session_cookie_for(alice), session_cookie_for(bob)
    outsider_cookies = {role: session_cookie_for(cast[role]) for role in OUTSIDERS}

    async def scenario():
        alice_ws, bob_ws = await connected_socket(alice_cookie), await connected_socket(bob_cookie)
        outsiders = {role: await connected_socket(c) for role, c in outsider_cookies.items()}
        try:
            for name in ("direct", "group"):
                conversation = cast[name]
                message = await call(
                    services.message_send, sender=alice, conversation=conversation, body="Nouveau"
                )
                await call(services.message_edit, member=alice, message=message, body="Modifié")
                await call(services.conversation_mark_read, member=bob, conversation=conversation)
                await call(services.message_delete, member=alice, message=message)
                await alice_ws.send_json_to(
                    {"type": "typing", "conversation": str(conversation.public_id)}
                )
            await call(
                services.conversation_rename, member=alice, conversation=cast["group"], name="Autre"
            )
            heard = {e.get("type") for e in await events_until_quiet(bob_ws)}
            assert {
                "message.new",
                "message.edited",
                "message.deleted",
                "typing",
            } <= heard, heard
            for role, ws in outsiders.items():
                assert await ws.receive_nothing(timeout=SILENCE_TIMEOUT), role
        finally:
            for ws in (alice_ws, bob_ws, *outsiders.values()):
                await ws.disconnect()

    run(scenario)
