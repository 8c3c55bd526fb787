import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from maillage.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createadmin_creates_a_verified_staff_member(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "Tilleul-Ardoise-42!")
    call_command("createadmin", "--email", "Ops@Example.org", "--first-name", "Inès")
    admin = User.objects.get(email="ops@example.org")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password("Tilleul-Ardoise-42!")
    assert EmailAddress.objects.get(user=admin).verified
    assert hasattr(admin, "profile")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", "Tilleul-Ardoise-42!", "Invalid e-mail address"),
        ("ops@example.org", "password", "too common"),
    ],
)
def test_createadmin_refuses_bad_input_and_creates_nothing(monkeypatch, email, password, message):
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", "--email", email)
    assert not User.objects.exists()


def test_createadmin_refuses_an_existing_address(monkeypatch):
    monkeypatch.setenv("MAILLAGE_ADMIN_PASSWORD", "Tilleul-Ardoise-42!")
    call_command("createadmin", "--email", "ops@example.org")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createadmin", "--email", "OPS@example.org")
    assert User.objects.count() == 1
