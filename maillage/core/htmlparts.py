"""Helpers for the few fragments built in Python rather than by the template engine because a
page repeats them dozens of times (`feed/cards.py`: post cards' header and actions;
`network/cards.py`: the buttons next to a person). They keep what a template gives for free at
the price of a lookup each time — one masked CSRF token per request, URLs reversed once."""

from __future__ import annotations

from functools import cache
from html import escape
from uuid import UUID

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, reverse

# Reversed once with this id, then the real id put in its place: the URLs of one name differ
# only by it, and `reverse` for each of a page's links cost more than the rest of a fragment.
_PLACEHOLDER = str(UUID(int=0))


@cache
def _url_pattern(name: str, script_prefix: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def url_with_id(name: str, public_id) -> str:
    """`reverse(name, args=[public_id])` for a URL whose one argument is a UUID."""
    return _url_pattern(name, get_script_prefix()).replace(_PLACEHOLDER, str(public_id))


def csrf_token_once(request: HttpRequest) -> str:
    """The request's CSRF token, masked once (`get_token` draws a new mask, 32 random characters,
    on each call, and `{% csrf_token %}` reads it once per page too)."""
    token = getattr(request, "_htmlparts_csrf_token", None)
    if token is None:
        token = request._htmlparts_csrf_token = get_token(request)
    return token


def csrf_input(request: HttpRequest) -> str:
    """The hidden CSRF field of a form, as `{% csrf_token %}` writes it."""
    return (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token_once(request))}">'
    )
