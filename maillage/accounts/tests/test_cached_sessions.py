"""Sessions read from the cache (the engine used when Redis is configured, config/settings.py).

The rest of the suite keeps database sessions (tests/settings.py): these tests check that
logging out, logging out everywhere else and changing one's password still end sessions when
they are read from the cache, and that a page then reads no session row.
"""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CACHED_DB = "django.contrib.sessions.backends.cached_db"
CACHE_KEY_PREFIX = "django.contrib.sessions.cached_db"


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    settings.SESSION_ENGINE = CACHED_DB


def login(client, email, password=DEFAULT_PASSWORD):
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def test_a_page_reads_the_session_from_the_cache_not_the_database():
    member = UserFactory()
    client = Client()
    key = login(client, member.email)
    assert Session.objects.filter(session_key=key).exists()  # still written to the database
    assert cache.get(CACHE_KEY_PREFIX + key) is not None
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_session_outlives_an_emptied_cache():
    member = UserFactory()
    client = Client()
    login(client, member.email)
    cache.clear()
    assert client.get(reverse("home")).status_code == 200


def test_logout_ends_the_session_in_the_cache_and_the_database():
    member = UserFactory()
    client = Client()
    key = login(client, member.email)
    client.post(reverse("account_logout"))
    assert cache.get(CACHE_KEY_PREFIX + key) is None
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("home")).status_code == 302


def test_logging_out_everywhere_else_ends_the_other_sessions():
    member = UserFactory()
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    login(laptop, member.email)
    phone_key = login(phone, member.email)
    assert phone.get(reverse("home")).status_code == 200
    laptop.post(reverse("usersessions_list"))
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302
    assert cache.get(CACHE_KEY_PREFIX + phone_key) is None


def test_password_change_ends_other_sessions():
    member = UserFactory()
    laptop, phone = Client(), Client()
    login(laptop, member.email)
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
