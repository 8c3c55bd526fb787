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


# Rendered size in CSS pixels (app.css), for the width/height attributes that reserve the space.
AVATAR_PIXELS = {"xs": 24, "sm": 32, "md": 48, "lg": 72, "xl": 128}
# Small avatars use the 96 px file; large ones the 400 px photo.
AVATAR_LARGE_SIZES = {"lg", "xl"}


def _loaded_profile(person):
    """The person's profile if it is already in memory — never a query per avatar.

    `User.profile` is a reverse one-to-one: reading it when not cached costs a query (and raises
    when there is none). Selectors that list people load it with `select_related("profile")`
    (or it is cached from `profile.member`); otherwise the avatar shows the initials.
    """
    state = getattr(person, "_state", None)
    fields_cache = getattr(state, "fields_cache", None)
    if not fields_cache:
        return None
    return fields_cache.get("profile")


def avatar_photo_url(person, size: str = "md") -> str:
    """The URL of the person's photo at the right size, or "" (no query)."""
    profile = _loaded_profile(person)
    if profile is None:
        return ""
    photo = getattr(profile, "photo", None)
    small = getattr(profile, "photo_small", None)
    preferred, fallback = (photo, small) if size in AVATAR_LARGE_SIZES else (small, photo)
    chosen = preferred or fallback
    if not chosen:
        return ""
    try:
        return chosen.url
    except ValueError:  # no file associated
        return ""


@register.simple_tag
def avatar(person, size: str = "md") -> SafeString:
    """A round avatar: the photo when there is one, the initials on a name-derived color."""
    size = size if size in AVATAR_SIZES else "md"
    name = person.get_full_name() if hasattr(person, "get_full_name") else str(person)
    name = name or getattr(person, "email", "") or "?"
    photo_url = getattr(person, "avatar_url", None) or avatar_photo_url(person, size)
    if photo_url:
        pixels = AVATAR_PIXELS[size]
        return format_html(
            '<img class="avatar avatar--{}" src="{}" alt="" width="{}" height="{}" '
            'loading="lazy" decoding="async">',
            size,
            photo_url,
            pixels,
            pixels,
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
