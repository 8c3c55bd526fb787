"""Profile photos and cover images: checked, decoded with a pixel limit, re-encoded, stored.

Nothing a member uploads is ever stored or served as uploaded (architecture rule 6). A file is
accepted only when Pillow recognises it as JPEG, PNG or WebP by its content — never by its name
or the content type the browser claims — and its declared size stays under a pixel limit, so a
"decompression bomb" (a tiny file declaring gigapixels) is refused before any pixel is decoded.
The pixels are then re-encoded as a fresh JPEG with no metadata (no EXIF, GPS, ICC or text
chunks), in the sizes the pages need, under random names: URLs are unguessable and a replaced
photo's URL never shows the new one.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
import warnings
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .models import Profile

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# 40 megapixels: more than any phone camera, far less than a bomb (decoded RGB ≈ 120 MB).
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
JPEG_QUALITY = 85

PHOTO_SIZE = (400, 400)
PHOTO_SMALL_SIZE = (96, 96)
COVER_SIZE = (1584, 396)  # LinkedIn's 4:1 banner
# Images in posts keep their aspect ratio; the longest side is at most this many pixels.
POST_MAX_SIDE = 1600

# The messages a member sees (in their language) when a file is refused.
MESSAGES = {
    "empty": _("This file is empty. Choose a JPEG, PNG or WebP image."),
    "too_big": _("This file is larger than 10 MB. Choose a smaller image."),
    "not_image": _(
        "This file is not a JPEG, PNG or WebP image. Other formats (SVG, GIF, HEIC, PDF…) "
        "are not accepted."
    ),
    "too_many_pixels": _(
        "This image is too large to process (more than 40 megapixels). Resize it and try again."
    ),
    "unreadable": _("This image could not be read: the file may be damaged or incomplete."),
}

Kind = Literal["photo", "cover", "post"]


def image_error(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


@dataclass(frozen=True)
class ProcessedImage:
    """The re-encoded sizes of one upload, ready to store (JPEG bytes, no metadata)."""

    kind: Kind
    main: bytes
    small: bytes | None  # the 96 px photo; None for covers and post images
    perceptual_hash: str  # 16 hex digits (64-bit dHash) of the normalized image
    sha256: str  # of the normalized pixels: equal for the same picture whatever its file
    width: int
    height: int
    extension: str = "jpg"
    content_type: str = "image/jpeg"


# --- Decoding -----------------------------------------------------------------------------------


def _read_bounded(upload) -> bytes:
    """The upload's bytes, refusing empty and over-size files before anything is decoded."""
    size = getattr(upload, "size", None)
    if size is not None:
        if size <= 0:
            raise image_error("empty")
        if size > MAX_UPLOAD_BYTES:
            raise image_error("too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise image_error("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise image_error("too_big")
    return data


def _decode(data: bytes, *, target: tuple[int, int]) -> Image.Image:
    """Open and fully decode the image, or raise a ValidationError saying why not."""
    with warnings.catch_warnings():
        # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that: treat it as the error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Only the three parsers we accept ever see the bytes (GIF, SVG, TIFF… are unknown).
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise image_error("too_many_pixels") from exc
        except Exception as exc:  # UnidentifiedImageError, OSError, SyntaxError, ValueError…
            raise image_error("not_image") from exc
        if image.format not in ACCEPTED_FORMATS:
            raise image_error("not_image")
        width, height = image.size
        if width <= 0 or height <= 0:
            raise image_error("unreadable")
        if width * height > MAX_PIXELS:
            raise image_error("too_many_pixels")
        try:
            if image.format == "JPEG":
                # Decode big JPEGs at a reduced scale straight away: same result, less memory.
                image.draft("RGB", (target[0] * 2, target[1] * 2))
            image.load()
            image = ImageOps.exif_transpose(image)
            return _to_srgb_rgb(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise image_error("too_many_pixels") from exc
        except MemoryError as exc:
            raise image_error("too_many_pixels") from exc
        except Exception as exc:  # truncated files (OSError), corrupt chunks, bad EXIF…
            raise image_error("unreadable") from exc


def _to_srgb_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB, transparency flattened on white; no metadata carried over."""
    icc = image.info.get("icc_profile")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    if icc:
        image = _icc_to_srgb(image, icc)
    # A new image with only the pixels: nothing of the original's info/EXIF/ICC/text survives.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _icc_to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """Convert wide-gamut pictures (Display P3…) to sRGB, since the profile is dropped."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except Exception:  # no littlecms, or a broken profile: keep the pixels as they are
        logger.info("ICC profile ignored for an uploaded image", exc_info=True)
        return image


# --- Sizes and hashes ---------------------------------------------------------------------------


def _fit(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale and center-crop to exactly `size`."""
    return ImageOps.fit(image, size, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes none unless asked.
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def perceptual_hash(image: Image.Image) -> str:
    """64-bit difference hash (dHash): stable under re-encoding, resizing and small edits.

    The image is reduced to 9×8 grayscale; each bit says whether a pixel is brighter than its
    right-hand neighbour.
    """
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # one byte per pixel, row by row
    bits = 0
    for row in range(8):
        for col in range(8):
            left = pixels[row * 9 + col]
            right = pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def hash_distance(first: str, second: str) -> int:
    """Hamming distance between two perceptual hashes (0 = same picture; 64 = opposite)."""
    try:
        return (int(first, 16) ^ int(second, 16)).bit_count()
    except (TypeError, ValueError):
        return 64


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    """Scale down (never up) so the longest side is at most `longest`, keeping the ratio."""
    if max(image.size) <= longest:
        return image
    shrunk = image.copy()
    shrunk.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return shrunk


def image_process(upload, *, kind: Kind) -> ProcessedImage:
    """Check, decode and re-encode an uploaded image; raise ValidationError with a clear message.

    `upload` is a file-like object (Django's UploadedFile, or any object with read()).
    Photos and covers are cropped to their exact sizes; post images keep their aspect ratio.
    """
    if kind not in ("photo", "cover", "post"):
        raise ValueError(f"Unknown image kind: {kind!r}")
    data = _read_bounded(upload)
    if kind == "post":
        target = (POST_MAX_SIDE, POST_MAX_SIDE)
    else:
        target = PHOTO_SIZE if kind == "photo" else COVER_SIZE
    image = _decode(data, target=target)
    main_image = _shrink(image, POST_MAX_SIDE) if kind == "post" else _fit(image, target)
    small = _encode_jpeg(_fit(main_image, PHOTO_SMALL_SIZE)) if kind == "photo" else None
    return ProcessedImage(
        kind=kind,
        main=_encode_jpeg(main_image),
        small=small,
        perceptual_hash=perceptual_hash(main_image),
        sha256=hashlib.sha256(main_image.tobytes()).hexdigest(),
        width=main_image.width,
        height=main_image.height,
    )


# --- Services -----------------------------------------------------------------------------------


def _random_name(processed: ProcessedImage) -> str:
    return f"{uuid.uuid4().hex}.{processed.extension}"


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # a missing file is not worth failing a request for
            logger.warning("Could not delete old profile image %s", name, exc_info=True)


def _store(field_file, content: bytes, processed: ProcessedImage) -> str:
    field_file.save(_random_name(processed), ContentFile(content), save=False)
    return field_file.name


def profile_photo_set(*, profile: Profile, upload) -> Profile:
    """Replace the member's photo with the re-encoded upload; check for impersonation."""
    from .impersonation import impersonation_check

    processed = image_process(upload, kind="photo")
    storage = Profile._meta.get_field("photo").storage
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Profile.objects.select_for_update().get(pk=profile.pk)
            old = [locked.photo.name, locked.photo_small.name]
            written.append(_store(locked.photo, processed.main, processed))
            written.append(_store(locked.photo_small, processed.small, processed))
            locked.photo_hash = processed.perceptual_hash
            locked.save(update_fields=["photo", "photo_small", "photo_hash", "updated_at"])
            impersonation_check(profile=locked)
            transaction.on_commit(lambda: _delete_files(storage, old))
    except BaseException:
        _delete_files(storage, written)
        raise
    _copy_images(source=locked, target=profile)
    return profile


def profile_photo_remove(*, profile: Profile) -> Profile:
    storage = Profile._meta.get_field("photo").storage
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        old = [locked.photo.name, locked.photo_small.name]
        locked.photo = ""
        locked.photo_small = ""
        locked.photo_hash = ""
        locked.save(update_fields=["photo", "photo_small", "photo_hash", "updated_at"])
        transaction.on_commit(lambda: _delete_files(storage, old))
    _copy_images(source=locked, target=profile)
    return profile


def profile_cover_set(*, profile: Profile, upload) -> Profile:
    """Replace the member's cover image with the re-encoded upload."""
    processed = image_process(upload, kind="cover")
    storage = Profile._meta.get_field("cover").storage
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Profile.objects.select_for_update().get(pk=profile.pk)
            old = [locked.cover.name]
            written.append(_store(locked.cover, processed.main, processed))
            locked.save(update_fields=["cover", "updated_at"])
            transaction.on_commit(lambda: _delete_files(storage, old))
    except BaseException:
        _delete_files(storage, written)
        raise
    _copy_images(source=locked, target=profile)
    return profile


def profile_cover_remove(*, profile: Profile) -> Profile:
    storage = Profile._meta.get_field("cover").storage
    with transaction.atomic():
        locked = Profile.objects.select_for_update().get(pk=profile.pk)
        old = [locked.cover.name]
        locked.cover = ""
        locked.save(update_fields=["cover", "updated_at"])
        transaction.on_commit(lambda: _delete_files(storage, old))
    _copy_images(source=locked, target=profile)
    return profile


def _copy_images(*, source: Profile, target: Profile) -> None:
    """Keep the caller's instance in step with what was saved."""
    if source is target:
        return
    target.photo = source.photo.name
    target.photo_small = source.photo_small.name
    target.photo_hash = source.photo_hash
    target.cover = source.cover.name
    target.updated_at = source.updated_at
