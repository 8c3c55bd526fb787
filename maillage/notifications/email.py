"""Notification e-mail: who may be mailed, in which language, the one-click unsubscribe link and
headers, and the "at once" e-mail of one notification (digests are in digests.py).

Every mail is rendered in the recipient's language (HTML and plain text) and carries a signed
link that turns that kind to "in the app only" without logging in, plus the `List-Unsubscribe`
and `List-Unsubscribe-Post` headers of RFC 8058, so mail clients offer their own button.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from maillage.core import audience

from . import preferences
from .kinds import Shown, group_actor_ids, load_targets, show
from .models import Delivery, Notification

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "maillage.notifications.unsubscribe"


def int_setting(name: str, default: int) -> int:
    """A number from Django settings, else the environment, else `default`
    (documented in docs/configuration.md, "Notification e-mail")."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    try:
        return int(value) if value is not None and value != "" else default
    except (TypeError, ValueError):
        return default


def unsubscribe_max_age() -> int:
    """Seconds an unsubscribe link keeps working (default 90 days)."""
    return int_setting("MAILLAGE_UNSUBSCRIBE_LINK_DAYS", 90) * 24 * 3600


# --- Who, where, in which language -------------------------------------------------------------


def mail_address(member) -> str | None:
    """The member's primary address if allauth considers it verified; None for an inactive
    member or an unverified address (nothing is sent then)."""
    if member is None or not member.is_active:
        return None
    from allauth.account.models import EmailAddress

    row = EmailAddress.objects.filter(user_id=member.pk, primary=True, verified=True).first()
    return row.email if row is not None else None


def member_language(member) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(member, "language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


@contextmanager
def in_language(member) -> Iterator[str]:
    language = member_language(member)
    with translation.override(language):
        yield language


def absolute(path: str) -> str:
    return path if "://" in path else settings.SITE_URL + path


# --- One-click unsubscribe ---------------------------------------------------------------------


def unsubscribe_token(member, kind: str) -> str:
    return signing.dumps({"m": str(member.public_id), "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(member, kind: str) -> str:
    return absolute(reverse("notifications_unsubscribe", args=[unsubscribe_token(member, kind)]))


def read_unsubscribe_token(token: str):
    """(member, kind) from a token, or None if it was tampered with, has expired, names a
    kind that does not exist or a member who is gone."""
    from django.contrib.auth import get_user_model

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=unsubscribe_max_age())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("k")
    if kind not in preferences.DEFAULTS and kind not in preferences.DIGEST_LINKS:
        return None
    member = get_user_model().objects.filter(public_id=data.get("m"), is_active=True).first()
    if member is None:
        return None
    return member, kind


# --- Sending -----------------------------------------------------------------------------------


def send_rendered(
    member,
    *,
    address: str,
    kind: str,
    template: str,
    subject: str,
    context: dict[str, Any],
) -> int:
    """Render `<template>.txt` and `.html` (call inside `in_language(member)`) and send them
    with the unsubscribe link and headers for `kind`."""
    link = unsubscribe_url(member, kind)
    full_context = {
        "member": member,
        "subject": subject,
        "unsubscribe_url": link,
        "kind_label": preferences.kind_label(kind),
        "settings_url": absolute(reverse("notification_settings")),
        "site_url": settings.SITE_URL,
        "instance_name": _instance_name(),
        **context,
    }
    text = render_to_string(f"{template}.txt", full_context)
    html = render_to_string(f"{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message.send()


def _instance_name() -> str:
    from maillage.core.models import InstanceSettings

    return InstanceSettings.current().name


def shown_for(member, rows: Iterable[Notification]) -> list[Shown]:
    """These notifications of `member` as they would be shown now (the same re-checks as the
    notifications page: target gone or no longer visible, actor blocked or gone → left out)."""
    rows = list(rows)
    for row in rows:
        row.recipient = member
    targets = load_targets(rows)
    hidden = frozenset(audience.relation(audience.BLOCKED).ids_for(member.pk))
    people = {}
    ids = group_actor_ids(rows)
    if ids:
        from django.contrib.auth import get_user_model

        people = get_user_model().objects.select_related("profile").in_bulk(list(ids))
    shown = []
    for row in rows:
        item = show(
            row,
            targets.get((row.target_type, row.target_id)),
            hidden_actor_ids=hidden,
            people=people,
        )
        if item is not None:
            shown.append(item)
    return shown


# --- "At once" -------------------------------------------------------------------------------


def notification_email_schedule(*, recipient_id: int, kind: str, notification_id: int) -> None:
    """Called after commit: enqueue the e-mail task if the recipient wants this kind at once."""
    if preferences.delivery_for(recipient_id, kind) != Delivery.IMMEDIATE:
        return
    from .tasks import notification_email_task

    try:
        notification_email_task.enqueue(notification_id)
    except Exception:  # noqa: BLE001 — a lost e-mail must not break the action that caused it
        logger.exception("Could not enqueue the e-mail of notification %s", notification_id)


def notification_email_send(notification_id: int) -> bool:
    """Mail one notification now, if it is still unread and not yet e-mailed, its recipient
    still wants it at once, may be mailed, and may still see what it points to. Marks it
    e-mailed (claimed before sending, so two runs never send twice)."""
    row = (
        Notification.objects.select_related("recipient", "actor", "actor__profile")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if row is None:
        return False
    member = row.recipient
    if preferences.delivery_for(member.pk, row.kind) != Delivery.IMMEDIATE:
        return False
    address = mail_address(member)
    if address is None:
        return False
    with in_language(member):
        shown = shown_for(member, [row])
        if not shown:
            return False  # no longer visible to them: skip silently
        item = shown[0]
        claimed = Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            return False
        try:
            send_rendered(
                member,
                address=address,
                kind=row.kind,
                template="email/notifications/notification",
                subject=item.text,
                context={"item": item, "url": absolute(item.url)},
            )
        except Exception:
            Notification.objects.filter(pk=row.pk).update(emailed_at=None)
            raise
    return True
