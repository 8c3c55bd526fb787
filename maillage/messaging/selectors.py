"""Reads for messaging (owner: messaging UI helper — extend; keep these functions)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from .models import Message, MessagingSettings, Participant, RequestState

UNREAD_TTL = 60


def receipts_on(member_id: int) -> bool:
    """Whether the member shares read receipts and typing indicators (on unless turned off)."""
    value = (
        MessagingSettings.objects.filter(member_id=member_id)
        .values_list("read_receipts", flat=True)
        .first()
    )
    return True if value is None else bool(value)


def _unread_key(member_id: int) -> str:
    return f"messaging:unread:{member_id}"


def _has_unread(member_id: int):
    """Whether a participant row (the member's) has a message after what they read, from
    someone else who is on neither side of a block with them: a blocked member's words in a
    shared group never make it unread (they are not shown, their activity is not told)."""
    from maillage.core import audience

    newer = Message.objects.filter(
        conversation_id=OuterRef("conversation_id"), pk__gt=OuterRef("last_read_message_id")
    ).exclude(sender_id=member_id)
    newer = newer.exclude(sender_id__in=audience.relation(audience.BLOCKED).ids_for(member_id))
    return Exists(newer)


def unread_conversations_count(member_id: int) -> int:
    """Conversations with something unread (or marked unread), for the top bar's badge."""
    key = _unread_key(member_id)
    count = cache.get(key)
    if count is None:
        count = (
            Participant.objects.filter(member_id=member_id, left_at__isnull=True, archived=False)
            .exclude(request_state=RequestState.DECLINED)
            .filter(Q(marked_unread=True) | Q(_has_unread(member_id)))
            .count()
        )
        cache.set(key, count, UNREAD_TTL)
    return count


def forget_unread_count(member_id: int) -> None:
    forget_unread_counts([member_id])


def forget_unread_counts(member_ids: list[int]) -> None:
    """Drop the cached counts now and, inside a transaction, again after commit (a page that
    read the old state meanwhile may have cached it again). One cache round trip each."""
    keys = [_unread_key(m) for m in member_ids]
    if not keys:
        return
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))


# --- Pages (inbox, conversation) ----------------------------------------------------------------

INBOX_PAGE = 50
THREAD_PAGE = 50
INBOX_FILTERS = ("all", "unread", "requests", "archived")


def receipts_on_for(member_ids) -> dict[int, bool]:
    """`receipts_on` for several members in one query."""
    ids = set(member_ids)
    found = dict(
        MessagingSettings.objects.filter(member_id__in=ids).values_list(
            "member_id", "read_receipts"
        )
    )
    return {mid: bool(found.get(mid, True)) for mid in ids}


class InboxRow:
    """One conversation of the list, as the member sees it."""

    def __init__(self, row: Participant, others: list, me_id: int) -> None:
        self.participant = row
        self.conversation = row.conversation
        self.others = others  # current participants other than the viewer (Users, with profile)
        message = self.conversation.last_message
        self.last_message = message
        self.mine = message is not None and message.sender_id == me_id
        self.unread = row.marked_unread or (
            message is not None and not self.mine and message.pk > row.last_read_message_id
        )
        self.is_request = row.request_state == RequestState.PENDING

    @property
    def title(self) -> str:
        if self.conversation.name:
            return self.conversation.name
        names = [o.get_full_name() or o.email for o in self.others]
        return ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")


def inbox(member, *, which: str = "all", limit: int = INBOX_PAGE, before=None) -> list[InboxRow]:
    """The member's conversations, newest activity first, in a fixed number of queries.

    `all`: accepted conversations that are not archived; `unread`: those with something
    unread; `requests`: message requests waiting for the member's answer; `archived`.
    One-to-one conversations across a block are left out (they are gone for both), so are
    conversations without any message yet (a one-to-one conversation opened but never used).
    Up to `limit + 1` rows: the extra one says there is a next page (`before` its predecessor's
    last activity).
    """
    from maillage.core import audience

    which = which if which in INBOX_FILTERS else "all"
    rows = (
        Participant.objects.filter(member_id=member.pk, left_at__isnull=True)
        .exclude(request_state=RequestState.DECLINED)
        .filter(conversation__last_message__isnull=False)
        .select_related("conversation", "conversation__last_message")
        .annotate(has_unread=_has_unread(member.pk))
    )
    if which == "requests":
        rows = rows.filter(request_state=RequestState.PENDING)
    else:
        rows = rows.filter(request_state=RequestState.ACCEPTED, archived=(which == "archived"))
    if which == "unread":
        rows = rows.filter(Q(marked_unread=True) | Q(has_unread=True))
    if before is not None:  # the next page: conversations quiet since before that moment
        rows = rows.filter(conversation__last_message_at__lt=before)
    blocked = set(audience.relation(audience.BLOCKED).ids_for(member.pk))
    rows = list(rows.order_by("-conversation__last_message_at", "-pk")[: limit + 10])
    conversation_ids = [r.conversation_id for r in rows]
    others: dict[int, list] = {cid: [] for cid in conversation_ids}
    for p in (
        Participant.objects.filter(conversation_id__in=conversation_ids, left_at__isnull=True)
        .exclude(member_id=member.pk)
        .select_related("member", "member__profile")
        .order_by("joined_at", "pk")
    ):
        others[p.conversation_id].append(p.member)
    result = []
    for row in rows:
        people = others[row.conversation_id]
        if row.conversation.kind == "direct" and any(p.pk in blocked for p in people):
            continue
        item = InboxRow(row, [p for p in people if p.pk not in blocked], member.pk)
        item.unread = row.marked_unread or row.has_unread
        if item.last_message is not None and item.last_message.sender_id in blocked:
            item.last_message = None  # a blocked member's words are not shown
        result.append(item)
    return result[: limit + 1]  # one more than asked: the caller knows there is a next page


def thread(
    conversation,
    member,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = THREAD_PAGE,
):
    """Messages of the conversation the member may read: `limit` of them, oldest first —
    the newest ones, those before the id `before`, or those after the id `after`.
    Messages of members on either side of a block with the reader are left out.
    Returns (messages, has_older)."""
    from maillage.core import audience

    from .models import Message

    blocked = set(audience.relation(audience.BLOCKED).ids_for(member.pk))
    messages = (
        Message.objects.filter(conversation=conversation)
        .exclude(sender_id__in=blocked)
        .select_related("sender", "sender__profile")
        .prefetch_related("attachments")
    )
    if after is not None:
        found = list(messages.filter(pk__gt=after).order_by("pk")[:limit])
        return found, False
    if before is not None:
        messages = messages.filter(pk__lt=before)
    found = list(messages.order_by("-pk")[: limit + 1])
    has_older = len(found) > limit
    found = found[:limit]
    found.reverse()
    return found, has_older


def participants(conversation) -> list[Participant]:
    """Current participants with their member and profile, the longest-standing first."""
    return list(
        Participant.objects.filter(conversation=conversation, left_at__isnull=True)
        .select_related("member", "member__profile")
        .order_by("joined_at", "pk")
    )


def event_people(messages) -> dict[str, object]:
    """The members named by event messages ("added", "removed"), by public id, in one query."""
    from maillage.accounts.models import User

    wanted = {
        m.event.get("member") for m in messages if m.kind == "event" and m.event.get("member")
    }
    if not wanted:
        return {}
    return {str(u.public_id): u for u in User.objects.filter(public_id__in=wanted)}
