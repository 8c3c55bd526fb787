"""Message attachments, streamed from the private storage to participants only.

Every download goes through `access.attachment_for_member_or_404`: the requester must be a
current participant of the conversation, the message must not be deleted, and nobody on the
other side of a block gets anything (all of these look like a missing file: 404). Nothing here
is ever reachable under MEDIA_URL.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from . import access

FILE_CACHE = "private, max-age=600"


@login_required
@require_GET
def attachment_download(request: HttpRequest, public_id) -> FileResponse:
    attachment = access.attachment_for_member_or_404(request.user, public_id)
    field_file = attachment.file
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type or "application/octet-stream",
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    if attachment.is_image:
        response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = FILE_CACHE
    response["X-Robots-Tag"] = "noindex"
    return response
