"""The one user-text renderer: markdown in, sanitized HTML out.

Every XSS payload is rendered twice: as configured, and with the markdown parser switched to
pass raw HTML through — the sanitizer alone must then still hold, as text.py promises.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeData, SafeString
from markdown_it import MarkdownIt

from maillage.core import text
from maillage.core.text import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    LINK_REL,
    render_markdown,
    render_plain,
)

# --- Inspecting the output ------------------------------------------------------------------

# What the checker accepts, pinned here rather than read from text.py: widening text.py's
# allow-lists must fail these tests until someone decides, here too, that it is safe.
SAFE_TAGS = {
    "p", "br", "strong", "em", "s", "del", "ul", "ol", "li", "a", "blockquote", "code", "pre",
}  # fmt: skip
SAFE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
SAFE_SCHEMES = {"http", "https", "mailto"}


def test_allow_lists_are_no_wider_than_reviewed():
    assert ALLOWED_TAGS <= SAFE_TAGS
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        assert tag in ALLOWED_TAGS
        assert attributes <= SAFE_ATTRIBUTES.get(tag, set())
    assert ALLOWED_URL_SCHEMES <= SAFE_SCHEMES
    assert LINK_REL == "nofollow ugc noopener"


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[tuple[str, list[tuple[str, str | None]], str]] = []
        self.end_tags: list[str] = []
        self.data: list[str] = []
        self.other: list[str] = []  # comments, doctypes, CDATA, processing instructions

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.end_tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")


# Browsers drop ASCII tab/newline anywhere in a URL and strip leading C0 controls and spaces.
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u200b-\u200f\u2028\u2029\ufeff]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_DANGEROUS_IN_VALUES = ("javascript:", "vbscript:", "data:", "livescript:", "file:")


def _normalized(value: str) -> str:
    return _IGNORED_IN_URLS.sub("", value).lower()


def assert_safe(html: str) -> _Inspector:
    """Fail if `html` holds anything outside text.py's allow-list, or anything executable."""
    parser = _Inspector()
    parser.feed(html)
    parser.close()

    assert not parser.other, f"comment/declaration survived: {parser.other}"
    for chunk in parser.data:
        assert "<" not in chunk, f"unescaped '<' in text: {chunk!r}"
    for tag in parser.end_tags:
        assert tag in SAFE_TAGS, f"closing tag </{tag}> outside the allow-list"
    for tag, attrs, raw in parser.tags:
        assert tag in SAFE_TAGS, f"<{tag}> outside the allow-list in {html!r}"
        allowed = SAFE_ATTRIBUTES.get(tag, set())
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), f"repeated attribute in {raw!r}"
        # The raw tag, as a browser reads it: no second tag opened inside an attribute.
        assert "<script" not in raw[1:].lower(), f"'<script' inside {raw!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in {raw!r}"
            assert name in allowed, f"attribute {name} on <{tag}> outside the allow-list"
            value = value or ""
            normalized = _normalized(value)
            if name == "href":
                # What a browser does with it depends on its scheme alone: "javascript:" further
                # on (in a path or a query, or after a %-escape) is inert text.
                scheme = _SCHEME.match(normalized)
                assert scheme is None or scheme.group(1) in SAFE_SCHEMES, (
                    f"href scheme {scheme.group(1)!r} in {raw!r}"
                )
            else:
                for bad in _DANGEROUS_IN_VALUES:
                    assert bad not in normalized, f"{bad!r} survived in {name}={value!r}"
            if name == "rel":
                assert value == LINK_REL
            if name == "start":
                assert value.isdigit()
        if tag == "a":
            assert dict(attrs).get("rel") == LINK_REL, f"link without rel: {raw!r}"
    return parser


def tags_of(html: str) -> list[str]:
    return [tag for tag, _, _ in assert_safe(html).tags]


# --- What members may write -------------------------------------------------------------------


def test_emphasis_strike_and_code():
    html = render_markdown("**bold** *italic* _also_ ~~gone~~ `x < y`")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<em>also</em>" in html
    assert "gone</s>" in html or "gone</del>" in html
    assert "<code>x &lt; y</code>" in html


def test_lists():
    html = render_markdown("- one\n- two\n\n3. three\n4. four")
    assert tags_of(html).count("li") == 4
    assert "<ul>" in html
    assert '<ol start="3">' in html


def test_links_get_rel_and_keep_href_and_title():
    html = render_markdown('[site](https://example.org/a?b=1 "The title")')
    assert_safe(html)
    assert 'href="https://example.org/a?b=1"' in html
    assert 'title="The title"' in html
    assert f'rel="{LINK_REL}"' in html
    assert ">site</a>" in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("https://example.org/page", "https://example.org/page"),
        ("www.example.org", "http://www.example.org"),
        ("<https://example.org>", "https://example.org"),
        ("write to someone@example.org", "mailto:someone@example.org"),
        ("[rel](/members/abc)", "/members/abc"),
        ("[frag](#top)", "#top"),
    ],
)
def test_autolinks_mail_and_relative_links(source, href):
    html = render_markdown(source)
    assert_safe(html)
    assert f'href="{href}"' in html
    assert f'rel="{LINK_REL}"' in html


def test_line_breaks_and_paragraphs():
    html = render_markdown("line one\nline two\n\nnew paragraph")
    assert tags_of(html) == ["p", "br", "p"]
    assert "line one<br>" in html


def test_code_block_and_quote():
    html = render_markdown("```\n<b>not bold</b>\n```\n\n> quoted")
    assert "<pre><code>&lt;b&gt;not bold&lt;/b&gt;\n</code></pre>" in html
    assert "<blockquote>" in html


def test_raw_html_is_escaped_not_rendered():
    html = render_markdown("<b>bold?</b> <div class='x'>block</div>\n\n<table><tr><td>1</td></tr>")
    assert tags_of(html) == ["p", "p"]
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "&lt;table&gt;" in html


@pytest.mark.parametrize(
    "source",
    ["# Title", "###### Small", "Title\n=====", "Title\n-----\n\ntext"],
)
def test_headings_are_not_rendered(source):
    html = render_markdown(source)
    assert not re.search(r"<h[1-6]", html)
    assert "Title" in html or "Small" in html


def test_images_are_not_rendered():
    html = render_markdown("![a cat](https://example.org/cat.png)")
    assert "<img" not in html
    assert "src=" not in html
    assert_safe(html)


def test_tables_are_not_rendered():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table" not in html
    assert_safe(html)


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
    assert isinstance(render_markdown(None), SafeString)
    assert render_plain(None) == ""
    assert render_plain("") == ""


def test_output_is_a_safe_string():
    assert isinstance(render_markdown("**hi**"), SafeString)


def test_markdown_filter_renders_safely_in_a_template():
    template = Template("{% load maillage %}{{ body|markdown }}|{{ body }}")
    body = "**hi** <script>alert(1)</script> [x](javascript:alert(1)) & more"
    out = template.render(Context({"body": body}))
    rendered, escaped = out.split("|", 1)
    assert rendered == render_markdown(body)
    assert "<strong>hi</strong>" in rendered
    assert "<script" not in out
    assert "&lt;script&gt;" in rendered
    # Escaped once by the renderer, not a second time by the template.
    assert "&amp;lt;" not in rendered
    assert "&amp; more" in rendered
    assert escaped.startswith("**hi** &lt;script&gt;")
    assert_safe(rendered)


# --- render_plain ---------------------------------------------------------------------------


def test_render_plain_strips_tags():
    plain = render_plain("**bold** *it* [a link](https://example.org)\n\n- item\n\n> quote")
    assert "<" not in plain
    assert "bold" in plain
    assert "a link" in plain
    assert "item" in plain
    assert "quote" in plain
    assert "https://example.org" not in plain  # the link's text, not its address


def test_render_plain_is_plain_text_that_templates_escape():
    plain = render_plain("Tom & Jerry <script>alert(1)</script>")
    assert plain == "Tom & Jerry <script>alert(1)</script>"
    assert not isinstance(plain, SafeData)
    out = Template("{{ plain }}").render(Context({"plain": plain}))
    assert out == "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"


# --- XSS ------------------------------------------------------------------------------------

LONG = "<script>alert(1)</script>" * 2000 + "[x](javascript:alert(1))" * 500

XSS_PAYLOADS = [
    # markdown links with dangerous schemes, and tricks to hide them
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java\nscript:alert(1))",
    "[x](java\rscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106;&#0000097;vascript:alert(1))",
    "[x](&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](\x01javascript:alert(1))",
    "[x](\u00a0javascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](javascript://%0Aalert(1))",
    '[x](javascript:alert(1) "title")',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](livescript:alert(1))",
    "[x](file:///etc/passwd)",
    '[x](http://a.com" onmouseover="alert(1))',
    "[x](http://a.com'onmouseover='alert(1))",
    '[x](http://a.com "a\\" onclick=\\"alert(1)")',
    '[x](https://example.org/"><script>alert(1)</script>)',
    '[x](http://a.com "<script>alert(1)</script>")',
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x]\n\n[x]: data:text/html,<script>alert(1)</script>",
    '[x][r]\n\n[r]: http://a.com "a" onclick="alert(1)"',
    "[x][r]\n\n[r]: <vbscript:msgbox(1)>",
    # autolinks and linkify
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "<vbscript:msgbox(1)>",
    "javascript:alert(1)",
    "www.example.org/<script>alert(1)</script>",
    'https://example.org/"onmouseover="alert(1)',
    # images (disabled) that would carry a script
    "![x](javascript:alert(1))",
    '![x](http://x/y.png" onerror="alert(1))',
    "[![x](http://x/y.png)](javascript:alert(1))",
    # raw HTML
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`x` onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="https://example.org" style="position:fixed;top:0;left:0">x</a>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="http://ok.example" onclick="alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a/href="javascript:alert(1)">x</a>',
    "<a href=javascript&colon;alert(1)>x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://example.org" target="_blank" rel="opener">x</a>',
    # event handlers of many kinds
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<select onchange=alert(1)><option>1</option></select>",
    "<textarea onkeyup=alert(1)></textarea>",
    "<xss onpointerover=alert(1)>x</xss>",
    "<p onclick=alert(1)>para</p>",
    "<strong onmouseenter=alert(1)>b</strong>",
    "<ol start=1 onanimationstart=alert(1)><li>x</li></ol>",
    # forms, base, meta, link
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<isindex action=javascript:alert(1) type=image>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    # math and namespace confusion
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<table><td background="javascript:alert(1)">',
    # comments, CDATA, declarations
    "<!--<img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml-stylesheet href="javascript:alert(1)"?>',
    "<!DOCTYPE html><html><head><script>alert(1)</script>",
    # null bytes, unicode and RTL tricks
    "<scri\x00pt>alert(1)</scri\x00pt>",
    "<img src=x o\x00nerror=alert(1)>",
    "[x](java\x00script:alert(1))",
    "\u202e<script>alert(1)</script>",
    "[x](\u202ejavascript:alert(1))",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "<\u0131mg src=x onerror=alert(1)>",
    # markdown containers around HTML
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "**<script>alert(1)</script>**",
    "[x](https://example.org) <img src=x onerror=alert(1)> *mixed*",
    # size and nesting
    LONG,
    ">" * 300 + " <script>alert(1)</script>",
    "[" * 2000 + "x" + "](javascript:alert(1))" * 2000,
    "- " * 500 + "<img src=x onerror=alert(1)>",
    "*" * 5000 + "<svg onload=alert(1)>",
]


def _payload_id(payload: str) -> str:
    shown = payload if len(payload) < 60 else f"{payload[:40]}...({len(payload)} chars)"
    return shown.encode("unicode_escape").decode("ascii")


def test_there_are_enough_payloads():
    assert len(XSS_PAYLOADS) >= 60
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=_payload_id)
def test_xss_payload_is_neutralised(payload):
    html = render_markdown(payload)
    assert isinstance(html, SafeString)
    assert_safe(html)


@pytest.fixture
def parser_lets_html_through(monkeypatch):
    """Pretend the markdown parser was fooled into passing raw HTML to the sanitizer."""
    fooled = MarkdownIt("commonmark", {"html": True, "linkify": True, "breaks": True}).enable(
        ["linkify", "strikethrough"]
    )
    monkeypatch.setattr(text, "_parser", fooled)
    assert "<b>" in fooled.render("<b>x</b>")


@pytest.mark.parametrize("payload", XSS_PAYLOADS, ids=_payload_id)
def test_sanitizer_alone_neutralises_payload(parser_lets_html_through, payload):
    assert_safe(render_markdown(payload))


# --- The checker itself must catch leaks --------------------------------------------------


@pytest.mark.parametrize(
    "leak",
    [
        "<script>alert(1)</script>",
        '<img src="x">',
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href="JAVA&#9;SCRIPT:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>',
        '<a href="ftp://example.org" rel="nofollow ugc noopener">x</a>',
        '<a href="https://example.org">no rel</a>',
        '<a href="https://example.org" rel="nofollow ugc noopener" target="_blank">x</a>',
        '<a title="javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href=" \x01JaVa\nScRiPt:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href="vbscript:x" rel="nofollow ugc noopener">x</a>',
        '<ol start="1" reversed><li>x</li></ol>',
        '<ol start="javascript:1"><li>x</li></ol>',
        '<a title="x"<script>" rel="nofollow ugc noopener">x</a>',
        '<p style="color:red">x</p>',
        "<!-- hidden -->",
        "<![CDATA[x]]>",
        "<svg><circle/></svg>",
        "<p>a < script</p>",
    ],
)
def test_the_checker_catches_leaks(leak):
    with pytest.raises(AssertionError):
        assert_safe(leak)
