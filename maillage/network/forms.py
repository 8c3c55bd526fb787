"""Forms of the network pages: the invitation note and the network settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import INVITATION_NOTE_MAX, ConnectionsVisibility


class InvitationForm(forms.Form):
    note = forms.CharField(
        label=_("Add a note (optional)"),
        required=False,
        max_length=INVITATION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _(
                "Your note is too long: %(limit_value)d characters at most (it has %(show_value)d)."
            )
        },
    )


class NetworkSettingsForm(forms.Form):
    connections_visibility = forms.ChoiceField(
        label=_("Who may see your list of connections"),
        choices=ConnectionsVisibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Everyone always sees the connections they share with you; this is about your full "
            "list."
        ),
    )
