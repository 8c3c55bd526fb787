"""A corpus of hostile strings for every place a member's text reaches another member's screen.

Payloads set `window.__xss = 1` rather than calling `alert()` where they can, so a test sees a
script that ran even when dialogs are suppressed; a few keep `alert()` to exercise the dialog
listener too. `{uuid}` is replaced by a real member's public id (so mention tokens resolve) and
`{long}` marks strings that are stretched to the field's limit.

Used by `tests/e2e/test_feed_xss.py` (rendered in Chromium) and by
`maillage/feed/tests/test_xss_render.py` (the sanitizer, without a browser).
"""

from __future__ import annotations

X = "window.__xss=1"

PAYLOADS: list[str] = [
    # --- Script tags, in every spelling ---------------------------------------------------------
    f"<script>{X}</script>",
    f"<SCRIPT>{X}</SCRIPT>",
    f"<scr<script>ipt>{X}</scr</script>ipt>",
    f"<script src=data:text/javascript,{X}></script>",
    f'<script type="module">{X}</script>',
    f"</p><script>{X}</script><p>",
    f"<<script>script>{X}<</script>/script>",
    # --- Event handlers -----------------------------------------------------------------------
    f"<img src=x onerror={X}>",
    f'<img src="x" onerror="{X}">',
    f"<IMG SRC=x OnErRoR={X}>",
    f"<img src=x onerror=\"javascript:{X}\"/>",
    f"<img/src=x/onerror={X}>",
    f"<body onload={X}>",
    f"<div onmouseover={X}>hover me</div>",
    f"<a href=# onclick={X}>click</a>",
    f"<input autofocus onfocus={X}>",
    f"<details open ontoggle={X}>",
    f"<video><source onerror={X}></video>",
    f"<audio src=x onerror={X}>",
    f"<marquee onstart={X}>m</marquee>",
    f"<select autofocus onfocus={X}>",
    f"<textarea autofocus onfocus={X}>",
    # --- javascript:, data:, vbscript: in markdown links and autolinks -------------------------
    f"[click me](javascript:{X})",
    f"[click me](JaVaScRiPt:{X})",
    f"[click me]( javascript:{X} )",
    f"[click me](javascript&colon;{X})",
    f"[click me](&#106;avascript:{X})",
    f"[click me](java\tscript:{X})",
    "[click me](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[click me](vbscript:msgbox(1))",
    f"<javascript:{X}>",
    f"<data:text/html,<script>{X}</script>>",
    f"javascript:{X}",
    f"[a](javascript:{X} \"title\")",
    f"[click](<javascript:{X}>)",
    f"[ref link][x]\n\n[x]: javascript:{X}",
    # --- Attribute breakouts with quotes and backticks ---------------------------------------
    f'[q](https://example.org/" onmouseover="{X})',
    f"[q](https://example.org/' onmouseover='{X})",
    f"[q](https://example.org/`onmouseover=`{X})",
    f'"><img src=x onerror={X}>',
    f"'><img src=x onerror={X}>",
    f"`><img src=x onerror={X}>",
    f'" autofocus onfocus="{X}',
    # --- Markdown link titles, nested brackets -----------------------------------------------
    f'[t](https://example.org "a\\" onmouseover=\\"{X}")',
    f'[t](https://example.org \'x" onmouseover="{X}\')',
    f'[t](https://example.org (title"><img src=x onerror={X}>))',
    f"[[nested](javascript:{X})](https://example.org)",
    f"[a[b[c](javascript:{X})]]",
    f"![alt\"onerror=\"{X}](x)",
    f"![x](javascript:{X})",
    # --- SVG and MathML -----------------------------------------------------------------------
    f"<svg onload={X}>",
    f"<svg><script>{X}</script></svg>",
    f"<svg><a xlink:href=\"javascript:{X}\"><text y=20>x</text></a></svg>",
    f"<svg><animate onbegin={X} attributeName=x dur=1s>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={X}>",
    f"<math href=\"javascript:{X}\">click</math>",
    f"<math><maction actiontype=statusline xlink:href=javascript:{X}>x</maction></math>",
    # --- Frames, objects, forms, base, meta ---------------------------------------------------
    f"<iframe srcdoc=\"<script>parent.{X}</script>\"></iframe>",
    f"<iframe src=\"javascript:parent.{X}\"></iframe>",
    f"<object data=\"javascript:{X}\"></object>",
    f"<embed src=\"javascript:{X}\">",
    f"<form action=\"javascript:{X}\"><button>go</button></form>",
    f"<base href=\"javascript:{X}//\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{X}\">",
    f"<link rel=import href=\"data:text/html,<script>{X}</script>\">",
    # --- CSS injection ------------------------------------------------------------------------
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:window.__xss=1)\">css</div>",
    "<p style=\"behavior:url(x.htc);-moz-binding:url(x.xml#xss)\">css</p>",
    "</style><style>*{display:none}</style>",
    # --- Entities and unicode tricks ------------------------------------------------------------
    f"&lt;img src=x onerror={X}&gt;",
    f"&#60;script&#62;{X}&#60;/script&#62;",
    f"\\u003cscript\\u003e{X}\\u003c/script\\u003e",
    f"＜script＞{X}＜/script＞",
    f"<scr\u0000ipt>{X}</scr\u0000ipt>",
    f"[x](jav\u200bascript:{X})",
    f"\u202e<img src=x onerror={X}>",
    f"[x](\x01javascript:{X})",
    # --- Mention tokens and hashtags carrying payloads -------------------------------------
    f"@[<img src=x onerror={X}>]({{uuid}})",
    f"@[\"><script>{X}</script>]({{uuid}})",
    f"@[x](javascript:{X})",
    f"@[<svg onload={X}>](00000000-0000-0000-0000-000000000000)",
    f"#tag<img src=x onerror={X}>",
    f"#<script>{X}</script>",
    f"#x\"onmouseover=\"{X}",
    f"#javascript:{X}",
    # --- Template injection (must show as typed, never evaluated) -----------------------------
    "{{ 7*7 }}",
    "{% debug %}",
    "{{ request.user.password }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "{% load static %}{% csrf_token %}",
    # --- Very long ----------------------------------------------------------------------------
    "{long}" + f"<img src=x onerror={X}>",
]

# Strings that must come out of the page exactly as typed (template injection is shown, not run).
LITERAL = ["{{ 7*7 }}", "{% debug %}"]

# Field limits used to stretch "{long}" payloads.
LONG_FILLER = "A" * 2900


def expand(payload: str, *, uuid: str, limit: int) -> str:
    """The payload with its placeholders filled, cut to `limit` characters."""
    text = payload.replace("{uuid}", uuid)
    if text.startswith("{long}"):
        tail = text[len("{long}") :]
        text = ("A" * max(0, limit - len(tail))) + tail
    return text[:limit]
