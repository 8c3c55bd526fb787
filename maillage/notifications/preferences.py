"""How each member wants to hear about each kind of notification: in the app only, by e-mail at
once, in a daily or a weekly digest — and, for unread messages, by e-mail after a delay.

Defaults (a member without a row for a kind gets these), close to LinkedIn's: what asks for an
answer (invitations, requests, introductions, reminders, messages) is e-mailed; what people say
about you or your posts (mentions, comments, replies) comes in a daily digest; what is merely
nice to know (followers, endorsements, reposts) in a weekly one; reactions stay in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Delivery, Kind, NotificationPreference

MESSAGE_KIND = "message"  # unread messages (the messaging app has no Notification rows)

NOTIFICATION_CHOICES = (Delivery.IN_APP, Delivery.IMMEDIATE, Delivery.DAILY, Delivery.WEEKLY)
MESSAGE_CHOICES = (Delivery.IN_APP, Delivery.DELAYED)
DIGESTS = (Delivery.DAILY, Delivery.WEEKLY)

DEFAULTS: dict[str, str] = {
    Kind.INVITATION_RECEIVED: Delivery.IMMEDIATE,
    Kind.INVITATION_ACCEPTED: Delivery.IMMEDIATE,
    Kind.NEW_FOLLOWER: Delivery.WEEKLY,
    Kind.INTRODUCTION_REQUESTED: Delivery.IMMEDIATE,
    Kind.INTRODUCTION_FORWARDED: Delivery.IMMEDIATE,
    Kind.INTRODUCTION_DECLINED: Delivery.DAILY,
    Kind.ENDORSEMENT: Delivery.WEEKLY,
    Kind.RECOMMENDATION_REQUESTED: Delivery.IMMEDIATE,
    Kind.RECOMMENDATION_RECEIVED: Delivery.IMMEDIATE,
    Kind.REMINDER_DUE: Delivery.IMMEDIATE,
    Kind.POST_MENTION: Delivery.DAILY,
    Kind.COMMENT_MENTION: Delivery.DAILY,
    Kind.POST_COMMENT: Delivery.DAILY,
    Kind.COMMENT_REPLY: Delivery.DAILY,
    Kind.POST_REACTION: Delivery.IN_APP,
    Kind.COMMENT_REACTION: Delivery.IN_APP,
    Kind.POST_REPOST: Delivery.WEEKLY,
    MESSAGE_KIND: Delivery.DELAYED,
}


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    kinds: tuple[str, ...]


# How the settings page groups the kinds (every kind appears exactly once).
THEMES: tuple[Theme, ...] = (
    Theme("messages", _("Messages"), (MESSAGE_KIND,)),
    Theme(
        "network",
        _("Your network"),
        (
            Kind.INVITATION_RECEIVED,
            Kind.INVITATION_ACCEPTED,
            Kind.NEW_FOLLOWER,
            Kind.INTRODUCTION_REQUESTED,
            Kind.INTRODUCTION_FORWARDED,
            Kind.INTRODUCTION_DECLINED,
            Kind.REMINDER_DUE,
        ),
    ),
    Theme(
        "profile",
        _("Your profile"),
        (Kind.ENDORSEMENT, Kind.RECOMMENDATION_REQUESTED, Kind.RECOMMENDATION_RECEIVED),
    ),
    Theme(
        "posts",
        _("Posts and comments"),
        (
            Kind.POST_MENTION,
            Kind.COMMENT_MENTION,
            Kind.POST_COMMENT,
            Kind.COMMENT_REPLY,
            Kind.POST_REACTION,
            Kind.COMMENT_REACTION,
            Kind.POST_REPOST,
        ),
    ),
)

ALL_KINDS: tuple[str, ...] = tuple(kind for theme in THEMES for kind in theme.kinds)


# What a digest's unsubscribe link names: every kind the member gets in that digest.
DIGEST_LINKS: dict[str, str] = {"digest:daily": Delivery.DAILY, "digest:weekly": Delivery.WEEKLY}


def digest_link_kind(frequency: str) -> str:
    return f"digest:{frequency}"


def kind_label(kind: str) -> str:
    if kind == MESSAGE_KIND:
        return str(_("Unread messages"))
    if kind == "digest:daily":
        return str(_("Daily digest"))
    if kind == "digest:weekly":
        return str(_("Weekly digest"))
    try:
        return str(Kind(kind).label)
    except ValueError:
        return kind


def choices_for(kind: str) -> tuple[str, ...]:
    return MESSAGE_CHOICES if kind == MESSAGE_KIND else NOTIFICATION_CHOICES


def is_valid(kind: str, delivery: str) -> bool:
    return kind in DEFAULTS and delivery in choices_for(kind)


def preferences_for(member_id: int) -> dict[str, str]:
    """Every kind's delivery for the member (defaults filled in), in one query."""
    chosen = dict(
        NotificationPreference.objects.filter(member_id=member_id).values_list("kind", "delivery")
    )
    result = {}
    for kind, default in DEFAULTS.items():
        value = chosen.get(kind, default)
        result[kind] = value if value in choices_for(kind) else default
    return result


def delivery_for(member_id: int, kind: str) -> str:
    value = (
        NotificationPreference.objects.filter(member_id=member_id, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    default = DEFAULTS.get(kind, Delivery.IN_APP)
    return value if value is not None and value in choices_for(kind) else default


def kinds_with(member_id: int, delivery: str) -> list[str]:
    return [kind for kind, value in preferences_for(member_id).items() if value == delivery]
