"""Daily and weekly digests: the unread notifications not yet e-mailed, of the kinds the member
set to that period, each re-checked, in one e-mail; then marked e-mailed so nothing repeats.

Periods are in the instance's time zone: the daily digest goes out from `MAILLAGE_DIGEST_HOUR`
(default 8) each day, the weekly one from that hour on Monday (later in the week if no worker
ran on Monday). A `DigestRun` row per member and period is claimed before composing, so two
workers, the `send_digests` command and a restart never send the same period twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import preferences
from .email import absolute, in_language, int_setting, mail_address, send_rendered, shown_for
from .models import Delivery, DigestRun, Notification, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST_MAX_ITEMS = 30  # listed in one digest; the rest are counted ("and 12 more")


def digest_hour() -> int:
    return min(23, max(0, int_setting("MAILLAGE_DIGEST_HOUR", 8)))


def period_key(frequency: str, now: datetime) -> str | None:
    """The period a digest sent at `now` belongs to, or None if it is not time yet."""
    local = timezone.localtime(now)
    if local.hour < digest_hour() and (frequency == Delivery.DAILY or local.weekday() == 0):
        return None
    if frequency == Delivery.DAILY:
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def _candidates(frequency: str, period: str) -> list[int]:
    """Members with an unread, not yet e-mailed notification of a kind that may be set to this
    frequency (by default or by a preference), who have no digest for this period yet."""
    default_kinds = [k for k, v in preferences.DEFAULTS.items() if v == frequency]
    pref = NotificationPreference.objects.filter(
        member_id=OuterRef("recipient_id"), kind=OuterRef("kind")
    )
    condition = (Q(kind__in=default_kinds) & ~Exists(pref.exclude(delivery=frequency))) | Exists(
        pref.filter(delivery=frequency)
    )
    rows = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    done = DigestRun.objects.filter(frequency=frequency, period=period).values("member_id")
    return list(
        rows.filter(condition, recipient__is_active=True)
        .exclude(recipient_id__in=done)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def digest_send(member, frequency: str, period: str) -> int:
    """Send `member` their digest for this period if there is something to say. Returns how
    many notifications it told about (0: no mail)."""
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(member=member, frequency=frequency, period=period)
    except IntegrityError:
        return 0  # another worker has this period
    kinds = preferences.kinds_with(member.pk, frequency)
    if not kinds:
        return 0
    address = mail_address(member)
    if address is None:
        return 0
    rows = list(
        Notification.objects.filter(
            recipient_id=member.pk, kind__in=kinds, read_at__isnull=True, emailed_at__isnull=True
        )
        .select_related("actor", "actor__profile")
        .order_by("-created_at", "-pk")
    )
    if not rows:
        return 0
    with in_language(member):
        shown = shown_for(member, rows)
        # Claimed before sending: an immediate e-mail or another run may have taken some.
        stamp = timezone.now()
        ids = [item.notification.pk for item in shown]
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)
        mine = set(
            Notification.objects.filter(pk__in=ids, emailed_at=stamp).values_list("pk", flat=True)
        )
        shown = [item for item in shown if item.notification.pk in mine]
        if not shown:
            return 0
        listed = shown[:DIGEST_MAX_ITEMS]
        count = len(shown)
        if frequency == Delivery.DAILY:
            subject = ngettext(
                "Your daily summary: %(count)s new notification",
                "Your daily summary: %(count)s new notifications",
                count,
            ) % {"count": count}
        else:
            subject = ngettext(
                "Your weekly summary: %(count)s new notification",
                "Your weekly summary: %(count)s new notifications",
                count,
            ) % {"count": count}
        items = [{"item": item, "url": absolute(item.url)} for item in listed]
        try:
            send_rendered(
                member,
                address=address,
                kind=preferences.digest_link_kind(frequency),
                template="email/notifications/digest",
                subject=subject,
                context={
                    "items": items,
                    "count": count,
                    "more": count - len(listed),
                    "frequency": frequency,
                    "heading": _("Your daily summary")
                    if frequency == Delivery.DAILY
                    else _("Your weekly summary"),
                    "notifications_url": absolute("/notifications/"),
                },
            )
        except Exception:
            Notification.objects.filter(pk__in=[i.notification.pk for i in shown]).update(
                emailed_at=None
            )
            run.delete()
            raise
    DigestRun.objects.filter(pk=run.pk).update(notifications_sent=count)
    return count


def digests_send_due(now: datetime | None = None) -> int:
    """Every digest due at `now` (daily and weekly). Returns how many e-mails were sent."""
    now = now or timezone.now()
    sent = 0
    User = get_user_model()
    for frequency in preferences.DIGESTS:
        period = period_key(frequency, now)
        if period is None:
            continue
        for member_id in _candidates(frequency, period):
            member = User.objects.filter(pk=member_id, is_active=True).first()
            if member is None:
                continue
            try:
                if digest_send(member, frequency, period):
                    sent += 1
            except Exception:  # noqa: BLE001 — one member's failure must not stop the others
                logger.exception("The %s digest of member %s failed", frequency, member_id)
    return sent
