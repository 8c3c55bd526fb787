"""Search your messages: only conversations you take (or took) part in (search.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .search import MAX_QUERY_CHARS, SearchPage, messages_search


def _before(request: HttpRequest) -> int | None:
    try:
        value = int(request.GET.get("before", ""))
    except ValueError:
        return None
    return value if 0 < value < 2**63 else None


@login_required
@require_GET
def messaging_search(request: HttpRequest) -> HttpResponse:
    query = " ".join((request.GET.get("q") or "").split())[:MAX_QUERY_CHARS]
    before = _before(request)
    page = messages_search(request.user, query, before=before) if query else SearchPage([], None)
    response = render(
        request,
        "messaging/search.html",
        {"words": query, "page": page, "before": before, "max_chars": MAX_QUERY_CHARS},
    )
    response["Cache-Control"] = "private, no-store"
    return response
