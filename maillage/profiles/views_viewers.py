"""Pages: who viewed my profile (with my own browsing mode), and my verified work e-mails."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import work_email as work_emails
from .models import BrowsingMode
from .profile_views import RETENTION_DAYS, profile_set_browsing_mode, profile_viewers_page
from .services import profile_ensure
from .work_email import MAX_WORK_EMAILS, TOKEN_MAX_AGE, LinkProblem

# Short names that fit beside a radio button on a phone, and what each mode means for the
# people whose profiles you visit.
MODE_LABELS = {
    BrowsingMode.FULL: gettext_lazy("Your name and headline"),
    BrowsingMode.SEMI_PRIVATE: gettext_lazy("Job and organization only"),
    BrowsingMode.PRIVATE: gettext_lazy("Private mode"),
}
MODE_EXPLANATIONS = {
    BrowsingMode.FULL: gettext_lazy(
        "Members whose profile you view see your name, photo and headline. You see who viewed yours."
    ),
    BrowsingMode.SEMI_PRIVATE: gettext_lazy(
        "They see only your field and organization, such as “someone in Marketing at Orange”."
    ),
    BrowsingMode.PRIVATE: gettext_lazy(
        "They see “a member” and nothing else. In exchange, you no longer see who viewed your "
        "profile, only how many times."
    ),
}


class BrowsingModeForm(forms.Form):
    mode = forms.ChoiceField(choices=BrowsingMode.choices, widget=forms.RadioSelect)


class WorkEmailForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Work e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "name@company.com"}),
        help_text=gettext_lazy(
            "The address your employer gave you; we send it a link to confirm. Personal "
            "mailboxes such as Gmail, Outlook or Orange can't be used: they say nothing about "
            "where you work."
        ),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member


@login_required
@require_http_methods(["GET", "POST"])
def profile_viewers(request: HttpRequest) -> HttpResponse:
    profile = profile_ensure(member=request.user)
    if request.method == "POST":
        form = BrowsingModeForm(request.POST)
        if form.is_valid():
            profile_set_browsing_mode(profile=profile, mode=form.cleaned_data["mode"])
            messages.success(request, _("Your profile viewing mode is saved."))
            return redirect("profile_viewers")
    else:
        form = BrowsingModeForm(initial={"mode": profile.browsing_mode})
    page = profile_viewers_page(owner_profile=profile)
    modes = [
        {
            "value": value,
            "label": MODE_LABELS[value],
            "explanation": MODE_EXPLANATIONS[value],
            "checked": value == profile.browsing_mode,
        }
        for value in BrowsingMode.values
    ]
    return render(
        request,
        "profiles/viewers/index.html",
        {"page": page, "form": form, "modes": modes, "days": RETENTION_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_email(request: HttpRequest) -> HttpResponse:
    form = WorkEmailForm(request.POST or None, member=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            added = work_emails.work_email_add(
                member=request.user, email=form.cleaned_data["email"], request=request
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("We sent a confirmation link to %(email)s. It works for 3 days.")
                % {"email": added.email},
            )
            return redirect("work_email")
    addresses = work_emails.work_emails_of(request.user)
    return render(
        request,
        "profiles/work_email/index.html",
        {
            "form": form,
            "addresses": addresses,
            "can_add": len(addresses) < MAX_WORK_EMAILS,
            "max_addresses": MAX_WORK_EMAILS,
            "domains": [a.domain for a in addresses if a.verified_at],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def work_email_remove(request: HttpRequest, public_id) -> HttpResponse:
    if work_emails.work_email_remove(member=request.user, public_id=public_id):
        messages.success(request, _("The work address was removed."))
    return redirect("work_email")


@login_required
@require_POST
def work_email_resend(request: HttpRequest, public_id) -> HttpResponse:
    try:
        sent = work_emails.work_email_resend(
            member=request.user, public_id=public_id, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("work_email")
    if sent is not None:
        messages.success(
            request, _("We sent a new confirmation link to %(email)s.") % {"email": sent.email}
        )
    return redirect("work_email")


@login_required
@require_http_methods(["GET", "POST"])
def work_email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        check = work_emails.work_email_confirm(member=request.user, token=token)
        if check.ok:
            messages.success(
                request,
                _("Verified: your profile now shows “Verified at @%(domain)s”.")
                % {"domain": check.work_email.domain},
            )
            return redirect("work_email")
    else:
        check = work_emails.work_email_check_link(member=request.user, token=token)
    status = 200
    if check.problem in (LinkProblem.INVALID, LinkProblem.EXPIRED, LinkProblem.OTHER_MEMBER):
        status = 400 if check.problem != LinkProblem.OTHER_MEMBER else 403
    return render(
        request,
        "profiles/work_email/confirm.html",
        {
            "check": check,
            "problem": check.problem.value if check.problem else "",
            "days": TOKEN_MAX_AGE // 86400,
        },
        status=status,
    )
