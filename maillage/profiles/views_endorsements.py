"""Endorsements and recommendations: thin views over `endorsements.py` and
`recommendations.py`.

Every POST works with htmx (the part of the page it changes comes back) and without (a redirect
with a message). Who may do what is decided by the services; who may see what by the selectors
and `profile_visible_to` — anything the viewer may not see answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import endorsements as endorsement_rules
from . import recommendations as rec
from .models import Profile, ProfileSkill, Recommendation
from .selectors import profile_by_address, profile_visible_to, section_visible_to
from .views import _page_number

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _visible_profile(request: HttpRequest, address: str) -> Profile:
    """The profile at `address` if the (signed-in) viewer may see it, else 404."""
    profile = profile_by_address(address)
    if profile is None or not profile_visible_to(request.user, profile):
        raise Http404
    return profile


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Endorsements -------------------------------------------------------------------------------


def _skill_item_response(
    request: HttpRequest, profile: Profile, skill_id: int, *, error: str = ""
) -> HttpResponse:
    """The one skill's row, as the viewer now sees it (for htmx), with the refusal if any."""
    item = (
        ProfileSkill.objects.select_related("skill")
        .filter(profile=profile, skill_id=skill_id)
        .first()
    )
    if item is None:
        # Nothing to redraw: htmx leaves the page as it is and the message says why.
        return HttpResponse(error or _("This skill is no longer listed."), status=422)
    found = endorsement_rules.endorsements_for_skills(request.user, profile, [item])
    return render(
        request,
        "profiles/page/_skill_item.html",
        {
            "entry": {"item": item, "endorsements": found[item.pk]},
            "profile": profile,
            "endorsements_shown": endorsement_rules.endorsements_visible_to(request.user, profile),
            "may_endorse": endorsement_rules.may_endorse(request.user, profile),
            "error": error,
        },
    )


def _endorsement_action(request: HttpRequest, address: str, skill_id: int, *, endorse: bool):
    profile = _visible_profile(request, address)
    service = endorsement_rules.skill_endorse if endorse else endorsement_rules.skill_unendorse
    try:
        service(endorser=request.user, profile=profile, skill_id=skill_id)
    except ValidationError as error:
        if _is_htmx(request):
            return _skill_item_response(request, profile, skill_id, error=" ".join(error.messages))
        _error(request, error)
    else:
        if _is_htmx(request):
            return _skill_item_response(request, profile, skill_id)
        messages.success(
            request, _("Endorsement added.") if endorse else _("Endorsement withdrawn.")
        )
    return redirect(reverse("profile", args=[profile.address]) + "#skills")


@login_required
@require_POST
def skill_endorse(request: HttpRequest, address: str, skill_id: int) -> HttpResponse:
    return _endorsement_action(request, address, skill_id, endorse=True)


@login_required
@require_POST
def skill_unendorse(request: HttpRequest, address: str, skill_id: int) -> HttpResponse:
    return _endorsement_action(request, address, skill_id, endorse=False)


@require_GET
def skill_endorsers(request: HttpRequest, address: str, skill_id: int) -> HttpResponse:
    """Everyone who endorsed one skill (paginated), the viewer's connections first."""
    profile = profile_by_address(address)
    viewer = request.user if request.user.is_authenticated else None
    if (
        profile is None
        or not profile_visible_to(viewer, profile)
        or not section_visible_to(viewer, profile, "skills")
        or not endorsement_rules.endorsements_visible_to(viewer, profile)
    ):
        raise Http404
    item = (
        ProfileSkill.objects.select_related("skill")
        .filter(profile=profile, skill_id=skill_id)
        .first()
    )
    if item is None:
        raise Http404
    page_number = _page_number(request)
    page = endorsement_rules.skill_endorsers_page(
        viewer, item, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "profiles/page/endorsers.html",
        {
            "profile": profile,
            "member": profile.member,
            "item": item,
            "page": page,
            "page_number": page_number,
            "page_url": reverse("profile", args=[profile.address]),
        },
    )


@login_required
@require_POST
def endorsements_visibility(request: HttpRequest) -> HttpResponse:
    """The owner shows or hides endorsements on their profile (`hidden=1` or `hidden=0`)."""
    value = request.POST.get("hidden")
    if value not in {"0", "1"}:
        messages.error(request, _("Choose whether to show or hide endorsements."))
    else:
        profile = endorsement_rules.endorsements_visibility_update(
            member=request.user, hidden=value == "1"
        )
        messages.success(
            request,
            _("Endorsements are now hidden from others.")
            if profile.endorsements_hidden
            else _("Endorsements are now shown on your profile."),
        )
    profile = Profile.objects.filter(member=request.user).only("address").first()
    if profile is None or not profile.address:
        return redirect("my_profile")
    return redirect(reverse("profile", args=[profile.address]) + "#skills")


# --- Recommendations: forms ---------------------------------------------------------------------


class _RelationshipForm(forms.Form):
    relationship = forms.ChoiceField(label=gettext_lazy("How do you know each other?"))
    context = forms.CharField(
        label=gettext_lazy("Position at the time"),
        max_length=rec.CONTEXT_MAX,
        required=False,
        help_text=gettext_lazy("For example: Project manager at Nexalys."),
    )

    def __init__(self, *args, author, recipient, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = [
            ("", _("Choose…")),
            *rec.relationship_choices(author=author, recipient=recipient),
        ]
        if positions:
            self.fields["context"].widget = forms.TextInput(attrs={"list": "context-positions"})


class RecommendationRequestForm(_RelationshipForm):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=rec.MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Optional: remind them of what you did together."),
    )


class RecommendationWriteForm(_RelationshipForm):
    body = forms.CharField(
        label=gettext_lazy("Recommendation"),
        max_length=rec.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("At most 3,000 characters. It is shown once they approve it."),
    )


def _positions_of(member) -> list[str]:
    """The recipient's positions, offered as suggestions for "position at the time"."""
    from .models import Position

    rows = Position.objects.filter(profile__member=member).order_by("-start_date")[:20]
    return [
        _("%(title)s at %(organization)s") % {"title": p.title, "organization": p.organization_name}
        for p in rows
    ]


def _connection_profile(request: HttpRequest, address: str) -> Profile | HttpResponse:
    """The profile of a 1st-degree connection of the viewer, or a redirect with a message."""
    from maillage.network import degrees

    profile = _visible_profile(request, address)
    if profile.member_id == request.user.pk:
        raise Http404
    if degrees.degree_of(request.user.pk, profile.member_id) != degrees.FIRST:
        messages.error(request, _("Recommendations are only between 1st-degree connections."))
        return redirect("profile", profile.address)
    return profile


@login_required
def recommendation_request(request: HttpRequest, address: str) -> HttpResponse:
    """Ask a connection (the member at `address`) to write a recommendation for the viewer."""
    found = _connection_profile(request, address)
    if isinstance(found, HttpResponse):
        return found
    profile = found
    author = profile.member
    positions = _positions_of(request.user)
    form = RecommendationRequestForm(
        request.POST if request.method == "POST" else None,
        author=author,
        recipient=request.user,
        positions=positions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            rec.recommendation_request(
                recipient=request.user,
                author=author,
                relationship=form.cleaned_data["relationship"],
                context=form.cleaned_data["context"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request was sent to %(name)s.") % {"name": author.get_full_name()},
            )
            return redirect(reverse("recommendations") + "?tab=requests")
    return render(
        request,
        "profiles/recommendations/request.html",
        {"form": form, "profile": profile, "other": author, "positions": positions},
        status=400 if form.is_bound else 200,
    )


def _write(request: HttpRequest, *, profile: Profile, request_row: Recommendation | None):
    recipient = profile.member
    positions = _positions_of(recipient)
    initial = {}
    if request_row is not None:
        initial = {"relationship": request_row.relationship, "context": request_row.context}
    form = RecommendationWriteForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        author=request.user,
        recipient=recipient,
        positions=positions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            rec.recommendation_write(
                author=request.user,
                recipient=recipient,
                relationship=form.cleaned_data["relationship"],
                context=form.cleaned_data["context"],
                body=form.cleaned_data["body"],
                request=request_row,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your recommendation was sent to %(name)s for approval.")
                % {"name": recipient.get_full_name()},
            )
            return redirect(reverse("recommendations") + "?tab=given")
    return render(
        request,
        "profiles/recommendations/write.html",
        {
            "form": form,
            "profile": profile,
            "other": recipient,
            "request_row": request_row,
            "positions": positions,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def recommendation_write(request: HttpRequest, address: str) -> HttpResponse:
    """Write a recommendation for a connection (answering their open request if there is one)."""
    found = _connection_profile(request, address)
    if isinstance(found, HttpResponse):
        return found
    open_request = Recommendation.objects.filter(
        author=request.user, recipient_id=found.member_id, status=Recommendation.Status.REQUESTED
    ).first()
    if open_request is not None:
        return redirect("recommendation_write_request", open_request.public_id)
    return _write(request, profile=found, request_row=None)


@login_required
def recommendation_write_request(request: HttpRequest, public_id) -> HttpResponse:
    """Answer a request: only its author, only while it is open."""
    row = rec.recommendation_for_party_or_404(request.user, public_id)
    if row.author_id != request.user.pk or row.status != Recommendation.Status.REQUESTED:
        raise Http404
    profile = Profile.objects.select_related("member").filter(member_id=row.recipient_id).first()
    if profile is None or not profile_visible_to(request.user, profile):
        raise Http404
    return _write(request, profile=profile, request_row=row)


TRANSITIONS = {
    # action: (service, the viewer must be the author?, message)
    "approve": (rec.recommendation_approve, False, gettext_lazy("The recommendation is shown.")),
    "reject": (
        rec.recommendation_reject,
        False,
        gettext_lazy("The recommendation was not accepted."),
    ),
    "hide": (rec.recommendation_hide, False, gettext_lazy("The recommendation is hidden.")),
    "show": (rec.recommendation_show, False, gettext_lazy("The recommendation is shown again.")),
    "decline": (rec.recommendation_decline, True, gettext_lazy("Request declined.")),
}


@login_required
@require_POST
def recommendation_transition(request: HttpRequest, public_id, action: str) -> HttpResponse:
    service, as_author, done = TRANSITIONS[action]
    row = rec.recommendation_for_party_or_404(request.user, public_id)
    mine = row.author_id if as_author else row.recipient_id
    if mine != request.user.pk:
        raise Http404
    try:
        if as_author:
            service(author=request.user, recommendation=row)
        else:
            service(recipient=request.user, recommendation=row)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, str(done))
    if _is_htmx(request):
        row.sentence = rec.relationship_sentence(row)
        return render(
            request,
            "profiles/recommendations/_item.html",
            {"row": row, "tab": request.POST.get("tab", ""), "me": request.user},
        )
    tab = request.POST.get("tab")
    target = reverse("recommendations")
    if tab in rec.TABS:
        target += f"?tab={tab}"
    return redirect(target)


@login_required
@require_GET
def recommendations_page(request: HttpRequest) -> HttpResponse:
    """/recommendations/: received, given and requests, one tab at a time (paginated)."""
    tab = request.GET.get("tab", "received")
    if tab not in rec.TABS:
        tab = "received"
    page_number = _page_number(request)
    page = rec.recommendations_tab_page(
        request.user, tab, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "profiles/recommendations/list.html",
        {
            "tab": tab,
            "page": page,
            "page_number": page_number,
            "counts": rec.recommendation_counts(request.user),
            "me": request.user,
        },
    )


@require_GET
def profile_recommendations(request: HttpRequest, address: str) -> HttpResponse:
    """All the recommendations shown on a profile (paginated)."""
    profile = profile_by_address(address)
    viewer = request.user if request.user.is_authenticated else None
    if profile is None or not profile_visible_to(viewer, profile):
        raise Http404
    page_number = _page_number(request)
    page = rec.recommendations_shown_page(
        viewer, profile.member, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    return render(
        request,
        "profiles/page/recommendations.html",
        {
            "profile": profile,
            "member": profile.member,
            "page": page,
            "page_number": page_number,
            "page_url": reverse("profile", args=[profile.address]),
        },
    )
