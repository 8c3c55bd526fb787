"""Template helpers for post cards: short relative times, reaction kinds and their labels."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.audience import Audience

from ..models import ReactionKind

register = template.Library()


def short_age(value: datetime, now: datetime | None = None) -> str:
    """ "2 h", "3 d", "5 w" — the compact ages LinkedIn shows on posts."""
    now = now or timezone.now()
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 60:
        return _("now")
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return _("%(n)d h") % {"n": hours}
    days = hours // 24
    if days < 7:
        return _("%(n)d d") % {"n": days}
    if days < 30:
        return _("%(n)d w") % {"n": days // 7}
    if days < 365:
        return _("%(n)d mo") % {"n": days // 30}
    return _("%(n)d yr") % {"n": days // 365}


@register.simple_tag
def post_time(value: datetime | None) -> SafeString | str:
    """A compact age in a <time> element carrying the full date (shown on hover and read out)."""
    if value is None:
        return ""
    full = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return format_html(
        '<time datetime="{}" title="{}"><span aria-hidden="true">{}</span><span class="sr-only">{}</span></time>',
        value.isoformat(),
        full,
        short_age(value),
        full,
    )


@register.simple_tag
def reaction_kinds() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in ReactionKind]


@register.filter
def reaction_label(kind: str | None) -> str:
    try:
        return str(ReactionKind(kind).label)
    except ValueError:
        return ""


AUDIENCE_ICONS = {Audience.PUBLIC: "globe", Audience.MEMBERS: "users", Audience.CONNECTIONS: "lock"}


@register.simple_tag
def audience_icon(value: str) -> SafeString:
    labels = {
        Audience.PUBLIC: _("Visible to anyone, on or off this network"),
        Audience.MEMBERS: _("Visible to members of this network"),
        Audience.CONNECTIONS: _("Visible to connections only"),
    }
    return format_html(
        '<span class="post__audience" title="{}"><span class="icon icon--sm icon--{}" aria-hidden="true"></span>'
        '<span class="sr-only">{}</span></span>',
        labels.get(value, ""),
        AUDIENCE_ICONS.get(value, "users"),
        labels.get(value, ""),
    )


@register.simple_tag
def count_label(kind: str, n: int) -> str:
    if kind == "reactions":
        return ngettext("%(count)s reaction", "%(count)s reactions", n) % {"count": n}
    if kind == "comments":
        return ngettext("%(count)s comment", "%(count)s comments", n) % {"count": n}
    if kind == "reposts":
        return ngettext("%(count)s repost", "%(count)s reposts", n) % {"count": n}
    if kind == "replies":
        return ngettext("%(count)s reply", "%(count)s replies", n) % {"count": n}
    return str(n)

