"""Sign-up, e-mail verification and the instance's sign-up policy."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import SignupInvitation, User
from maillage.accounts.services import signup_invitation_create
from maillage.accounts.tests.factories import UserFactory
from maillage.core.models import InstanceSettings, SignupMode
from maillage.core.services import instance_settings_update

# Transactional: the verification mail leaves after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

GOOD_PASSWORD = "Tilleul-Ardoise-42!"


def signup_data(**overrides):
    data = {
        "first_name": "Hélène",
        "last_name": "Dupré",
        "email": "helene.dupre@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def verification_link(message) -> str:
    match = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
    assert match, message.body
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_signup_creates_member_profile_and_sends_verification(client):
    response = client.post(reverse("account_signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    user = User.objects.get(email="helene.dupre@example.org")
    assert user.get_full_name() == "Hélène Dupré"
    assert user.search_name == "helene dupre"
    assert user.language == "fr"
    assert user.password.startswith("md5$")  # tests' fast hasher; production is Argon2
    assert hasattr(user, "profile")
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["helene.dupre@example.org"]
    # The mail is written in the member's language.
    assert mail.outbox[0].subject.startswith("Confirmez")
    # Greeted in the instance's name, not an empty site name.
    assert "Maillage" in mail.outbox[0].body
    assert "Merci d'utiliser Maillage" in mail.outbox[0].body


def test_unverified_member_cannot_log_in_until_verified(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "helene.dupre@example.org", "password": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verification_link_verifies_once_and_reuse_shows_clear_page(client):
    client.post(reverse("account_signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="en")
    link = verification_link(mail.outbox[-1])
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="helene.dupre@example.org").verified is True

    # A reused (or forged) link: a clear page, nothing changed.
    before = list(EmailAddress.objects.values_list("email", "verified"))
    again = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert client.post(link).status_code in (302, 404)
    forged = client.get("/accounts/confirm-email/not-a-real-key/", HTTP_ACCEPT_LANGUAGE="en")
    assert forged.status_code == 200
    assert b"expired or is invalid" in forged.content
    assert list(EmailAddress.objects.values_list("email", "verified")) == before


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"email": "not-an-email"}, "email", "adresse"),
        ({"password1": "abc", "password2": "abc"}, "password1", "trop court"),
        ({"password1": "password123", "password2": "password123"}, "password1", "trop courant"),
        (
            {"password1": "1234567890123", "password2": "1234567890123"},
            "password1",
            "entièrement numérique",
        ),
        ({"password2": "Autre-Mot-2-Passe"}, "password2", "même mot de passe"),
        ({"first_name": ""}, "first_name", "obligatoire"),
    ],
)
def test_bad_signup_input_is_refused_in_french_and_creates_nothing(
    client, overrides, field, expected
):
    response = client.post(
        reverse("account_signup"), signup_data(**overrides), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert expected in errors, response.context["form"].errors
    assert not User.objects.exists()
    assert not mail.outbox


def test_address_already_used_is_refused(client):
    UserFactory(email="helene.dupre@example.org")
    response = client.post(
        reverse("account_signup"),
        signup_data(email="Helene.Dupre@Example.org"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # allauth prevents account enumeration: the form succeeds to the eye, but no second
    # account exists and the owner of the address is told by mail instead.
    assert User.objects.filter(email__iexact="helene.dupre@example.org").count() == 1
    if response.status_code == 200:
        assert response.context["form"].errors
    assert all("helene.dupre@example.org" in m.to for m in mail.outbox)


def test_domain_restricted_signup(client):
    instance_settings_update(signup_mode=SignupMode.DOMAINS, signup_domains="acme.fr\nacme.com")
    refused = client.post(
        reverse("account_signup"), signup_data(email="h@gmail.com"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 200
    assert "reserved for addresses at @acme.fr, @acme.com" in str(
        refused.context["form"].errors["email"]
    )
    assert not User.objects.exists()
    accepted = client.post(reverse("account_signup"), signup_data(email="h@ACME.fr"))
    assert accepted.status_code == 302
    assert User.objects.filter(email="h@acme.fr").exists()


def test_invitation_only_signup(client):
    instance_settings_update(signup_mode=SignupMode.INVITATION)
    closed = client.get(reverse("account_signup"))
    assert closed.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in closed.templates]
    client.post(reverse("account_signup"), signup_data())
    assert not User.objects.exists()

    invitation = signup_invitation_create(invited_by=None)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response.url == reverse("account_signup")
    assert client.post(reverse("account_signup"), signup_data()).status_code == 302
    member = User.objects.get(email="helene.dupre@example.org")
    invitation.refresh_from_db()
    assert invitation.used_by == member
    assert invitation.used_at is not None

    # A used link is refused with a clear page and opens nothing.
    client.logout()
    reused = client.get(invitation.get_absolute_url())
    assert reused.status_code == 410
    client.post(reverse("account_signup"), signup_data(email="second@example.org"))
    assert not User.objects.filter(email="second@example.org").exists()


def test_invitation_bound_to_an_address_and_expiry(client):
    instance_settings_update(signup_mode=SignupMode.INVITATION)
    invitation = signup_invitation_create(invited_by=None, email="Guest@Example.org")
    client.get(invitation.get_absolute_url())
    wrong = client.post(
        reverse("account_signup"), signup_data(email="other@example.org"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This invitation is for another e-mail address" in str(
        wrong.context["form"].errors["email"]
    )
    assert not User.objects.exists()

    expired = SignupInvitation.objects.create(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(expired.get_absolute_url()).status_code == 410


def test_instance_settings_change_is_seen_at_once(client):
    assert InstanceSettings.current().signup_mode == SignupMode.OPEN
    instance_settings_update(signup_mode=SignupMode.INVITATION)
    assert InstanceSettings.current().signup_mode == SignupMode.INVITATION


def test_password_reset_link_works_once(client):
    member = UserFactory(email="reset@example.org")
    client.post(
        reverse("account_reset_password"), {"email": "reset@example.org"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    [message] = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert match, message.body
    link = match.group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(action, {"password1": "Nouveau-Secret-88", "password2": "Nouveau-Secret-88"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Nouveau-Secret-88")

    # The same link again: a clear "bad token" page, and the password stays as it is.
    again = client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200
    assert again.context["token_fail"] is True
    client.post(action, {"password1": "Encore-Un-Autre-99", "password2": "Encore-Un-Autre-99"})
    member.refresh_from_db()
    assert member.check_password("Nouveau-Secret-88")


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert not User.objects.exists()
