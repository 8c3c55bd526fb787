"""My network: connections, invitations, followers, and the actions on a person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import connections_of, people_for_viewer

PAGE_SIZE = 20


@login_required
def network_home(request: HttpRequest) -> HttpResponse:
    rows = list(connections_of(request.user)[:PAGE_SIZE])
    people = [row.other for row in rows]
    people_for_viewer(request.user, people)
    return render(request, "network/network.html", {"people": people})
