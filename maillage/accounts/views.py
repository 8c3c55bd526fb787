from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .adapter import INVITATION_SESSION_KEY
from .forms import LanguageForm
from .models import SignupInvitation
from .selectors import member_directory_page
from .services import member_set_language

DIRECTORY_PAGE_SIZE = 24


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language: remembered on the member's account, and in a cookie for visitors."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        member_set_language(member=request.user, language=language)
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
    return response


def signup_invitation(request: HttpRequest, code: str) -> HttpResponse:
    """The link in an invitation: remember it for the sign-up form, or explain why not."""
    invitation = SignupInvitation.objects.filter(code=code).first()
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    if request.user.is_authenticated:
        messages.info(request, _("You already have an account."))
        return redirect("home")
    request.session[INVITATION_SESSION_KEY] = invitation.code
    return redirect(reverse("account_signup"))


@login_required
def network_directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page = member_directory_page(
        viewer=request.user,
        query=query,
        limit=DIRECTORY_PAGE_SIZE,
        offset=(page_number - 1) * DIRECTORY_PAGE_SIZE,
        with_actions=True,
    )
    return render(
        request,
        "accounts/directory.html",
        {"page": page, "query": query, "page_number": page_number},
    )
