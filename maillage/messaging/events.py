"""Live messaging events, fanned out after commit to each participant's sockets.

Events carry ids, never text: the page fetches what changed over HTTP (through the same access
checks, rendered in the reader's language). Recipients are read when the event is fanned out,
not when it was caused: someone who left the conversation, or who blocked the sender meanwhile,
gets nothing.
"""

from __future__ import annotations

from django.db import transaction

from maillage.core import audience, realtime

from .models import Conversation, Message, MessageKind, Participant


def _current_rows(conversation_id: int) -> list[tuple[int, bool]]:
    """(member id, muted) of the current participants who did not decline."""
    return list(
        Participant.objects.filter(conversation_id=conversation_id, left_at__isnull=True)
        .exclude(request_state="declined")
        .values_list("member_id", "muted")
    )


def _unblocked(member_ids: list[int], about_member_id: int | None) -> list[int]:
    """`member_ids` minus anyone on either side of a block with `about_member_id` (one cached
    set read for all of them: a block counts for both sides)."""
    if about_member_id is None:
        return member_ids
    blocked = audience.relation(audience.BLOCKED).ids_for(about_member_id)
    return [m for m in member_ids if m == about_member_id or m not in blocked]


def _recipients(conversation_id: int, *, about_member_id: int | None) -> list[int]:
    """Current participants, minus anyone on either side of a block with `about_member_id`."""
    ids = [member_id for member_id, _muted in _current_rows(conversation_id)]
    return _unblocked(ids, about_member_id)


def _fan_out(conversation_id: int, event: str, data: dict, *, about_member_id: int | None) -> None:
    def send() -> None:
        for member_id in _recipients(conversation_id, about_member_id=about_member_id):
            realtime.push_now(member_id=member_id, event=event, data=data)

    transaction.on_commit(send)


def _payload(message: Message) -> dict:
    return {
        "conversation": str(message.conversation.public_id),
        "message": str(message.public_id),
        "id": message.pk,
        "sender": str(message.sender.public_id),
    }


def message_created(message: Message) -> None:
    """After commit, in one pass over the participants (one query): forget the recipients'
    unread counts, push `message.new` to them, then schedule the "unread messages" e-mail of
    those who have not muted the conversation (email.py; a text message only)."""
    from .email import unread_email_schedule
    from .selectors import forget_unread_counts

    conversation_id, sender_id = message.conversation_id, message.sender_id
    data = _payload(message)
    mail = message.kind == MessageKind.TEXT

    def send() -> None:
        rows = _current_rows(conversation_id)
        recipients = _unblocked([member_id for member_id, _muted in rows], sender_id)
        forget_unread_counts(recipients)  # before the event: a badge it refreshes is current
        for member_id in recipients:
            realtime.push_now(member_id=member_id, event="message.new", data=data)
        if mail:
            unread_email_schedule([m for m, muted in rows if not muted and m != sender_id])

    transaction.on_commit(send)


def message_changed(message: Message, event: str) -> None:
    _fan_out(message.conversation_id, event, _payload(message), about_member_id=message.sender_id)


def conversation_read(row: Participant) -> None:
    """Tell the others someone read up to a message — only when read receipts are on for the
    reader (the readers' own other tabs always learn it, to clear their badges)."""
    from .selectors import receipts_on

    conversation = Conversation.objects.only("public_id").get(pk=row.conversation_id)
    data = {
        "conversation": str(conversation.public_id),
        "reader": str(row.member.public_id),
        "up_to": row.last_read_message_id,
    }
    member_id = row.member_id

    def send() -> None:
        show_to_others = receipts_on(member_id)
        for other_id in _recipients(row.conversation_id, about_member_id=member_id):
            if other_id == member_id or (show_to_others and receipts_on(other_id)):
                realtime.push_now(member_id=other_id, event="conversation.read", data=data)

    transaction.on_commit(send)


def participant_gone(conversation: Conversation, member_id: int) -> None:
    """The member left or was removed: their open pages drop the conversation at once."""
    data = {"conversation": str(conversation.public_id)}
    transaction.on_commit(
        lambda: realtime.push_now(member_id=member_id, event="conversation.gone", data=data)
    )
