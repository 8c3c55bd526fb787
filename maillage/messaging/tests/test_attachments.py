"""Message attachments: what is accepted (by content, never by name), what is refused (with a
clear message and nothing stored), and that only participants ever download them."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from maillage.feed.tests.composer_files import fake_pdf, jpeg, pdf, pdf_bytes, png
from maillage.network.tests.factories import block, connect, member

from .. import models, services
from ..attachments import PREVIEW_MAX_SIDE, preview_name
from ..models import Attachment, Message

pytestmark = pytest.mark.django_db


def _storage():
    return Attachment._meta.get_field("file").storage


def _stored() -> set[str]:
    root = os.path.join(_storage().location, "messaging")
    found = set()
    for dirpath, _dirs, files in os.walk(root):
        found.update(os.path.join(dirpath, f) for f in files)
    return found


@pytest.fixture(autouse=True)
def _clean_files():
    before = _stored()
    yield
    for path in _stored() - before:
        os.remove(path)


@pytest.fixture
def alice():
    return member()


@pytest.fixture
def bob():
    return member()


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def docx(name: str = "CV.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return upload(name, buffer.getvalue())


def odt(name: str = "lettre.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return upload(name, buffer.getvalue())


def send(alice, conversation, *files, body: str = ""):
    return services.message_send(
        sender=alice, conversation=conversation, body=body, attachments=files
    )


def refused(alice, conversation, *files, body: str = "") -> ValidationError:
    messages_before, files_before = Message.objects.count(), _stored()
    with pytest.raises(ValidationError) as caught:
        send(alice, conversation, *files, body=body)
    assert Message.objects.count() == messages_before
    assert Attachment.objects.count() == 0
    assert _stored() == files_before
    return caught.value


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_dict["attachments"]]


# --- Accepted files -------------------------------------------------------------------------------


def test_an_image_is_re_encoded_without_metadata_with_its_size_and_a_preview(alice, direct):
    message = send(alice, direct, jpeg("Vacances.jpg", size=(2400, 1200)))
    assert message.body == ""  # files alone make a message
    [attachment] = message.attachments.all()
    assert attachment.is_image and attachment.content_type == "image/jpeg"
    assert (attachment.width, attachment.height) == (1600, 800)
    assert attachment.name == "Vacances.jpg"
    with _storage().open(attachment.file.name, "rb") as handle:
        data = handle.read()
    assert attachment.size == len(data)
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.size == (1600, 800)
    assert not stored.getexif() and b"SecretCam" not in data
    with _storage().open(preview_name(attachment.file.name), "rb") as handle:
        assert max(Image.open(handle).size) == PREVIEW_MAX_SIDE


def test_a_png_becomes_a_jpeg_and_its_name_says_so(alice, direct):
    [attachment] = send(alice, direct, png("drawing.png")).attachments.all()
    assert attachment.name == "drawing.jpg" and attachment.content_type == "image/jpeg"


def test_pdf_office_and_text_files_are_recognised_by_their_content(alice, direct):
    message = send(
        alice,
        direct,
        pdf("Rapport annuel.pdf"),
        docx(),
        odt(),
        upload("chiffres.csv", "nom;montant\nÉlodie;12\n".encode()),
        body="Voici les documents",
    )
    kinds = {a.name: a.content_type for a in message.attachments.all()}
    assert kinds["Rapport annuel.pdf"] == "application/pdf"
    assert kinds["CV.docx"].endswith("wordprocessingml.document")
    assert kinds["lettre.odt"] == "application/vnd.oasis.opendocument.text"
    assert kinds["chiffres.csv"].startswith("text/csv")
    assert len(kinds) == 4
    assert not any(a.is_image for a in message.attachments.all())


def test_text_needs_a_text_extension(alice, direct):
    error = refused(alice, direct, upload("notes", b"Plain notes"))
    assert codes(error) == ["not_allowed"]


def test_the_download_name_always_matches_the_content(alice, direct):
    message = send(
        alice,
        direct,
        upload("cv.exe", pdf_bytes(1)),
        upload("../../etc/passwd.docx", docx().read()),
    )
    names = sorted(a.name for a in message.attachments.all())
    assert names == ["cv.pdf", "passwd.docx"]


def test_files_are_stored_privately_under_unguessable_names(client, alice, direct):
    original = pdf("Rapport annuel.pdf")
    [attachment] = send(alice, direct, original).attachments.all()
    original.seek(0)
    with _storage().open(attachment.file.name, "rb") as handle:
        assert handle.read() == original.read()  # documents are kept byte for byte
    assert attachment.size == original.size
    path = os.path.realpath(_storage().path(attachment.file.name))
    assert not path.startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep)
    assert "Rapport" not in attachment.file.name
    assert len(os.path.basename(attachment.file.name).split(".")[0]) == 32
    # Whatever URL the storage would make up, nothing is served there, even to the sender.
    client.force_login(alice)
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404


# --- Refused files --------------------------------------------------------------------------------


def test_an_empty_message_without_files_is_refused(alice, direct):
    with pytest.raises(ValidationError) as caught:
        send(alice, direct)
    assert caught.value.error_dict["body"][0].code == "empty"


def test_a_file_over_the_limit_is_refused(alice, direct, monkeypatch):
    monkeypatch.setattr(models, "ATTACHMENT_MAX_BYTES", 2000)
    error = refused(
        alice, direct, upload("big.pdf", pdf_bytes(1) + b"\n%" + b"x" * 3000), body="hello"
    )
    assert codes(error) == ["too_big"]
    assert "big.pdf" in error.error_dict["attachments"][0].messages[0]
    assert "larger than" in error.error_dict["attachments"][0].messages[0]


def test_a_zip_with_a_huge_mimetype_entry_is_not_inflated(alice, direct, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"a" * 10_000_000)  # 10 MB of one letter: a few KB packed
    inflated = []
    real_read = zipfile.ZipFile.read
    monkeypatch.setattr(
        zipfile.ZipFile,
        "read",
        lambda self, name, *a: inflated.append(name) or real_read(self, name, *a),
    )
    [attachment] = send(alice, direct, upload("archive.zip", buffer.getvalue())).attachments.all()
    assert attachment.content_type == "application/zip"
    assert inflated == []
    assert send(alice, direct, odt()).attachments.get().content_type.endswith("opendocument.text")
    assert inflated == ["mimetype"]  # a small one is read


def test_a_file_over_the_limit_without_a_declared_size_is_refused(alice, direct, monkeypatch):
    monkeypatch.setattr(models, "ATTACHMENT_MAX_BYTES", 2000)

    class Stream(io.BytesIO):
        name = "stream.txt"

    error = refused(alice, direct, Stream(b"a" * 2001))
    assert codes(error) == ["too_big"]


def test_too_many_files_are_refused(alice, direct, monkeypatch):
    monkeypatch.setattr(models, "ATTACHMENTS_PER_MESSAGE", 2)
    error = refused(alice, direct, pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf"))
    assert codes(error) == ["too_many"]
    assert send(alice, direct, pdf("a.pdf"), pdf("b.pdf")).attachments.count() == 2


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("invoice.pdf", fake_pdf().read(), "markup"),
        ("page.txt", b"  <!DOCTYPE html><p>hi</p>", "markup"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "markup",
        ),
        ("notes.txt", b"Hello <script>alert(1)</script>", "markup"),
        ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "executable"),
        ("setup.docx", b"MZ\x90\x00" + b"\x00" * 200, "executable"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "executable"),
        ("installer.doc.msi", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "not_allowed"),
        ("data.bin", b"\x01\x02\x03\x00binary\x00" * 20, "not_allowed"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100, "pdf_unreadable"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 50, "zip_unreadable"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_disguised_dangerous_or_unknown_files_are_refused(alice, direct, name, data, code):
    error = refused(alice, direct, upload(name, data, "application/pdf"), body="see attached")
    assert codes(error) == [code]
    assert error.error_dict["attachments"][0].messages[0]  # a sentence for the member


def test_one_bad_file_refuses_the_whole_message_and_every_bad_file_is_named(alice, direct):
    error = refused(
        alice, direct, pdf("ok.pdf"), fake_pdf("a.pdf"), upload("b.exe", b"MZ" + b"\x00" * 10)
    )
    assert codes(error) == ["markup", "executable"]
    text = " ".join(error.messages)
    assert "a.pdf" in text and "b.exe" in text


def test_a_request_cannot_carry_a_bad_file_either(alice, bob):
    stranger = member()
    error_count = Message.objects.count()
    with pytest.raises(ValidationError):
        services.message_send_to(sender=stranger, recipient=alice, attachments=[fake_pdf()])
    assert Message.objects.count() == error_count
    message = services.message_send_to(sender=stranger, recipient=alice, attachments=[pdf()])
    assert message.attachments.count() == 1


# --- Downloads ------------------------------------------------------------------------------------


def url(attachment, **query) -> str:
    path = reverse("message_attachment", args=[attachment.public_id])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def sent(alice, direct):
    message = send(alice, direct, jpeg("Photo.jpg"), pdf("Rapport annuel.pdf"), body="Docs")
    image, document = message.attachments.order_by("pk")
    return message, image, document


def test_participants_download_documents_as_attachments(client, alice, bob, sent):
    _message, _image, document = sent
    for person in (alice, bob):
        client.force_login(person)
        response = client.get(url(document))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Rapport" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_images_are_shown_inline_and_previews_are_small(client, bob, sent):
    _message, image, _document = sent
    client.force_login(bob)
    full = client.get(url(image))
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    assert full["Content-Disposition"] == "inline"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(full.streaming_content))).size == (1600, 800)
    preview = client.get(url(image, preview=1))
    assert preview.status_code == 200
    assert max(Image.open(io.BytesIO(b"".join(preview.streaming_content))).size) == PREVIEW_MAX_SIDE


def test_a_stranger_gets_404(client, sent):
    client.force_login(member())
    for attachment in sent[1:]:
        assert client.get(url(attachment)).status_code == 404
        assert client.get(url(attachment, preview=1)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, sent):
    response = client.get(url(sent[2]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_or_malformed_id_is_404(client, alice, sent):
    client.force_login(alice)
    assert (
        client.get(
            reverse("message_attachment", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_a_member_who_left_a_group_no_longer_downloads(client, alice, bob):
    carol = member()
    connect(alice, bob)
    connect(alice, carol)
    group = services.conversation_group_create(creator=alice, others=[bob, carol], name="Projet")
    [attachment] = send(alice, group, pdf()).attachments.all()
    client.force_login(carol)
    assert client.get(url(attachment)).status_code == 200
    services.conversation_leave(member=carol, conversation=group)
    assert client.get(url(attachment)).status_code == 404
    client.force_login(bob)
    assert client.get(url(attachment)).status_code == 200


def test_blocking_ends_downloads_both_ways(client, alice, bob, sent):
    _message, _image, document = sent
    block(bob, alice)
    for person in (alice, bob):
        client.force_login(person)
        assert client.get(url(document)).status_code == 404


def test_in_a_group_a_blocked_senders_files_are_hidden(client, alice, bob):
    carol = member()
    connect(alice, bob)
    connect(alice, carol)
    group = services.conversation_group_create(creator=alice, others=[bob, carol], name="Projet")
    [attachment] = send(bob, group, pdf()).attachments.all()
    block(carol, bob)
    client.force_login(carol)
    assert client.get(url(attachment)).status_code == 404
    client.force_login(alice)
    assert client.get(url(attachment)).status_code == 200


def test_deleting_the_message_removes_its_files_after_commit(
    client, alice, bob, sent, django_capture_on_commit_callbacks
):
    message, image, document = sent
    paths = [
        _storage().path(n)
        for n in (image.file.name, preview_name(image.file.name), document.file.name)
    ]
    assert all(os.path.exists(p) for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(member=alice, message=message)
    assert not any(os.path.exists(p) for p in paths)
    assert not Attachment.objects.filter(message=message).exists()
    client.force_login(bob)
    assert client.get(url(document)).status_code == 404


def test_no_page_or_url_points_under_media_url(alice, bob, sent):
    message = Message.objects.prefetch_related("attachments").get(pk=sent[0].pk)
    html = render_to_string("messaging/_attachments.html", {"message": message})
    assert settings.MEDIA_URL not in html
    for attachment in message.attachments.all():
        assert url(attachment) in html


# --- The attachments block ------------------------------------------------------------------------


def test_images_show_as_previews_and_files_as_cards(sent):
    message = Message.objects.prefetch_related("attachments").get(pk=sent[0].pk)
    _m, image, document = sent
    html = render_to_string("messaging/_attachments.html", {"message": message})
    assert f'src="{url(image, preview=1)}"' in html
    assert 'alt="Photo.jpg"' in html
    assert f'href="{url(image)}"' in html
    assert "Rapport annuel.pdf" in html
    assert f'href="{url(document)}"' in html
    assert filesizeformat(document.size) in html and "PDF" in html


def test_names_are_escaped_in_the_block(alice, direct):
    message = send(alice, direct, upload("R&D <b>l'été<b>.txt", b"hello"))
    [attachment] = message.attachments.all()
    assert attachment.name == "R&D b l'été b.txt"  # no markup characters survive in a name
    message = Message.objects.prefetch_related("attachments").get(pk=message.pk)
    html = render_to_string("messaging/_attachments.html", {"message": message})
    assert "R&amp;D b l&#x27;été b.txt" in html


def test_a_message_resent_with_the_same_client_id_stores_its_files_once(alice, direct):
    import uuid

    client_id = uuid.uuid4()
    first = services.message_send(
        sender=alice, conversation=direct, attachments=[pdf()], client_id=client_id
    )
    files = _stored()
    again = services.message_send(
        sender=alice, conversation=direct, attachments=[pdf()], client_id=client_id
    )
    assert again.pk == first.pk
    assert Attachment.objects.count() == 1 and _stored() == files


def test_a_message_with_files_may_be_edited_to_no_text(alice, direct):
    message = send(alice, direct, pdf(), body="Le rapport")
    services.message_edit(member=alice, message=message, body="")
    message.refresh_from_db()
    assert message.body == "" and message.attachments.count() == 1
