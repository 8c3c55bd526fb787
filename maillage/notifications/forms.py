"""The notification settings form: one choice per kind, grouped by theme on the page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import preferences
from .models import Delivery


class PreferencesForm(forms.Form):
    """Every kind's delivery; only the choices that kind allows (unread messages: in the app or
    an e-mail after a delay)."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Delivery.choices)
        for kind in preferences.ALL_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=preferences.kind_label(kind),
                choices=[(value, labels[value]) for value in preferences.choices_for(kind)],
                initial=current[kind],
                error_messages={
                    "required": _("Choose how to hear about this."),
                    "invalid_choice": _(
                        "This choice does not exist for this kind of notification."
                    ),
                },
            )

    def themes(self):
        """[(theme, [bound fields])] in the page's order."""
        return [(theme, [self[kind] for kind in theme.kinds]) for theme in preferences.THEMES]
