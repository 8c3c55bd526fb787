"""The personal CRM pages: the relationship page on a member, the contacts list, an outside
contact's page, and the contact import.

Only the author ever sees any of it: every URL answers 404 to anyone else, and the member a
page is about is never told. Actions are POSTs; with htmx they answer the updated panel, without
JavaScript they redirect back with a message (or show the page again with the form's errors).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from maillage.profiles.selectors import profile_by_address, profile_visible_to

from . import contact_import, crm
from .models import Contact, ContactNote, Reminder
from .selectors import relationships_for

SESSION_KEY = "crm_import"
MATCHES_SHOWN = 100  # members found in a file, offered for an invitation (a bounded list)


# --- Forms --------------------------------------------------------------------------------------


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("New note"),
        max_length=crm.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only you can read your notes."),
    )


class NoteEditForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Note"), max_length=crm.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class TagForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Add a tag"),
        max_length=crm.TAG_MAX,
        widget=forms.TextInput(attrs={"list": "crm-tag-suggestions", "autocomplete": "off"}),
    )


class MeetingForm(forms.Form):
    met_where = forms.CharField(
        label=gettext_lazy("Where you met"), max_length=crm.MEETING_WHERE_MAX, required=False
    )
    met_on = forms.DateField(
        label=gettext_lazy("When you met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    met_why = forms.CharField(
        label=gettext_lazy("Why you met"), max_length=crm.MEETING_WHY_MAX, required=False
    )


REMINDER_CHOICES = [
    ("week", gettext_lazy("In 1 week")),
    ("month", gettext_lazy("In 1 month")),
    ("quarter", gettext_lazy("In 3 months")),
    ("date", gettext_lazy("On a date")),
]


class ReminderForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Remind me to"),
        max_length=crm.REMINDER_TEXT_MAX,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ask how the new job is going")}),
    )
    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=REMINDER_CHOICES,
        initial="month",
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Used with “On a date”: you are reminded at 9:00 that day."),
    )

    def clean(self):
        data = super().clean()
        if data.get("when") and not self.errors:
            try:
                data["due_at"] = crm.reminder_due_at(when=data["when"], on=data.get("due_on"))
            except ValidationError as exc:
                self.add_error("due_on", exc)
        return data


class ContactForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    organization = forms.CharField(
        label=gettext_lazy("Organization"), max_length=150, required=False
    )
    position = forms.CharField(label=gettext_lazy("Position"), max_length=150, required=False)
    url = forms.URLField(
        label=gettext_lazy("Web address"), max_length=500, required=False, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("first_name") or data.get("last_name") or data.get("email")
        ):
            raise ValidationError(_("Give at least a name or an e-mail address."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "LinkedIn's Connections.csv, a vCard file (.vcf) or a CSV file with a header row. "
            "2 MB and 5,000 contacts at most."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.vcf,.vcard,text/csv,text/vcard"}),
    )


# --- Finding what a URL is about (404 for anyone but the author) --------------------------------


def _member_or_404(request: HttpRequest, address: str):
    profile = profile_by_address(address)
    if profile is None or not profile_visible_to(request.user, profile):
        raise Http404
    member = profile.member
    if not crm.may_keep_notes_on(request.user, member):
        raise Http404
    return profile, member


def _contact_or_404(request: HttpRequest, contact_id) -> Contact:
    contact = crm.contact_of_owner(request.user, contact_id)
    if contact is None:
        raise Http404
    return contact


def _owned(queryset, request: HttpRequest, contact: Contact | None, public_id: str):
    """A note or reminder of this contact, by its public id, or 404."""
    if contact is None or not public_id:
        raise Http404
    try:
        found = queryset.select_related("contact").filter(contact=contact, public_id=public_id).first()
    except (ValidationError, ValueError) as exc:
        raise Http404 from exc
    if found is None or found.contact.owner_id != request.user.pk:
        raise Http404
    return found


# --- The panel shared by both pages -------------------------------------------------------------


def _forms(contact: Contact | None, bound: dict | None = None) -> dict:
    meeting_initial = {}
    if contact is not None:
        meeting_initial = {
            "met_where": contact.met_where,
            "met_on": contact.met_on,
            "met_why": contact.met_why,
        }
    result = {
        "note": NoteForm(prefix="note"),
        "tag": TagForm(prefix="tag"),
        "meeting": MeetingForm(prefix="meeting", initial=meeting_initial),
        "reminder": ReminderForm(prefix="reminder"),
    }
    result.update(bound or {})
    return result


ACTIONS = (
    "note-add",
    "note-edit",
    "note-delete",
    "tag-add",
    "tag-remove",
    "meeting",
    "reminder-add",
    "reminder-done",
    "reminder-delete",
)


def _panel_context(request, *, contact, action_url, bound=None, error="") -> dict:
    return {
        "urls": {name.replace("-", "_"): action_url.replace("ACTION", name) for name in ACTIONS},
        "file": crm.contact_file(contact),
        "forms": _forms(contact, bound),
        "action_url": action_url,
        "owner_tags": crm.owner_tags(request.user),
        "panel_error": error,
    }


def _apply(request: HttpRequest, action: str, get_contact, *, for_member: bool):
    """Run one action. `get_contact(create)` returns the contact (creating it for a member on
    the first write). Returns (bound forms to show again, error message, success message)."""
    post = request.POST
    form_actions = {
        "note-add": ("note", NoteForm),
        "tag-add": ("tag", TagForm),
        "meeting": ("meeting", MeetingForm),
        "reminder-add": ("reminder", ReminderForm),
    }
    try:
        if action in form_actions:
            key, form_class = form_actions[action]
            form = form_class(post, prefix=key)
            if not form.is_valid():
                return {key: form}, _("Check the form: some fields need your attention."), ""
            data = form.cleaned_data
            with transaction.atomic():
                contact = get_contact(True)
                if action == "note-add":
                    crm.contact_note_add(owner=request.user, contact=contact, body=data["body"])
                    return {}, "", _("Your note is saved.")
                if action == "tag-add":
                    crm.contact_tag_add(owner=request.user, contact=contact, name=data["name"])
                    return {}, "", _("The tag is added.")
                if action == "meeting":
                    crm.contact_meeting_update(
                        owner=request.user,
                        contact=contact,
                        met_where=data["met_where"],
                        met_on=data["met_on"],
                        met_why=data["met_why"],
                    )
                    return {}, "", _("How you met is saved.")
                crm.reminder_add(
                    owner=request.user, contact=contact, text=data["text"], due_at=data["due_at"]
                )
                return {}, "", _("The reminder is set.")
        contact = get_contact(False)
        if action == "tag-remove":
            if contact is None:
                raise Http404
            crm.contact_tag_remove(owner=request.user, contact=contact, key=post.get("key", ""))
            return {}, "", _("The tag is removed.")
        if action == "note-edit":
            note = _owned(ContactNote.objects, request, contact, post.get("note", ""))
            form = NoteEditForm(post)
            if not form.is_valid():
                return {}, _("A note cannot be empty or longer than 5,000 characters."), ""
            crm.contact_note_update(owner=request.user, note=note, body=form.cleaned_data["body"])
            return {}, "", _("Your note is saved.")
        if action == "note-delete":
            note = _owned(ContactNote.objects, request, contact, post.get("note", ""))
            crm.contact_note_delete(owner=request.user, note=note)
            return {}, "", _("The note is deleted.")
        if action == "reminder-done":
            reminder = _owned(Reminder.objects, request, contact, post.get("reminder", ""))
            crm.reminder_done(owner=request.user, reminder=reminder)
            return {}, "", _("The reminder is done.")
        if action == "reminder-delete":
            reminder = _owned(Reminder.objects, request, contact, post.get("reminder", ""))
            crm.reminder_delete(owner=request.user, reminder=reminder)
            return {}, "", _("The reminder is deleted.")
    except ValidationError as exc:
        return {}, " ".join(exc.messages), ""
    raise Http404


def _respond(request, *, action, get_contact, page_url, action_url, render_page, for_member):
    bound, error, success = _apply(request, action, get_contact, for_member=for_member)
    contact = get_contact(False)
    if request.headers.get("HX-Request"):
        context = _panel_context(
            request, contact=contact, action_url=action_url, bound=bound, error=error
        )
        context["panel_success"] = success
        return render(request, "network/crm/_panel.html", context)
    if success:
        messages.success(request, success)
        return redirect(page_url)
    if bound:
        return render_page(bound=bound, error=error, status=400)
    messages.error(request, error)
    return redirect(page_url)


# --- The relationship page (about a member) -----------------------------------------------------


def _relationship_page(request, profile, member, *, bound=None, error="", status=200):
    contact = crm.contact_for_member(request.user, member)
    action_url = reverse("crm_relationship_action", args=[profile.address, "ACTION"])
    context = _panel_context(request, contact=contact, action_url=action_url, bound=bound, error=error)
    context.update(
        {
            "profile": profile,
            "member": member,
            "history": crm.shared_history(request.user, member),
        }
    )
    return render(request, "network/crm/relationship.html", context, status=status)


@login_required
@require_GET
def crm_relationship(request: HttpRequest, address: str) -> HttpResponse:
    profile, member = _member_or_404(request, address)
    return _relationship_page(request, profile, member)


@login_required
@require_POST
def crm_relationship_action(request: HttpRequest, address: str, action: str) -> HttpResponse:
    profile, member = _member_or_404(request, address)

    def get_contact(create: bool):
        if create:
            return crm.contact_for_member_ensure(owner=request.user, member=member)
        return crm.contact_for_member(request.user, member)

    return _respond(
        request,
        action=action,
        get_contact=get_contact,
        page_url=reverse("crm_relationship", args=[profile.address]),
        action_url=reverse("crm_relationship_action", args=[profile.address, "ACTION"]),
        render_page=lambda **kw: _relationship_page(request, profile, member, **kw),
        for_member=True,
    )


# --- Outside contacts ---------------------------------------------------------------------------


def _contact_page(request, contact, *, bound=None, error="", status=200, details_form=None):
    action_url = reverse("crm_contact_action", args=[contact.public_id, "ACTION"])
    context = _panel_context(request, contact=contact, action_url=action_url, bound=bound, error=error)
    context["contact"] = contact
    context["details_form"] = details_form or ContactForm(
        prefix="details",
        initial={
            name: getattr(contact, name)
            for name in ("first_name", "last_name", "email", "phone", "organization", "position", "url")
        },
    )
    return render(request, "network/crm/contact.html", context, status=status)


@login_required
@require_GET
def crm_contact(request: HttpRequest, contact_id) -> HttpResponse:
    contact = _contact_or_404(request, contact_id)
    if contact.member_id is not None:
        return redirect(crm.contact_url(contact))
    return _contact_page(request, contact)


@login_required
@require_POST
def crm_contact_action(request: HttpRequest, contact_id, action: str) -> HttpResponse:
    contact = _contact_or_404(request, contact_id)
    if contact.member_id is not None:
        raise Http404  # a member's notes are written from the relationship page
    if action == "delete":
        crm.contact_delete(owner=request.user, contact=contact)
        messages.success(request, _("The contact is deleted."))
        return redirect("crm_contacts")
    if action == "details":
        form = ContactForm(request.POST, prefix="details")
        if form.is_valid():
            try:
                crm.contact_update(owner=request.user, contact=contact, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The contact's details are saved."))
                return redirect("crm_contact", contact.public_id)
        contact.refresh_from_db()
        return _contact_page(request, contact, details_form=form, status=400)
    return _respond(
        request,
        action=action,
        get_contact=lambda create: contact,
        page_url=reverse("crm_contact", args=[contact.public_id]),
        action_url=reverse("crm_contact_action", args=[contact.public_id, "ACTION"]),
        render_page=lambda **kw: _contact_page(request, contact, **kw),
        for_member=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def crm_contact_new(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = crm.contact_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contact is added."))
            return redirect("crm_contact", contact.public_id)
    return render(request, "network/crm/contact_new.html", {"form": form})


# --- The contacts list --------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@login_required
@require_GET
def crm_contacts(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    tag = request.GET.get("tag", "").strip()[:40]
    page = crm.contacts_page(owner=request.user, query=query, tag_key=tag, page=_page_number(request))
    for contact in page.contacts:
        contact.display_name = crm.contact_display_name(contact)
        contact.link = crm.contact_url(contact)
    tags = crm.owner_tags(request.user)
    return render(
        request,
        "network/crm/contacts.html",
        {"page": page, "query": query, "tag": tag, "tags": tags},
    )


# --- Import -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def crm_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > contact_import.MAX_BYTES:
            form.add_error("file", _("The file is too large: 2 MB at most."))
        else:
            try:
                source, rows = contact_import.parse(upload.read(), upload.name or "")
            except contact_import.ImportProblem as exc:
                form.add_error("file", str(exc))
            else:
                request.session[SESSION_KEY] = {"source": source, "rows": rows}
                return redirect("crm_import_preview")
    return render(request, "network/crm/import.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def crm_import_preview(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, _("Choose a file to import first."))
        return redirect("crm_import")
    rows = stored["rows"]
    source = stored["source"]
    matches, others = crm.import_matches(owner=request.user, rows=rows)
    # Only the members shown can be invited: the list (and the invitations) stay bounded.
    matches = matches[:MATCHES_SHOWN]
    members = [m.member for m in matches]
    for member, relationship in zip(
        members, relationships_for(request.user, members), strict=True
    ):
        member.relationship = relationship
    if request.method == "POST":
        if "cancel" in request.POST:
            del request.session[SESSION_KEY]
            messages.success(request, _("The import is cancelled. Nothing was saved."))
            return redirect("crm_contacts")
        chosen = set(request.POST.getlist("invite"))
        errors = []
        invited = 0
        try:
            created, updated = crm.contacts_import(
                owner=request.user, rows=[rows[i] for i in others], source=source
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("crm_import_preview")
        from .services import invitation_send

        for member in members:
            if str(member.public_id) not in chosen or member.relationship.connected:
                continue
            try:
                invitation_send(sender=request.user, recipient=member)
                invited += 1
            except ValidationError as exc:
                errors.append(
                    {"name": member.get_full_name() or member.email, "message": " ".join(exc.messages)}
                )
        del request.session[SESSION_KEY]
        return render(
            request,
            "network/crm/import_done.html",
            {"created": created, "updated": updated, "invited": invited, "errors": errors},
        )
    preview_rows = [rows[i] for i in others[:100]]
    return render(
        request,
        "network/crm/import_preview.html",
        {
            "source": source,
            "matches": matches,
            "others_count": len(others),
            "preview_rows": preview_rows,
            "more_count": max(0, len(others) - len(preview_rows)),
        },
    )
