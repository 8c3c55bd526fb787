"""The notifications page and "mark all read"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .selectors import notifications_page
from .services import notifications_mark_read


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = notifications_page(member=request.user, page=_page_number(request))
    return render(request, "notifications/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    changed = notifications_mark_read(member_id=request.user.pk)
    if changed:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications")
