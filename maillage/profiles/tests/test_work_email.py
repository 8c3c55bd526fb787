"""Verified work e-mail: adding, the confirmation link, and the "Verified at @domain" badge."""

import re
import time

import pytest
from django.core import mail, signing
from django.template.loader import render_to_string
from django.urls import reverse

from maillage.accounts.tests.factories import ProfileFactory
from maillage.profiles.models import WorkEmail
from maillage.profiles.work_email import (
    TOKEN_MAX_AGE,
    is_webmail_domain,
    verified_work_domains,
    work_email_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    profile = ProfileFactory(member__language="en")
    client.force_login(profile.member)
    return profile.member


def add(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("work_email"), {"email": email})


def link_in(message) -> str:
    return re.search(r"http://testserver(/profile/work-email/confirm/[^\s]+/)", message.body)[1]


# --- Adding -----------------------------------------------------------------------------------


def test_adding_sends_a_confirmation_link_after_commit(
    client, me, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("work_email"), {"email": "Camille@Nexalys.FR"})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    [message] = mail.outbox
    assert message.to == ["Camille@nexalys.fr"]
    assert "Confirm your work e-mail" in message.subject
    assert link_in(message)
    html = message.alternatives[0][0]
    assert "/profile/work-email/confirm/" in html
    row = WorkEmail.objects.get(member=me)
    assert row.domain == "nexalys.fr" and row.verified_at is None


def test_the_mail_is_rendered_in_the_members_language(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from maillage.profiles import work_email

    languages = []

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return render_to_string(*args, **kwargs)

    monkeypatch.setattr(work_email, "render_to_string", spy)
    member = ProfileFactory(member__language="fr").member
    client.force_login(member)

    add(client, "camille@nexalys.fr", django_capture_on_commit_callbacks)

    assert languages == ["fr", "fr", "fr"]
    assert mail.outbox[0].to == ["camille@nexalys.fr"]


@pytest.mark.parametrize(
    "email",
    [
        "me@gmail.com",
        "me@hotmail.fr",
        "me@yahoo.co.uk",
        "me@orange.fr",
        "me@free.fr",
        "me@laposte.net",
        "me@icloud.com",
        "me@proton.me",
        "me@outlook.com",
    ],
)
def test_webmail_is_refused(client, me, email, django_capture_on_commit_callbacks):
    response = add(client, email, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "personal mailbox provider" in response.content.decode()
    assert not WorkEmail.objects.exists() and mail.outbox == []


def test_webmail_detection():
    assert is_webmail_domain("gmail.com") and is_webmail_domain("hotmail.co.uk")
    assert not is_webmail_domain("orange.com")  # Orange the employer is a work domain
    assert not is_webmail_domain("nexalys.fr")


def test_invalid_duplicate_and_too_many_are_refused(client, me, django_capture_on_commit_callbacks):
    assert add(client, "not an address", django_capture_on_commit_callbacks).status_code == 400
    assert add(client, "a@one.example", django_capture_on_commit_callbacks).status_code == 302
    response = add(client, "A@ONE.example", django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "already added" in response.content.decode()
    add(client, "b@two.example", django_capture_on_commit_callbacks)
    add(client, "c@three.example", django_capture_on_commit_callbacks)
    response = client.post(reverse("work_email"), {"email": "d@four.example"})
    assert response.status_code == 400
    assert WorkEmail.objects.filter(member=me).count() == 3


# --- The link ---------------------------------------------------------------------------------


def test_the_link_shows_a_button_then_verifies_once(client, me, django_capture_on_commit_callbacks):
    add(client, "camille@nexalys.fr", django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])

    page = client.get(url)
    assert page.status_code == 200 and '<form method="post"' in page.content.decode()
    assert WorkEmail.objects.get().verified_at is None  # GET changes nothing

    response = client.post(url)
    assert response.status_code == 302
    verified_at = WorkEmail.objects.get().verified_at
    assert verified_at is not None
    assert verified_work_domains(me) == ["nexalys.fr"]

    again = client.post(url)
    assert again.status_code == 200 and "already verified" in again.content.decode()
    assert WorkEmail.objects.get().verified_at == verified_at


def test_a_tampered_link_changes_nothing(client, me, django_capture_on_commit_callbacks):
    add(client, "camille@nexalys.fr", django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    response = client.post(tampered)

    assert response.status_code == 400 and "doesn" in response.content.decode()
    assert WorkEmail.objects.get().verified_at is None


def test_an_expired_link_changes_nothing(
    client, me, monkeypatch, django_capture_on_commit_callbacks
):
    add(client, "camille@nexalys.fr", django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    later = time.time() + TOKEN_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    assert "expired" in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 400 and "expired" in response.content.decode()
    assert WorkEmail.objects.get().verified_at is None


def test_another_member_cannot_use_my_link(client, me, django_capture_on_commit_callbacks):
    add(client, "camille@nexalys.fr", django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    client.force_login(ProfileFactory().member)

    response = client.post(url)

    assert response.status_code == 403 and "another account" in response.content.decode()
    assert WorkEmail.objects.get().verified_at is None


def test_a_link_for_a_removed_address_does_not_work(client, me):
    row = WorkEmail.objects.create(member=me, email="x@acme.example", domain="acme.example")
    token = work_email_token(row)
    client.post(reverse("work_email_remove", args=[row.public_id]))
    assert not WorkEmail.objects.exists()

    response = client.post(reverse("work_email_confirm", args=[token]))

    assert response.status_code == 400


def test_the_confirm_link_needs_a_login(client):
    response = client.get(reverse("work_email_confirm", args=["anything"]))
    assert response.status_code == 302


# --- Removing, resending and the badge ---------------------------------------------------------


def test_a_member_removes_only_their_own_addresses(client, me):
    other = ProfileFactory().member
    theirs = WorkEmail.objects.create(member=other, email="o@acme.example", domain="acme.example")
    mine = WorkEmail.objects.create(member=me, email="m@acme.example", domain="acme.example")

    client.post(reverse("work_email_remove", args=[theirs.public_id]))
    client.post(reverse("work_email_remove", args=[mine.public_id]))

    assert list(WorkEmail.objects.all()) == [theirs]


def test_resend_sends_a_new_link(client, me, django_capture_on_commit_callbacks):
    row = WorkEmail.objects.create(member=me, email="m@acme.example", domain="acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("work_email_resend", args=[row.public_id]))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["m@acme.example"]


def test_the_page_lists_addresses_and_the_badge(client, me):
    from django.utils import timezone

    WorkEmail.objects.create(
        member=me, email="m@acme.example", domain="acme.example", verified_at=timezone.now()
    )
    WorkEmail.objects.create(member=me, email="p@pending.example", domain="pending.example")

    html = client.get(reverse("work_email")).content.decode()

    assert "m@acme.example" in html and "p@pending.example" in html
    assert "Verified at @acme.example" in html
    assert "Verified at @pending.example" not in html


def test_verified_domains_and_the_badge_template():
    from django.utils import timezone

    member = ProfileFactory().member
    for email in ("a@acme.example", "b@acme.example", "c@beta.example"):
        WorkEmail.objects.create(
            member=member, email=email, domain=email.split("@")[1], verified_at=timezone.now()
        )
    WorkEmail.objects.create(member=member, email="d@gamma.example", domain="gamma.example")

    domains = verified_work_domains(member)

    assert domains == ["acme.example", "beta.example"]
    html = render_to_string("profiles/work_email/_badge.html", {"domains": domains})
    assert html.count("Verified at @") == 2
    assert render_to_string("profiles/work_email/_badge.html", {"domains": []}).strip() == ""


def test_confirmation_mails_are_throttled(client, me, django_capture_on_commit_callbacks):
    row = WorkEmail.objects.create(member=me, email="m@acme.example", domain="acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(7):
            client.post(reverse("work_email_resend", args=[row.public_id]))
    assert len(mail.outbox) == 5

    response = add(client, "n@other.example", django_capture_on_commit_callbacks)

    assert response.status_code == 400 and "Try again in an hour" in response.content.decode()
    assert not WorkEmail.objects.filter(email="n@other.example").exists()
    assert len(mail.outbox) == 5
