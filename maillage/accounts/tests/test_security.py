"""Log in, log out, throttling, two-factor authentication, sessions, cookies and headers."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from maillage.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def enable_totp(client) -> pyotp.TOTP:
    """Activate TOTP through the real pages and return a generator for the member's codes."""
    first = client.get(reverse("mfa_activate_totp"))
    if first.status_code == 302 and "/reauthenticate/" in first.url:
        # Turning on 2FA asks for the password again ("sudo mode"), as GitHub does.
        client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    totp = pyotp.TOTP(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp.now()})
    assert response.status_code == 302, response.content[:2000]
    return totp


def test_login_rotates_the_session_and_logout_kills_it():
    member = UserFactory()
    client = Client()
    client.get(reverse("account_login"))
    anonymous_key = client.session.session_key
    assert login(client, member.email).status_code == 302
    logged_in_key = client.session.session_key
    assert logged_in_key and logged_in_key != anonymous_key
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=logged_in_key).exists()
    # Replaying the old cookie gets nothing.
    replay = Client()
    replay.cookies["sessionid"] = logged_in_key
    assert replay.get(reverse("home")).status_code == 302


def test_logout_requires_post():
    member = UserFactory()
    client = Client()
    client.force_login(member)
    client.get(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_throttled_across_attempts(settings):
    member = UserFactory()
    client = Client()
    for _ in range(5):
        response = login(client, member.email, "wrong-password")
        assert response.status_code == 200
    # Even the right password is refused while throttled.
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_change_ends_other_sessions_but_keeps_this_one():
    member = UserFactory()
    laptop, phone = Client(), Client()
    laptop.force_login(member)
    login(phone, member.email)
    assert phone.get(reverse("home")).status_code == 200
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "Nouveau-Mot-De-Passe-77",
            "password2": "Nouveau-Mot-De-Passe-77",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_sessions_page_lists_sessions_and_logs_out_everywhere_else():
    member = UserFactory()
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    login(laptop, member.email)
    login(phone, member.email)
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    laptop.post(reverse("usersessions_list"))
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302


def test_two_factor_login_wrong_code_replay_and_throttle():
    member = UserFactory()
    client = Client()
    login(client, member.email)
    totp = enable_totp(client)
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))

    # Password alone is not enough.
    response = login(client, member.email)
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302

    # A wrong code is refused.
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert refused.status_code == 200
    assert client.get(reverse("home")).status_code == 302

    # The right code lets the member in.
    code = totp.now()
    accepted = client.post(reverse("mfa_authenticate"), {"code": code})
    assert accepted.status_code == 302
    assert client.get(reverse("home")).status_code == 200

    # The same code cannot be replayed in another login (shared-cache replay guard).
    other = Client()
    login(other, member.email)
    replayed = other.post(reverse("mfa_authenticate"), {"code": code})
    assert replayed.status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_wrong_totp_codes_are_throttled():
    member = UserFactory()
    client = Client()
    login(client, member.email)
    totp = enable_totp(client)
    client.post(reverse("account_logout"))
    login(client, member.email)
    wrong = f"{(int(totp.now()) + 7) % 1_000_000:06d}"
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    blocked = client.post(
        reverse("mfa_authenticate"), {"code": totp.now()}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert client.get(reverse("home")).status_code == 302
    assert blocked.status_code in (200, 429)


def test_recovery_codes_are_generated_with_totp():
    member = UserFactory()
    client = Client()
    login(client, member.email)
    enable_totp(client)
    assert Authenticator.objects.filter(
        user=member, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200


def test_authenticated_pages_are_private_and_never_stored():
    member = UserFactory()
    client = Client()
    client.force_login(member)
    response = client.get(reverse("home"))
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    anonymous = Client().get(reverse("landing"))
    assert "no-store" not in anonymous.get("Cache-Control", "")


def test_security_headers():
    response = Client().get(reverse("landing"))
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_home_requires_login():
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
