"""The product shell: landing, home, language, error pages, outbox, admin."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.core import mail as outbox_mail

pytestmark = pytest.mark.django_db


def test_landing_explains_the_instance_to_visitors():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"Join now" in response.content
    assert b'lang="en"' in response.content


def test_landing_redirects_members_home():
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/").url == reverse("home")


def test_language_follows_the_browser_then_the_members_choice():
    member = UserFactory()
    client = Client()
    client.force_login(member)
    french = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    assert b'lang="fr"' in french.content
    client.post(reverse("set_language"), {"language": "en", "next": "/home/"})
    member.refresh_from_db()
    assert member.language == "en"
    # The choice is the member's, not the browser's: it wins over Accept-Language and follows
    # them to a new device.
    other_device = Client()
    other_device.force_login(member)
    page = other_device.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr")
    assert b'lang="en"' in page.content


def test_language_switch_for_visitors_uses_a_cookie_and_refuses_bad_input():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["maillage_language"].value == "en"
    assert b'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content
    bad = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert bad.url == "/"  # no open redirect
    assert client.cookies["maillage_language"].value == "en"


def test_unknown_url_gets_the_friendly_404():
    response = Client().get("/this/does/not/exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]


def test_csrf_failure_gets_a_friendly_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"), {"login": "a@b.c", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "errors/csrf.html" in [t.name for t in response.templates]


def test_server_error_page_renders_without_a_request_context():
    response = __import__("maillage.core.views", fromlist=["server_error"]).server_error(None)
    assert response.status_code == 500
    assert b"<html" in response.content


def test_home_shows_identity_and_newest_members(django_assert_max_num_queries):
    me = ProfileFactory(headline="Cheffe de projet", member__first_name="Zoé").member
    for _ in range(8):
        ProfileFactory()
    client = Client()
    client.force_login(me)
    client.get(reverse("home"))  # warm the instance-settings cache
    # The home page is the feed now: its order, the viewer's follows, mutes and hashtags, the
    # candidate posts, and (feed empty) hashtags to follow (maillage/feed/tests pins the rest).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Cheffe de projet" in response.content.decode()
    assert len(response.context["newest_members"]) == 6
    assert me not in response.context["newest_members"]


def test_network_directory_search_is_accent_and_case_insensitive():
    viewer = UserFactory()
    jerome = ProfileFactory(member__first_name="Jérôme", member__last_name="Lefèvre").member
    ProfileFactory(member__first_name="Anne", member__last_name="Durand")
    client = Client()
    client.force_login(viewer)
    response = client.get(reverse("members"), {"q": "jerome LEFEVRE"})
    assert [m.pk for m in response.context["page"].members] == [jerome.pk]


# + the viewer's standing with each person (one query) for the Connect/Follow buttons.
NETWORK_PAGE_QUERIES = 4


def test_network_directory_query_count_does_not_grow_with_members(django_assert_num_queries):
    viewer = UserFactory()
    client = Client()
    client.force_login(viewer)
    for _ in range(3):
        ProfileFactory()
    client.get(reverse("members"))
    # session, member, instance settings (cached after the first page), the page of members.
    with django_assert_num_queries(NETWORK_PAGE_QUERIES) as small:
        client.get(reverse("members"))
    small_count = len(small.captured_queries)  # read now: the next request resets the log
    for _ in range(20):
        ProfileFactory()
    # The first look at new people loads their cached connection sets (one query for all of
    # them); after that the page costs what it cost with three members.
    client.get(reverse("members"))
    with django_assert_num_queries(small_count):
        response = client.get(reverse("members"))
    assert len(response.context["page"].members) == 23


def test_outbox_is_for_staff_only(settings, tmp_path):
    settings.EMAIL_BACKEND = "maillage.core.mail.OutboxEmailBackend"
    settings.EMAIL_OUTBOX_DIR = tmp_path
    mail.send_mail("Bonjour", "Lien : https://example.org/x", None, ["a@example.org"])
    [message] = outbox_mail.outbox_list()
    assert message.subject == "Bonjour"

    anonymous, member, staff = Client(), Client(), Client()
    member.force_login(UserFactory())
    staff.force_login(UserFactory(is_staff=True))
    for client in (anonymous, member):
        assert client.get(reverse("outbox")).status_code == 404
        assert client.get(reverse("outbox_message", args=[message.name])).status_code == 404
    assert staff.get(reverse("outbox")).status_code == 200
    page = staff.get(reverse("outbox_message", args=[message.name]))
    assert "https://example.org/x" in page.content.decode()
    assert staff.get(reverse("outbox_message", args=["..%2f..%2fsecret_key"])).status_code == 404
    assert outbox_mail.outbox_get("../secret_key") is None


def test_admin_uses_the_site_login_and_refuses_members():
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/admin/login/")
    login_page = Client().get("/admin/login/?next=/admin/")
    assert login_page.url.startswith(reverse("account_login"))
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/admin/").status_code in (302, 403)
    assert member.get("/admin/accounts/user/").status_code in (302, 403)


def test_admin_requires_two_factor_for_staff_when_enforced(settings):
    settings.MAILLAGE_STAFF_REQUIRE_2FA = True
    staff_member = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff_member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    Authenticator.objects.create(
        user=staff_member, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client.get("/admin/").status_code == 200
    settings.MAILLAGE_STAFF_REQUIRE_2FA = False
    other = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get("/admin/").status_code == 200


def test_staff_change_the_signup_policy_in_the_admin():
    from maillage.core.models import InstanceSettings, SignupMode

    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    add = staff.post(
        "/admin/core/instancesettings/add/",
        {"name": "Réseau Ardoise", "tagline": "", "description": "",
         "signup_mode": "domains", "signup_domains": "ardoise.fr"},
    )
    assert add.status_code == 302, add.content[:3000]
    current = InstanceSettings.current()
    assert current.name == "Réseau Ardoise"
    assert current.signup_mode == SignupMode.DOMAINS
    assert current.allowed_domains == ["ardoise.fr"]
    assert staff.get("/admin/core/instancesettings/add/").status_code == 403  # one row only
    row = InstanceSettings.objects.get()
    staff.post(
        f"/admin/core/instancesettings/{row.pk}/change/",
        {"name": "Réseau Ardoise", "tagline": "", "description": "",
         "signup_mode": "invitation", "signup_domains": ""},
    )
    assert InstanceSettings.current().signup_mode == SignupMode.INVITATION
    assert InstanceSettings.objects.count() == 1


def test_robots_txt_points_to_the_sitemap(settings):
    settings.SITE_URL = "https://maillage.example.org"
    response = Client().get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://maillage.example.org/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.parametrize(
    ("level", "seen_by_connection", "seen_by_member"),
    [("public", True, True), ("members", True, True), ("connections", True, False),
     ("only_me", False, False)],
)
def test_lists_of_people_respect_the_location_audience(
    audience_relations, level, seen_by_connection, seen_by_member
):
    from tests.audience_app.models import Link

    person = ProfileFactory(city="Quimper", country="France", location_audience=level)
    connection, stranger = UserFactory(), UserFactory()
    Link.objects.create(a=person.member, b=connection)
    for viewer, expected in ((connection, seen_by_connection), (stranger, seen_by_member)):
        client = Client()
        client.force_login(viewer)
        for url in (reverse("members"), reverse("home")):
            html = client.get(url).content.decode()
            assert person.member.get_full_name() in html
            assert ("Quimper" in html) is expected, (url, level)
