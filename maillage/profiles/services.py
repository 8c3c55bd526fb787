"""Writes to profiles: every change a member makes to their own profile goes through here.

Each function checks the rules, raises a `ValidationError` with a translated message (keyed by
the form field it concerns, so forms can show it next to that field), and writes in one
transaction. Ownership is checked by the caller, which fetches objects through the member's
own profile.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.search.services import member_index_on_commit

from .addresses import address_is_taken, address_suggest, address_validate
from .models import (
    MAX_PINNED_SKILLS,
    PROFILE_AUDIENCES,
    AddressHistory,
    Certification,
    ContactEntry,
    ContactKind,
    Education,
    EmploymentType,
    LinkKind,
    Position,
    Proficiency,
    Profile,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    skill_key,
)

MAX_SKILLS = 50
MAX_LANGUAGES = 20
MAX_LINKS = 20
MAX_CONTACTS = 20
MAX_POSITIONS = 100
MAX_EDUCATION = 50
MAX_CERTIFICATIONS = 100

# Sections whose audience the member chooses, and the Profile field that holds it.
AUDIENCE_SECTIONS = (
    "about",
    "location",
    "experience",
    "education",
    "skills",
    "languages",
    "certifications",
    "links",
)
_AUDIENCE_VALUES = {value for value, _label in PROFILE_AUDIENCES}
PHONE_PATTERN = re.compile(r"^\+?[0-9 ().\-/]{4,30}$")


def profile_ensure(*, member: User) -> Profile:
    """The member's profile, created the first time with a free public address."""
    existing = Profile.objects.filter(member=member).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Profile.objects.create(
                    member=member, address=address_suggest(member.first_name, member.last_name)
                )
        except IntegrityError:
            # Another sign-up took the same address a moment ago, or the profile now exists.
            existing = Profile.objects.filter(member=member).first()
            if existing is not None:
                return existing
    raise RuntimeError(f"Could not give member {member.pk} a free public address")


# --- Checks shared by the services -------------------------------------------------------------


class _Errors:
    """Collects errors per field, so one save reports every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _text(
    errors: _Errors, field: str, value: str | None, max_length: int, *, required=False
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.add(field, _("This field is required."), "required")
    elif len(value) > max_length:
        errors.add(
            field,
            _("Keep this under %(max)d characters (it has %(count)d).")
            % {"max": max_length, "count": len(value)},
            "max_length",
        )
    return value


def _choice(errors: _Errors, field: str, value: str | None, choices, *, required=False) -> str:
    value = value or ""
    if not value:
        if required:
            errors.add(field, _("This field is required."), "required")
        return value
    if value not in {choice for choice, _label in choices}:
        errors.add(field, _("Choose one of the options in the list."), "invalid_choice")
    return value


def _web_url(errors: _Errors, field: str, value: str | None, *, required=False) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            errors.add(field, _("This field is required."), "required")
        return value
    if len(value) > 500:
        errors.add(field, _("This web address is too long (500 characters at most)."), "max_length")
        return value
    scheme = urlsplit(value).scheme.lower()
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        if scheme and scheme not in ("http", "https"):
            errors.add(
                field,
                _("Only web addresses starting with http:// or https:// are allowed."),
                "scheme",
            )
        else:
            errors.add(
                field, _("Enter a full web address, such as https://example.org."), "invalid"
            )
    return value


def _first_of_month(value: datetime.date | None) -> datetime.date | None:
    return value.replace(day=1) if value is not None else None


def _audience(errors: _Errors, field: str, value: str) -> str:
    if value not in _AUDIENCE_VALUES:
        errors.add(field, _("Choose who may see this from the list."), "invalid_choice")
    return value


def _next_position(queryset) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


# --- Intro, about, audiences -------------------------------------------------------------------


@transaction.atomic
def profile_update_intro(
    *,
    profile: Profile,
    first_name: str,
    last_name: str,
    headline: str,
    industry: str,
    city: str,
    region: str,
    country: str,
) -> Profile:
    """Change the name (kept on the account), headline, industry and location."""
    errors = _Errors()
    first_name = _text(errors, "first_name", first_name, 80, required=True)
    last_name = _text(errors, "last_name", last_name, 80, required=True)
    headline = _text(errors, "headline", headline, 220)
    industry = _text(errors, "industry", industry, 100)
    city = _text(errors, "city", city, 100)
    region = _text(errors, "region", region, 100)
    country = _text(errors, "country", country, 100)
    errors.raise_if_any()
    member = profile.member
    name_changed = (member.first_name, member.last_name) != (first_name, last_name)
    member.first_name, member.last_name = first_name, last_name
    member.save(update_fields=["first_name", "last_name"])
    profile.headline, profile.industry = headline, industry
    profile.city, profile.region, profile.country = city, region, country
    profile.save(update_fields=["headline", "industry", "city", "region", "country", "updated_at"])
    if name_changed and profile.photo_hash:
        # Taking someone's name while keeping their photo is the other half of the signal.
        from .impersonation import impersonation_check

        impersonation_check(profile=profile)
    member_index_on_commit(member_id=profile.member_id)
    return profile


@transaction.atomic
def profile_update_about(*, profile: Profile, about: str) -> Profile:
    """Change the "about" text (markdown, rendered safely where it is shown)."""
    errors = _Errors()
    about = _text(errors, "about", about, 2600)
    errors.raise_if_any()
    profile.about = about
    profile.save(update_fields=["about", "updated_at"])
    return profile


@transaction.atomic
def profile_set_audience(*, profile: Profile, section: str, audience: str) -> Profile:
    """Choose who sees one section of the profile."""
    if section not in AUDIENCE_SECTIONS:
        raise ValidationError(
            _("This part of the profile has no audience to choose."), code="section"
        )
    errors = _Errors()
    _audience(errors, "audience", audience)
    errors.raise_if_any()
    field = f"{section}_audience"
    setattr(profile, field, audience)
    profile.save(update_fields=[field, "updated_at"])
    member_index_on_commit(profile_id=profile.pk)
    return profile


# --- Experience --------------------------------------------------------------------------------


def _position_clean(
    *,
    title: str,
    organization_name: str,
    employment_type: str,
    location: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    description: str,
) -> dict:
    errors = _Errors()
    data = {
        "title": _text(errors, "title", title, 150, required=True),
        "organization_name": _text(
            errors, "organization_name", organization_name, 150, required=True
        ),
        "employment_type": _choice(
            errors, "employment_type", employment_type, EmploymentType.choices
        ),
        "location": _text(errors, "location", location, 150),
        "start_date": _first_of_month(start_date),
        "end_date": _first_of_month(end_date),
        "description": _text(errors, "description", description, 2000),
    }
    if data["start_date"] is None:
        errors.add("start_date", _("Enter the month you started."), "required")
    elif data["end_date"] is not None and data["end_date"] < data["start_date"]:
        errors.add("end_date", _("The end date cannot be before the start date."), "order")
    errors.raise_if_any()
    return data


@transaction.atomic
def position_create(
    *,
    profile: Profile,
    title: str,
    organization_name: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None = None,
    employment_type: str = "",
    location: str = "",
    description: str = "",
) -> Position:
    data = _position_clean(
        title=title,
        organization_name=organization_name,
        employment_type=employment_type,
        location=location,
        start_date=start_date,
        end_date=end_date,
        description=description,
    )
    if profile.positions.count() >= MAX_POSITIONS:
        raise ValidationError(
            _("You cannot add more than %(max)d positions.") % {"max": MAX_POSITIONS}
        )
    member_index_on_commit(profile_id=profile.pk)
    return Position.objects.create(profile=profile, **data)


@transaction.atomic
def position_update(
    *,
    position: Position,
    title: str,
    organization_name: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None = None,
    employment_type: str = "",
    location: str = "",
    description: str = "",
) -> Position:
    data = _position_clean(
        title=title,
        organization_name=organization_name,
        employment_type=employment_type,
        location=location,
        start_date=start_date,
        end_date=end_date,
        description=description,
    )
    for name, value in data.items():
        setattr(position, name, value)
    position.save()
    member_index_on_commit(profile_id=position.profile_id)
    return position


@transaction.atomic
def position_delete(*, position: Position) -> None:
    member_index_on_commit(profile_id=position.profile_id)
    position.delete()


# --- Education ---------------------------------------------------------------------------------


def _year(errors: _Errors, field: str, value: int | None) -> int | None:
    if value is not None and not 1900 <= value <= 2100:
        errors.add(field, _("Enter a year between 1900 and 2100."), "year")
    return value


def _education_clean(
    *,
    school: str,
    degree: str,
    field_of_study: str,
    start_year: int | None,
    end_year: int | None,
    activities: str,
) -> dict:
    errors = _Errors()
    data = {
        "school": _text(errors, "school", school, 150, required=True),
        "degree": _text(errors, "degree", degree, 150),
        "field_of_study": _text(errors, "field_of_study", field_of_study, 150),
        "start_year": _year(errors, "start_year", start_year),
        "end_year": _year(errors, "end_year", end_year),
        "activities": _text(errors, "activities", activities, 1000),
    }
    if start_year is not None and end_year is not None and end_year < start_year:
        errors.add("end_year", _("The end year cannot be before the start year."), "order")
    errors.raise_if_any()
    return data


@transaction.atomic
def education_create(
    *,
    profile: Profile,
    school: str,
    degree: str = "",
    field_of_study: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    activities: str = "",
) -> Education:
    data = _education_clean(
        school=school,
        degree=degree,
        field_of_study=field_of_study,
        start_year=start_year,
        end_year=end_year,
        activities=activities,
    )
    if profile.education.count() >= MAX_EDUCATION:
        raise ValidationError(
            _("You cannot add more than %(max)d schools.") % {"max": MAX_EDUCATION}
        )
    return Education.objects.create(profile=profile, **data)


@transaction.atomic
def education_update(
    *,
    education: Education,
    school: str,
    degree: str = "",
    field_of_study: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    activities: str = "",
) -> Education:
    data = _education_clean(
        school=school,
        degree=degree,
        field_of_study=field_of_study,
        start_year=start_year,
        end_year=end_year,
        activities=activities,
    )
    for name, value in data.items():
        setattr(education, name, value)
    education.save()
    return education


@transaction.atomic
def education_delete(*, education: Education) -> None:
    education.delete()


# --- Skills ------------------------------------------------------------------------------------


@transaction.atomic
def skill_add(*, profile: Profile, name: str) -> ProfileSkill:
    """List a skill on the profile; "Gestion de projet" and "gestion de projet" are one skill."""
    errors = _Errors()
    name = " ".join(_text(errors, "name", name, 80, required=True).split())
    errors.raise_if_any()
    key = skill_key(name)
    if not key:
        raise ValidationError({"name": [_("Enter the name of a skill.")]})
    # Lock the profile row so two quick adds cannot pass the limit together.
    Profile.objects.select_for_update().filter(pk=profile.pk).first()
    if ProfileSkill.objects.filter(profile=profile, skill__key=key).exists():
        raise ValidationError(
            {"name": [_("“%(name)s” is already among your skills.") % {"name": name}]},
        )
    if ProfileSkill.objects.filter(profile=profile).count() >= MAX_SKILLS:
        raise ValidationError(
            {
                "name": [
                    _("You can list up to %(max)d skills. Remove one to add another.")
                    % {"max": MAX_SKILLS}
                ]
            }
        )
    skill = Skill.objects.filter(key=key).first()
    if skill is None:
        try:
            with transaction.atomic():
                skill = Skill.objects.create(name=name, key=key)
        except IntegrityError:
            skill = Skill.objects.get(key=key)
    member_index_on_commit(profile_id=profile.pk)
    return ProfileSkill.objects.create(
        profile=profile,
        skill=skill,
        position=_next_position(ProfileSkill.objects.filter(profile=profile)),
    )


@transaction.atomic
def skill_remove(*, profile_skill: ProfileSkill) -> None:
    """Take a skill off the profile (the shared skill stays for the other members)."""
    member_index_on_commit(profile_id=profile_skill.profile_id)
    profile_skill.delete()


@transaction.atomic
def skills_reorder(*, profile: Profile, ordered_ids: Sequence[int]) -> None:
    """Put the profile's skills in this order (ids of ProfileSkill rows; all of them, once)."""
    current = list(ProfileSkill.objects.filter(profile=profile).values_list("pk", flat=True))
    ordered = [int(pk) for pk in ordered_ids]
    if sorted(ordered) != sorted(current) or len(set(ordered)) != len(ordered):
        raise ValidationError(
            _("The list of skills changed meanwhile. Please reload the page."), code="stale"
        )
    rows = {row.pk: row for row in ProfileSkill.objects.filter(profile=profile)}
    changed = []
    for index, pk in enumerate(ordered, start=1):
        row = rows[pk]
        if row.position != index:
            row.position = index
            changed.append(row)
    ProfileSkill.objects.bulk_update(changed, ["position"])


@transaction.atomic
def skill_move(*, profile_skill: ProfileSkill, offset: int) -> None:
    """Move a skill one place up (offset -1) or down (+1) in the order the member sees."""
    ordered = list(
        ProfileSkill.objects.filter(profile_id=profile_skill.profile_id).values_list(
            "pk", flat=True
        )
    )
    index = ordered.index(profile_skill.pk)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        skills_reorder(profile=profile_skill.profile, ordered_ids=ordered)


@transaction.atomic
def skill_pin(*, profile: Profile, profile_skill: ProfileSkill, pinned: bool) -> ProfileSkill:
    """Pin a skill to the top of the list (at most MAX_PINNED_SKILLS), or unpin it."""
    if profile_skill.profile_id != profile.pk:
        raise ValidationError(_("This skill is not on your profile."), code="owner")
    Profile.objects.select_for_update().filter(pk=profile.pk).first()
    if pinned and not profile_skill.pinned:
        count = ProfileSkill.objects.filter(profile=profile, pinned=True).count()
        if count >= MAX_PINNED_SKILLS:
            raise ValidationError(
                _("You can pin up to %(max)d skills. Unpin one first.")
                % {"max": MAX_PINNED_SKILLS},
                code="pinned",
            )
    profile_skill.pinned = pinned
    profile_skill.save(update_fields=["pinned"])
    return profile_skill


# --- Languages ---------------------------------------------------------------------------------


def _language_clean(*, profile: Profile, name: str, proficiency: str, exclude_pk=None) -> dict:
    errors = _Errors()
    name = _text(errors, "name", name, 60, required=True)
    proficiency = _choice(errors, "proficiency", proficiency, Proficiency.choices)
    if name:
        others = SpokenLanguage.objects.filter(profile=profile, name__iexact=name)
        if exclude_pk is not None:
            others = others.exclude(pk=exclude_pk)
        if others.exists():
            errors.add("name", _("This language is already on your profile."), "duplicate")
    errors.raise_if_any()
    return {"name": name, "proficiency": proficiency}


@transaction.atomic
def language_add(*, profile: Profile, name: str, proficiency: str = "") -> SpokenLanguage:
    data = _language_clean(profile=profile, name=name, proficiency=proficiency)
    if profile.languages.count() >= MAX_LANGUAGES:
        raise ValidationError(_("You can list up to %(max)d languages.") % {"max": MAX_LANGUAGES})
    return SpokenLanguage.objects.create(
        profile=profile, position=_next_position(profile.languages.all()), **data
    )


@transaction.atomic
def language_update(
    *, language: SpokenLanguage, name: str, proficiency: str = ""
) -> SpokenLanguage:
    data = _language_clean(
        profile=language.profile, name=name, proficiency=proficiency, exclude_pk=language.pk
    )
    language.name, language.proficiency = data["name"], data["proficiency"]
    language.save()
    return language


@transaction.atomic
def language_delete(*, language: SpokenLanguage) -> None:
    language.delete()


# --- Certifications ----------------------------------------------------------------------------


def _certification_clean(
    *,
    name: str,
    authority: str,
    issued_on: datetime.date | None,
    expires_on: datetime.date | None,
    credential_id: str,
    credential_url: str,
) -> dict:
    errors = _Errors()
    data = {
        "name": _text(errors, "name", name, 150, required=True),
        "authority": _text(errors, "authority", authority, 150),
        "issued_on": _first_of_month(issued_on),
        "expires_on": _first_of_month(expires_on),
        "credential_id": _text(errors, "credential_id", credential_id, 120),
        "credential_url": _web_url(errors, "credential_url", credential_url),
    }
    if data["issued_on"] and data["expires_on"] and data["expires_on"] < data["issued_on"]:
        errors.add("expires_on", _("The expiration date cannot be before the issue date."), "order")
    errors.raise_if_any()
    return data


@transaction.atomic
def certification_create(
    *,
    profile: Profile,
    name: str,
    authority: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    credential_id: str = "",
    credential_url: str = "",
) -> Certification:
    data = _certification_clean(
        name=name,
        authority=authority,
        issued_on=issued_on,
        expires_on=expires_on,
        credential_id=credential_id,
        credential_url=credential_url,
    )
    if profile.certifications.count() >= MAX_CERTIFICATIONS:
        raise ValidationError(
            _("You cannot add more than %(max)d certifications.") % {"max": MAX_CERTIFICATIONS}
        )
    return Certification.objects.create(profile=profile, **data)


@transaction.atomic
def certification_update(
    *,
    certification: Certification,
    name: str,
    authority: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    credential_id: str = "",
    credential_url: str = "",
) -> Certification:
    data = _certification_clean(
        name=name,
        authority=authority,
        issued_on=issued_on,
        expires_on=expires_on,
        credential_id=credential_id,
        credential_url=credential_url,
    )
    for field, value in data.items():
        setattr(certification, field, value)
    certification.save()
    return certification


@transaction.atomic
def certification_delete(*, certification: Certification) -> None:
    certification.delete()


# --- Links -------------------------------------------------------------------------------------


def _link_clean(*, kind: str, url: str, label: str) -> dict:
    errors = _Errors()
    data = {
        "kind": _choice(errors, "kind", kind, LinkKind.choices, required=True),
        "url": _web_url(errors, "url", url, required=True),
        "label": _text(errors, "label", label, 80),
    }
    errors.raise_if_any()
    return data


@transaction.atomic
def link_create(*, profile: Profile, kind: str, url: str, label: str = "") -> ProfileLink:
    data = _link_clean(kind=kind, url=url, label=label)
    if profile.links.count() >= MAX_LINKS:
        raise ValidationError(_("You can list up to %(max)d links.") % {"max": MAX_LINKS})
    return ProfileLink.objects.create(
        profile=profile, position=_next_position(profile.links.all()), **data
    )


@transaction.atomic
def link_update(*, link: ProfileLink, kind: str, url: str, label: str = "") -> ProfileLink:
    data = _link_clean(kind=kind, url=url, label=label)
    link.kind, link.url, link.label = data["kind"], data["url"], data["label"]
    link.save()
    return link


@transaction.atomic
def link_delete(*, link: ProfileLink) -> None:
    link.delete()


# --- Contact info ------------------------------------------------------------------------------


def _contact_clean(*, kind: str, value: str, label: str, audience: str) -> dict:
    errors = _Errors()
    kind = _choice(errors, "kind", kind, ContactKind.choices, required=True)
    value = _text(errors, "value", value, 300, required=True)
    if value and "value" not in errors.errors:
        if kind == ContactKind.EMAIL:
            try:
                EmailValidator()(value)
            except ValidationError:
                errors.add(
                    "value", _("Enter a valid e-mail address, such as name@example.org."), "email"
                )
        elif kind == ContactKind.PHONE and not PHONE_PATTERN.match(value):
            errors.add(
                "value",
                _("A phone number may only contain digits, spaces, and + ( ) . - /"),
                "phone",
            )
    data = {
        "kind": kind,
        "value": value,
        "label": _text(errors, "label", label, 40),
        "audience": _audience(errors, "audience", audience),
    }
    errors.raise_if_any()
    return data


@transaction.atomic
def contact_create(
    *, profile: Profile, kind: str, value: str, label: str = "", audience: str = "connections"
) -> ContactEntry:
    data = _contact_clean(kind=kind, value=value, label=label, audience=audience)
    if profile.contacts.count() >= MAX_CONTACTS:
        raise ValidationError(
            _("You can list up to %(max)d ways to reach you.") % {"max": MAX_CONTACTS}
        )
    return ContactEntry.objects.create(
        profile=profile, position=_next_position(profile.contacts.all()), **data
    )


@transaction.atomic
def contact_update(
    *, contact: ContactEntry, kind: str, value: str, label: str = "", audience: str = "connections"
) -> ContactEntry:
    data = _contact_clean(kind=kind, value=value, label=label, audience=audience)
    for field, field_value in data.items():
        setattr(contact, field, field_value)
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactEntry) -> None:
    contact.delete()


# --- Public address and public page -----------------------------------------------------------


@transaction.atomic
def profile_set_address(*, profile: Profile, address: str) -> Profile:
    """Choose the public address /in/<address>/; the previous one keeps redirecting here."""
    try:
        value = address_validate(address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from error
    if value == profile.address:
        return profile
    if address_is_taken(value, except_profile_id=profile.pk):
        raise ValidationError(
            {"address": [_("This address is already taken. Please choose another.")]}
        )
    previous = profile.address
    # Taking back one of one's own old addresses: it is current again, no longer "old".
    AddressHistory.objects.filter(profile=profile, address=value).delete()
    if previous:
        AddressHistory.objects.get_or_create(address=previous, defaults={"profile": profile})
    profile.address = value
    try:
        with transaction.atomic():
            profile.save(update_fields=["address", "updated_at"])
    except IntegrityError as error:
        raise ValidationError(
            {"address": [_("This address is already taken. Please choose another.")]}
        ) from error
    return profile


@transaction.atomic
def profile_set_public_page(*, profile: Profile, public_page: bool) -> Profile:
    """Turn the public page (seen by visitors and search engines) on or off."""
    profile.public_page = bool(public_page)
    profile.save(update_fields=["public_page", "updated_at"])
    return profile
