"""The demo network's messaging: a few conversations for Camille (the demo login) so her inbox
is alive on first start — one-to-one conversations with connections (some unread), a named
group of connections, and a message request from someone outside her network.

Written only when Camille has no conversation yet (first start): a refresh leaves what she
wrote since alone. Rows are written directly (no live events, no rate limits: nobody is
connected while the demo loads), keeping the services' invariants: one-to-one conversations
carry their `direct_key`, groups only hold the creator's connections, a request is pending
with its one message, nobody is put in a conversation across a block, texts go through the
posts' renderer, and each conversation points at its newest message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from maillage.core.text import render_markdown

from .network import ADMIN, CAMILLE, NetworkPlan

# (who speaks: 0 = Camille, 1 = the other / the n-th other), text, hours ago
_DIRECT_FR = [
    [
        (1, "Bonjour Camille, merci pour l'atelier de mardi, l'équipe a adoré le format.", 70),
        (0, "Avec plaisir ! On refait une session en janvier si vous voulez.", 69),
        (1, "Oui, je bloque une date et je reviens vers toi.", 3),
    ],
    [
        (0, "Tu as pu relire la note de cadrage de l'espace client ?", 30),
        (1, "Pas encore, je m'y mets ce soir. Deux ou trois questions sur le planning.", 28),
        (0, "Parfait, on en parle jeudi.", 27),
    ],
    [
        (1, "Est-ce que tu serais disponible pour un café la semaine prochaine ?", 8),
    ],
    [
        (0, "Bravo pour ta nouvelle mission !", 120),
        (1, "Merci beaucoup Camille, hâte de commencer.", 118),
    ],
]
_DIRECT_EN = [
    [
        (1, "Hi Camille, thanks for Tuesday's workshop — the team loved the format.", 70),
        (0, "My pleasure! Happy to run another one in January.", 69),
        (1, "Great, I'll pick a date and get back to you.", 3),
    ],
    [
        (0, "Did you get a chance to read the customer area brief?", 30),
        (1, "Not yet, I'll do it tonight. A couple of questions on the timeline.", 28),
        (0, "Perfect, let's talk on Thursday.", 27),
    ],
    [
        (1, "Would you be free for a coffee next week?", 8),
    ],
    [
        (0, "Congratulations on the new role!", 120),
        (1, "Thanks a lot Camille, can't wait to start.", 118),
    ],
]
_GROUP = {
    "fr": (
        "Refonte espace client",
        [
            (0, "Bonjour à tous, voici le fil pour la refonte de l'espace client.", 50),
            (1, "Merci ! Les maquettes sont prêtes pour la revue de jeudi.", 26),
            (2, "Je m'occupe de la recette des parcours de paiement.", 5),
        ],
    ),
    "en": (
        "Customer area redesign",
        [
            (0, "Hi all, here is the thread for the customer area redesign.", 50),
            (1, "Thanks! The mock-ups are ready for Thursday's review.", 26),
            (2, "I'll take care of testing the payment journeys.", 5),
        ],
    ),
}
_REQUEST = {
    "fr": "Bonjour Camille, je recrute une cheffe de projet digital à Lyon. Seriez-vous ouverte à en discuter ?",
    "en": "Hello Camille, I am hiring a digital project lead in Lyon. Would you be open to a chat?",
}


def demo_messaging_load(*, users: list, network: NetworkPlan, now: datetime | None = None) -> bool:
    """Write Camille's conversations when she has none (first start); True when written."""
    from django.utils import timezone

    from maillage.messaging.models import Participant

    me = users[CAMILLE]
    if Participant.objects.filter(member=me).exists():
        return False
    now = now or timezone.now()
    language = "fr" if getattr(me, "language", "fr") == "fr" else "en"
    blocked = {b for a, b in network.blocks if a == CAMILLE} | {
        a for a, b in network.blocks if b == CAMILLE
    }
    friends = sorted(
        (b if a == CAMILLE else a)
        for (a, b) in network.connections
        if CAMILLE in (a, b) and ADMIN not in (a, b) and (b if a == CAMILLE else a) not in blocked
    )
    if len(friends) < 6:
        return False
    threads = _DIRECT_FR if language == "fr" else _DIRECT_EN
    for index, lines in zip(friends[: len(threads)], threads, strict=False):
        other = users[index]
        # The first two are read; the later ones wait for Camille.
        read = lines is threads[1] or lines is threads[3]
        _direct(me, other, lines, now, read=read)
    name, lines = _GROUP[language]
    group_people = [users[i] for i in friends[len(threads) : len(threads) + 3]]
    if not any(
        _blocked_between(network, a, b) for a in friends[4:7] for b in friends[4:7] if a < b
    ):
        _group(me, group_people, name, lines, now)
    connected = {b if a == CAMILLE else a for (a, b) in network.connections if CAMILLE in (a, b)}
    strangers = [
        i
        for i in range(2, len(users))
        if i not in connected and i not in blocked and users[i].is_active
    ]
    if strangers:
        _request(me, users[strangers[len(strangers) // 2]], _REQUEST[language], now)
    return True


def _blocked_between(network: NetworkPlan, a: int, b: int) -> bool:
    return (a, b) in network.blocks or (b, a) in network.blocks


def _write(conversation, sender, body: str, at: datetime):
    from maillage.messaging.models import Conversation, Message

    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, body_html=str(render_markdown(body))
    )
    Message.objects.filter(pk=message.pk).update(created_at=at, updated_at=at)
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message, last_message_at=at)
    return message


def _direct(me, other, lines, now: datetime, *, read: bool) -> None:
    from maillage.messaging.models import Conversation, ConversationKind, Participant

    low, high = sorted((me.pk, other.pk))
    conversation = Conversation.objects.create(
        kind=ConversationKind.DIRECT, created_by=me, direct_key=f"{low}:{high}"
    )
    mine = Participant.objects.create(conversation=conversation, member=me)
    theirs = Participant.objects.create(conversation=conversation, member=other)
    last = None
    my_last = None
    for who, body, hours in lines:
        sender = me if who == 0 else other
        last = _write(conversation, sender, body, now - timedelta(hours=hours))
        if who == 0:
            my_last = last
    theirs.last_read_message_id = last.pk
    theirs.last_read_at = now - timedelta(hours=lines[-1][2]) + timedelta(minutes=5)
    theirs.save(update_fields=["last_read_message_id", "last_read_at"])
    if read or last.sender_id == me.pk:
        mine.last_read_message_id = last.pk
    elif my_last is not None:
        mine.last_read_message_id = my_last.pk
    mine.save(update_fields=["last_read_message_id"])


def _group(me, people, name: str, lines, now: datetime) -> None:
    from maillage.messaging.models import (
        Conversation,
        ConversationKind,
        Message,
        MessageKind,
        Participant,
    )

    conversation = Conversation.objects.create(
        kind=ConversationKind.GROUP, created_by=me, name=name
    )
    Participant.objects.create(conversation=conversation, member=me, is_admin=True)
    for person in people:
        Participant.objects.create(conversation=conversation, member=person)
    start = now - timedelta(hours=lines[0][2] + 1)
    event = Message.objects.create(
        conversation=conversation,
        sender=me,
        kind=MessageKind.EVENT,
        event={"what": "created", "name": name},
    )
    Message.objects.filter(pk=event.pk).update(created_at=start, updated_at=start)
    speakers = [me, *people]
    first_mine = None
    for who, body, hours in lines:
        message = _write(conversation, speakers[who], body, now - timedelta(hours=hours))
        if who == 0 and first_mine is None:
            first_mine = message
    # Camille read up to her own message; the others' newer ones are unread.
    Participant.objects.filter(conversation=conversation, member=me).update(
        last_read_message_id=first_mine.pk if first_mine else 0
    )


def _request(me, stranger, body: str, now: datetime) -> None:
    from maillage.messaging.models import Conversation, ConversationKind, Participant, RequestState

    low, high = sorted((me.pk, stranger.pk))
    conversation = Conversation.objects.create(
        kind=ConversationKind.DIRECT, created_by=stranger, direct_key=f"{low}:{high}"
    )
    Participant.objects.create(conversation=conversation, member=stranger)
    Participant.objects.create(
        conversation=conversation, member=me, request_state=RequestState.PENDING
    )
    message = _write(conversation, stranger, body, now - timedelta(hours=20))
    Participant.objects.filter(conversation=conversation, member=stranger).update(
        last_read_message_id=message.pk
    )
