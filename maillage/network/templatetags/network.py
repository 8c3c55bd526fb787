"""Template helpers for people: the degree badge ("1st", "2e"...) and mutual connections."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def degree_label(degree: int | None) -> str:
    if degree == 1:
        return _("1st")
    if degree == 2:
        return _("2nd")
    if degree == 3:
        return _("3rd+")
    return ""


def degree_description(degree: int | None) -> str:
    if degree == 1:
        return _("1st-degree connection")
    if degree == 2:
        return _("2nd-degree connection")
    if degree == 3:
        return _("3rd-degree connection or beyond")
    return ""


@register.simple_tag
def degree_badge(person) -> SafeString | str:
    """`· 1st` next to a name; nothing for oneself, visitors, or people without a degree."""
    degree = getattr(person, "degree", None)
    if degree is None:
        return ""
    return format_html(
        '<span class="degree degree--{}" title="{}"><span class="sr-only">{}</span>'
        '<span aria-hidden="true">{}</span></span>',
        degree,
        degree_description(degree),
        degree_description(degree),
        degree_label(degree),
    )


@register.simple_tag
def mutual_label(count: int | None) -> str:
    if not count:
        return ""
    return ngettext("%(count)d mutual connection", "%(count)d mutual connections", count) % {
        "count": count
    }


@register.simple_tag(takes_context=True)
def person_actions(context, member) -> SafeString:
    """The viewer's buttons for one person (rendered in Python: see network/cards.py)."""
    from maillage.network import cards

    return cards.person_actions(
        member,
        user=context.get("user"),
        request=context["request"],
        actions_next=context.get("actions_next") or "",
        action_message=context.get("action_message") or "",
        action_error=context.get("action_error") or "",
    )
