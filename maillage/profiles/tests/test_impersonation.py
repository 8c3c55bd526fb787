"""Impersonation signals: same full name *and* same photo → a flag for staff review."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.profiles.images import profile_photo_set
from maillage.profiles.impersonation import impersonation_check, impersonation_flag_review
from maillage.profiles.models import ImpersonationFlag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def face(variant: int = 0, size=(800, 800)) -> Image.Image:
    """Distinct pictures for distinct variants; the same picture for the same variant."""
    image = Image.new("RGB", size, (235, 225, 210))
    width, height = size
    if variant == 0:
        image.paste(
            Image.new("RGB", (width // 2, height // 2), (40, 40, 90)), (width // 4, height // 5)
        )
        image.paste(Image.new("RGB", (width, height // 6), (150, 30, 30)), (0, height * 4 // 5))
    else:
        image.paste(Image.new("RGB", (width // 3, height), (10, 120, 10)), (width * 2 // 3, 0))
        image.paste(Image.new("RGB", (width, height // 4), (250, 250, 250)), (0, 0))
    return image


def as_upload(image: Image.Image, fmt="JPEG", **params) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return SimpleUploadedFile(f"x.{fmt.lower()}", buffer.getvalue())


def member(first="Camille", last="Durand", days_ago=0, **extra):
    user = UserFactory(first_name=first, last_name=last, **extra)
    user.date_joined = timezone.now() - timedelta(days=days_ago)
    user.save()
    return ProfileFactory(member=user)


def test_same_name_and_same_photo_is_flagged_newer_as_suspect():
    original = member(days_ago=400)
    profile_photo_set(profile=original, upload=as_upload(face()))
    suspect = member(first="camille", last="DURAND")  # same folded name
    profile_photo_set(profile=suspect, upload=as_upload(face()))
    flag = ImpersonationFlag.objects.get()
    assert (flag.suspect_id, flag.original_id) == (suspect.pk, original.pk)
    assert flag.status == ImpersonationFlag.Status.OPEN


def test_same_photo_re_encoded_and_resized_still_matches():
    original = member(first="Élodie", last="Lefèvre", days_ago=30)
    profile_photo_set(profile=original, upload=as_upload(face(size=(1200, 1200)), "PNG"))
    suspect = member(first="Elodie", last="Lefevre")
    profile_photo_set(profile=suspect, upload=as_upload(face(size=(640, 640)), "WEBP", quality=50))
    assert ImpersonationFlag.objects.filter(suspect=suspect, original=original).exists()


def test_homonym_with_a_different_photo_is_not_flagged():
    first = member(days_ago=10)
    profile_photo_set(profile=first, upload=as_upload(face(0)))
    second = member()
    profile_photo_set(profile=second, upload=as_upload(face(1)))
    assert not ImpersonationFlag.objects.exists()


def test_homonym_without_photo_is_not_flagged():
    first = member(days_ago=10)
    profile_photo_set(profile=first, upload=as_upload(face(0)))
    second = member()
    assert impersonation_check(profile=second) == []
    assert not ImpersonationFlag.objects.exists()


def test_same_photo_different_name_is_not_flagged():
    first = member(first="Camille", days_ago=10)
    profile_photo_set(profile=first, upload=as_upload(face()))
    second = member(first="Dominique")
    profile_photo_set(profile=second, upload=as_upload(face()))
    assert not ImpersonationFlag.objects.exists()


def test_inactive_member_is_not_an_original():
    gone = member(days_ago=100, is_active=False)
    profile_photo_set(profile=gone, upload=as_upload(face()))
    newcomer = member()
    profile_photo_set(profile=newcomer, upload=as_upload(face()))
    assert not ImpersonationFlag.objects.exists()


def test_one_flag_per_pair_even_after_new_uploads():
    original = member(days_ago=10)
    profile_photo_set(profile=original, upload=as_upload(face()))
    suspect = member()
    profile_photo_set(profile=suspect, upload=as_upload(face()))
    profile_photo_set(profile=suspect, upload=as_upload(face(), quality=70))
    # The older member re-uploading does not create the reverse pair either.
    profile_photo_set(profile=original, upload=as_upload(face()))
    assert ImpersonationFlag.objects.count() == 1


def test_older_member_uploading_later_flags_the_newer_one():
    original = member(days_ago=100)
    suspect = member()
    profile_photo_set(profile=suspect, upload=as_upload(face()))
    profile_photo_set(profile=original, upload=as_upload(face()))
    flag = ImpersonationFlag.objects.get()
    assert (flag.suspect_id, flag.original_id) == (suspect.pk, original.pk)


def test_name_change_check():
    original = member(days_ago=100)
    profile_photo_set(profile=original, upload=as_upload(face()))
    other = member(first="Alex", last="Petit")
    profile_photo_set(profile=other, upload=as_upload(face()))
    assert not ImpersonationFlag.objects.exists()
    other.member.first_name, other.member.last_name = "Camille", "Durand"
    other.member.save()
    assert len(impersonation_check(profile=other)) == 1


# --- Staff page ---------------------------------------------------------------------------------


@pytest.fixture
def flag():
    original = member(days_ago=100)
    profile_photo_set(profile=original, upload=as_upload(face()))
    suspect = member()
    profile_photo_set(profile=suspect, upload=as_upload(face()))
    return ImpersonationFlag.objects.get()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_page_access(flag, client):
    url = reverse("staff_impersonation")
    assert url == "/staff/impersonation/"
    assert client.get(url).status_code == 302  # anonymous: log in first
    assert logged_in(UserFactory()).get(url).status_code == 404
    staff = logged_in(UserFactory(is_staff=True))
    response = staff.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert flag.suspect.member.email in html and flag.original.member.email in html
    assert flag.suspect.photo.url in html and flag.original.photo.url in html
    assert "Identical photos" in html
    assert reverse("profile", args=[flag.original.address]) in html
    assert reverse("profile", args=[flag.suspect.address]) in html


def test_staff_page_query_count_does_not_grow(flag, django_assert_max_num_queries):
    staff = logged_in(UserFactory(is_staff=True))
    url = reverse("staff_impersonation")
    staff.get(url)  # warm sessions and instance settings
    with django_assert_max_num_queries(12) as captured:
        staff.get(url)
    few = len(captured.captured_queries)
    for index in range(4):
        a = member(first=f"Nom{index}", last="Commun", days_ago=50)
        profile_photo_set(profile=a, upload=as_upload(face()))
        b = member(first=f"Nom{index}", last="Commun")
        profile_photo_set(profile=b, upload=as_upload(face()))
    assert ImpersonationFlag.objects.count() == 5
    with django_assert_max_num_queries(few):
        staff.get(url)


def test_members_cannot_decide(flag, client):
    url = reverse("staff_impersonation_decide", args=[flag.public_id])
    assert client.post(url, {"action": "confirm"}).status_code == 302
    assert logged_in(UserFactory()).post(url, {"action": "confirm"}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == ImpersonationFlag.Status.OPEN


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("dismiss", ImpersonationFlag.Status.DISMISSED),
        ("confirm", ImpersonationFlag.Status.CONFIRMED),
    ],
)
def test_staff_decides(flag, action, status):
    reviewer = UserFactory(is_staff=True)
    client = logged_in(reviewer)
    response = client.post(
        reverse("staff_impersonation_decide", args=[flag.public_id]), {"action": action}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == status
    assert flag.reviewed_by == reviewer
    assert flag.reviewed_at is not None
    # Closed flags leave the page.
    assert (
        flag.suspect.member.email not in client.get(reverse("staff_impersonation")).content.decode()
    )


def test_unknown_action_changes_nothing(flag):
    client = logged_in(UserFactory(is_staff=True))
    client.post(reverse("staff_impersonation_decide", args=[flag.public_id]), {"action": "x"})
    flag.refresh_from_db()
    assert flag.status == ImpersonationFlag.Status.OPEN


def test_review_service_needs_staff(flag):
    with pytest.raises(PermissionError):
        impersonation_flag_review(flag=flag, reviewer=UserFactory(), confirmed=True)


def test_taking_a_members_name_through_the_editor_raises_a_flag():
    from maillage.profiles.services import profile_update_intro

    original = member(days_ago=100)
    profile_photo_set(profile=original, upload=as_upload(face()))
    other = member(first="Alex", last="Petit")
    profile_photo_set(profile=other, upload=as_upload(face()))
    assert not ImpersonationFlag.objects.exists()
    profile_update_intro(
        profile=other, first_name="Camille", last_name="Durand", headline="",
        industry="", city="", region="", country="",
    )
    flag = ImpersonationFlag.objects.get()
    assert (flag.suspect, flag.original) == (other, original)
