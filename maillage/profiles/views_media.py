"""The member's photo and cover image, and the staff page that reviews impersonation flags.

Every view acts on `request.user`'s own profile: no id in the URL, so nobody can touch another
member's images.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .images import (
    ACCEPT_ATTRIBUTE,
    MESSAGES,
    hash_distance,
    profile_cover_remove,
    profile_cover_set,
    profile_photo_remove,
    profile_photo_set,
)
from .impersonation import impersonation_flag_review, open_impersonation_flags
from .models import ImpersonationFlag, Profile
from .services import profile_ensure


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Image"),
        help_text=gettext_lazy("JPEG, PNG or WebP, up to 10 MB."),
        error_messages={
            "required": gettext_lazy("Choose an image to upload."),
            "empty": MESSAGES["empty"],
            "invalid": MESSAGES["not_image"],
        },
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["image"].label = label


# What differs between the photo page and the cover page.
KINDS = {
    "photo": {
        "label": gettext_lazy("Profile photo"),
        "field_label": gettext_lazy("New photo"),
        "set": profile_photo_set,
        "remove": profile_photo_remove,
        "saved": gettext_lazy("Your photo has been updated."),
        "removed": gettext_lazy("Your photo has been removed."),
    },
    "cover": {
        "label": gettext_lazy("Cover image"),
        "field_label": gettext_lazy("New cover image"),
        "set": profile_cover_set,
        "remove": profile_cover_remove,
        "saved": gettext_lazy("Your cover image has been updated."),
        "removed": gettext_lazy("Your cover image has been removed."),
    },
}


def _first_url(*names: str, **kwargs) -> str | None:
    """The profile pages are built elsewhere: link to whichever exists."""
    for name in names:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


def _profile_links(profile: Profile) -> dict[str, str | None]:
    public = None
    if profile.address:
        public = _first_url("profile", "profile_detail", address=profile.address)
    return {"edit_url": _first_url("profile_edit"), "profile_url": public}


def _own_profile(request: HttpRequest) -> Profile:
    profile = profile_ensure(member=request.user)
    # Also caches it as request.user.profile, so the top bar's avatar shows the photo here.
    profile.member = request.user
    return profile


def _has_image(profile: Profile, kind: str) -> bool:
    return bool(profile.photo if kind == "photo" else profile.cover)


def _media_page(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    profile = _own_profile(request)
    status = 200
    if request.method == "POST":
        form = ImageUploadForm(request.POST, request.FILES, label=spec["field_label"])
        if form.is_valid():
            try:
                spec["set"](profile=profile, upload=form.cleaned_data["image"])
            except ValidationError as error:
                form.add_error("image", error)
            else:
                messages.success(request, spec["saved"])
                return redirect(f"profile_{kind}")
        status = 400
    else:
        form = ImageUploadForm(label=spec["field_label"])
    context = {
        "kind": kind,
        "label": spec["label"],
        "profile": profile,
        "member": request.user,
        "form": form,
        "has_image": _has_image(profile, kind),
        **_profile_links(profile),
    }
    return render(request, f"profiles/media/{kind}.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def photo_page(request: HttpRequest) -> HttpResponse:
    return _media_page(request, "photo")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cover_page(request: HttpRequest) -> HttpResponse:
    return _media_page(request, "cover")


def _remove(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    profile = profile_ensure(member=request.user)
    if _has_image(profile, kind):
        spec["remove"](profile=profile)
        messages.success(request, spec["removed"])
    return redirect(f"profile_{kind}")


@login_required
@require_POST
def photo_remove(request: HttpRequest) -> HttpResponse:
    return _remove(request, "photo")


@login_required
@require_POST
def cover_remove(request: HttpRequest) -> HttpResponse:
    return _remove(request, "cover")


# --- Staff review -------------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    # Members and staff pages: a page a member may not use answers like one that does not exist.
    if not (request.user.is_active and request.user.is_staff):
        raise Http404


def _side(profile: Profile) -> dict:
    return {"profile": profile, "member": profile.member, **_profile_links(profile)}


@login_required
def impersonation_review(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    rows = []
    for flag in open_impersonation_flags():
        rows.append(
            {
                "flag": flag,
                "suspect": _side(flag.suspect),
                "original": _side(flag.original),
                "distance": hash_distance(flag.suspect.photo_hash, flag.original.photo_hash),
            }
        )
    return render(request, "profiles/media/impersonation_review.html", {"rows": rows})


@login_required
@require_POST
def impersonation_decide(request: HttpRequest, flag_id) -> HttpResponse:
    _staff_only(request)
    flag = get_object_or_404(ImpersonationFlag, public_id=flag_id)
    action = request.POST.get("action")
    if action not in ("dismiss", "confirm"):
        messages.error(request, _("Choose whether to dismiss or confirm the report."))
        return redirect("staff_impersonation")
    impersonation_flag_review(flag=flag, reviewer=request.user, confirmed=action == "confirm")
    if action == "confirm":
        messages.success(request, _("Impersonation confirmed."))
    else:
        messages.success(request, _("Report dismissed."))
    return redirect("staff_impersonation")
