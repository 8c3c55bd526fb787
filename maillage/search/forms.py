from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import PeopleQuery


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search people"), max_length=100, required=False)
    degree = forms.TypedMultipleChoiceField(
        label=_("Degree"),
        choices=[(1, _("1st")), (2, _("2nd")), (3, _("3rd+"))],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    org = forms.CharField(label=_("Organization"), max_length=100, required=False)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    page = forms.IntegerField(min_value=1, max_value=1000, required=False)

    def people_query(self) -> PeopleQuery:
        data = self.cleaned_data
        return PeopleQuery(
            q=data.get("q") or "",
            degrees=frozenset(data.get("degree") or ()),
            org=data.get("org") or "",
            location=data.get("location") or "",
        )
