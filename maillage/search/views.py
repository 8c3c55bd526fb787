from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import PeopleSearchForm
from .selectors import PeoplePage, PeopleQuery, people_search

PER_PAGE = 20
SUGGESTIONS = 8
# Suggestions rank fewer people (the closest by degree) to answer while the member types.
SUGGESTION_CANDIDATES = 60


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = PeopleSearchForm(request.GET)
    query, page = PeopleQuery(), PeoplePage()
    if form.is_valid():
        query = form.people_query()
        page = people_search(
            viewer=request.user,
            query=query,
            page=form.cleaned_data.get("page") or 1,
            per_page=PER_PAGE,
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "query": form.data.get("q", ""),
            "people_query": query,
            "page": page,
            "page_params": params.urlencode(),
        },
    )


@require_GET
@login_required
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The top bar's autocomplete: up to eight people, as an HTML fragment (list options)."""
    form = PeopleSearchForm({"q": request.GET.get("q", "")[:100]})
    page = PeoplePage()
    if form.is_valid() and form.cleaned_data["q"].strip():
        page = people_search(
            viewer=request.user,
            query=form.people_query(),
            per_page=SUGGESTIONS,
            max_candidates=SUGGESTION_CANDIDATES,
        )
    return render(
        request,
        "search/suggest.html",
        {"page": page, "query": form.data.get("q", "").strip()},
    )
