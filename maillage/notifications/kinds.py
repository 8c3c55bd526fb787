"""How each kind of notification is shown: its sentence (in the viewer's language), its link,
and the check, made again when it is shown, that the recipient may still see what it points to.

A notification is a pointer, not a copy: if the actor is now blocked or gone, or the invitation
was withdrawn, the notification simply disappears from the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Kind, Notification


@dataclass
class Shown:
    """A notification ready for the page."""

    notification: Notification
    text: str
    url: str
    icon: str

    @property
    def actor(self):
        return self.notification.actor

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None

    @property
    def created_at(self):
        return self.notification.created_at


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or _("A member")


def _profile_url(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is not None and profile.address:
        return reverse("profile", args=[profile.address])
    return reverse("home")


def _reverse_or(name: str, fallback: str, query: str = "") -> str:
    """Reverse a URL name another area owns; fall back when it does not exist (yet)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return fallback


def _status_not_in(*statuses: str) -> Callable[[Notification, Any], bool]:
    def check(notification: Notification, target: Any) -> bool:
        # A missing target is handled by `show()`; without one there is no status to check.
        return getattr(target, "status", None) not in statuses

    return check


def _always(notification: Notification, target: Any) -> bool:
    return True


def _reminder_is_mine(notification: Notification, target: Any) -> bool:
    if target is None or target.contact.owner_id != notification.recipient_id:
        return False
    about = target.contact.member
    if about is None:
        return True
    # The relationship page of a member one may no longer see is gone: so is its reminder.
    from maillage.core import audience

    return about.is_active and not audience.is_blocked(notification.recipient_id, about.pk)


def _reminder_url(notification: Notification, target: Any) -> str:
    from maillage.network.crm import contact_url

    return contact_url(target.contact)


def _reminder_text(notification: Notification, target: Any) -> str:
    from maillage.network.crm import contact_display_name

    return _("Reminder about %(contact)s: %(text)s") % {
        "contact": contact_display_name(target.contact),
        "text": target.text,
    }


def _endorsement_text(notification: Notification, target: Any) -> str:
    skill = notification.data.get("skill") or ""
    if not skill and target is not None:
        skill = target.profile_skill.skill.name
    if skill:
        return _("%(name)s endorsed you for %(skill)s.") % {
            "name": _name(notification.actor),
            "skill": skill,
        }
    return _("%(name)s endorsed one of your skills.") % {"name": _name(notification.actor)}


def _simple(message: str) -> Callable[[Notification, Any], str]:
    # `message` is a msgid marked with gettext_noop below; translated when shown.
    def text(notification: Notification, target: Any) -> str:
        return _(message) % {"name": _name(notification.actor)}

    return text


@dataclass(frozen=True)
class KindRule:
    text: Callable[[Notification, Any], str]
    url: Callable[[Notification, Any], str]
    visible: Callable[[Notification, Any], bool]
    icon: str
    needs_actor: bool = True


def _actor_profile(notification: Notification, target: Any) -> str:
    return _profile_url(notification.actor)


def _named(name: str, query: str = "") -> Callable[[Notification, Any], str]:
    def url(notification: Notification, target: Any) -> str:
        return _reverse_or(name, _profile_url(notification.actor), query)

    return url


def _own_profile(notification: Notification, target: Any) -> str:
    return _reverse_or("my_profile", _profile_url(notification.actor))


RULES: dict[str, KindRule] = {
    Kind.INVITATION_RECEIVED: KindRule(
        text=_simple(gettext_noop("%(name)s invited you to connect.")),
        url=_named("network_invitations"),
        visible=_status_not_in("withdrawn"),
        icon="user-plus",
    ),
    Kind.INVITATION_ACCEPTED: KindRule(
        text=_simple(gettext_noop("%(name)s accepted your invitation to connect.")),
        url=_actor_profile,
        visible=_always,
        icon="users",
    ),
    Kind.ENDORSEMENT: KindRule(
        text=_endorsement_text,
        url=_own_profile,
        visible=_always,
        icon="badge-check",
    ),
    Kind.RECOMMENDATION_REQUESTED: KindRule(
        text=_simple(gettext_noop("%(name)s asked you for a recommendation.")),
        url=_named("recommendations", "?tab=requests"),
        visible=_always,
        icon="messages",
    ),
    Kind.RECOMMENDATION_RECEIVED: KindRule(
        text=_simple(gettext_noop("%(name)s wrote you a recommendation.")),
        url=_named("recommendations"),
        visible=_always,
        icon="messages",
    ),
    Kind.INTRODUCTION_REQUESTED: KindRule(
        text=_simple(gettext_noop("%(name)s asked you for an introduction.")),
        url=_named("introductions"),
        visible=_status_not_in("withdrawn"),
        icon="share-2",
    ),
    Kind.INTRODUCTION_FORWARDED: KindRule(
        text=_simple(gettext_noop("%(name)s sent you an introduction.")),
        url=_named("introductions"),
        visible=_status_not_in("withdrawn"),
        icon="share-2",
    ),
    Kind.INTRODUCTION_DECLINED: KindRule(
        text=_simple(gettext_noop("%(name)s declined your introduction request.")),
        url=_named("introductions"),
        visible=_always,
        icon="share-2",
    ),
    Kind.REMINDER_DUE: KindRule(
        text=_reminder_text,
        url=_reminder_url,
        visible=_reminder_is_mine,
        icon="bell",
        needs_actor=False,
    ),
    Kind.NEW_FOLLOWER: KindRule(
        text=_simple(gettext_noop("%(name)s started following you.")),
        url=_actor_profile,
        visible=_always,
        icon="user-plus",
    ),
}

# How each target model is loaded (one query per model present on the page).
TARGET_QUERYSETS: dict[str, Callable[[], Any]] = {}


def _target_queryset(label: str):
    if label in TARGET_QUERYSETS:
        return TARGET_QUERYSETS[label]()
    if label == "network.reminder":
        from maillage.network.models import Reminder

        return Reminder.objects.select_related("contact", "contact__member__profile")
    if label == "profiles.endorsement":
        from maillage.profiles.models import Endorsement

        return Endorsement.objects.select_related("profile_skill__skill")
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model._default_manager.all()


def load_targets(notifications: list[Notification]) -> dict[tuple[str, int], Any]:
    """Every target of these notifications, one query per kind of target."""
    wanted: dict[str, set[int]] = {}
    for n in notifications:
        if n.target_type and n.target_id is not None:
            wanted.setdefault(n.target_type, set()).add(n.target_id)
    found: dict[tuple[str, int], Any] = {}
    for label, ids in wanted.items():
        queryset = _target_queryset(label)
        if queryset is None:
            continue
        for pk, obj in queryset.in_bulk(list(ids)).items():
            found[(label, pk)] = obj
    return found


def show(notification: Notification, target: Any, *, hidden_actor_ids: frozenset[int]) -> Shown | None:
    """The notification as its recipient sees it now, or None if it should no longer appear."""
    rule = RULES.get(notification.kind)
    if rule is None:
        return None
    actor = notification.actor
    if actor is not None:
        if not actor.is_active or actor.pk in hidden_actor_ids:
            return None
    elif rule.needs_actor:
        return None
    if notification.target_type and target is None:
        return None  # what it pointed to is gone
    if not rule.visible(notification, target):
        return None
    return Shown(
        notification=notification,
        text=rule.text(notification, target),
        url=rule.url(notification, target),
        icon=rule.icon,
    )
