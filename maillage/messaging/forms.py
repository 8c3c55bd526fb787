"""Forms of the messaging pages. They only check the shape of the input; the rules (who may
write to whom, limits, the edit window) are the services' and come back as ValidationErrors."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GROUP_NAME_MAX, MESSAGE_MAX_CHARS


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Write a message"),
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "data-composer": "", "placeholder": _("Write a message…")}
        ),
    )
    # Chosen when the form is shown: the same form sent twice stores one message.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NewConversationForm(forms.Form):
    name = forms.CharField(
        label=_("Group name"),
        required=False,
        max_length=GROUP_NAME_MAX,
        help_text=_("For a conversation with several people."),
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MESSAGE_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("Write a message…")}),
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", uuid.uuid4())


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Conversation name"), required=False, max_length=GROUP_NAME_MAX)


class SettingsForm(forms.Form):
    read_receipts = forms.BooleanField(
        label=_("Read receipts and typing indicators"),
        required=False,
        help_text=_(
            "Let others see when you have read their messages and when you are typing. "
            "When it is off, you do not see theirs either."
        ),
    )
