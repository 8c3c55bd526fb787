"""Template helpers for post cards: short relative times, reaction kinds and their labels."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from maillage.core.audience import Audience

from .. import cards
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
    return cards.reaction_label(kind)


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
    return cards.count_text(kind, n)


@register.simple_tag(takes_context=True)
def post_header(context, v, card_id, nested=False) -> SafeString:
    """The header of a post card and its "…" menu, with the home feed's entries when the card
    is in the feed (`in_feed`; `item` is then the feed's PostView). Rendered in Python: see
    cards.py."""
    feed_item = context.get("item") if context.get("in_feed") and not nested else None
    return cards.post_header(
        v, context["request"], card_id=card_id, nested=bool(nested), feed_item=feed_item
    )


@register.simple_tag(takes_context=True)
def post_actions(context, v) -> SafeString:
    """The counts line and action bar of a post card (rendered in Python: see cards.py)."""
    return cards.post_actions(v, context["request"])

