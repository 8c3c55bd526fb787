"""The whole XSS corpus through the feed's one renderer, checked with an HTML parser: only the
allowed tags and attributes come out, links only to http(s), mailto or the site's own paths, and
nothing a browser would run. (The same corpus is rendered in Chromium by
tests/e2e/test_feed_xss.py.)"""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest

from maillage.core.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from maillage.feed import text
from maillage.feed.models import POST_MAX_CHARS
from tests.e2e.xss_payloads import PAYLOADS, expand

MEMBER_ID = uuid.UUID("0b7c4d1e-8a52-4c43-9a0e-3c1b2d4e5f60")
# A member whose own name is hostile: mentions show the current name, so it must be escaped too.
HOSTILE_NAME = '<img src=x onerror=window.__xss=1>"><script>window.__xss=1</script>'
MENTIONED = {MEMBER_ID: text.MentionTarget(name=HOSTILE_NAME, url="/in/hostile/")}

# What the renderer may emit (rel is added by nh3 to every link).
TAGS = set(ALLOWED_TAGS)
ATTRIBUTES = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES.setdefault("a", set()).add("rel")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
SAFE_SCHEMES = {"http", "https", "mailto"}


def _unsafe_href(value: str) -> bool:
    """Whether a browser would follow `value` to a scheme other than http(s) or mailto.
    Browsers drop control characters and whitespace, and decode entities, before reading it."""
    squeezed = re.sub(r"[\x00-\x20\u200b-\u200f\ufeff]", "", value or "")
    match = SCHEME.match(squeezed)
    return bool(match) and match.group(1).lower() not in SAFE_SCHEMES


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.problems.append(f"tag <{tag}>")
            return
        allowed = ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and _unsafe_href(value):
                self.problems.append(f"href {value!r}")

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"declaration {data!r}")


def _problems(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def test_corpus_is_large_and_distinct():
    assert len(PAYLOADS) >= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_the_checker_itself_catches_what_it_looks_for():
    # Without this, a checker that sees nothing would pass every payload below.
    assert _problems("<p><img src=x onerror=y></p>") == ["tag <img>"]
    assert _problems('<a href="javascript:x">a</a>') == ["href 'javascript:x'"]
    assert _problems('<a href=" java\tscript:x">a</a>')
    assert _problems('<p onclick="x">a</p>') == ["attribute onclick on <p>"]
    assert _problems('<a href="VBScript:x">a</a>')
    assert _problems('<a href="data:text/html,x">a</a>')
    assert not _problems('<p><a href="/hashtag/x/" rel="nofollow">#x</a></p>')


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_rendered_payload_keeps_to_the_allow_list(payload):
    body = expand(payload, uuid=str(MEMBER_ID), limit=POST_MAX_CHARS)
    html = str(text.render_post_text(body, mentioned=MENTIONED))
    assert _problems(html) == []
    lowered = html.lower()
    # Whatever survived as text is escaped: no raw angle bracket opens a tag the parser missed.
    assert "<script" not in lowered


def test_hostile_member_name_in_a_mention_is_text():
    html = str(text.render_post_text(f"Hello @[Someone]({MEMBER_ID})", mentioned=MENTIONED))
    assert _problems(html) == []
    assert 'href="/in/hostile/"' in html
    assert "&lt;img" in html  # shown, not parsed


def test_template_syntax_is_shown_as_typed():
    html = str(text.render_post_text("{{ 7*7 }} and {% debug %}", mentioned={}))
    assert "{{ 7*7 }}" in html
    assert "{% debug %}" in html
    assert "49" not in html
