"""Files attached to messages: checked without writing, then stored privately.

`attachments_prepare` validates every upload and returns what to store, writing nothing, so a
message that fails any check leaves no file behind; `attachments_store` writes inside the
message's transaction. What a file *is* is decided by its content, never by its name or the
content type the browser claims:

* images (JPEG, PNG, WebP) are decoded by the profiles' decoder (pixel limit, no metadata) and
  re-encoded as JPEG, the longest side at most 1,600 px, with a small preview beside them;
* a PDF starts with ``%PDF-`` and pypdf must be able to open it;
* Office files: Word, Excel and PowerPoint (zip packages with their part names, or the older
  compound files, only under their own extensions), OpenDocument (their ``mimetype`` entry),
  RTF, plain zip archives;
* text (``.txt``, ``.csv``, ``.md``): valid UTF-8 without control bytes that does not look like
  HTML, SVG or XML.

Everything else — programs (ELF, Windows, Mach-O, scripts), HTML, SVG, unknown binaries — is
refused with a clear message. The name shown and offered for download is cleaned and always ends
with an extension matching the content; on disk every file has a random name in the *private*
storage, served only by `views_attachments.attachment_download` after a participant check.
"""

from __future__ import annotations

import io
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from maillage.core.text import without_nul

from . import models
from .models import Attachment, Message

logger = logging.getLogger(__name__)

FOLDER = "messaging"
NAME_MAX = 200
IMAGE_MAX_SIDE = 1600
PREVIEW_MAX_SIDE = 480
PREVIEW_SUFFIX = ".preview.jpg"
# What the file picker offers (a hint only: the content decides).
ACCEPT_ATTRIBUTE = (
    "image/jpeg,image/png,image/webp,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,"
    ".odt,.ods,.odp,.rtf,.txt,.csv,.md,.zip"
)


def max_bytes() -> int:
    return models.ATTACHMENT_MAX_BYTES


def max_files() -> int:
    return models.ATTACHMENTS_PER_MESSAGE


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]  # the first one is added when the name has none of them


JPEG = Kind("image/jpeg", (".jpg", ".jpeg"))
PDF = Kind("application/pdf", (".pdf",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ODT = Kind("application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = Kind("application/vnd.oasis.opendocument.presentation", (".odp",))
DOC = Kind("application/msword", (".doc",))
XLS = Kind("application/vnd.ms-excel", (".xls",))
PPT = Kind("application/vnd.ms-powerpoint", (".ppt",))
RTF = Kind("application/rtf", (".rtf",))
ZIP = Kind("application/zip", (".zip",))
TEXT = Kind("text/plain; charset=utf-8", (".txt",))
CSV = Kind("text/csv; charset=utf-8", (".csv",))
MARKDOWN = Kind("text/markdown; charset=utf-8", (".md",))

ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
OLE_KINDS = {".doc": DOC, ".xls": XLS, ".ppt": PPT}
TEXT_KINDS = {".txt": TEXT, ".csv": CSV, ".md": MARKDOWN}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Programs, whatever their name says.
EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux
    b"MZ",  # Windows
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
)
# Text a browser might render as a page or a picture.
MARKUP = re.compile(
    rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<object|<embed|<meta|<link|<style)",
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

MESSAGES = {
    "too_many": _("A message can have at most %(limit)s attachments."),
    "too_big": _("%(name)s is larger than %(limit)s. Choose a smaller file."),
    "empty": _("%(name)s is empty."),
    "executable": _("%(name)s is a program. Programs cannot be sent in messages."),
    "markup": _("%(name)s is a web page or an SVG image. These files cannot be sent in messages."),
    "not_allowed": _(
        "%(name)s is not a file type you can send. Send images (JPEG, PNG, WebP), PDF, "
        "Office or OpenDocument files, text, CSV or zip archives."
    ),
    "pdf_unreadable": _(
        "%(name)s could not be read as a PDF: the file may be damaged or incomplete."
    ),
    "zip_unreadable": _("%(name)s could not be opened: the archive may be damaged or incomplete."),
}


@dataclass(frozen=True)
class PreparedAttachment:
    data: bytes | None  # None: written from `upload` itself (not kept in memory twice)
    name: str  # shown and offered as the download's file name; never used on disk
    kind: Kind
    size: int = 0
    upload: object = None
    is_image: bool = False
    width: int = 0
    height: int = 0
    preview: bytes | None = None

    def content(self):
        if self.data is not None:
            return ContentFile(self.data)
        self.upload.seek(0)
        return File(self.upload)


def _as_is(upload, data: bytes, name: str, kind: Kind) -> PreparedAttachment:
    """A file stored byte for byte: large uploads are not kept in memory until the write."""
    if hasattr(upload, "seek") and getattr(upload, "size", None) == len(data):
        return PreparedAttachment(data=None, upload=upload, size=len(data), name=name, kind=kind)
    return PreparedAttachment(data=data, size=len(data), name=name, kind=kind)


def _error(code: str, name: str = "", **params) -> ValidationError:
    return ValidationError(MESSAGES[code] % {"name": name, **params}, code=code)


# --- Names ------------------------------------------------------------------------------------


def clean_name(raw: str) -> str:
    """A safe name to show: no folders, no control characters, no characters file systems
    refuse, at most NAME_MAX characters."""
    raw = os.path.basename(without_nul(str(raw or "")).replace("\\", "/"))
    raw = unicodedata.normalize("NFC", raw)
    raw = "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C")
    raw = re.sub(r'[\\/:*?"<>|]+', " ", raw)
    return " ".join(raw.split()).strip(" .")


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _display_name(raw: str, kind: Kind) -> str:
    """The cleaned name, ending with an extension that matches the content (a PNG re-encoded
    as JPEG becomes "photo.jpg"; a PDF called "cv.exe" becomes "cv.pdf")."""
    name = clean_name(raw)
    stem, extension = os.path.splitext(name)
    if extension.lower() in kind.extensions:
        keep = extension
        name = stem
    else:
        keep = kind.extensions[0]
        if extension and len(extension) <= 6 and extension[1:].isalnum():
            name = stem
    name = name[: NAME_MAX - len(keep)].strip(" .") or "file"
    return f"{name}{keep}"


# --- Reading and recognising ------------------------------------------------------------------


def _label(upload) -> str:
    return clean_name(getattr(upload, "name", "") or "") or str(_("This file"))


def _read(upload, label: str) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _error("too_big", label, limit=filesizeformat(limit))
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise _error("empty", label)
    if len(data) > limit:
        raise _error("too_big", label, limit=filesizeformat(limit))
    return data


def _looks_like_image(data: bytes) -> bool:
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _image(data: bytes, raw_name: str, label: str) -> PreparedAttachment:
    from PIL import Image

    from maillage.profiles.images import _decode, _encode_jpeg, _shrink

    try:
        image = _decode(data, target=(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    except ValidationError as exc:
        raise ValidationError(
            _("%(name)s: %(reason)s") % {"name": label, "reason": exc.messages[0]}, code=exc.code
        ) from exc
    main = _shrink(image, IMAGE_MAX_SIDE)
    preview = main.copy()
    preview.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE), Image.Resampling.LANCZOS)
    data = _encode_jpeg(main)
    return PreparedAttachment(
        data=data,
        size=len(data),
        name=_display_name(raw_name, JPEG),
        kind=JPEG,
        is_image=True,
        width=main.width,
        height=main.height,
        preview=_encode_jpeg(preview),
    )


def _pdf_ok(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return True  # a protected PDF is still a PDF; it is only downloaded, never shown
        return len(reader.pages) > 0
    except RecursionError:
        return False
    except Exception:  # noqa: BLE001 — pypdf raises many kinds of errors on bad files
        return False


def _zip_kind(data: bytes, label: str) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                mimetype = archive.read("mimetype").strip()
                if mimetype in ODF_KINDS:
                    return ODF_KINDS[mimetype]
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
                if any(n.startswith("ppt/") for n in names):
                    return PPTX
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        KeyError,
        RuntimeError,
    ) as exc:
        raise _error("zip_unreadable", label) from exc
    return ZIP


def _text_kind(data: bytes, raw_name: str, label: str) -> Kind:
    kind = TEXT_KINDS.get(_extension(clean_name(raw_name)))
    if kind is None:
        raise _error("not_allowed", label)
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error("not_allowed", label) from exc
    if CONTROL.search(text):
        raise _error("not_allowed", label)
    if MARKUP.match(body):
        raise _error("markup", label)
    return kind


def attachment_prepare(upload) -> PreparedAttachment:
    """Check one upload; raise ValidationError saying why it is refused. Writes nothing."""
    raw_name = str(getattr(upload, "name", "") or "")
    label = _label(upload)
    data = _read(upload, label)
    head = data[:1024]
    if _looks_like_image(data):
        return _image(data, raw_name, label)
    if any(data.startswith(magic) for magic in EXECUTABLE_MAGIC):
        raise _error("executable", label)
    if MARKUP.match(data[:512]):
        raise _error("markup", label)
    if b"%PDF-" in head:
        if not _pdf_ok(data):
            raise _error("pdf_unreadable", label)
        return _as_is(upload, data, _display_name(raw_name, PDF), PDF)
    if data.startswith(ZIP_MAGIC):
        kind = _zip_kind(data, label)
        return _as_is(upload, data, _display_name(raw_name, kind), kind)
    if data.startswith(OLE_MAGIC):
        # Compound files are also Windows installers (.msi): only under an Office extension.
        kind = OLE_KINDS.get(_extension(clean_name(raw_name)))
        if kind is None:
            raise _error("not_allowed", label)
        return _as_is(upload, data, _display_name(raw_name, kind), kind)
    if data.startswith(b"{\\rtf"):
        return _as_is(upload, data, _display_name(raw_name, RTF), RTF)
    if re.search(rb"<(html|script|svg|body|iframe)[\s>/]", head, re.IGNORECASE):
        raise _error("markup", label)
    kind = _text_kind(data, raw_name, label)
    return _as_is(upload, data, _display_name(raw_name, kind), kind)


def attachments_prepare(uploads: Iterable) -> list[PreparedAttachment]:
    """Check every upload (all of them, so the member learns about every bad file at once)."""
    uploads = [u for u in (uploads or ()) if u is not None]
    if len(uploads) > max_files():
        raise ValidationError(
            {
                "attachments": ValidationError(
                    MESSAGES["too_many"] % {"limit": max_files()}, code="too_many"
                )
            }
        )
    prepared: list[PreparedAttachment] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            prepared.append(attachment_prepare(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError({"attachments": errors})
    return prepared


# --- Storing and deleting ---------------------------------------------------------------------


def preview_name(stored_name: str) -> str:
    return os.path.splitext(stored_name)[0] + PREVIEW_SUFFIX


def attachments_store(message: Message, prepared: list[PreparedAttachment]) -> list[Attachment]:
    """Write the files under random names and attach them to `message` (call inside the
    message's transaction; a failure removes what was written)."""
    storage = Attachment._meta.get_field("file").storage
    written: list[str] = []
    rows: list[Attachment] = []
    try:
        for item in prepared:
            stem = f"{FOLDER}/{uuid.uuid4().hex}"
            name = storage.save(f"{stem}{item.kind.extensions[0]}", item.content())
            written.append(name)
            if item.preview is not None:
                written.append(storage.save(preview_name(name), ContentFile(item.preview)))
            rows.append(
                Attachment(
                    message=message,
                    file=name,
                    name=item.name,
                    size=item.size,
                    content_type=item.kind.content_type,
                    is_image=item.is_image,
                    width=item.width,
                    height=item.height,
                )
            )
        Attachment.objects.bulk_create(rows)
    except BaseException:
        for name in written:
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001 — a leftover file is not worth failing for
                logger.warning("Could not delete %s", name, exc_info=True)
        raise
    return rows


def stored_files(attachments: Iterable[Attachment]) -> list[tuple[object, str]]:
    """(storage, name) pairs of every file behind these attachments, previews included."""
    files: list[tuple[object, str]] = []
    for attachment in attachments:
        if not attachment.file.name:
            continue
        files.append((attachment.file.storage, attachment.file.name))
        if attachment.is_image:
            files.append((attachment.file.storage, preview_name(attachment.file.name)))
    return files
