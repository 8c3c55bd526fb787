"""The "unread messages" e-mail (owned by the notifications helper; messaging calls
`unread_email_schedule` when a message is created).

A while after a message arrives (`MAILLAGE_MESSAGE_EMAIL_DELAY` seconds, default 15 minutes) its
recipients who want it (notification preference "message" = delayed e-mail, the default) get
one e-mail listing what is still unread — possibly several messages in several conversations —
but only messages they have not read, in conversations they are still in and have not muted,
not deleted, not from someone on either side of a block, and never a message an earlier e-mail
already covered (`Participant.emailed_up_to_message_id`, claimed before sending).

With a queue that can defer (database or Redis), a task is enqueued per recipient to run after
the delay (at most one waiting per member); the worker's minute tick (`unread_messages_sweep`)
catches what arrived meanwhile, a lost task, or an in-process queue left behind.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import default_task_backend, task

from maillage.core import audience

from .models import ConversationKind, Message, MessageKind, Participant, RequestState

logger = logging.getLogger(__name__)

SWEEP_WINDOW = timedelta(days=3)  # older unread messages are not mailed by the sweep
MAX_CONVERSATIONS = 10  # listed in one e-mail; the rest counted


def message_email_delay() -> timedelta:
    from maillage.notifications.email import int_setting

    return timedelta(seconds=max(0, int_setting("MAILLAGE_MESSAGE_EMAIL_DELAY", 900)))


# --- Scheduling ---------------------------------------------------------------------------------


def _wants_mail(member_id: int) -> bool:
    from maillage.notifications import preferences
    from maillage.notifications.models import Delivery

    return preferences.delivery_for(member_id, preferences.MESSAGE_KIND) == Delivery.DELAYED


def unread_email_schedule(member_ids: Iterable[int]) -> None:
    """Called after a text message is committed (events.message_created), with its recipients
    who have not muted the conversation, the sender excluded: one delayed task per recipient who
    wants the e-mail and has none waiting (the task re-checks everything when it runs)."""
    if not getattr(default_task_backend, "supports_defer", False):
        return  # an in-process queue: the worker's tick sends it once the delay has passed
    delay = message_email_delay()
    run_after = timezone.now() + delay
    for member_id in member_ids:
        # One pending task per member at a time: the messages that arrive meanwhile are
        # covered by it or, if younger than the delay when it runs, by the next tick. The claim
        # comes before the preference, so the usual case (a task already waits) reads nothing
        # from the database; a member who does not want the e-mail holds a claim that only
        # expires (if they change their mind meanwhile, the tick covers them).
        if not cache.add(
            f"messaging:unread-mail:{member_id}", 1, timeout=int(delay.total_seconds()) or 1
        ):
            continue
        if not _wants_mail(member_id):
            continue
        try:
            unread_messages_email_task.using(run_after=run_after).enqueue(member_id)
        except Exception:  # noqa: BLE001 — the sweep catches it
            logger.exception("Could not schedule the unread-messages e-mail of %s", member_id)


@task()
def unread_messages_email_task(member_id: int) -> int:
    return unread_messages_send(member_id)


# --- What is still unread -------------------------------------------------------------------------


def _blocked_direct(member_id: int, conversation) -> bool:
    if conversation.kind != ConversationKind.DIRECT or not conversation.direct_key:
        return False
    low, high = (int(x) for x in conversation.direct_key.split(":"))
    other = high if low == member_id else low
    return audience.is_blocked(member_id, other)


def unread_for(member_id: int, now: datetime) -> list[tuple[Participant, list[Message]]]:
    """Per conversation the member is still in (not muted, not declined): the messages from
    others, not deleted, not read, not yet e-mailed, older than the delay, not from someone on
    either side of a block. Oldest conversation first."""
    cutoff = now - message_email_delay()
    rows = (
        Participant.objects.filter(member_id=member_id, left_at__isnull=True, muted=False)
        .exclude(request_state=RequestState.DECLINED)
        .filter(
            conversation__last_message_id__gt=Greatest(
                F("last_read_message_id"), F("emailed_up_to_message_id")
            )
        )
        .select_related("conversation")
    )
    hidden = set(audience.relation(audience.BLOCKED).ids_for(member_id))
    result = []
    for row in rows:
        if _blocked_direct(member_id, row.conversation):
            continue
        after = max(row.last_read_message_id, row.emailed_up_to_message_id)
        messages = list(
            Message.objects.filter(
                conversation_id=row.conversation_id,
                pk__gt=after,
                kind=MessageKind.TEXT,
                deleted_at__isnull=True,
                created_at__lte=cutoff,
            )
            .exclude(Q(sender_id=member_id) | Q(sender_id__in=hidden) | Q(sender__is_active=False))
            .select_related("sender")
            .order_by("pk")
        )
        if messages:
            result.append((row, messages))
    return result


def _conversation_url(conversation) -> str:
    for name, args in (("conversation", [conversation.public_id]), ("messaging", [])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/messaging/"


def _conversation_title(conversation, messages: list[Message]) -> str:
    if conversation.kind == ConversationKind.GROUP and conversation.name:
        return conversation.name
    names = []
    for message in messages:
        name = message.sender.get_full_name() or _("A member")
        if name not in names:
            names.append(name)
    return ", ".join(names)


def _snippet(message: Message) -> str:
    """The words of the message, without its formatting (escaped again by the HTML mail)."""
    text = html.unescape(strip_tags(message.body_html)) if message.body_html else message.body
    return Truncator(" ".join(text.split())).chars(140)


def unread_messages_send(member_id: int, now: datetime | None = None) -> int:
    """Mail the member what is still unread (see the module's docstring). Returns how many
    messages the e-mail covered (0: no e-mail)."""
    from django.contrib.auth import get_user_model

    from maillage.notifications import preferences
    from maillage.notifications.email import absolute, in_language, mail_address, send_rendered

    now = now or timezone.now()
    member = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if member is None or not _wants_mail(member_id):
        return 0
    address = mail_address(member)
    if address is None:
        return 0
    claimed = []
    for row, messages in unread_for(member_id, now):
        newest = messages[-1].pk
        # Claim before sending: another run that got here first changed the row, so it is ours
        # only if it is still as we read it.
        taken = Participant.objects.filter(
            pk=row.pk, emailed_up_to_message_id=row.emailed_up_to_message_id
        ).update(emailed_up_to_message_id=newest)
        if taken:
            claimed.append((row, messages, row.emailed_up_to_message_id))
    if not claimed:
        return 0
    count = sum(len(messages) for _row, messages, _old in claimed)
    try:
        with in_language(member):
            conversations = [
                {
                    "title": _conversation_title(row.conversation, messages),
                    "is_group": row.conversation.kind == ConversationKind.GROUP,
                    "count": len(messages),
                    "latest": _snippet(messages[-1]),
                    "latest_sender": messages[-1].sender.get_full_name() or _("A member"),
                    "url": absolute(_conversation_url(row.conversation)),
                }
                for row, messages, _old in claimed[:MAX_CONVERSATIONS]
            ]
            subject = ngettext(
                "You have %(count)s unread message",
                "You have %(count)s unread messages",
                count,
            ) % {"count": count}
            send_rendered(
                member,
                address=address,
                kind=preferences.MESSAGE_KIND,
                template="email/notifications/messages",
                subject=subject,
                context={
                    "conversations": conversations,
                    "count": count,
                    "more": max(0, len(claimed) - MAX_CONVERSATIONS),
                    "messaging_url": absolute(_conversation_url_list()),
                },
            )
    except Exception:
        for row, messages, old in claimed:
            Participant.objects.filter(pk=row.pk, emailed_up_to_message_id=messages[-1].pk).update(
                emailed_up_to_message_id=old
            )
        raise
    return count


def _conversation_url_list() -> str:
    try:
        return reverse("messaging")
    except NoReverseMatch:
        return "/messaging/"


def unread_messages_sweep(now: datetime | None = None) -> int:
    """Send the unread-message e-mails whose delay has passed (the worker's tick). Returns how
    many e-mails went."""
    now = now or timezone.now()
    cutoff = now - message_email_delay()
    member_ids = (
        Participant.objects.filter(
            left_at__isnull=True,
            muted=False,
            member__is_active=True,
            conversation__last_message_at__lte=now,
            conversation__last_message_at__gte=cutoff - SWEEP_WINDOW,
        )
        .exclude(request_state=RequestState.DECLINED)
        .filter(
            conversation__last_message_id__gt=Greatest(
                F("last_read_message_id"), F("emailed_up_to_message_id")
            )
        )
        .exclude(conversation__last_message__sender_id=F("member_id"))
        .values_list("member_id", flat=True)
        .distinct()
    )
    sent = 0
    for member_id in list(member_ids):
        try:
            if unread_messages_send(member_id, now):
                sent += 1
        except Exception:  # noqa: BLE001 — one member's failure must not stop the others
            logger.exception("The unread-messages e-mail of member %s failed", member_id)
    return sent
