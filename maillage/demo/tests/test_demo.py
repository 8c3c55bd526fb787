"""The demo network: `maillage demo` builds a believable, bilingual, idempotent network."""

import re
import unicodedata
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from maillage.accounts.models import User
from maillage.demo import DEMO_LOGINS, DEMO_PASSWORD
from maillage.demo.catalog import EN_ORIGINS
from maillage.demo.extras import member_extras
from maillage.demo.generate import AS_OF, EMAIL_DOMAIN, FIXED_COUNT, demo_member_specs
from maillage.profiles.models import (
    BrowsingMode,
    Certification,
    ContactEntry,
    Education,
    Position,
    Profile,
    ProfileLink,
    ProfileSkill,
    ProfileView,
    Skill,
    SpokenLanguage,
    WorkEmail,
)
from maillage.profiles.profile_views import profile_viewers_for_owner

SMALL = 30
CAMILLE = "camille.martin@demo.maillage.test"
ADMIN = "admin@demo.maillage.test"


def load(members=SMALL, **options):
    call_command("demo", members=members, verbosity=0, **options)


def demo_members():
    return User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)


def snapshot():
    return {
        "members": sorted(demo_members().values_list("pk", "email")),
        "profiles": sorted(Profile.objects.values_list("pk", flat=True)),
        "positions": sorted(Position.objects.values_list("public_id", flat=True)),
        "education": sorted(Education.objects.values_list("public_id", flat=True)),
        "addresses": sorted(EmailAddress.objects.values_list("pk", "email", "verified", "primary")),
        "public_addresses": sorted(Profile.objects.values_list("pk", "address")),
        "skills": sorted(Skill.objects.values_list("pk", "key")),
        "profile_skills": sorted(ProfileSkill.objects.values_list("pk", "skill_id", "pinned")),
        "languages": sorted(SpokenLanguage.objects.values_list("pk", "name", "proficiency")),
        "certifications": sorted(Certification.objects.values_list("public_id", flat=True)),
        "links": sorted(ProfileLink.objects.values_list("pk", "url")),
        "contacts": sorted(ContactEntry.objects.values_list("pk", "value", "audience")),
        "views": sorted(ProfileView.objects.values_list("pk", "viewer_id", "viewed_id", "day")),
        "work_emails": sorted(WorkEmail.objects.values_list("public_id", "verified_at")),
    }


def has_accent(text):
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


# --- The network ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_run_creates_over_200_members_with_profiles_careers_and_education():
    call_command("demo", verbosity=0)

    assert demo_members().count() >= 200
    profiles = Profile.objects.filter(member__in=demo_members()).annotate(
        n_positions=Count("positions", distinct=True), n_education=Count("education", distinct=True)
    )
    assert profiles.count() == demo_members().count()
    for profile in profiles:
        assert profile.headline and profile.city and profile.country and profile.industry
        assert 1 <= profile.n_positions <= 4, profile
        assert 1 <= profile.n_education <= 2, profile
    assert set(demo_members().values_list("language", flat=True)) == {"fr", "en"}
    cities = set(profiles.values_list("city", flat=True))
    assert {"Paris", "Lyon", "Nantes", "Montréal", "Bruxelles", "Genève", "London"} <= cities


@pytest.mark.django_db
def test_a_small_network_has_what_was_asked():
    load()

    assert demo_members().count() == SMALL
    assert Position.objects.count() >= SMALL
    assert Education.objects.count() >= SMALL
    assert not Profile.objects.filter(member__in=demo_members(), positions=None).exists()
    assert not Profile.objects.filter(member__in=demo_members(), education=None).exists()


@pytest.mark.django_db
def test_too_few_members_is_refused():
    with pytest.raises(CommandError):
        load(members=FIXED_COUNT - 1)


# --- The documented logins --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login["role"])
def test_documented_logins_are_verified_and_sign_in(login, client):
    load()

    member = User.objects.get(email=login["email"])
    assert login["password"] == DEMO_PASSWORD
    address = EmailAddress.objects.get(user=member, email=login["email"])
    assert address.verified and address.primary
    assert authenticate(email=login["email"], password=DEMO_PASSWORD) == member
    assert client.login(email=login["email"], password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_every_demo_member_has_a_verified_address_and_the_demo_password():
    load()

    members = list(demo_members())
    verified = EmailAddress.objects.filter(
        user__in=members, verified=True, primary=True
    ).values_list("email", flat=True)
    assert set(verified) == {m.email for m in members}
    # The password is hashed once and shared, not hashed per member.
    assert len({m.password for m in members}) == 1
    assert members[-1].check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_admin_login_is_staff_and_superuser_and_others_are_not():
    load()

    admin = User.objects.get(email=ADMIN)
    assert admin.is_staff and admin.is_superuser
    assert admin.language == "fr"
    assert list(demo_members().filter(is_staff=True)) == [admin]


@pytest.mark.django_db
def test_camille_martin_has_a_complete_french_profile():
    load()

    camille = User.objects.select_related("profile").get(email=CAMILLE)
    assert (camille.first_name, camille.last_name, camille.language) == ("Camille", "Martin", "fr")
    profile = camille.profile
    assert profile.city == "Lyon" and profile.country == "France"
    assert profile.headline and profile.industry
    assert len(profile.about) > 200 and "je" in profile.about
    positions = list(profile.positions.all())
    assert len(positions) == 3
    assert [p.end_date is None for p in positions] == [True, False, False]
    assert all(p.description for p in positions)
    assert profile.education.count() == 2


# --- Idempotence ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_twice_duplicates_nothing_and_keeps_ids():
    load()
    before = snapshot()

    load()

    assert snapshot() == before


@pytest.mark.django_db
def test_a_larger_run_adds_members_and_keeps_the_first_ones():
    load(members=SMALL)
    first = set(demo_members().values_list("pk", "email"))

    load(members=SMALL + 10)

    assert demo_members().count() == SMALL + 10
    assert first <= set(demo_members().values_list("pk", "email"))


@pytest.mark.django_db
def test_refresh_repairs_a_demo_member_that_was_changed():
    load()
    camille = User.objects.get(email=CAMILLE)
    camille.set_password("something-else")
    camille.first_name = "Camila"
    camille.is_active = False
    camille.save()
    EmailAddress.objects.filter(user=camille).update(verified=False)
    camille.profile.positions.all().delete()
    camille.profile.education.first().delete()

    load()

    camille.refresh_from_db()
    assert camille.first_name == "Camille" and camille.is_active
    assert camille.search_name == "camille martin"
    assert authenticate(email=CAMILLE, password=DEMO_PASSWORD) == camille
    assert EmailAddress.objects.get(user=camille).verified
    assert camille.profile.positions.count() == 3
    assert camille.profile.education.count() == 2


# --- Believability ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_names_are_french_with_accents_and_english():
    load()

    members = list(demo_members())
    french = [m for m in members if m.language == "fr"]
    english = [m for m in members if m.language == "en"]
    assert len(french) > len(english) > 0
    assert sum(has_accent(m.first_name + m.last_name) for m in french) >= 3
    british = set(EN_ORIGINS[0][3])
    assert any(m.last_name in british for m in english)
    # Accent-insensitive search works on demo names too.
    assert all(not has_accent(m.search_name) for m in members)


@pytest.mark.django_db
def test_headlines_and_industries_speak_the_members_language():
    load()

    for member in demo_members().select_related("profile"):
        headline = member.profile.headline
        if member.language == "fr":
            assert " at " not in headline, headline
        else:
            assert " chez " not in headline and "En recherche" not in headline, headline


@pytest.mark.django_db
def test_homonyms_live_in_different_cities_and_work_elsewhere():
    load()

    names = Counter(demo_members().values_list("first_name", "last_name"))
    assert sum(1 for count in names.values() if count > 1) >= 2
    jeans = list(
        demo_members().filter(first_name="Jean", last_name="Martin").select_related("profile")
    )
    assert len(jeans) == 2
    assert jeans[0].email != jeans[1].email
    assert jeans[0].profile.city != jeans[1].profile.city
    employers = [
        set(j.profile.positions.values_list("organization_name", flat=True)) for j in jeans
    ]
    assert employers[0] != employers[1]


@pytest.mark.django_db
def test_emails_are_ascii_lowercase_first_dot_last():
    load()

    pattern = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+(\.\d+)?@demo\.maillage\.test$")
    for email in demo_members().exclude(email=ADMIN).values_list("email", flat=True):
        assert pattern.match(email), email
    assert demo_members().filter(email="jean.martin.2@demo.maillage.test").exists()


@pytest.mark.django_db
def test_career_dates_are_consistent():
    load()

    assert not Position.objects.filter(end_date__isnull=False, end_date__lte=F("start_date"))
    for profile in Profile.objects.prefetch_related("positions"):
        positions = sorted(profile.positions.all(), key=lambda p: p.start_date)
        assert sum(p.is_current for p in positions) <= 1
        for earlier, later in zip(positions, positions[1:], strict=False):
            assert earlier.end_date is not None and earlier.end_date <= later.start_date
    for entry in Education.objects.all():
        assert entry.start_year < entry.end_year


# --- Generation (no database) -----------------------------------------------------------------


def test_generation_is_deterministic_and_prefix_stable():
    assert demo_member_specs(60) == demo_member_specs(60)
    assert demo_member_specs(SMALL) == demo_member_specs(60)[:SMALL]


def test_generated_careers_hold_for_a_large_network():
    specs = demo_member_specs(1500)

    assert len({s.email for s in specs}) == len(specs)
    for spec in specs:
        assert spec.language in ("fr", "en")
        assert 1 <= len(spec.positions) <= 4 and 1 <= len(spec.education) <= 2
        ordered = sorted(spec.positions, key=lambda p: p.start_date)
        for position in ordered:
            assert position.start_date <= AS_OF
            assert position.end_date is None or position.end_date > position.start_date
        assert all(p.end_date is not None for p in ordered[:-1])
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            assert earlier.end_date <= later.start_date
        for entry in spec.education:
            assert entry.start_year < entry.end_year <= ordered[0].start_date.year + 1


# --- Instance texts and output ----------------------------------------------------------------


@pytest.mark.django_db
def test_output_lists_the_demo_logins_unless_quiet(capsys):
    call_command("demo", members=SMALL)
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login["email"] in out
    assert DEMO_PASSWORD in out

    call_command("demo", members=SMALL, quiet=True)
    assert capsys.readouterr().out == ""


# --- Beyond the career: skills, languages, certifications, contact, modes, views --------------


@pytest.mark.django_db
def test_every_member_has_5_to_15_skills_from_shared_rows_and_at_most_3_pinned():
    call_command("demo", verbosity=0)

    counts = Profile.objects.filter(member__in=demo_members()).annotate(
        n=Count("skills"), pinned=Count("skills", filter=Q(skills__pinned=True))
    )
    for profile in counts:
        assert 5 <= profile.n <= 15, profile
        assert profile.pinned <= 3, profile
    assert any(p.pinned for p in counts)
    # Skills are shared: far fewer Skill rows than members listing them.
    assert Skill.objects.count() * 5 < ProfileSkill.objects.count()
    python = Skill.objects.get(key="python")
    assert python.holders.count() > 3


@pytest.mark.django_db
def test_languages_follow_the_members_language():
    load()

    for member in demo_members().select_related("profile"):
        languages = dict(member.profile.languages.values_list("name", "proficiency"))
        if member.language == "fr":
            assert languages["Français"] == "native" and "Anglais" in languages, languages
        else:
            assert "English" in languages and "French" in languages, languages
            assert "native" in languages.values()


@pytest.mark.django_db
def test_some_members_have_certifications_links_and_phones():
    call_command("demo", verbosity=0)

    names = set(Certification.objects.values_list("name", flat=True))
    assert "PMP" in names and "Scrum Master certifié" in names
    assert any(name.startswith("AWS Certified") for name in names)
    assert (
        Certification.objects.filter(
            expires_on__isnull=False, expires_on__lt=F("issued_on")
        ).count()
        == 0
    )
    assert ProfileLink.objects.filter(kind__in=["website", "portfolio", "blog"]).exists()
    assert ContactEntry.objects.filter(kind="phone").exists()
    work_mails = ContactEntry.objects.filter(kind="email")
    assert work_mails.count() > 150
    assert all(v.endswith(".example") for v in work_mails.values_list("value", flat=True))
    assert set(work_mails.values_list("audience", flat=True)) <= {"connections", "members"}


@pytest.mark.django_db
def test_every_member_has_a_unique_public_address():
    load()

    addresses = list(
        Profile.objects.filter(member__in=demo_members()).values_list("address", flat=True)
    )
    assert None not in addresses and len(set(addresses)) == len(addresses)
    assert User.objects.get(email=CAMILLE).profile.address == "camille-martin"
    assert demo_members().get(email="jean.martin.2@demo.maillage.test").profile.address == (
        "jean-martin-2"
    )
    assert User.objects.get(email=ADMIN).profile.address == "sandrine-morel-admin"


@pytest.mark.django_db
def test_a_demo_address_held_by_someone_else_is_left_to_them():
    from maillage.accounts.tests.factories import ProfileFactory

    ProfileFactory(address="camille-martin")

    load()

    camille = User.objects.get(email=CAMILLE).profile
    assert camille.address and camille.address != "camille-martin"


@pytest.mark.django_db
def test_browsing_modes_and_section_audiences_vary():
    call_command("demo", verbosity=0)

    modes = Counter(
        Profile.objects.filter(member__in=demo_members()).values_list("browsing_mode", flat=True)
    )
    assert modes["full"] > modes["semi"] > modes["private"] > 0
    assert User.objects.get(email=CAMILLE).profile.browsing_mode == BrowsingMode.FULL
    closed = Profile.objects.filter(member__in=demo_members()).exclude(
        about_audience="public",
        location_audience="public",
        education_audience="public",
        skills_audience="public",
        languages_audience="public",
        certifications_audience="public",
        links_audience="public",
    )
    assert 3 <= closed.count() <= 60


@pytest.mark.django_db
def test_camille_has_recent_viewers_in_every_mode():
    call_command("demo", verbosity=0)

    camille = User.objects.get(email=CAMILLE).profile
    rows = profile_viewers_for_owner(owner_profile=camille)

    assert len(rows) >= 10
    assert {r.kind for r in rows} >= {"full"}
    assert any(r.kind != "full" for r in rows)
    assert not ProfileView.objects.filter(viewer=F("viewed__member")).exists()


def test_extras_do_not_change_with_the_network_size():
    small, large = demo_member_specs(SMALL), demo_member_specs(60)
    assert [member_extras(s, i) for i, s in enumerate(small)] == [
        member_extras(s, i) for i, s in enumerate(large[:SMALL])
    ]


@pytest.mark.django_db
def test_a_refresh_costs_a_bounded_number_of_queries():
    # Wall-clock limits are flaky on busy machines; the number of queries of a refresh is what
    # keeps `maillage demo` fast (bulk operations, no query per member). The network, people
    # search reindexing and Camille's suggestions take about 75 of them; the count must not
    # grow with the number of members.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for members in (SMALL, SMALL + 30):
        load(members=members)
        with CaptureQueriesContext(connection) as captured:
            load(members=members)
        counts.append(len(captured))
    assert max(counts) <= 130, counts
    assert counts[1] - counts[0] <= 5, counts


@pytest.mark.django_db
def test_some_members_have_a_verified_work_email():
    from maillage.profiles.work_email import verified_work_domains

    load()

    camille = User.objects.get(email=CAMILLE)
    assert verified_work_domains(camille) == ["nexalys.example"]
    assert 3 <= WorkEmail.objects.filter(verified_at__isnull=False).count() < SMALL
    assert not WorkEmail.objects.exclude(domain__endswith=".example").exists()
