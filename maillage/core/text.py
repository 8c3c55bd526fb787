"""User text → safe HTML. The one renderer; templates never mark user text safe themselves.

Markdown is parsed with markdown-it-py with raw HTML switched off, then the HTML it produces is
cleaned with nh3 (Ammonia) against a small allow-list. The second step is what makes it safe:
even if the parser were fooled, only the listed tags, attributes and URL schemes survive.
"""

from __future__ import annotations

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    # markdown-it renders ~~strikethrough~~ as <s>; <del> is kept for the same meaning.
    "p",
    "br",
    "strong",
    "em",
    "s",
    "del",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    .enable(["linkify", "strikethrough"])
    # Headings, images and tables have no place in a post or an "about" section.
    .disable(["heading", "lheading", "image", "table", "html_block", "html_inline"], True)
)


def without_nul(text: str | None) -> str:
    """Member text without NUL characters: PostgreSQL cannot store them in text columns, and
    no one means to type one (Django's form fields refuse them; services take them out)."""
    return (text or "").replace("\x00", "")


def render_markdown(text: str | None) -> SafeString:
    """Render member-written markdown to sanitized HTML."""
    if not text:
        return mark_safe("")  # noqa: S308 — the empty string
    html = _parser.render(str(text))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 — sanitized by nh3 against the allow-list above


def render_plain(text: str | None) -> str:
    """The text content of rendered markdown, for previews, meta descriptions and e-mail.

    Plain text, not HTML: entities are decoded ("&" stays "&"), so templates escape it once.
    """
    if not text:
        return ""
    rendered = _parser.render(str(text))
    return html.unescape(nh3.clean(rendered, tags=set())).strip()
