"""Images and documents attached to posts: checked without writing, then stored.

`*_prepare` validates everything and returns what to store, writing nothing (so a post that fails
any check leaves no file behind); `*_store` writes inside the post's transaction. Images go
through the profiles' decoder (`profiles.images.image_process`, kind "post"): recognised by
their content, decoded under a pixel limit, re-encoded as JPEG without metadata, the longest side
at most 1,600 px, aspect ratio kept. A document must be a PDF by its content (`%PDF-`) that pypdf
can open, not encrypted; its original name is kept for display and download only — on disk it
has a random name, like every image. Everything lands in the *private* storage: files are served
only by views that check the post's audience (views_composer.py).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from maillage.core.text import without_nul
from maillage.profiles.images import ProcessedImage, image_process

from .models import ALT_TEXT_MAX, MAX_IMAGES, Post, PostImage, private_storage

logger = logging.getLogger(__name__)

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_MAX_PAGES = 300  # as LinkedIn
DOCUMENT_NAME_MAX = 200
IMAGE_FOLDER = "feed/images"
DOCUMENT_FOLDER = "feed/documents"
ACCEPT_DOCUMENT = "application/pdf,.pdf"


@dataclass(frozen=True)
class PreparedImage:
    processed: ProcessedImage
    alt_text: str


@dataclass(frozen=True)
class PreparedDocument:
    data: bytes
    name: str  # shown and offered as the download's file name; never used on disk
    size: int
    pages: int


def _field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- Images ----------------------------------------------------------------------------------


def images_prepare(images) -> list[PreparedImage]:
    """Check and re-encode up to nine (upload, alt text) pairs. Every image is checked before
    any error is raised, so the member learns about all the bad files at once."""
    images = list(images or ())
    if len(images) > MAX_IMAGES:
        raise _field_error(
            "images",
            _("A post can have at most %(limit)s images.") % {"limit": MAX_IMAGES},
            "too_many_images",
        )
    prepared: list[PreparedImage] = []
    errors: list[ValidationError] = []
    for number, (upload, alt_text) in enumerate(images, start=1):
        alt_text = " ".join(without_nul(alt_text).split())
        if len(alt_text) > ALT_TEXT_MAX:
            errors.append(
                ValidationError(
                    _(
                        "Image %(number)s: the description can be at most %(limit)s characters "
                        "long (this one has %(count)s)."
                    )
                    % {"number": number, "limit": ALT_TEXT_MAX, "count": len(alt_text)},
                    code="alt_too_long",
                )
            )
            continue
        try:
            processed = image_process(upload, kind="post")
        except ValidationError as exc:
            errors.extend(
                ValidationError(
                    _("Image %(number)s: %(reason)s") % {"number": number, "reason": message},
                    code=exc.code or "image",
                )
                for message in exc.messages
            )
            continue
        prepared.append(PreparedImage(processed=processed, alt_text=alt_text))
    if errors:
        raise ValidationError({"images": errors})
    return prepared


def _delete_quietly(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 — a leftover file is not worth failing for
            logger.warning("Could not delete %s", name, exc_info=True)


def images_store(post: Post, prepared: list[PreparedImage]) -> list[PostImage]:
    """Write the re-encoded images under random names and attach them to `post`, in order."""
    storage = private_storage()
    written: list[str] = []
    rows: list[PostImage] = []
    try:
        for position, item in enumerate(prepared):
            name = storage.save(
                f"{IMAGE_FOLDER}/{uuid.uuid4().hex}.{item.processed.extension}",
                ContentFile(item.processed.main),
            )
            written.append(name)
            rows.append(
                PostImage(
                    post=post,
                    position=position,
                    image=name,
                    width=item.processed.width,
                    height=item.processed.height,
                    alt_text=item.alt_text,
                )
            )
        PostImage.objects.bulk_create(rows)
    except BaseException:
        _delete_quietly(storage, written)
        raise
    return rows


# --- Documents -------------------------------------------------------------------------------


def _display_name(upload, title: str) -> str:
    """A safe name to show and to offer as the download's file name: the title if given,
    else the uploaded file's own name; no folders, no control characters, ending in .pdf."""
    raw = without_nul(title).strip() or os.path.basename(str(getattr(upload, "name", "") or ""))
    raw = unicodedata.normalize("NFC", raw)
    raw = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    raw = re.sub(r'[\\/:*?"<>|]+', " ", raw)
    raw = " ".join(raw.split()).strip(" .")
    if raw.lower().endswith(".pdf"):
        raw = raw[:-4].rstrip(" .")
    raw = raw[: DOCUMENT_NAME_MAX - 4] or "document"
    return f"{raw}.pdf"


def _read_document(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > DOCUMENT_MAX_BYTES:
        raise _field_error(
            "document", _("This document is larger than 20 MB. Choose a smaller PDF."), "too_big"
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    if not data:
        raise _field_error("document", _("This file is empty. Choose a PDF document."), "empty")
    if len(data) > DOCUMENT_MAX_BYTES:
        raise _field_error(
            "document", _("This document is larger than 20 MB. Choose a smaller PDF."), "too_big"
        )
    return data


def _count_pages(data: bytes) -> int:
    """Open the PDF with pypdf: refuse what it cannot read, encrypted files and empty ones."""
    import io

    from pypdf import PdfReader

    not_readable = _field_error(
        "document",
        _("This PDF could not be read: the file may be damaged or incomplete."),
        "unreadable",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _field_error(
                "document",
                _("This PDF is protected by a password. Remove the protection and try again."),
                "encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except RecursionError as exc:
        raise not_readable from exc
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds of errors on bad files
        raise not_readable from exc
    if pages <= 0:
        raise not_readable
    if pages > DOCUMENT_MAX_PAGES:
        raise _field_error(
            "document",
            _("A document can have at most %(limit)s pages (this one has %(count)s).")
            % {"limit": DOCUMENT_MAX_PAGES, "count": pages},
            "too_many_pages",
        )
    return pages


def document_prepare(upload, *, title: str = "") -> PreparedDocument:
    """Check that `upload` is a readable PDF (by its content, whatever its name says) of at most
    20 MB; write nothing."""
    title = without_nul(title).strip()
    if len(title) > DOCUMENT_NAME_MAX - 4:
        raise _field_error(
            "document_title",
            _("A document title can be at most %(limit)s characters long.")
            % {"limit": DOCUMENT_NAME_MAX - 4},
            "title_too_long",
        )
    data = _read_document(upload)
    # A PDF starts with "%PDF-"; some writers put a few bytes before it, which readers allow
    # within the first kilobyte.
    if b"%PDF-" not in data[:1024]:
        raise _field_error(
            "document",
            _("This file is not a PDF document. Only PDF files can be shared as documents."),
            "not_pdf",
        )
    pages = _count_pages(data)
    return PreparedDocument(data=data, name=_display_name(upload, title), size=len(data), pages=pages)


def document_store(post: Post, prepared: PreparedDocument) -> None:
    """Write the PDF under a random name and attach it to `post`."""
    storage = private_storage()
    name = storage.save(f"{DOCUMENT_FOLDER}/{uuid.uuid4().hex}.pdf", ContentFile(prepared.data))
    try:
        Post.objects.filter(pk=post.pk).update(
            document=name,
            document_name=prepared.name,
            document_size=prepared.size,
            document_pages=prepared.pages,
        )
    except BaseException:
        _delete_quietly(storage, [name])
        raise
    post.document = name
    post.document_name = prepared.name
    post.document_size = prepared.size
    post.document_pages = prepared.pages
