"""The composer's forms. They only gather and shape the input (a `PostInput`); every rule is
checked by the services, whose errors the view puts back next to the fields they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.audience import Audience
from maillage.profiles.images import ACCEPT_ATTRIBUTE

from . import media, polls
from .models import (
    ALT_TEXT_MAX,
    MAX_IMAGES,
    POLL_MAX_OPTIONS,
    POLL_OPTION_MAX,
    POLL_QUESTION_MAX,
    POST_MAX_CHARS,
)
from .services import PostInput

AUDIENCE_CHOICES = [
    (Audience.PUBLIC, _("Anyone, on or off Maillage")),
    (Audience.MEMBERS, _("Members of this network")),
    (Audience.CONNECTIONS, _("Connections only")),
]
DURATION_CHOICES = [
    (1, _("1 day")),
    (3, _("3 days")),
    (7, _("1 week")),
    (14, _("2 weeks")),
]
SCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files under one name; the list is passed on as it came (checked by media.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": ACCEPT_ATTRIBUTE, "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=SCHEDULE_FORMAT)


class ScheduleField(forms.DateTimeField):
    widget = DateTimeLocalInput
    input_formats = [SCHEDULE_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class ComposerForm(forms.Form):
    body = forms.CharField(
        label=_("What do you want to talk about?"),
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "maxlength": POST_MAX_CHARS,
                "data-composer-body": "",
                "placeholder": _("Share an idea, a question, some news… Type @ to mention someone."),
            }
        ),
    )
    audience = forms.ChoiceField(
        label=_("Who can see this post"),
        choices=AUDIENCE_CHOICES,
        initial=Audience.PUBLIC,
        required=False,  # a select always sends one; without it, the default
    )
    images = MultipleImageField(
        label=_("Images"),
        required=False,
        help_text=_("Up to %(count)s images: JPEG, PNG or WebP, 10 MB each.") % {"count": MAX_IMAGES},
    )
    document = forms.FileField(
        label=_("Document (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": media.ACCEPT_DOCUMENT}),
        help_text=_("One PDF up to 20 MB. It is shown as a card that people can download."),
    )
    document_title = forms.CharField(
        label=_("Document title"),
        required=False,
        max_length=media.DOCUMENT_NAME_MAX - 4,
        help_text=_("Shown on the card instead of the file's name."),
    )
    poll_question = forms.CharField(
        label=_("Your question"),
        required=False,
        max_length=POLL_QUESTION_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("E.g., How do you commute to work?")}),
    )
    poll_duration = forms.TypedChoiceField(
        label=_("Poll duration"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=polls.DEFAULT_DURATION_DAYS,
        required=False,
    )
    publish_at = ScheduleField(
        label=_("Schedule for later"),
        required=False,
        help_text=_("Leave empty to post now. At least five minutes from now, at most 90 days."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_IMAGES + 1):
            self.fields[f"alt_{number}"] = forms.CharField(
                label=_("Description of image %(number)s") % {"number": number},
                required=False,
                max_length=ALT_TEXT_MAX,
                widget=forms.TextInput(attrs={"data-alt-input": number, "autocomplete": "off"}),
            )
        for number in range(1, POLL_MAX_OPTIONS + 1):
            self.fields[f"poll_option_{number}"] = forms.CharField(
                label=_("Option %(number)s") % {"number": number},
                required=False,
                max_length=POLL_OPTION_MAX,
                widget=forms.TextInput(attrs={"data-poll-option": number, "autocomplete": "off"}),
            )
        # Limits are checked by the services with clearer messages than the form's; the
        # attributes still stop a browser from sending too much.
        for name in ("document_title", "poll_question", *self.alt_names, *self.option_names):
            field = self.fields[name]
            field.widget.attrs["maxlength"] = field.max_length
            field.max_length = None
            field.validators = []

    @property
    def alt_names(self) -> list[str]:
        return [f"alt_{n}" for n in range(1, MAX_IMAGES + 1)]

    @property
    def option_names(self) -> list[str]:
        return [f"poll_option_{n}" for n in range(1, POLL_MAX_OPTIONS + 1)]

    def alt_fields(self):
        return [self[name] for name in self.alt_names]

    def option_fields(self):
        return [self[name] for name in self.option_names]

    def has_poll(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return bool(
            (data.get("poll_question") or "").strip()
            or any((data.get(name) or "").strip() for name in self.option_names)
        )

    def post_input(self, *, draft: bool) -> PostInput:
        data = self.cleaned_data
        images = data.get("images") or []
        alts = [data.get(name) or "" for name in self.alt_names]
        # Alt texts pair with images by position; beyond nine the service refuses the post.
        pairs = [(upload, alts[i] if i < len(alts) else "") for i, upload in enumerate(images)]
        poll = None
        if self.has_poll():
            options = [data.get(name) or "" for name in self.option_names]
            # Empty trailing boxes are simply unused; an empty one between two options is not.
            while options and not options[-1].strip():
                options.pop()
            poll = polls.PollInput(
                question=data.get("poll_question") or "",
                options=options,
                duration_days=data.get("poll_duration") or polls.DEFAULT_DURATION_DAYS,
            )
        return PostInput(
            body=data.get("body") or "",
            audience=data.get("audience") or Audience.PUBLIC,
            images=pairs,
            document=data.get("document") or None,
            document_title=data.get("document_title") or "",
            poll=poll,
            publish_at=data.get("publish_at"),
            draft=draft,
        )


class DraftEditForm(forms.Form):
    """A draft's or a scheduled post's text, audience and time (attachments stay as they are)."""

    body = ComposerForm.base_fields["body"]
    audience = ComposerForm.base_fields["audience"]
    publish_at = ComposerForm.base_fields["publish_at"]


class RescheduleForm(forms.Form):
    publish_at = ScheduleField(label=_("New date and time"))
