"""Search your messages: only conversations you take (or took) part in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .search import messages_search


@login_required
@require_GET
def messaging_search(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    results = messages_search(request.user, query) if query else []
    return render(request, "messaging/search.html", {"query": query, "results": results})
