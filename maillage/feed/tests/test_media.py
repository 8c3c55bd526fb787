"""Post images and documents: checked before anything is written, re-encoded without metadata,
stored under random names in the private storage, and served only to those who may see the post."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from maillage.core.audience import Audience
from maillage.feed import media, services
from maillage.feed.models import Poll, Post, PostImage, PostStatus

from .composer_files import broken_pdf, fake_pdf, jpeg, pdf, png, stored_files
from .factories import block, connect, member

pytestmark = pytest.mark.django_db


def rows():
    return (Post.objects.count(), PostImage.objects.count(), Poll.objects.count(), len(stored_files()))


def create(author, **kw):
    kw.setdefault("body", "Hello")
    return services.post_create(author=author, data=services.PostInput(**kw))


# --- Images ----------------------------------------------------------------------------------


def test_images_are_reencoded_without_metadata_keeping_their_ratio():
    author = member()
    upload = jpeg(size=(3200, 1600))
    assert b"SecretCam" in upload.read()  # the upload does carry metadata
    post = create(author, images=[(upload, "A red banner"), (png(), "")])
    first, second = list(post.images.all())
    assert (first.width, first.height) == (1600, 800)
    assert (second.width, second.height) == (300, 500)  # small images are never enlarged
    assert first.alt_text == "A red banner"
    with first.image.open("rb") as handle:
        data = handle.read()
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "JPEG"
    assert not decoded.getexif()
    assert b"SecretCam" not in data and b"Leaky" not in data
    # Random names, nothing of the uploaded name.
    assert "photo" not in first.image.name and first.image.name.startswith("feed/images/")
    assert first.image.storage.location == media.private_storage().location


def test_more_than_nine_images_creates_nothing():
    author = member()
    before = rows()
    with pytest.raises(ValidationError) as caught:
        create(author, images=[(jpeg(size=(20, 20)), "") for _ in range(10)])
    assert "at most 9 images" in str(caught.value)
    assert rows() == before


def test_a_bad_image_among_good_ones_creates_nothing_and_names_it():
    author = member()
    before = rows()
    not_an_image = jpeg(size=(20, 20))
    not_an_image.file = io.BytesIO(b"GIF89a" + b"\0" * 100)
    with pytest.raises(ValidationError) as caught:
        create(author, images=[(jpeg(size=(20, 20)), ""), (not_an_image, "")])
    messages = caught.value.message_dict["images"]
    assert any(m.startswith("Image 2:") and "not a JPEG, PNG or WebP" in m for m in messages)
    assert rows() == before


def test_alt_text_over_300_characters_is_refused():
    author = member()
    before = rows()
    with pytest.raises(ValidationError) as caught:
        create(author, images=[(jpeg(size=(20, 20)), "x" * 301)])
    assert "at most 300 characters" in caught.value.message_dict["images"][0]
    assert rows() == before


# --- Documents -------------------------------------------------------------------------------


def test_a_pdf_is_stored_under_a_random_name_with_its_pages_and_name():
    post = create(member(), document=pdf(pages=4))
    assert post.document_pages == 4
    assert post.document_name == "Rapport annuel.pdf"
    assert post.document_size > 0
    assert post.document.name.startswith("feed/documents/") and "Rapport" not in post.document.name


def test_a_title_replaces_the_file_name_and_is_cleaned():
    post = create(member(), document=pdf(), document_title="../../etc/Plan 2027\n")
    assert post.document_name == "etc Plan 2027.pdf"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (fake_pdf, "not a PDF document"),
        (lambda: jpeg(name="scan.pdf", size=(20, 20)), "not a PDF document"),
        (broken_pdf, "could not be read"),
        (lambda: pdf(password="secret"), "protected by a password"),
    ],
    ids=["html-named-pdf", "jpeg-named-pdf", "broken", "encrypted"],
)
def test_documents_that_are_not_readable_pdfs_create_nothing(upload, message):
    author = member()
    before = rows()
    with pytest.raises(ValidationError) as caught:
        create(author, document=upload())
    assert message in caught.value.message_dict["document"][0]
    assert rows() == before


def test_a_document_over_20_mb_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(media, "DOCUMENT_MAX_BYTES", 100)
    before = rows()
    with pytest.raises(ValidationError) as caught:
        create(member(), document=pdf())
    assert "larger than 20 MB" in caught.value.message_dict["document"][0]
    assert rows() == before


def test_images_and_a_document_together_are_refused():
    before = rows()
    with pytest.raises(ValidationError):
        create(member(), images=[(jpeg(size=(20, 20)), "")], document=pdf())
    assert rows() == before


# --- Serving: who may download what ------------------------------------------------------------

VIEWERS = ["author", "connection", "member", "blocked", "anonymous"]
EXPECTED = {
    Audience.PUBLIC: {"author", "connection", "member", "anonymous"},
    Audience.MEMBERS: {"author", "connection", "member"},
    Audience.CONNECTIONS: {"author", "connection"},
}


@pytest.fixture
def world():
    author, friend, someone, blocker = member(), member(), member(), member()
    connect(author, friend)
    connect(author, blocker)
    block(blocker, author)
    return {"author": author, "connection": friend, "member": someone, "blocked": blocker, "anonymous": None}


def _login(client, who):
    if who is not None:
        client.force_login(who)


@pytest.mark.parametrize("audience", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_image_download_follows_the_post_audience(client, world, audience, viewer):
    post = create(world["author"], audience=audience, images=[(jpeg(size=(40, 40)), "alt")])
    image = post.images.get()
    _login(client, world[viewer])
    response = client.get(reverse("post_media_image", args=[post.public_id, image.public_id]))
    if viewer in EXPECTED[audience]:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("audience", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_document_download_follows_the_post_audience(client, world, audience, viewer):
    post = create(world["author"], audience=audience, document=pdf(name="Plan.pdf"))
    _login(client, world[viewer])
    response = client.get(reverse("post_document", args=[post.public_id]))
    if viewer in EXPECTED[audience]:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="Plan.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    else:
        assert response.status_code == 404


def test_files_of_drafts_and_scheduled_posts_are_for_the_author_only(client, world):
    draft = create(world["author"], images=[(jpeg(size=(40, 40)), "")], draft=True)
    image = draft.images.get()
    url = reverse("post_media_image", args=[draft.public_id, image.public_id])
    client.force_login(world["connection"])
    assert client.get(url).status_code == 404
    client.force_login(world["author"])
    assert client.get(url).status_code == 200
    assert draft.status == PostStatus.DRAFT


def test_unknown_files_answer_404_like_forbidden_ones(client, world):
    post = create(world["author"], images=[(jpeg(size=(40, 40)), "")])
    other = create(world["author"], images=[(jpeg(size=(40, 40)), "")])
    client.force_login(world["connection"])
    wrong_post = reverse("post_media_image", args=[other.public_id, post.images.get().public_id])
    assert client.get(wrong_post).status_code == 404
    assert client.get(reverse("post_media_image", args=[post.public_id, uuid.uuid4()])).status_code == 404
    assert client.get(reverse("post_document", args=[post.public_id])).status_code == 404  # no document
    assert client.get(reverse("link_preview_image", args=[post.public_id])).status_code == 404


def _preview_with_image(post):
    import hashlib

    from django.core.files.base import ContentFile

    from maillage.feed.models import LinkPreview

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 30)).save(buffer, "JPEG")
    preview = LinkPreview(
        url="https://example.org/a", url_hash=hashlib.sha256(b"https://example.org/a").hexdigest(),
        status=LinkPreview.Status.READY, title="A page",
    )
    preview.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(buffer.getvalue()), save=False)
    preview.save()
    Post.objects.filter(pk=post.pk).update(link_preview=preview)
    return preview


@pytest.mark.parametrize("audience", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_link_preview_image_follows_the_post_audience(client, world, audience, viewer):
    post = create(world["author"], audience=audience, body="No link here")
    _preview_with_image(post)
    _login(client, world[viewer])
    response = client.get(reverse("link_preview_image", args=[post.public_id]))
    if viewer in EXPECTED[audience]:
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
    else:
        assert response.status_code == 404
