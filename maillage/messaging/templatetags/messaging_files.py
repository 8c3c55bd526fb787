"""Template helpers for message attachments (`{% load messaging_files %}`)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

KIND_LABELS = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument",
    "application/rtf": "RTF",
    "application/zip": "ZIP",
    "text/csv": "CSV",
    "text/markdown": "Markdown",
    "text/plain": _("Text"),
    "image/jpeg": _("Image"),
}


@register.filter
def attachment_kind(attachment) -> str:
    """A short word for the kind of file ("PDF", "Word", "Text"…), from its checked type."""
    content_type = (getattr(attachment, "content_type", "") or "").split(";")[0].strip()
    return str(KIND_LABELS.get(content_type, _("File")))
