"""Forms for editing one's own profile, section by section.

The forms check the shape of the input (types, lengths, choices); the rules (dates in order,
limits, duplicates, addresses) live in the services, whose errors land next to the same fields.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    PROFILE_AUDIENCES,
    ContactKind,
    EmploymentType,
    LinkKind,
    Proficiency,
)

MONTH_FORMAT = "%Y-%m"


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=MONTH_FORMAT)


class MonthField(forms.DateField):
    """A month (<input type="month">), stored as the first day of that month."""

    widget = MonthInput
    input_formats = [MONTH_FORMAT, "%Y-%m-%d", "%m/%Y"]
    default_error_messages = {"invalid": _("Enter a month, such as 2024-09.")}

    def to_python(self, value):
        result = super().to_python(value)
        return result.replace(day=1) if isinstance(result, datetime.date) else result


def _blank(choices):
    return [("", "—"), *choices]


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label=_("Who can see this"), choices=PROFILE_AUDIENCES)


class IntroForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    headline = forms.CharField(
        label=_("Headline"),
        max_length=220,
        required=False,
        help_text=_("What you do, in a line: it shows under your name everywhere."),
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=100, required=False)


class AboutForm(forms.Form):
    about = forms.CharField(
        label=_("About"),
        max_length=2600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown works: **bold**, *italic*, lists and links."),
    )


class PositionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    organization_name = forms.CharField(label=_("Organization"), max_length=150)
    employment_type = forms.ChoiceField(
        label=_("Employment type"), choices=_blank(EmploymentType.choices), required=False
    )
    location = forms.CharField(label=_("Location"), max_length=150, required=False)
    start_date = MonthField(label=_("Start month"))
    is_current = forms.BooleanField(label=_("I currently work here"), required=False)
    end_date = MonthField(
        label=_("End month"),
        required=False,
        help_text=_("Needed unless you tick “I currently work here”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if data.get("is_current"):
            data["end_date"] = None
        elif "end_date" in data and data.get("end_date") is None and not self.has_error("end_date"):
            self.add_error(
                "end_date",
                _("Enter the month you left, or tick “I currently work here”."),
            )
        return data

    @staticmethod
    def initial_for(position) -> dict:
        return {
            "title": position.title,
            "organization_name": position.organization_name,
            "employment_type": position.employment_type,
            "location": position.location,
            "start_date": position.start_date,
            "end_date": position.end_date,
            "is_current": position.end_date is None,
            "description": position.description,
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("is_current", None)
        return data


class EducationForm(forms.Form):
    school = forms.CharField(label=_("School"), max_length=150)
    degree = forms.CharField(label=_("Degree"), max_length=150, required=False)
    field_of_study = forms.CharField(label=_("Field of study"), max_length=150, required=False)
    start_year = forms.IntegerField(
        label=_("Start year"), min_value=1900, max_value=2100, required=False
    )
    end_year = forms.IntegerField(
        label=_("End year (or expected)"), min_value=1900, max_value=2100, required=False
    )
    activities = forms.CharField(
        label=_("Activities and societies"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SkillForm(forms.Form):
    name = forms.CharField(
        label=_("Add a skill"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LanguageForm(forms.Form):
    name = forms.CharField(label=_("Language"), max_length=60)
    proficiency = forms.ChoiceField(
        label=_("Proficiency"), choices=_blank(Proficiency.choices), required=False
    )


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    authority = forms.CharField(label=_("Issuing organization"), max_length=150, required=False)
    issued_on = MonthField(label=_("Issue month"), required=False)
    expires_on = MonthField(label=_("Expiration month"), required=False)
    credential_id = forms.CharField(label=_("Credential ID"), max_length=120, required=False)
    # A text field: the service explains what is wrong with the address (scheme, shape).
    credential_url = forms.CharField(
        label=_("Credential URL"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LinkKind.choices)
    url = forms.CharField(
        label=_("Web address"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    label = forms.CharField(label=_("Label"), max_length=80, required=False)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    value = forms.CharField(label=_("E-mail, phone or address"), max_length=300)
    label = forms.CharField(
        label=_("Label"),
        max_length=40,
        required=False,
        help_text=_("For example: work, personal, mobile."),
    )
    audience = forms.ChoiceField(
        label=_("Who can see it"), choices=PROFILE_AUDIENCES, initial="connections"
    )


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("Public address"),
        max_length=60,
        help_text=_(
            "3 to 60 lowercase letters, digits and hyphens. Your old address keeps leading here."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
