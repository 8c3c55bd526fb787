"""Fetch a conversation, a message or an attachment *and* check the member takes part in it.

Only current participants (not those who left) see a conversation; everyone else — former
participants included — gets the same 404 as for a conversation that does not exist.
"""

from __future__ import annotations

import uuid

from django.http import Http404

from .models import Attachment, Conversation, Message, Participant


def _uuid_or_404(value) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _member_id(member) -> int | None:
    if member is None or not getattr(member, "is_authenticated", False):
        return None
    return member.pk if getattr(member, "is_active", True) else None


def participant_or_none(member, conversation: Conversation) -> Participant | None:
    member_id = _member_id(member)
    if member_id is None:
        return None
    return Participant.objects.filter(
        conversation=conversation, member_id=member_id, left_at__isnull=True
    ).first()


def is_participant(member, conversation_id: int) -> bool:
    member_id = _member_id(member)
    return member_id is not None and Participant.objects.filter(
        conversation_id=conversation_id, member_id=member_id, left_at__isnull=True
    ).exists()


def conversation_for_member_or_404(member, public_id) -> tuple[Conversation, Participant]:
    """The conversation and the member's own row in it, or 404."""
    member_id = _member_id(member)
    if member_id is None:
        raise Http404
    participant = (
        Participant.objects.select_related("conversation")
        .filter(
            conversation__public_id=_uuid_or_404(public_id),
            member_id=member_id,
            left_at__isnull=True,
        )
        .first()
    )
    if participant is None or blocked_direct(member_id, participant.conversation):
        raise Http404
    return participant.conversation, participant


def blocked_direct(member_id: int, conversation: Conversation) -> bool:
    """A one-to-one conversation with someone on the other side of a block is gone for both
    (blocking hides everything, both ways); group conversations only hide that person's
    messages (selectors)."""
    from maillage.core import audience

    if conversation.kind != "direct" or not conversation.direct_key:
        return False
    ids = [int(x) for x in conversation.direct_key.split(":")]
    other = ids[1] if ids[0] == member_id else ids[0]
    return audience.is_blocked(member_id, other)


def message_for_member_or_404(member, public_id) -> Message:
    message = (
        Message.objects.select_related("conversation", "sender")
        .filter(public_id=_uuid_or_404(public_id))
        .first()
    )
    if message is None or not is_participant(member, message.conversation_id):
        raise Http404
    if blocked_direct(member.pk, message.conversation):
        raise Http404
    return message


def attachment_for_member_or_404(member, public_id) -> Attachment:
    attachment = (
        Attachment.objects.select_related("message", "message__conversation")
        .filter(public_id=_uuid_or_404(public_id), message__deleted_at__isnull=True)
        .first()
    )
    if attachment is None or not is_participant(member, attachment.message.conversation_id):
        raise Http404
    conversation = attachment.message.conversation
    if blocked_direct(member.pk, conversation):
        raise Http404
    from maillage.core import audience

    if audience.is_blocked(member.pk, attachment.message.sender_id):
        raise Http404
    return attachment
