"""Files for the composer's tests, made on the spot: images (with EXIF and GPS to strip), PDFs
(plain, encrypted, broken) and things that only pretend to be one."""

from __future__ import annotations

import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ..models import private_storage


def jpeg(name: str = "photo.jpg", size=(2400, 1200), color=(200, 30, 60), exif: bool = True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "Leaky 1.0"  # Software
        data[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPS
        kwargs["exif"] = data
    image.save(buffer, "JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name: str = "drawing.png", size=(300, 500)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 100, 0, 128)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_bytes(pages: int = 3, *, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(name: str = "Rapport annuel.pdf", pages: int = 3, **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages, **kw), content_type="application/pdf")


def fake_pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    """An HTML page wearing a .pdf name and content type."""
    return SimpleUploadedFile(
        name, b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )


def broken_pdf(name: str = "broken.pdf") -> SimpleUploadedFile:
    """Starts like a PDF, then nothing a reader can use."""
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + os.urandom(2000), content_type="application/pdf")


def stored_files() -> list[str]:
    """Every file in the private storage's post folders."""
    root = private_storage().location
    found = []
    for folder in ("feed/images", "feed/documents"):
        path = os.path.join(root, folder)
        for dirpath, _dirs, files in os.walk(path):
            found.extend(os.path.join(dirpath, f) for f in files)
    return sorted(found)
