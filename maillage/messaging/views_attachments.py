"""Message attachments, streamed from the private storage to participants only.

Every download goes through `access.attachment_for_member_or_404`: the requester must be a
current participant of the conversation, the message must not be deleted, and nobody on the
other side of a block gets anything (all of these look like a missing file: 404). Nothing here
is ever reachable under MEDIA_URL: the private storage has no base URL.

Images (re-encoded JPEGs, attachments.py) are shown inline; `?preview=1` serves their small
preview (at most 480 px). Every other file is offered as a download under its cleaned name, with
the content type decided when it was checked and `nosniff`, so a browser never renders it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from . import access
from .attachments import preview_name

FILE_CACHE = "private, max-age=600"


def _open(storage, name: str):
    try:
        return storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id) -> FileResponse:
    attachment = access.attachment_for_member_or_404(request.user, public_id)
    field_file = attachment.file
    if not field_file.name:
        raise Http404
    storage = field_file.storage
    handle = None
    if attachment.is_image and request.GET.get("preview") == "1":
        try:
            handle = storage.open(preview_name(field_file.name), "rb")
        except (FileNotFoundError, OSError):
            handle = None  # no preview (an older file): the re-encoded image itself is small enough
    if handle is None:
        handle = _open(storage, field_file.name)
    response = FileResponse(
        handle,
        content_type=attachment.content_type
        if attachment.content_type
        else "application/octet-stream",
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    if attachment.is_image:
        response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = FILE_CACHE
    response["X-Robots-Tag"] = "noindex"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
