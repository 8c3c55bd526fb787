"""Mentions and hashtags inside post and comment text.

A mention is written by the composer as `@[Name](<member public id>)`: the name is only what the
author saw when typing; the page always shows the member's current name, linked to their profile.
A hashtag is `#` followed by letters, digits or `_` at the start of the text or after a space or
punctuation (so `https://example.org/#part` is not one). Both are turned into markdown links
*before* the one renderer (`core.text.render_markdown`) runs, so nh3 still cleans everything.
"""

from __future__ import annotations

import html as html_lib
import re
import uuid
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from maillage.accounts.models import fold_for_search
from maillage.core.text import render_markdown

from .models import HASHTAG_MAX

MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,100})\]\(([0-9a-fA-F-]{36})\)")
HASHTAG_RE = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[,;:!?.]))#(\w{1,%s})(?!\w)" % HASHTAG_MAX,  # noqa: UP031 — a regex
    re.UNICODE,
)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def hashtag_key(name: str) -> str:
    """The folded form hashtags are matched by: #Télétravail and #teletravail are one."""
    return fold_for_search(name).replace(" ", "")


def hashtags_in(text: str) -> list[str]:
    """The hashtags written in `text`, in order, each once (by key), as first written."""
    seen: dict[str, str] = {}
    for match in HASHTAG_RE.finditer(text or ""):
        name = match.group(1)
        if name.isdigit():
            continue  # "#1" is a rank, not a topic
        seen.setdefault(hashtag_key(name), name)
    return list(seen.values())


def mention_ids_in(text: str) -> list[uuid.UUID]:
    """The public ids of the members mentioned in `text`, each once, in order."""
    ids: list[uuid.UUID] = []
    for match in MENTION_RE.finditer(text or ""):
        try:
            value = uuid.UUID(match.group(2))
        except ValueError:
            continue
        if value not in ids:
            ids.append(value)
    return ids


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class MentionTarget:
    name: str
    url: str


def render_post_text(text: str, *, mentioned: dict[uuid.UUID, MentionTarget]) -> SafeString:
    """Render post or comment text: mentions of known members become links to their profiles
    (unknown or refused ones are left as their plain name), hashtags link to their pages."""

    def mention(match: re.Match) -> str:
        try:
            key = uuid.UUID(match.group(2))
        except ValueError:
            return _escape(match.group(1))
        target = mentioned.get(key)
        if target is None:
            return _escape(match.group(1))
        return f"[@{_escape(target.name)}]({target.url})"

    def hashtag(match: re.Match) -> str:
        name = match.group(1)
        if name.isdigit():
            return match.group(0)
        url = reverse("hashtag", args=[hashtag_key(name)])
        return f"[\\#{_escape(name)}]({url})"

    prepared = MENTION_RE.sub(mention, text or "")
    prepared = HASHTAG_RE.sub(hashtag, prepared)
    return render_markdown(prepared)


_BLOCK_END_RE = re.compile(r"<(?:br\s*/?|/p|/li|/h[1-6]|/blockquote|/pre)>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """The text as a reader sees it, for previews, meta descriptions and e-mail: mention tokens
    reduced to the names written and markdown marks (``**``, ``_``, list bullets, link targets)
    gone. Not HTML: the result is escaped wherever it is shown, like any text."""
    with_names = MENTION_RE.sub(lambda m: "@" + m.group(1), text or "")
    if not with_names.strip():
        return ""
    html = _BLOCK_END_RE.sub("\n", str(render_markdown(with_names)))
    return html_lib.unescape(strip_tags(html)).strip()
