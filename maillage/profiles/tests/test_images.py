"""Profile photos and covers: what is accepted, what is refused, and what is stored."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.profiles import images
from maillage.profiles.images import (
    MESSAGES,
    hash_distance,
    image_process,
    perceptual_hash,
    profile_cover_remove,
    profile_cover_set,
    profile_photo_remove,
    profile_photo_set,
)
from maillage.profiles.models import Profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


# --- Test pictures ------------------------------------------------------------------------------


def picture(size=(800, 600), mode="RGB") -> Image.Image:
    """A picture with structure (gradients and a block), so hashes mean something."""
    image = Image.new("RGB", size, (240, 240, 240))
    width, height = size
    pixels = image.load()
    for x in range(0, width, max(1, width // 80)):
        for y in range(0, height, max(1, height // 60)):
            pixels[x, y] = (x * 255 // width, y * 255 // height, 120)
    block = Image.new("RGB", (width // 3, height // 3), (20, 60, 160))
    image.paste(block, (width // 5, height // 4))
    image = image.resize((width // 4, height // 4)).resize(size)  # smooth the dots out
    return image.convert(mode) if mode != "RGB" else image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model X"  # Model
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x8825] = gps
    return encode(image, "JPEG", exif=exif.tobytes(), quality=90)


def png_bomb(width=20000, height=20000) -> bytes:
    """A small PNG declaring a huge 1-bit image (400 megapixels, a few hundred KB)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- image_process ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "name"),
    [
        ("JPEG", "RGB", "a.jpg"),
        ("PNG", "RGBA", "a.png"),
        ("WEBP", "RGB", "a.webp"),
        ("PNG", "P", "p.png"),
    ],
)
def test_valid_images_are_re_encoded_as_jpeg_in_both_sizes(fmt, mode, name):
    processed = image_process(upload(encode(picture(mode=mode), fmt), name=name), kind="photo")
    main, small = reopen(processed.main), reopen(processed.small)
    assert (main.format, main.size, main.mode) == ("JPEG", (400, 400), "RGB")
    assert (small.format, small.size) == ("JPEG", (96, 96))
    assert len(processed.perceptual_hash) == 16
    assert len(processed.sha256) == 64


def test_cover_is_cropped_to_four_to_one():
    processed = image_process(upload(encode(picture((2000, 1500)), "PNG")), kind="cover")
    assert reopen(processed.main).size == (1584, 396)
    assert processed.small is None


def test_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (500, 500), (255, 0, 0, 0))  # fully transparent red
    processed = image_process(upload(encode(image, "PNG"), name="t.png"), kind="photo")
    r, g, b = reopen(processed.main).getpixel((200, 200))
    assert min(r, g, b) > 245


def test_gps_and_camera_metadata_are_stripped():
    data = jpeg_with_gps(picture())
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)  # the test file has GPS
    processed = image_process(upload(data), kind="photo")
    for blob in (processed.main, processed.small):
        stored = reopen(blob)
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert "icc_profile" not in stored.info
        assert b"SpyCam" not in blob
        assert b"Exif" not in blob


def test_exif_rotated_image_comes_out_upright():
    # A landscape picture, top half black, bottom white, stored with "rotate 90° CW to display".
    image = Image.new("RGB", (800, 400), (255, 255, 255))
    image.paste(Image.new("RGB", (400, 400), (0, 0, 0)), (0, 0))  # left half black
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer rotates 90° clockwise
    data = encode(image, "JPEG", exif=exif.tobytes())
    processed = image_process(upload(data), kind="cover")
    # Displayed upright the picture is portrait with the black half on top.
    out = reopen(processed.main)
    top = out.crop((0, 0, 1584, 100)).convert("L").resize((1, 1)).getpixel((0, 0))
    bottom = out.crop((0, 296, 1584, 396)).convert("L").resize((1, 1)).getpixel((0, 0))
    assert top < 60 < 200 < bottom


def test_huge_jpeg_under_the_limits_is_accepted():
    processed = image_process(upload(encode(picture((4000, 3000)), "JPEG")), kind="photo")
    assert reopen(processed.main).size == (400, 400)


BAD_FILES = {
    "text renamed .jpg": (b"Hello, I am definitely a JPEG.\n" * 20, "photo.jpg", "not_image"),
    "html": (b"<!doctype html><script>alert(1)</script>", "photo.jpg", "not_image"),
    "svg": (SVG, "photo.svg", "not_image"),
    "gif": (None, "photo.gif", "not_image"),
    "zero bytes": (b"", "photo.jpg", "empty"),
    "truncated jpeg": (None, "photo.jpg", "unreadable"),
    "bomb": (None, "bomb.png", "too_many_pixels"),
}


def bad_file(label: str) -> tuple[bytes, str, str]:
    data, name, code = BAD_FILES[label]
    if label == "gif":
        data = encode(picture(), "GIF")
    elif label == "truncated jpeg":
        full = encode(picture((1200, 900)), "JPEG", quality=95)
        data = full[: len(full) // 2]
    elif label == "bomb":
        data = png_bomb()
    return data, name, code


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_message(label):
    data, name, code = bad_file(label)
    with pytest.raises(images.ValidationError) as raised:
        image_process(upload(data, name=name), kind="photo")
    assert raised.value.code == code


def test_bomb_file_is_small_but_declares_400_megapixels():
    data = png_bomb()
    assert len(data) < 2 * 1024 * 1024
    assert struct.unpack(">II", data[16:24]) == (20000, 20000)  # IHDR width, height


def test_over_size_file_is_refused_before_decoding(monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded an over-size file")

    monkeypatch.setattr(images, "_decode", no_decoding)
    data = b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024)
    with pytest.raises(images.ValidationError) as raised:
        image_process(upload(data), kind="photo")
    assert raised.value.code == "too_big"


def test_bomb_warning_range_is_also_refused(monkeypatch):
    # Between our limit and Pillow's: refused by our own check, not decoded.
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    with pytest.raises(images.ValidationError) as raised:
        image_process(upload(encode(picture((200, 200)), "PNG")), kind="photo")
    assert raised.value.code == "too_many_pixels"


def test_messages_are_translated():
    with translation.override("fr"):
        french = {code: str(message) for code, message in MESSAGES.items()}
    with translation.override("en"):
        english = {code: str(message) for code, message in MESSAGES.items()}
    assert english["too_big"] == "This file is larger than 10 MB. Choose a smaller image."
    # The French catalogue is compiled by the translators; until then French falls back to English.
    assert set(french) == set(english)


# --- Hashes -------------------------------------------------------------------------------------


def test_perceptual_hash_survives_re_encoding_and_resizing():
    original = picture((900, 900))
    resized = reopen(encode(original.resize((640, 640)), "JPEG", quality=60))
    other = Image.new("RGB", (900, 900), (255, 255, 255))
    other.paste(Image.new("RGB", (300, 900), (0, 0, 0)), (600, 0))
    assert hash_distance(perceptual_hash(original), perceptual_hash(resized)) <= 6
    assert hash_distance(perceptual_hash(original), perceptual_hash(other)) > 10


def test_hash_distance():
    assert hash_distance("0" * 16, "0" * 16) == 0
    assert hash_distance("0" * 16, "f" * 16) == 64
    assert hash_distance("", "0" * 16) == 64


# --- Services -----------------------------------------------------------------------------------


def test_photo_set_stores_random_names_and_deletes_the_old_files(
    media_root, django_capture_on_commit_callbacks
):
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        profile_photo_set(profile=profile, upload=upload(jpeg_with_gps(picture())))
    profile.refresh_from_db()
    first = (profile.photo.name, profile.photo_small.name)
    assert first[0].startswith("profiles/photos/") and first[0].endswith(".jpg")
    assert len(Path(first[0]).stem) == 32  # a uuid: unguessable, never reused
    assert profile.photo_hash
    stored = reopen(Path(media_root, first[0]).read_bytes())
    assert stored.size == (400, 400) and not stored.getexif()
    assert b"SpyCam" not in Path(media_root, first[0]).read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        profile_photo_set(profile=profile, upload=upload(encode(picture(), "PNG"), "b.png"))
    profile.refresh_from_db()
    assert profile.photo.name not in first
    assert [p.relative_to(media_root).as_posix() for p in media_files(media_root)] == sorted(
        [profile.photo.name, profile.photo_small.name]
    )

    with django_capture_on_commit_callbacks(execute=True):
        profile_photo_remove(profile=profile)
    profile.refresh_from_db()
    assert not profile.photo and not profile.photo_small and not profile.photo_hash
    assert media_files(media_root) == []


def test_cover_set_and_remove(media_root, django_capture_on_commit_callbacks):
    profile = ProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        profile_cover_set(profile=profile, upload=upload(encode(picture((3000, 1000)), "WEBP")))
    profile.refresh_from_db()
    assert profile.cover.name.startswith("profiles/covers/")
    assert reopen(Path(media_root, profile.cover.name).read_bytes()).size == (1584, 396)
    with django_capture_on_commit_callbacks(execute=True):
        profile_cover_remove(profile=profile)
    profile.refresh_from_db()
    assert not profile.cover
    assert media_files(media_root) == []


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_refused_upload_changes_nothing(label, media_root):
    profile = ProfileFactory()
    before = Profile.objects.values().get(pk=profile.pk)
    data, name, _code = bad_file(label)
    with pytest.raises(images.ValidationError):
        profile_photo_set(profile=profile, upload=upload(data, name=name))
    with pytest.raises(images.ValidationError):
        profile_cover_set(profile=profile, upload=upload(data, name=name))
    assert Profile.objects.values().get(pk=profile.pk) == before
    assert media_files(media_root) == []


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def member_client():
    profile = ProfileFactory()
    client = Client()
    client.force_login(profile.member)
    return client, profile


def test_pages_need_login(client):
    for name in ("profile_photo", "profile_cover"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(reverse("profile_photo"), {"image": upload(encode(picture(), "PNG"))})
    assert response.status_code == 302
    assert Profile.objects.count() == 0


@pytest.mark.parametrize("kind", ["photo", "cover"])
def test_upload_page_shows_the_form(member_client, kind):
    client, _profile = member_client
    response = client.get(reverse(f"profile_{kind}"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "JPEG, PNG or WebP, up to 10 MB." in html
    assert 'type="file"' in html


def test_upload_through_the_page(member_client, media_root):
    client, profile = member_client
    response = client.post(
        reverse("profile_photo"), {"image": upload(encode(picture(), "PNG"), "me.png", "image/png")}
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.photo and profile.photo_small
    page = client.get(reverse("profile_photo")).content.decode()
    assert profile.photo.url in page
    assert "Remove" in page or "Supprimer" in page or 'action="/profile/photo/remove/"' in page

    response = client.post(reverse("profile_photo_remove"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.photo


@pytest.mark.parametrize("label", list(BAD_FILES))
def test_refused_upload_through_the_page_shows_the_message(member_client, media_root, label):
    client, profile = member_client
    before = Profile.objects.values().get(pk=profile.pk)
    data, name, code = bad_file(label)
    response = client.post(
        reverse("profile_photo"), {"image": upload(data, name=name)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override("en"):
        expected = str(MESSAGES[code])
    from django.utils.html import escape

    assert escape(expected) in html
    assert Profile.objects.values().get(pk=profile.pk) == before
    assert media_files(media_root) == []


def test_refusal_message_in_french(member_client):
    client, _profile = member_client
    client.cookies["maillage_language"] = "fr"
    response = client.post(reverse("profile_photo"), {}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert '<html lang="fr"' in response.content.decode()


def test_views_only_ever_touch_my_own_profile(media_root):
    mine = ProfileFactory()
    theirs = ProfileFactory()
    profile_photo_set(profile=theirs, upload=upload(encode(picture(), "PNG")))
    theirs.refresh_from_db()
    their_photo = theirs.photo.name
    client = Client()
    client.force_login(mine.member)
    # Whatever is in the request, the views act on request.user's profile.
    client.post(
        reverse("profile_photo"),
        {"image": upload(encode(picture((500, 500)), "PNG")), "profile": theirs.pk},
    )
    client.post(reverse("profile_photo_remove"), {"profile": theirs.pk})
    client.post(reverse("profile_cover_remove"), {"profile": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.photo.name == their_photo


def test_remove_needs_post(member_client):
    client, _profile = member_client
    assert client.get(reverse("profile_photo_remove")).status_code == 405


def test_media_is_served_as_an_image(member_client, media_root):
    client, profile = member_client
    client.post(reverse("profile_photo"), {"image": upload(encode(picture(), "WEBP"), "x.webp")})
    profile.refresh_from_db()
    # config/urls.py binds the media view to MEDIA_ROOT at import time: call it the same way
    # with this test's folder.
    from django.test import RequestFactory
    from django.urls import resolve
    from django.views.static import serve

    match = resolve(profile.photo.url)
    assert match.func is serve
    request = RequestFactory().get(profile.photo.url)
    response = serve(request, match.kwargs["path"], document_root=media_root)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert reopen(b"".join(response.streaming_content)).format == "JPEG"


# --- Avatar tag ---------------------------------------------------------------------------------

AVATAR = Template("{% load maillage %}{% avatar person size %}")


def render_avatar(person, size="md") -> str:
    return AVATAR.render(Context({"person": person, "size": size}))


def test_avatar_shows_initials_without_a_photo(django_assert_num_queries):
    user = UserFactory(first_name="Jeanne", last_name="Martin")
    ProfileFactory(member=user)
    user = type(user).objects.select_related("profile").get(pk=user.pk)
    with django_assert_num_queries(0):
        html = render_avatar(user)
    assert ">JM</span>" in html


def test_avatar_shows_the_photo_when_the_profile_is_loaded(django_assert_num_queries):
    profile = ProfileFactory()
    profile_photo_set(profile=profile, upload=upload(encode(picture(), "PNG")))
    user = type(profile.member).objects.select_related("profile").get(pk=profile.member_id)
    with django_assert_num_queries(0):
        small = render_avatar(user, "sm")
        large = render_avatar(user, "xl")
    assert f'src="{user.profile.photo_small.url}"' in small
    assert 'alt=""' in small
    assert f'src="{user.profile.photo.url}"' in large


def test_avatar_never_queries_for_an_unloaded_profile(django_assert_num_queries):
    profile = ProfileFactory()
    profile_photo_set(profile=profile, upload=upload(encode(picture(), "PNG")))
    user = type(profile.member).objects.get(pk=profile.member_id)
    with django_assert_num_queries(0):
        html = render_avatar(user)
    assert "<span" in html  # initials: the profile was not loaded


def test_avatar_in_a_list_costs_no_query_per_person(django_assert_num_queries):
    for _ in range(5):
        profile = ProfileFactory()
        profile_photo_set(profile=profile, upload=upload(encode(picture(), "PNG")))
    users = list(type(profile.member).objects.select_related("profile"))
    with django_assert_num_queries(0):
        html = "".join(render_avatar(u, "xs") for u in users)
    assert html.count("<img") == 5


def test_avatar_through_profile_member(django_assert_num_queries):
    profile = ProfileFactory()
    profile_photo_set(profile=profile, upload=upload(encode(picture(), "PNG")))
    loaded = Profile.objects.select_related("member").get(pk=profile.pk)
    with django_assert_num_queries(0):
        html = render_avatar(loaded.member, "lg")
    assert "<img" in html


def test_my_photo_page_shows_my_photo_in_the_top_bar(
    member_client, django_capture_on_commit_callbacks
):
    client, profile = member_client
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("profile_photo"), {"image": upload(encode(picture(), "PNG"))})
    profile.refresh_from_db()
    html = client.get(reverse("profile_photo")).content.decode()
    assert profile.photo_small.url in html


def test_over_size_upload_through_the_page(member_client, media_root):
    client, profile = member_client
    before = Profile.objects.values().get(pk=profile.pk)
    data = encode(picture(), "PNG") + b"\0" * (11 * 1024 * 1024)
    response = client.post(
        reverse("profile_cover"), {"image": upload(data, "big.png")}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert Profile.objects.values().get(pk=profile.pk) == before
    assert media_files(media_root) == []


def test_no_file_chosen(member_client):
    client, _profile = member_client
    response = client.post(reverse("profile_photo"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Choose an image to upload." in response.content.decode()
