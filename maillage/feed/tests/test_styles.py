"""Emoji in posts and comments render as emoji, not boxes, wherever a colour emoji font exists:
the shared font stack names the one of each platform (macOS/iOS, Windows, Linux/Android)."""

from __future__ import annotations

import re
from pathlib import Path

import maillage

APP_CSS = Path(maillage.__file__).parent / "static" / "maillage" / "css" / "app.css"


def test_the_text_font_stack_falls_back_to_an_emoji_font_on_every_platform():
    css = APP_CSS.read_text(encoding="utf-8")
    stack = re.search(r"--font-sans:([^;]+);", css).group(1)
    for font in ('"Apple Color Emoji"', '"Segoe UI Emoji"', '"Noto Color Emoji"'):
        assert font in stack, font
    assert "font-family: var(--font-sans)" in css
