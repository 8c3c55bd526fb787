"""Template helpers shared by every page: avatars, user text, relative times."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from maillage.core.text import render_markdown

register = template.Library()

AVATAR_PALETTE_SIZE = 12  # .avatar--c0 … .avatar--c11 in app.css, all AA with white text
AVATAR_SIZES = {"xs", "sm", "md", "lg", "xl"}


def initials_of(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def color_index(name: str) -> int:
    folded = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore")
    return int(hashlib.sha256(folded).hexdigest(), 16) % AVATAR_PALETTE_SIZE


@register.simple_tag
def avatar(person, size: str = "md") -> SafeString:
    """A round avatar: the photo when there is one, the initials on a name-derived color."""
    size = size if size in AVATAR_SIZES else "md"
    name = person.get_full_name() if hasattr(person, "get_full_name") else str(person)
    name = name or getattr(person, "email", "") or "?"
    photo_url = getattr(person, "avatar_url", None)
    if photo_url:
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" width="48" height="48">',
            size,
            photo_url,
        )
    return format_html(
        '<span class="avatar avatar--{} avatar--c{}" aria-hidden="true">{}</span>',
        size,
        color_index(name),
        initials_of(name),
    )


@register.filter
def markdown(text: str | None) -> SafeString:
    return render_markdown(text)


@register.simple_tag
def relative_time(value: datetime | None) -> SafeString | str:
    """ "il y a 3 min" for recent moments, the date beyond a week; the full date on hover."""
    if value is None:
        return ""
    now = timezone.now()
    full = date_format(timezone.localtime(value), "DATETIME_FORMAT")
    age = (now - value).total_seconds()
    if age < 60:
        label = _("just now")
    elif age < 7 * 24 * 3600:
        label = _("%(delay)s ago") % {"delay": timesince(value, now, depth=1)}
    else:
        label = date_format(timezone.localtime(value), "DATE_FORMAT")
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), full, label)
