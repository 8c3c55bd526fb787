"""Editing one's own profile, section by section, in place.

One page (/profile/edit/) shows a card per section. With htmx, "Edit", "Save", "Cancel",
"Delete" and the audience selects swap just the card; without JavaScript, the same URLs answer
with the whole page (the card in the asked-for state) and redirect back after a save.

A member only ever edits their own profile: every object is fetched through `request.user`'s
profile, so another member's object answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import (
    AboutForm,
    AddressForm,
    AudienceForm,
    CertificationForm,
    ContactForm,
    EducationForm,
    IntroForm,
    LanguageForm,
    LinkForm,
    PositionForm,
    SkillForm,
)
from .models import (
    MAX_PINNED_SKILLS,
    Certification,
    ContactEntry,
    Education,
    Position,
    Profile,
    ProfileLink,
    ProfileSkill,
    SpokenLanguage,
)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    # The Profile field "<audience>_audience" this card's select changes (None: no select).
    audience: str | None = None
    audience_label: str = ""
    # For lists: how items are loaded, found and changed.
    model: type | None = None
    related: str = ""
    lookup: str = "pk"
    form: type[django_forms.Form] | None = None
    kwarg: str = ""
    create: Callable | None = None
    update: Callable | None = None
    delete: Callable | None = None
    select_related: tuple[str, ...] = ()


SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        Section(
            "intro",
            gettext_lazy("Intro"),
            audience="location",
            audience_label=gettext_lazy("Who sees your location"),
            form=IntroForm,
        ),
        Section("about", gettext_lazy("About"), audience="about", form=AboutForm),
        Section(
            "experience",
            gettext_lazy("Experience"),
            audience="experience",
            model=Position,
            related="positions",
            lookup="public_id",
            form=PositionForm,
            kwarg="position",
            create=services.position_create,
            update=services.position_update,
            delete=services.position_delete,
        ),
        Section(
            "education",
            gettext_lazy("Education"),
            audience="education",
            model=Education,
            related="education",
            lookup="public_id",
            form=EducationForm,
            kwarg="education",
            create=services.education_create,
            update=services.education_update,
            delete=services.education_delete,
        ),
        Section(
            "skills",
            gettext_lazy("Skills"),
            audience="skills",
            model=ProfileSkill,
            related="skills",
            form=SkillForm,
            kwarg="profile_skill",
            create=services.skill_add,
            delete=services.skill_remove,
            select_related=("skill",),
        ),
        Section(
            "languages",
            gettext_lazy("Languages"),
            audience="languages",
            model=SpokenLanguage,
            related="languages",
            form=LanguageForm,
            kwarg="language",
            create=services.language_add,
            update=services.language_update,
            delete=services.language_delete,
        ),
        Section(
            "certifications",
            gettext_lazy("Licenses and certifications"),
            audience="certifications",
            model=Certification,
            related="certifications",
            lookup="public_id",
            form=CertificationForm,
            kwarg="certification",
            create=services.certification_create,
            update=services.certification_update,
            delete=services.certification_delete,
        ),
        Section(
            "links",
            gettext_lazy("Links"),
            audience="links",
            model=ProfileLink,
            related="links",
            form=LinkForm,
            kwarg="link",
            create=services.link_create,
            update=services.link_update,
            delete=services.link_delete,
        ),
        Section(
            "contact",
            gettext_lazy("Contact info"),
            model=ContactEntry,
            related="contacts",
            form=ContactForm,
            kwarg="contact",
            create=services.contact_create,
            update=services.contact_update,
            delete=services.contact_delete,
        ),
        Section("address", gettext_lazy("Public address and visibility"), form=AddressForm),
    )
}


# --- Loading -----------------------------------------------------------------------------------


def _profile(request: HttpRequest) -> Profile:
    profile = services.profile_ensure(member=request.user)
    profile.member = request.user  # already loaded: spares a query
    return profile


def _section(name: str) -> Section:
    section = SECTIONS.get(name)
    if section is None:
        raise Http404
    return section


def _list_section(name: str) -> Section:
    section = _section(name)
    if section.model is None:
        raise Http404
    return section


def _items(profile: Profile, section: Section) -> list:
    queryset = getattr(profile, section.related).all()
    if section.select_related:
        queryset = queryset.select_related(*section.select_related)
    return list(queryset)


def _item(profile: Profile, section: Section, key: str):
    """One of *this member's* items, or 404 (another member's item looks like none at all)."""
    try:
        value = UUID(key) if section.lookup == "public_id" else int(key)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    queryset = section.model.objects.filter(profile=profile, **{section.lookup: value})
    if section.select_related:
        queryset = queryset.select_related(*section.select_related)
    item = queryset.first()
    if item is None:
        raise Http404
    item.profile = profile
    return item


def _card(profile: Profile, section: Section, **state) -> dict:
    """Everything a card's template needs: the section, its items, and its state."""
    card = {
        "name": section.name,
        "title": section.title,
        "section": section,
        "profile": profile,
        "template": f"profiles/edit/sections/{section.name}.html",
        "editing": None,  # "section", "new" or an item's key
        "form": None,
        "form_action": "",
        "confirm": None,
        "message": "",
        "saved": False,
        "deleted": False,
    }
    if section.audience:
        card["audience_label"] = section.audience_label or _("Who can see this")
        card["audience_form"] = AudienceForm(
            initial={"audience": getattr(profile, f"{section.audience}_audience")},
            auto_id=f"id_{section.name}_%s",
        )
    if section.model is not None:
        card["items"] = state.pop("items", None) or _items(profile, section)
    if section.name == "skills":
        _annotate_skills(card["items"])
        card["pinned_count"] = sum(1 for item in card["items"] if item.pinned)
        card["max_pinned"] = MAX_PINNED_SKILLS
        if state.get("form") is None:
            card["form"] = SkillForm(auto_id="id_skills_%s")
        card["form_action"] = reverse("profile_edit_add", args=["skills"])
    card.update(state)
    form = card["form"]
    if state.get("editing") and form is not None and not form.errors:
        # The form just opened: put the cursor in its first field (htmx honours autofocus too).
        first = next(iter(form.fields.values()), None)
        if first is not None:
            first.widget.attrs["autofocus"] = True
    return card


def _annotate_skills(items: list[ProfileSkill]) -> None:
    """Which skills may move up or down (pinned skills stay above the others)."""
    for index, item in enumerate(items):
        before = items[index - 1] if index > 0 else None
        after = items[index + 1] if index + 1 < len(items) else None
        item.can_up = before is not None and before.pinned == item.pinned
        item.can_down = after is not None and after.pinned == item.pinned


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _respond(request: HttpRequest, profile: Profile, card: dict, *, status: int = 200):
    """The card alone for htmx; otherwise the whole page with this card in its state."""
    if _is_htmx(request):
        return render(request, "profiles/edit/card.html", {"card": card}, status=status)
    return _page(request, profile, override=card, status=status)


def _page(request: HttpRequest, profile: Profile, override: dict | None = None, status=200):
    items: dict[str, list] = {}
    for section in SECTIONS.values():
        if section.model is not None and not (override and override["name"] == section.name):
            items[section.name] = _items(profile, section)
    cards = []
    for section in SECTIONS.values():
        if override and override["name"] == section.name:
            cards.append(override)
        else:
            cards.append(_card(profile, section, items=items.get(section.name)))
    context = {
        "profile": profile,
        "cards": cards,
        "preview_url": f"/in/{profile.address}/?view_as=public" if profile.address else "",
    }
    return render(request, "profiles/edit/page.html", context, status=status)


def _done(request: HttpRequest, profile: Profile, section: Section, **state):
    """After a successful change: the fresh card (htmx) or back to the page (no JavaScript)."""
    if _is_htmx(request):
        return render(
            request, "profiles/edit/card.html", {"card": _card(profile, section, **state)}
        )
    return redirect(reverse("profile_edit") + f"#section-{section.name}")


def _apply_errors(form: django_forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Views -------------------------------------------------------------------------------------


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    return _page(request, _profile(request))


@login_required
def profile_edit_card(request: HttpRequest, section: str) -> HttpResponse:
    """A card in its resting state ("Cancel" comes back here)."""
    profile = _profile(request)
    section_ = _section(section)
    if not _is_htmx(request):
        return redirect(reverse("profile_edit") + f"#section-{section_.name}")
    return _respond(request, profile, _card(profile, section_))


_SINGLE_SAVERS = {
    "intro": lambda profile, data: services.profile_update_intro(profile=profile, **data),
    "about": lambda profile, data: services.profile_update_about(profile=profile, **data),
    "address": lambda profile, data: services.profile_set_address(profile=profile, **data),
}


def _single_initial(profile: Profile, name: str) -> dict:
    if name == "intro":
        member = profile.member
        return {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "headline": profile.headline,
            "industry": profile.industry,
            "city": profile.city,
            "region": profile.region,
            "country": profile.country,
        }
    if name == "about":
        return {"about": profile.about}
    return {"address": profile.address or ""}


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_section(request: HttpRequest, section: str) -> HttpResponse:
    """Edit a one-form section: intro, about, public address."""
    profile = _profile(request)
    if section not in _SINGLE_SAVERS:
        raise Http404
    section_ = _section(section)
    auto_id = f"id_{section}_%s"
    action = reverse("profile_edit_section", args=[section])
    if request.method == "POST":
        form = section_.form(request.POST, auto_id=auto_id)
        if form.is_valid():
            try:
                _SINGLE_SAVERS[section](profile, form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                profile.refresh_from_db()
                return _done(request, profile, section_, saved=True)
        profile.refresh_from_db()
        card = _card(profile, section_, editing="section", form=form, form_action=action)
        return _respond(request, profile, card, status=422 if not _is_htmx(request) else 200)
    form = section_.form(initial=_single_initial(profile, section), auto_id=auto_id)
    card = _card(profile, section_, editing="section", form=form, form_action=action)
    return _respond(request, profile, card)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_add(request: HttpRequest, section: str) -> HttpResponse:
    profile = _profile(request)
    section_ = _list_section(section)
    # The skills card always shows its "add" form, with the same ids as here.
    auto_id = "id_skills_%s" if section == "skills" else f"id_{section}_new_%s"
    action = reverse("profile_edit_add", args=[section])
    if request.method == "POST":
        form = section_.form(request.POST, auto_id=auto_id)
        if form.is_valid():
            data = form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
            try:
                section_.create(profile=profile, **data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return _done(request, profile, section_, saved=True)
        card = _card(profile, section_, editing="new", form=form, form_action=action)
        return _respond(request, profile, card, status=422 if not _is_htmx(request) else 200)
    form = section_.form(auto_id=auto_id)
    card = _card(profile, section_, editing="new", form=form, form_action=action)
    return _respond(request, profile, card)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_item(request: HttpRequest, section: str, key: str) -> HttpResponse:
    profile = _profile(request)
    section_ = _list_section(section)
    if section_.update is None:
        raise Http404
    item = _item(profile, section_, key)
    auto_id = f"id_{section}_item_%s"
    action = reverse("profile_edit_item", args=[section, key])
    if request.method == "POST":
        form = section_.form(request.POST, auto_id=auto_id)
        if form.is_valid():
            data = form.service_kwargs() if hasattr(form, "service_kwargs") else form.cleaned_data
            try:
                section_.update(**{section_.kwarg: item}, **data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                return _done(request, profile, section_, saved=True)
        card = _card(profile, section_, editing=str(key), form=form, form_action=action)
        return _respond(request, profile, card, status=422 if not _is_htmx(request) else 200)
    if hasattr(section_.form, "initial_for"):
        initial = section_.form.initial_for(item)
    else:
        initial = {name: getattr(item, name) for name in section_.form.base_fields}
    form = section_.form(initial=initial, auto_id=auto_id)
    card = _card(profile, section_, editing=str(key), form=form, form_action=action)
    return _respond(request, profile, card)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_delete(request: HttpRequest, section: str, key: str) -> HttpResponse:
    """POST deletes; GET (no JavaScript) asks for confirmation first."""
    profile = _profile(request)
    section_ = _list_section(section)
    item = _item(profile, section_, key)
    if request.method == "POST":
        section_.delete(**{section_.kwarg: item})
        return _done(request, profile, section_, deleted=True)
    card = _card(
        profile,
        section_,
        confirm=item,
        form_action=reverse("profile_edit_delete", args=[section, key]),
    )
    return _respond(request, profile, card)


@login_required
@require_POST
def profile_edit_audience(request: HttpRequest, section: str) -> HttpResponse:
    profile = _profile(request)
    section_ = _section(section)
    if not section_.audience:
        raise Http404
    form = AudienceForm(request.POST, auto_id=f"id_{section}_%s")
    if form.is_valid():
        services.profile_set_audience(
            profile=profile, section=section_.audience, audience=form.cleaned_data["audience"]
        )
        return _done(request, profile, section_, audience_saved=True)
    card = _card(profile, section_, message=_("Choose who may see this from the list."))
    return _respond(request, profile, card, status=422 if not _is_htmx(request) else 200)


@login_required
@require_POST
def profile_edit_skill(request: HttpRequest, key: str) -> HttpResponse:
    """Move a skill up or down, pin or unpin it."""
    profile = _profile(request)
    section = SECTIONS["skills"]
    item = _item(profile, section, key)
    action = request.POST.get("action", "")
    try:
        if action in ("up", "down"):
            services.skill_move(profile_skill=item, offset=-1 if action == "up" else 1)
        elif action in ("pin", "unpin"):
            services.skill_pin(profile=profile, profile_skill=item, pinned=action == "pin")
        else:
            raise Http404
    except ValidationError as error:
        card = _card(profile, section, message=" ".join(error.messages))
        return _respond(request, profile, card, status=422 if not _is_htmx(request) else 200)
    return _done(request, profile, section)


@login_required
@require_POST
def profile_edit_public_page(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    services.profile_set_public_page(
        profile=profile, public_page=request.POST.get("public_page") == "on"
    )
    return _done(request, profile, SECTIONS["address"], saved=True)
