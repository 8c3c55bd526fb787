"""Template helpers for link preview cards."""

from __future__ import annotations

from django import template

from ..link_preview import display_domain

register = template.Library()


@register.filter
def link_domain(url: str) -> str:
    """The domain a card shows: "lemonde.fr" for https://www.lemonde.fr/…"""
    return display_domain(url or "")
