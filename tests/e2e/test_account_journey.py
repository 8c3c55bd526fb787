"""A new member's first visit, in a real browser: sign up, verify, 2FA, languages, log out."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from maillage.accounts.models import User
from maillage.accounts.tests.factories import UserFactory

from .conftest import run_axe

PASSWORD = "Tilleul-Ardoise-42!"


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "maillage.core.mail.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path / "outbox"
    return settings.EMAIL_OUTBOX_DIR


def logged_in_context_cookie(user, live_server_url: str) -> dict:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": session.session_key,
        "url": live_server_url,
    }


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} [type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def next_fresh_code(totp: pyotp.TOTP, used: set[str]) -> str:
    """A code not used yet: the replay guard refuses a code twice within its period."""
    for _ in range(40):
        code = totp.now()
        if code not in used:
            used.add(code)
            return code
        time.sleep(1)
    raise AssertionError("no fresh TOTP code in 40 s")


@pytest.mark.django_db(transaction=True)
def test_sign_up_verify_two_factor_languages_and_log_out(live_server, new_page, outbox_dir):
    staff = UserFactory(is_staff=True, email="operator@example.org")
    page = new_page(locale="fr-FR")

    # 1. A visitor arrives on the landing page, in French (the browser's language), and joins.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("a[href='/accounts/signup/']").first.click()
    page.fill("input[name=first_name]", "Zoé")
    page.fill("input[name=last_name]", "Lefèvre")
    page.fill("input[name=email]", "zoe.lefevre@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page, "form[action='/accounts/signup/']")
    assert "/accounts/confirm-email/" in page.url
    member = User.objects.get(email="zoe.lefevre@example.org")
    assert member.language == "fr"

    # 2. The operator reads the verification mail on the staff outbox page.
    operator = new_page(locale="fr-FR")
    operator.context.add_cookies([logged_in_context_cookie(staff, live_server.url)])
    operator.goto(live_server.url + "/outbox/")
    operator.locator("main a[href^='/outbox/']:not([href='/outbox/'])").first.click()
    body = operator.locator("pre").first.inner_text()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    # 3. The member follows the link and confirms.
    page.goto(live_server.url + path)
    submit(page, "main form[method=post]")
    member.emailaddress_set.get().refresh_from_db()
    assert member.emailaddress_set.get().verified

    # 4. Logs in.
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "zoe.lefevre@example.org")
    page.fill("input[name=password]", PASSWORD)
    submit(page, "form[action='/accounts/login/']")
    assert page.url.endswith("/home/")
    assert "Zoé" in page.locator("main").inner_text()

    # 5. Turns on two-factor authentication with an authenticator app (pyotp plays the app).
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:  # asks for the password again first
        page.fill("input[name=password]", PASSWORD)
        submit(page, "form[action^='/accounts/reauthenticate/']")
    secret = page.locator("#authenticator_secret").input_value()
    totp = pyotp.TOTP(secret)
    used: set[str] = set()
    page.fill("input[name=code]", next_fresh_code(totp, used))
    submit(page, "form[action='/accounts/2fa/totp/activate/']")
    assert member.authenticator_set.filter(type="totp").exists()

    # 6. Logs out through the avatar menu.
    log_out(page)
    assert page.url.rstrip("/") == live_server.url or "/accounts/" in page.url

    # 7. Logs in again: the password is not enough any more.
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", "zoe.lefevre@example.org")
    page.fill("input[name=password]", PASSWORD)
    submit(page, "form[action='/accounts/login/']")
    assert "/accounts/2fa/authenticate/" in page.url
    page.fill("input[name=code]", "000000" if totp.now() != "000000" else "111111")
    submit(page, "form[action='/accounts/2fa/authenticate/']")
    assert "/accounts/2fa/authenticate/" in page.url  # wrong code refused
    page.fill("input[name=code]", next_fresh_code(totp, used))
    submit(page, "form[action='/accounts/2fa/authenticate/']")
    assert page.url.endswith("/home/")

    # 8. Switches to English and back; the choice is remembered on the account.
    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    member.refresh_from_db()
    assert member.language == "en"
    switch_language(page, "fr")
    assert page.locator("html").get_attribute("lang") == "fr"

    # 9. Logs out.
    log_out(page)
    page.goto(live_server.url + "/home/")
    assert "/accounts/login/" in page.url
    assert page.js_errors == []


def switch_language(page, code: str) -> None:
    page.select_option("select[name=language]", code)
    submit(page, "form[action='/language/']")


def log_out(page) -> None:
    page.locator("[data-menu-button]").first.click()
    page.locator("form[action='/accounts/logout/'] [type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if "/accounts/logout/" in page.url:  # allauth's confirmation page, when shown
        submit(page, "main form[action='/accounts/logout/']")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/", "/home/"])
@pytest.mark.parametrize("width", [1280, 375])
def test_accessibility_has_no_serious_violations(live_server, new_page, path, width):
    page = new_page(locale="fr-FR", width=width, height=800)
    if path == "/home/":
        member = UserFactory(first_name="Hélène", last_name="Dupré")
        page.context.add_cookies([logged_in_context_cookie(member, live_server.url)])
    page.goto(live_server.url + path)
    violations = run_axe(page)
    assert violations == [], violations
    # Nothing scrolls sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
