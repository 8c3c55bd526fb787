"""Import a LinkedIn data export: upload the archive, review what it adds, confirm.

The parsed preview is kept in the member's session (JSON, a few KB) together with the member's
id: the confirmation only sends the ticked keys back, and everything it adds comes from the
stored preview, never from the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .linkedin_import import (
    MAX_ARCHIVE_BYTES,
    ArchivePreview,
    LinkedInImportError,
    archive_read,
    linkedin_import_apply,
    preview_compare,
)
from .services import profile_ensure

SESSION_KEY = "profiles:linkedin_import"


class ArchiveUploadForm(forms.Form):
    archive = forms.FileField(
        label=_("Your LinkedIn archive (.zip)"),
        help_text=_("The ZIP file LinkedIn sent you, as it is: do not unpack it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


def _edit_url() -> str:
    try:
        return reverse("profile_edit")
    except NoReverseMatch:
        return "/profile/edit/"


def _stored_preview(request) -> ArchivePreview | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("member") != str(request.user.pk):
        return None
    try:
        return ArchivePreview.from_dict(stored["preview"])
    except (KeyError, TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Step 1: how to get the archive, and the upload form."""
    if request.method == "POST":
        form = ArchiveUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                preview = archive_read(form.cleaned_data["archive"])
            except LinkedInImportError as error:
                form.add_error("archive", error.message)
                # A confirmation after a failed upload must not apply an older archive.
                request.session.pop(SESSION_KEY, None)
            else:
                request.session[SESSION_KEY] = {
                    "member": str(request.user.pk),
                    "preview": preview.to_dict(),
                }
                return redirect("profile_import_linkedin_preview")
    else:
        form = ArchiveUploadForm()
    return render(
        request,
        "profiles/import/upload.html",
        {
            "form": form,
            "max_mb": MAX_ARCHIVE_BYTES // (1024 * 1024),
            "edit_url": _edit_url(),
        },
    )


SECTION_TITLES = (
    ("fields", _("Profile")),
    ("positions", _("Experience")),
    ("education", _("Education")),
    ("skills", _("Skills")),
    ("languages", _("Languages")),
    ("certifications", _("Licenses and certifications")),
    ("links", _("Links")),
)
FIELD_LABELS = {
    "headline": _("Headline"),
    "about": _("About"),
    "industry": _("Industry"),
    "location": _("Location"),
}


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request):
    """Step 2: what the archive adds, each new item ticked; confirming adds the ticked ones."""
    preview = _stored_preview(request)
    if preview is None:
        messages.warning(
            request, _("Upload your LinkedIn archive first (an upload is kept for one session).")
        )
        return redirect("profile_import_linkedin")
    profile = profile_ensure(member=request.user)

    if request.method == "POST":
        selected = request.POST.getlist("items")
        result = linkedin_import_apply(profile=profile, preview=preview, selected_keys=selected)
        request.session.pop(SESSION_KEY, None)
        if result.total:
            messages.success(
                request,
                ngettext(
                    "%(count)d item added to your profile.",
                    "%(count)d items added to your profile.",
                    result.total,
                )
                % {"count": result.total},
            )
        elif not result.skipped:
            messages.info(request, _("Nothing was added: your profile already had it all."))
        if result.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d item was not added: its section of your profile is full.",
                    "%(count)d items were not added: their sections of your profile are full.",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
        return redirect(_edit_url())

    preview_compare(preview, profile)
    for item in preview.fields:
        item.label = FIELD_LABELS.get(item.name, item.name)
        item.current = _current_value(profile, item.name)
    sections = [
        {"name": name, "title": title, "items": getattr(preview, name)}
        for name, title in SECTION_TITLES
        if getattr(preview, name)
    ]
    return render(
        request,
        "profiles/import/preview.html",
        {
            "preview": preview,
            "sections": sections,
            "new_count": len(preview.new_items),
            "edit_url": _edit_url(),
        },
    )


def _current_value(profile, name: str) -> str:
    if name == "location":
        return ", ".join(p for p in (profile.city, profile.region, profile.country) if p)
    return getattr(profile, name, "")


@login_required
@require_http_methods(["POST"])
def import_cancel(request):
    request.session.pop(SESSION_KEY, None)
    return redirect(_edit_url())
