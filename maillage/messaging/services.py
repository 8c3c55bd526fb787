"""Writes for messaging: conversations, requests, messages, read state, group membership.

Every rule is checked before anything is written; a refused action raises a `ValidationError`
with a message for the member and stores nothing. Live events (events.py) and e-mail leave after
commit, and each event is re-checked for each recipient when it is fanned out.

Rules, as on LinkedIn:
* connections write to each other directly; anyone else sends a *message request*: one message,
  which the recipient accepts (then both write freely) or declines (the sender is not told: their
  request simply stays unanswered). Requests are limited per sender per week;
* nobody reaches someone on the other side of a block, in any way (a one-to-one conversation
  across a block is frozen: no message, edit or deletion); a block made after a group formed
  leaves both in it, each one's messages and events hidden from the other;
* a group has up to 50 people; its creator names it, adds their connections, removes people;
  anyone may leave; a member who left receives nothing more and may not write;
* a message can be edited for 15 minutes and deleted for everyone at any time (it then reads
  "message deleted");
* a member may send so many messages a minute (`MAILLAGE_MESSAGES_PER_MINUTE`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.core import audience
from maillage.core.files import delete_stored_files
from maillage.core.text import render_markdown, without_nul
from maillage.network import degrees

from .models import (
    GROUP_MAX_PARTICIPANTS,
    GROUP_NAME_MAX,
    MESSAGE_MAX_CHARS,
    Conversation,
    ConversationKind,
    Message,
    MessageKind,
    MessagingSettings,
    Participant,
    RequestState,
)

EDIT_WINDOW = timedelta(minutes=15)


def _error(message, code: str, field: str | None = None) -> ValidationError:
    if field:
        return ValidationError({field: ValidationError(message, code=code)})
    return ValidationError(message, code=code)


def requests_per_week() -> int:
    return int(getattr(settings, "MAILLAGE_MESSAGE_REQUESTS_PER_WEEK", 20))


def messages_per_minute() -> int:
    return int(getattr(settings, "MAILLAGE_MESSAGES_PER_MINUTE", 30))


def are_connected(a_id: int, b_id: int) -> bool:
    return degrees.degrees_for(a_id, [b_id]).get(b_id) == 1


def _direct_key(a_id: int, b_id: int) -> str:
    low, high = sorted((a_id, b_id))
    return f"{low}:{high}"


def _check_reachable(sender: User, other: User) -> None:
    if other.pk == sender.pk:
        raise _error(_("You cannot send a message to yourself."), "self")
    if not other.is_active or audience.is_blocked(sender.pk, other.pk):
        raise _error(_("You cannot send a message to this member."), "unreachable")


def _check_rate(sender: User) -> None:
    """At most `messages_per_minute()` messages a minute, counted in the shared cache (Redis
    when configured, so every server process counts together)."""
    window = int(timezone.now().timestamp() // 60)
    key = f"messaging:rate:{sender.pk}:{window}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 120)
        count = 1
    if count > messages_per_minute():
        raise _error(
            _("You are sending messages too quickly. Wait a minute and try again."), "rate_limited"
        )


# --- Starting conversations --------------------------------------------------------------------


def conversation_direct(*, member: User, other: User) -> Conversation:
    """The one-to-one conversation between the two (created empty if there is none yet)."""
    _check_reachable(member, other)
    key = _direct_key(member.pk, other.pk)
    existing = Conversation.objects.filter(direct_key=key).first()
    if existing is not None:
        return existing
    connected = are_connected(member.pk, other.pk)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=ConversationKind.DIRECT, created_by=member, direct_key=key
            )
            Participant.objects.create(conversation=conversation, member=member)
            Participant.objects.create(
                conversation=conversation,
                member=other,
                request_state=RequestState.ACCEPTED if connected else RequestState.PENDING,
            )
    except IntegrityError:  # created at the same moment by the other side
        conversation = Conversation.objects.get(direct_key=key)
    return conversation


def _check_group_name(name: str) -> str:
    name = without_nul(name or "").strip()
    if len(name) > GROUP_NAME_MAX:
        raise _error(
            _("A conversation name can be at most %(limit)s characters long.") % {"limit": GROUP_NAME_MAX},
            "name_too_long",
            "name",
        )
    return name


def _check_can_add(adder: User, others: Sequence[User], current_ids: set[int]) -> list[User]:
    wanted = list({o.pk: o for o in others if o.pk not in current_ids and o.pk != adder.pk}.values())
    for other in wanted:
        if not other.is_active or audience.is_blocked(adder.pk, other.pk):
            raise _error(_("You cannot add %(name)s.") % {"name": other.get_full_name()}, "unreachable", "members")
        if not are_connected(adder.pk, other.pk):
            raise _error(
                _("You can only add your connections; %(name)s is not one.") % {"name": other.get_full_name()},
                "not_connected",
                "members",
            )
        blocked = audience.relation(audience.BLOCKED).ids_for(other.pk)
        if set(blocked) & current_ids:
            raise _error(_("You cannot add %(name)s.") % {"name": other.get_full_name()}, "unreachable", "members")
    if len(current_ids) + len(wanted) > GROUP_MAX_PARTICIPANTS:
        raise _error(
            _("A group conversation has at most %(limit)s people.") % {"limit": GROUP_MAX_PARTICIPANTS},
            "too_many",
            "members",
        )
    return wanted


def conversation_group_create(*, creator: User, others: Sequence[User], name: str = "") -> Conversation:
    """A group conversation with some of the creator's connections."""
    name = _check_group_name(name)
    unique = list({o.pk: o for o in others if o.pk != creator.pk}.values())
    if len(unique) < 2:
        raise _error(_("Choose at least two people for a group conversation."), "too_few", "members")
    people = _check_can_add(creator, unique, {creator.pk})
    for i, a in enumerate(people):  # nobody is put in a room with someone they blocked
        for b in people[i + 1 :]:
            if audience.is_blocked(a.pk, b.pk):
                raise _error(_("You cannot add %(name)s.") % {"name": b.get_full_name()}, "unreachable", "members")
    with transaction.atomic():
        conversation = Conversation.objects.create(kind=ConversationKind.GROUP, created_by=creator, name=name)
        Participant.objects.create(conversation=conversation, member=creator, is_admin=True)
        Participant.objects.bulk_create([Participant(conversation=conversation, member=p) for p in people])
        _event_message(conversation, creator, "created", {"name": name})
    return conversation


# --- Messages -----------------------------------------------------------------------------------


def _active_participant(member: User, conversation: Conversation) -> Participant:
    participant = Participant.objects.filter(conversation=conversation, member=member).first()
    if participant is None or participant.left_at is not None:
        raise _error(_("You are no longer in this conversation."), "not_participant")
    return participant


def _check_body(body: str, *, has_attachments: bool) -> str:
    body = without_nul(body).strip()
    if not body and not has_attachments:
        raise _error(_("Write a message or attach a file."), "empty", "body")
    if len(body) > MESSAGE_MAX_CHARS:
        raise _error(
            _("A message can be at most %(limit)s characters long (this one has %(count)s).")
            % {"limit": MESSAGE_MAX_CHARS, "count": len(body)},
            "too_long",
            "body",
        )
    return body


def _direct_other(conversation: Conversation, member_id: int) -> int | None:
    if conversation.kind != ConversationKind.DIRECT or not conversation.direct_key:
        return None
    low, high = (int(x) for x in conversation.direct_key.split(":"))
    return high if low == member_id else low


def message_send(
    *,
    sender: User,
    conversation: Conversation,
    body: str = "",
    client_id: uuid.UUID | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """Send a message. With the same `client_id` twice (a form resent after a lost
    connection), the message is stored once and the first one is returned. Attachments are
    all checked (attachments.py) before anything is written; with files the text may be empty."""
    from . import attachments as attachment_files
    from . import events

    if client_id is not None:
        existing = Message.objects.filter(sender=sender, client_id=client_id).first()
        if existing is not None:
            return existing
    other_id = _direct_other(conversation, sender.pk)
    # The sender's row and, one-to-one, the other side's row with its member: one query.
    wanted = [sender.pk] if other_id is None else [sender.pk, other_id]
    rows = {
        row.member_id: row
        for row in Participant.objects.filter(
            conversation=conversation, member_id__in=wanted
        ).select_related("member")
    }
    mine = rows.get(sender.pk)
    if mine is None or mine.left_at is not None:
        raise _error(_("You are no longer in this conversation."), "not_participant")
    attachments = [a for a in (attachments or ()) if a is not None]
    body = _check_body(body, has_attachments=bool(attachments))
    other_row = None
    other_row_before = None
    if other_id is not None:
        other_row = rows.get(other_id)
        if other_row is None:
            raise _error(_("You cannot send a message to this member."), "unreachable")
        _check_reachable(sender, other_row.member)
        other_row_before = (other_row.request_state, other_row.archived)
        if mine.request_state != RequestState.ACCEPTED and not Message.objects.filter(
            conversation=conversation, sender_id=other_id, kind=MessageKind.TEXT
        ).exists():
            # The other side opened the conversation but never wrote: there is no request to
            # answer, this message is the sender's own request.
            mine.request_state = RequestState.ACCEPTED
            other_row.request_state = RequestState.PENDING
        if mine.request_state != RequestState.ACCEPTED:
            # Answering a request accepts it (also one declined earlier).
            pass
        elif other_row.request_state != RequestState.ACCEPTED:
            if are_connected(sender.pk, other_id):
                other_row.request_state = RequestState.ACCEPTED
            elif Message.objects.filter(conversation=conversation, sender=sender, kind=MessageKind.TEXT).exists():
                raise _error(
                    _("Your message request is waiting for an answer. You can write again once it is accepted."),
                    "request_pending",
                )
            else:
                _check_request_quota(sender)
    prepared = attachment_files.attachments_prepare(attachments)
    _check_rate(sender)

    def create() -> Message:
        return Message.objects.create(
            conversation=conversation,
            sender=sender,
            body=body,
            body_html=str(render_markdown(body)),
            client_id=client_id,
        )

    with transaction.atomic():
        if client_id is None:
            message = create()
        else:
            # Only a client id can collide (the same form sent twice at once): only then is a
            # savepoint worth its two statements.
            try:
                with transaction.atomic():
                    message = create()
            except IntegrityError:
                return Message.objects.get(sender=sender, client_id=client_id)
        if prepared:
            attachment_files.attachments_store(message, prepared)
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message=message, last_message_at=message.created_at
        )
        conversation.last_message = message
        conversation.last_message_at = message.created_at
        if mine.request_state != RequestState.ACCEPTED:
            mine.request_state = RequestState.ACCEPTED
        mine.last_read_message_id = message.pk
        mine.last_read_at = message.created_at
        mine.marked_unread = False
        mine.archived = False
        mine.save(update_fields=["request_state", "last_read_message_id", "last_read_at", "marked_unread", "archived"])
        if other_row is not None:
            # One-to-one: the other side is the only other participant; its row is written
            # only when this message changes it (a request, an archived conversation).
            if other_row.request_state != RequestState.DECLINED:
                other_row.archived = False
            if (other_row.request_state, other_row.archived) != other_row_before:
                other_row.save(update_fields=["request_state", "archived"])
        else:
            Participant.objects.filter(conversation=conversation, left_at__isnull=True, archived=True).exclude(
                member=sender
            ).exclude(request_state=RequestState.DECLINED).update(archived=False)
        events.message_created(message)
    return message


def _check_request_quota(sender: User) -> None:
    """Requests still unanswered or declined whose message the sender sent in the last 7 days
    (rolling), whoever opened the conversation and whenever."""
    week_ago = timezone.now() - timedelta(days=7)
    sent = (
        Participant.objects.filter(
            conversation__kind=ConversationKind.DIRECT,
            request_state__in=[RequestState.PENDING, RequestState.DECLINED],
            conversation__messages__sender=sender,
            conversation__messages__kind=MessageKind.TEXT,
            conversation__messages__created_at__gte=week_ago,
        )
        .exclude(member=sender)
        .values("conversation_id")
        .distinct()
        .count()
    )
    if sent >= requests_per_week():
        raise _error(
            _("You have sent %(limit)s message requests this week, the most allowed. Try again in a few days.")
            % {"limit": requests_per_week()},
            "request_limit",
        )


def message_send_to(
    *, sender: User, recipient: User, body: str = "", client_id=None, attachments: Sequence[UploadedFile] = ()
) -> Message:
    """Write to someone from their profile or a search result: the one-to-one conversation
    (a request if they are not a connection)."""
    with transaction.atomic():  # a refused first message leaves no empty conversation behind
        conversation = conversation_direct(member=sender, other=recipient)
        return message_send(
            sender=sender, conversation=conversation, body=body, client_id=client_id, attachments=attachments
        )


def _check_not_blocked_direct(member: User, conversation: Conversation) -> None:
    """A one-to-one conversation across a block is gone for both (access.blocked_direct):
    nothing in it changes any more, whoever blocked whom."""
    other_id = _direct_other(conversation, member.pk)
    if other_id is not None and audience.is_blocked(member.pk, other_id):
        raise _error(_("You can no longer change messages in this conversation."), "unreachable")


def message_edit(*, member: User, message: Message, body: str) -> Message:
    from . import events

    if message.sender_id != member.pk or message.kind != MessageKind.TEXT:
        raise _error(_("You can only edit your own messages."), "not_sender")
    if message.deleted_at is not None:
        raise _error(_("This message was deleted."), "deleted")
    if timezone.now() - message.created_at > EDIT_WINDOW:
        raise _error(_("A message can be edited for 15 minutes after it was sent."), "edit_window")
    _active_participant(member, message.conversation)
    _check_not_blocked_direct(member, message.conversation)
    body = _check_body(body, has_attachments=message.attachments.exists())
    with transaction.atomic():
        message.body = body
        message.body_html = str(render_markdown(body))
        message.edited_at = timezone.now()
        message.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
        events.message_changed(message, "message.edited")
    return message


def message_delete(*, member: User, message: Message) -> Message:
    """Delete for everyone: the text and attachments go, "message deleted" stays in its place."""
    from . import events

    if message.sender_id != member.pk or message.kind != MessageKind.TEXT:
        raise _error(_("You can only delete your own messages."), "not_sender")
    _active_participant(member, message.conversation)
    _check_not_blocked_direct(member, message.conversation)
    if message.deleted_at is not None:
        return message
    from .attachments import stored_files

    files = stored_files(message.attachments.all())
    with transaction.atomic():
        message.body = ""
        message.body_html = ""
        message.deleted_at = timezone.now()
        message.save(update_fields=["body", "body_html", "deleted_at", "updated_at"])
        message.attachments.all().delete()
        events.message_changed(message, "message.deleted")
        transaction.on_commit(lambda: delete_stored_files(files))
    return message


# --- Requests -----------------------------------------------------------------------------------


def request_accept(*, member: User, conversation: Conversation) -> Participant:
    row = _active_participant(member, conversation)
    if row.request_state != RequestState.ACCEPTED:
        row.request_state = RequestState.ACCEPTED
        row.save(update_fields=["request_state"])
    return row


def request_decline(*, member: User, conversation: Conversation) -> Participant:
    """Decline a message request: it leaves the member's inbox; the sender is not told."""
    row = _active_participant(member, conversation)
    if row.request_state == RequestState.PENDING:
        row.request_state = RequestState.DECLINED
        row.save(update_fields=["request_state"])
        _forget_unread(member.pk)
    return row


# --- Read state, mute, archive -----------------------------------------------------------------


def _forget_unread(member_id: int) -> None:
    from .selectors import forget_unread_count

    forget_unread_count(member_id)


def conversation_mark_read(*, member: User, conversation: Conversation, up_to: Message | None = None) -> Participant:
    from . import events

    row = _active_participant(member, conversation)
    if row.request_state != RequestState.ACCEPTED:
        # A request is read once accepted: its sender must not learn (a receipt, "Seen") that
        # it was seen before the recipient decides, whichever way the read comes (page, socket).
        return row
    newest = up_to or conversation.messages.order_by("-pk").first()
    newest_id = newest.pk if newest is not None else 0
    changed = newest_id > row.last_read_message_id or row.marked_unread
    if changed:
        row.last_read_message_id = max(newest_id, row.last_read_message_id)
        row.last_read_at = timezone.now()
        row.marked_unread = False
        row.save(update_fields=["last_read_message_id", "last_read_at", "marked_unread"])
        _forget_unread(member.pk)
        events.conversation_read(row)
    return row


def conversation_mark_unread(*, member: User, conversation: Conversation) -> Participant:
    row = _active_participant(member, conversation)
    row.marked_unread = True
    row.save(update_fields=["marked_unread"])
    _forget_unread(member.pk)
    return row


def conversation_set_muted(*, member: User, conversation: Conversation, muted: bool) -> Participant:
    row = _active_participant(member, conversation)
    row.muted = muted
    row.save(update_fields=["muted"])
    return row


def conversation_set_archived(*, member: User, conversation: Conversation, archived: bool) -> Participant:
    row = _active_participant(member, conversation)
    row.archived = archived
    row.save(update_fields=["archived"])
    _forget_unread(member.pk)
    return row


# --- Groups ---------------------------------------------------------------------------------


def _event_message(conversation: Conversation, actor: User, what: str, data: dict) -> Message:
    from . import events

    message = Message.objects.create(
        conversation=conversation, sender=actor, kind=MessageKind.EVENT, event={"what": what, **data}
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message, last_message_at=message.created_at)
    events.message_created(message)
    return message


def _group_admin(member: User, conversation: Conversation) -> Participant:
    if conversation.kind != ConversationKind.GROUP:
        raise _error(_("This is not a group conversation."), "not_group")
    row = _active_participant(member, conversation)
    if not row.is_admin:
        raise _error(_("Only the person who started this conversation can do that."), "not_admin")
    return row


def conversation_rename(*, member: User, conversation: Conversation, name: str) -> Conversation:
    _group_admin(member, conversation)
    name = _check_group_name(name)
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(name=name, updated_at=timezone.now())
        conversation.name = name
        _event_message(conversation, member, "renamed", {"name": name})
    return conversation


def participants_add(*, member: User, conversation: Conversation, others: Sequence[User]) -> list[Participant]:
    _group_admin(member, conversation)
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        rows = {p.member_id: p for p in Participant.objects.filter(conversation=conversation)}
        current = {mid for mid, p in rows.items() if p.left_at is None}
        people = _check_can_add(member, others, current)
        added = []
        for person in people:
            row = rows.get(person.pk)
            if row is not None:  # coming back: what was said while away stays unread history
                row.left_at = None
                row.joined_at = timezone.now()
                row.save(update_fields=["left_at", "joined_at"])
            else:
                row = Participant.objects.create(conversation=conversation, member=person)
            added.append(row)
            _event_message(conversation, member, "added", {"member": str(person.public_id)})
    return added


def participant_remove(*, member: User, conversation: Conversation, other: User) -> None:
    from . import events

    _group_admin(member, conversation)
    if other.pk == member.pk:
        raise _error(_("To leave the conversation, use Leave."), "self")
    with transaction.atomic():
        updated = Participant.objects.filter(
            conversation=conversation, member=other, left_at__isnull=True
        ).update(left_at=timezone.now())
        if updated:
            _event_message(conversation, member, "removed", {"member": str(other.public_id)})
            events.participant_gone(conversation, other.pk)
            _forget_unread(other.pk)


def conversation_leave(*, member: User, conversation: Conversation) -> None:
    from . import events

    if conversation.kind != ConversationKind.GROUP:
        raise _error(_("You can archive a one-to-one conversation, not leave it."), "not_group")
    with transaction.atomic():
        row = _active_participant(member, conversation)
        row.left_at = timezone.now()
        row.save(update_fields=["left_at"])
        if row.is_admin:
            # Someone must still be able to manage the group: the longest-standing member.
            successor = (
                Participant.objects.filter(conversation=conversation, left_at__isnull=True)
                .order_by("joined_at", "pk")
                .first()
            )
            if successor is not None:
                Participant.objects.filter(pk=successor.pk).update(is_admin=True)
        _event_message(conversation, member, "left", {})
        events.participant_gone(conversation, member.pk)
        _forget_unread(member.pk)


def messaging_settings_update(*, member: User, read_receipts: bool) -> MessagingSettings:
    row, _created = MessagingSettings.objects.update_or_create(
        member=member, defaults={"read_receipts": bool(read_receipts)}
    )
    return row
