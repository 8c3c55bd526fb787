"""Who may see and do what in messaging: every messaging URL × every kind of thing × every kind
of viewer, then the live events, the search and the unread-messages e-mail.

Things: a one-to-one conversation between connections, a message request to a stranger, a group
(one member left it before the last messages), a one-to-one conversation across a block; a
message in each; an attachment. Viewers: the participant (who wrote everything), the other
participant, the member who left the group, a connection of the participant who is in none of
them, a stranger, the member on the other side of the block, a staff member who is in none of
them, and an anonymous visitor.

The rule, from the issue: only participants get an answer (200, or a redirect that stays in
messaging); everyone else gets the same 404 as for a conversation that does not exist (a
random UUID), the anonymous visitor is sent to log in, and nothing changes in the database. The
URL list is read from `maillage.messaging.urls.urlpatterns`: a new URL without a case below
fails `test_every_messaging_url_has_a_case`.

One world is built per module; every cell runs in a savepoint rolled back afterwards.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.core import realtime
from maillage.messaging import services
from maillage.messaging.models import (
    Attachment,
    Conversation,
    Message,
    MessagingSettings,
    Participant,
)
from maillage.messaging.urls import urlpatterns
from maillage.network.tests.factories import block, connect, member

VIEWERS = [
    "participant",
    "other",  # the other participant (the recipient, for the request)
    "left",  # was in the group, left it
    "connection",  # a connection of the participant, in none of these conversations
    "stranger",
    "blocked",  # was in a one-to-one conversation with the participant, who then blocked them
    "staff",  # is_staff and is_superuser, in none of these conversations
    "anonymous",
]
OBJECTS = ["direct", "request", "group", "blocked_direct"]
# Who sees each thing. A one-to-one conversation across a block is gone for both.
SEES = {
    "direct": {"participant", "other"},
    "request": {"participant", "other"},
    "group": {"participant", "other"},
    "blocked_direct": set(),
}


@dataclass
class Thing:
    name: str
    conversation: Conversation
    message: Message  # written by the participant, with a unique word
    word: str
    people: dict  # viewer role -> member (None for anonymous)
    attachment: Attachment | None = None


@dataclass
class World:
    people: dict
    things: dict = field(default_factory=dict)

    def member(self, role: str, thing: Thing | None = None):
        if thing is not None and role in thing.people:
            return thing.people[role]
        return self.people[role]


def _build() -> World:
    alice = member(member__first_name="Alice", member__last_name="Participant")
    bob = member(member__first_name="Bob", member__last_name="Other")
    rita = member(member__first_name="Rita", member__last_name="Recipient")
    dana = member(member__first_name="Dana", member__last_name="Groupmate")
    leo = member(member__first_name="Léo", member__last_name="Left")
    cora = member(member__first_name="Cora", member__last_name="Connection")
    stan = member(member__first_name="Stan", member__last_name="Stranger")
    bea = member(member__first_name="Béa", member__last_name="Blocked")
    sam = member(member__first_name="Sam", member__last_name="Staff")
    sam.is_staff = sam.is_superuser = True
    sam.save()
    for other in (bob, dana, leo, cora, bea):
        connect(alice, other)
    people = {
        "participant": alice,
        "other": bob,
        "left": leo,
        "connection": cora,
        "stranger": stan,
        "blocked": bea,
        "staff": sam,
        "anonymous": None,
    }
    world = World(people=people)

    direct = services.conversation_direct(member=alice, other=bob)
    services.message_send(sender=bob, conversation=direct, body="Bonjour Alice")
    word = "zephyrdirect"
    message = services.message_send(sender=alice, conversation=direct, body=f"Le mot {word}")
    attachment = Attachment.objects.create(
        message=message,
        file=ContentFile(b"%PDF-1.4\n%matrix\n", name="matrix.pdf"),
        name="matrix.pdf",
        size=17,
        content_type="application/pdf",
    )
    world.things["direct"] = Thing("direct", direct, message, word, {"other": bob}, attachment)

    word = "zephyrrequest"
    message = services.message_send_to(sender=alice, recipient=rita, body=f"Une demande {word}")
    world.things["request"] = Thing("request", message.conversation, message, word, {"other": rita})

    group = services.conversation_group_create(
        creator=alice, others=[bob, dana, leo], name="Groupe"
    )
    services.message_send(sender=leo, conversation=group, body="Avant de partir")
    services.conversation_leave(member=leo, conversation=group)
    word = "zephyrgroup"
    message = services.message_send(
        sender=alice, conversation=group, body=f"Après son départ {word}"
    )
    world.things["group"] = Thing("group", group, message, word, {"other": bob})

    blocked = services.conversation_direct(member=alice, other=bea)
    services.message_send(sender=bea, conversation=blocked, body="Bonjour")
    word = "zephyrblocked"
    message = services.message_send(
        sender=alice, conversation=blocked, body=f"Avant le blocage {word}"
    )
    block(alice, bea)
    world.things["blocked_direct"] = Thing("blocked_direct", blocked, message, word, {"other": bea})
    # Nothing here may be stale in any cache the pages read.
    Message.objects.update(created_at=timezone.now())
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def clients(world, db):
    made: dict[str, Client] = {}

    def client_for(who) -> Client:
        key = "anonymous" if who is None else str(who.pk)
        if key not in made:
            client = Client()
            if who is not None:
                client.force_login(who)
            made[key] = client
        return made[key]

    return client_for


def snapshot(own_settings_of=None):
    """Everything a messaging URL could change (but the viewer's own settings, when named)."""
    settings_rows = MessagingSettings.objects.order_by("pk")
    if own_settings_of is not None:
        settings_rows = settings_rows.exclude(member=own_settings_of)
    return (
        list(
            Conversation.objects.order_by("pk").values_list(
                "pk", "name", "last_message_id", "updated_at"
            )
        ),
        list(
            Participant.objects.order_by("pk").values_list(
                "pk",
                "member_id",
                "is_admin",
                "request_state",
                "left_at",
                "last_read_message_id",
                "marked_unread",
                "muted",
                "archived",
            )
        ),
        list(Message.objects.order_by("pk").values_list("pk", "body", "edited_at", "deleted_at")),
        list(Attachment.objects.order_by("pk").values_list("pk", "file")),
        list(settings_rows.values_list("member_id", "read_receipts")),
    )


def rolled_back(fn):
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


# --- The URL cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    target: str  # conversation | message | attachment | none
    methods: tuple[str, ...]
    data: object = None  # (world, thing) -> POST data
    query: object = None  # (world, thing) -> GET query string
    only: object = None  # (role, thing) -> whether this participant may use it (else 404)


def _body(world, thing):
    return {"body": "Encore un mot", "client_id": str(uuid.uuid4())}


def _admin_only(role, thing):
    return thing.name == "group" and role == "participant"


def _sender_only(role, thing):
    return role == "participant"


CASES: dict[str, Case] = {
    # Pages without an object: a leak would be showing someone else's conversation or words.
    "messaging": Case("none", ("GET",)),
    "messaging_badge": Case("none", ("GET",)),
    "messaging_settings": Case("none", ("GET", "POST"), data=lambda w, t: {"read_receipts": ""}),
    "message_new": Case(
        "none",
        ("GET", "POST"),
        query=lambda w, t: {"to": str(w.people["other"].public_id)},
        data=lambda w, t: {"to": str(w.people["other"].public_id), "action": "search", "q": "Bob"},
    ),
    "messaging_search": Case("none", ("GET",), query=lambda w, t: {"q": t.word}),
    # One conversation.
    "conversation": Case("conversation", ("GET",)),
    "conversation_messages": Case("conversation", ("GET",), query=lambda w, t: {"after": "0"}),
    "message_send": Case("conversation", ("POST",), data=_body),
    "request_accept": Case("conversation", ("POST",)),
    "request_decline": Case("conversation", ("POST",)),
    "conversation_read": Case("conversation", ("POST",)),
    "conversation_unread": Case("conversation", ("POST",)),
    "conversation_mute": Case("conversation", ("POST",), data=lambda w, t: {"on": "1"}),
    "conversation_archive": Case("conversation", ("POST",), data=lambda w, t: {"on": "1"}),
    "conversation_leave": Case("conversation", ("POST",)),
    "conversation_rename": Case("conversation", ("POST",), data=lambda w, t: {"name": "Renommé"}),
    "participants_add": Case(
        "conversation",
        ("GET", "POST"),
        data=lambda w, t: {"to": str(w.people["connection"].public_id)},
        only=_admin_only,
    ),
    "participant_remove": Case(
        "conversation", ("POST",), data=lambda w, t: {"member": str(t.people["other"].public_id)}
    ),
    # One message, one attachment.
    "message_edit": Case(
        "message", ("GET", "POST"), data=lambda w, t: {"body": "Modifié"}, only=_sender_only
    ),
    "message_delete": Case("message", ("GET", "POST"), only=_sender_only),
    "message_attachment": Case("attachment", ("GET",)),
}


def _target_of(route: str) -> str:
    if "<uuid" not in route:
        return "none"
    if route.startswith("messaging/attachments/"):
        return "attachment"
    if route.startswith("messaging/messages/"):
        return "message"
    return "conversation"


URLS = {p.name: str(p.pattern) for p in urlpatterns}


def test_every_messaging_url_has_a_case():
    missing = sorted(set(URLS) - set(CASES))
    assert not missing, f"messaging URLs without an authorization case: {missing}"
    assert sorted(set(CASES) - set(URLS)) == [], "cases for URLs that no longer exist"
    for name, route in URLS.items():
        assert CASES[name].target == _target_of(route), name


def _url(name: str, thing: Thing | None, *, missing: bool = False) -> str:
    target = CASES[name].target
    if target == "none":
        return reverse(name)
    if missing:
        return reverse(name, args=[uuid.uuid4()])
    obj = {
        "conversation": thing.conversation,
        "message": thing.message,
        "attachment": thing.attachment,
    }[target]
    return reverse(name, args=[obj.public_id])


def _request(client: Client, method: str, url: str, case: Case, world, thing):
    if method == "GET":
        return client.get(url, case.query(world, thing) if case.query and thing else {})
    return client.post(url, case.data(world, thing) if case.data and thing else {})


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


CELLS = [(name, method) for name in sorted(CASES) for method in ("GET", "POST")]


def _things_for(case: Case, world: World) -> list[Thing]:
    if case.target == "attachment":
        return [t for t in world.things.values() if t.attachment is not None]
    return list(world.things.values())


@pytest.mark.parametrize(("name", "method"), CELLS)
def test_matrix(world, clients, name, method):
    """One URL and one method, for every thing and every viewer."""
    case = CASES[name]
    problems: list[str] = []
    things = _things_for(case, world) if case.target != "none" else [None]
    for thing in things:
        for role in VIEWERS:
            who = world.member(role, thing)
            client = clients(who)
            url = _url(name, thing)
            label = f"{name} {method} {thing.name if thing else '-'} as {role}"
            before = snapshot()

            def run_it():
                response = _request(client, method, url, case, world, thing)  # noqa: B023
                return response, snapshot()

            response, during = rolled_back(run_it)
            if role == "anonymous":
                if not _is_login_redirect(response):
                    problems.append(f"{label}: {response.status_code}, expected the login page")
                continue
            if method not in case.methods:
                # Refused before anything is looked up: the same answer whether the thing
                # exists or not, so nothing is learnt.
                if response.status_code != 405:
                    problems.append(f"{label}: {response.status_code}, expected 405")
                continue
            if case.target == "none":
                continue  # the pages without an object: see test_pages_without_an_object
            sees = role in SEES[thing.name] and (case.only is None or case.only(role, thing))
            if not sees:
                if response.status_code != 404:
                    problems.append(f"{label}: {response.status_code}, expected 404")
                elif during != before:
                    problems.append(f"{label}: the database changed")
                continue
            location = response.get("Location", "") or response.get("HX-Redirect", "")
            if response.status_code in (200, 204, 400):
                continue
            if response.status_code == 302 and location.startswith("/messaging/"):
                continue
            problems.append(f"{label}: {response.status_code} {location}, expected an answer")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("name", "method"), [c for c in CELLS if CASES[c[0]].target != "none"])
def test_a_uuid_that_does_not_exist_looks_the_same(world, clients, name, method):
    """Enumerating UUIDs tells nothing: a missing one gets the same answer as a forbidden one."""
    case = CASES[name]
    for role in VIEWERS[:-1]:
        response = clients(world.member(role)).generic(method, _url(name, None, missing=True))
        expected = 404 if method in case.methods else 405
        assert response.status_code == expected, (name, method, role)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.target == "none"])
def test_pages_without_an_object(world, clients, name):
    """The inbox, the badge, the settings, a new conversation and the search show a thing's id
    or words only to those who see it, and change nothing of anyone else's."""
    case = CASES[name]
    problems: list[str] = []
    for role in VIEWERS[:-1]:
        who = world.member(role)
        client = clients(who)
        for thing in world.things.values():
            for method in case.methods:
                before = snapshot(own_settings_of=who)

                def run_it():
                    response = _request(client, method, reverse(name), case, world, thing)  # noqa: B023
                    return response, snapshot(own_settings_of=who)  # noqa: B023

                response, during = rolled_back(run_it)
                label = f"{name} {method} about {thing.name} as {role}"
                if response.status_code not in (200, 302):
                    problems.append(f"{label}: {response.status_code}")
                if during != before:
                    problems.append(f"{label}: the database changed")
                content = response.content.decode()
                sees = role == "participant" if thing.name != "blocked_direct" else False
                sees = sees or (role == "other" and thing.name in ("direct", "group"))
                if sees:
                    continue
                secrets = [str(thing.conversation.public_id), str(thing.message.public_id)]
                if name != "messaging_search":  # the search page repeats the words searched for
                    secrets.append(thing.word)
                for secret in secrets:
                    if secret in content:
                        problems.append(f"{label}: shows {secret}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["messaging", "messaging_search"])
def test_the_leak_checks_above_can_see_a_leak(world, clients, name):
    """The participant's own inbox and search do show the ids and words the checks look for, so
    a page that leaked them would be caught."""
    client = clients(world.people["participant"])
    for thing_name in ("direct", "group"):
        thing = world.things[thing_name]
        response = client.get(
            reverse(name), CASES[name].query(world, thing) if CASES[name].query else {}
        )
        content = response.content.decode()
        expected = str(thing.conversation.public_id)
        assert expected in content, (name, thing_name)


# --- Live events, e-mail ----------------------------------------------------------------------


def fresh(obj):
    """A new copy from the database: the services change the instances they are given."""
    return type(obj).objects.get(pk=obj.pk)


def _actions(world: World):
    """What participants do in each thing, as (thing, label, callable)."""
    alice, bob = world.people["participant"], world.people["other"]
    direct, group, request = world.things["direct"], world.things["group"], world.things["request"]
    rita = request.people["other"]
    return [
        (
            direct,
            "send",
            lambda: services.message_send(
                sender=bob, conversation=fresh(direct.conversation), body="x"
            ),
        ),
        (
            direct,
            "edit",
            lambda: services.message_edit(member=alice, message=fresh(direct.message), body="y"),
        ),
        (
            direct,
            "delete",
            lambda: services.message_delete(member=alice, message=fresh(direct.message)),
        ),
        (
            direct,
            "read",
            lambda: services.conversation_mark_read(
                member=bob, conversation=fresh(direct.conversation)
            ),
        ),
        (
            group,
            "send",
            lambda: services.message_send(
                sender=bob, conversation=fresh(group.conversation), body="x"
            ),
        ),
        (
            group,
            "edit",
            lambda: services.message_edit(member=alice, message=fresh(group.message), body="y"),
        ),
        (
            group,
            "delete",
            lambda: services.message_delete(member=alice, message=fresh(group.message)),
        ),
        (
            group,
            "read",
            lambda: services.conversation_mark_read(
                member=bob, conversation=fresh(group.conversation)
            ),
        ),
        (
            group,
            "rename",
            lambda: services.conversation_rename(
                member=alice, conversation=fresh(group.conversation), name="N"
            ),
        ),
        (
            group,
            "add",
            lambda: services.participants_add(
                member=alice,
                conversation=fresh(group.conversation),
                others=[world.people["connection"]],
            ),
        ),
        (
            request,
            "answer",
            lambda: services.message_send(
                sender=rita, conversation=fresh(request.conversation), body="x"
            ),
        ),
        (
            request,
            "accept and read",
            lambda: (
                services.request_accept(member=rita, conversation=fresh(request.conversation)),
                services.conversation_mark_read(
                    member=rita, conversation=fresh(request.conversation)
                ),
            ),
        ),
    ]


def test_live_events_reach_only_the_participants(
    world, db, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(
        realtime, "_send", lambda member_id, event, data: sent.append((member_id, event))
    )
    outsiders = {world.people[r].pk for r in ("left", "connection", "stranger", "blocked", "staff")}
    for thing, label, action in _actions(world):
        sent.clear()

        def run_it():
            with django_capture_on_commit_callbacks(execute=True):
                action()  # noqa: B023

        rolled_back(run_it)
        assert sent, f"{thing.name} {label}: no event at all (the check below would be empty)"
        reached = {member_id for member_id, _event in sent}
        allowed = {world.people["participant"].pk, thing.people["other"].pk}
        if label == "add":
            allowed |= {world.people["connection"].pk}  # the one just added
        allowed |= set(
            thing.conversation.participants.filter(left_at__isnull=True).values_list(
                "member_id", flat=True
            )
        )
        assert reached <= allowed, f"{thing.name} {label}: events to {reached - allowed}"
        if label != "add":
            assert not reached & outsiders, f"{thing.name} {label}: events to outsiders"


def test_unread_message_mail_goes_only_to_participants(world, db, mailoutbox, settings):
    from maillage.messaging import email

    settings.MAILLAGE_MESSAGE_EMAIL_DELAY = 0
    later = timezone.now() + timedelta(hours=1)
    everyone = [world.people[r] for r in VIEWERS[:-1]] + [world.things["request"].people["other"]]

    def send_all():
        for name in ("direct", "group"):
            thing = world.things[name]
            services.message_send(
                sender=world.people["participant"],
                conversation=fresh(thing.conversation),
                body=f"Relance {thing.word}",
            )
        for person in everyone:
            email.unread_messages_send(person.pk, now=later)
        return [(list(m.to), m.body) for m in mailoutbox]

    mails = rolled_back(send_all)
    by_address: dict[str, str] = {}
    for to, body in mails:
        for address in to:
            by_address[address] = by_address.get(address, "") + body
    # The other participant is told (so the check can fail) ...
    assert "zephyr" in by_address.get(
        world.people["other"].email, ""
    ) or "Relance" in by_address.get(world.people["other"].email, "")
    # ... and nobody else ever hears a word of these conversations.
    allowed = {world.people["other"].email, world.things["request"].people["other"].email}
    for address, body in by_address.items():
        if address in allowed:
            continue
        for thing in world.things.values():
            assert thing.word not in body, (address, thing.name)
        assert address not in {
            world.people[r].email for r in ("left", "connection", "stranger", "blocked", "staff")
        }
