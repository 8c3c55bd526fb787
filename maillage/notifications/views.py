"""The notifications page, "mark all read", the e-mail settings and one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import preferences
from .email import read_unsubscribe_token
from .forms import PreferencesForm
from .models import Delivery
from .selectors import notifications_page
from .services import notifications_mark_read, preferences_update


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


# --- E-mail settings and one-click unsubscribe --------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = preferences.preferences_for(request.user.pk)
    if request.method == "POST":
        form = PreferencesForm(request.POST, current=current)
        if form.is_valid():
            preferences_update(member_id=request.user.pk, values=form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
        messages.error(request, _("Some choices are not valid; nothing was changed."))
        status = 400
    else:
        form = PreferencesForm(current=current)
        status = 200
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "defaults": preferences.DEFAULTS},
        status=status,
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token
@require_http_methods(["GET", "POST"])
def notifications_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (mail scanners open links; they must not unsubscribe).
    POST (that button, or a mail client's one-click): the kind becomes "in the app only".
    The signature is the only credential: tampered or expired → a clear page, nothing changed."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    member, kind = found
    context = {"kind_label": preferences.kind_label(kind), "token": token, "done": False}
    if request.method == "POST":
        if kind in preferences.DIGEST_LINKS:  # a digest's link: every kind it gathers
            kinds = preferences.kinds_with(member.pk, preferences.DIGEST_LINKS[kind])
        else:
            kinds = [kind]
        preferences_update(member_id=member.pk, values=dict.fromkeys(kinds, Delivery.IN_APP))
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


@login_required
@require_GET
def notifications_badge(request: HttpRequest) -> HttpResponse:
    """The top bar's notifications entry alone, fetched by notifications.js when a
    notification arrives (the count and its spoken text in the member's language)."""
    return render(request, "includes/topbar_notifications.html")
