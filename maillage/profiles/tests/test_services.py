"""Profile-editing services: every happy path and every refusal, with nothing changed on refusal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillage.accounts.tests.factories import ProfileFactory
from maillage.profiles import services
from maillage.profiles.models import (
    MAX_PINNED_SKILLS,
    AddressHistory,
    Certification,
    ContactEntry,
    Education,
    Position,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
)

pytestmark = pytest.mark.django_db

JAN_2020 = datetime.date(2020, 1, 1)


@pytest.fixture
def profile():
    return ProfileFactory(address="ada-lovelace")


def _fields(error: ValidationError) -> set[str]:
    return set(error.value.error_dict) if hasattr(error.value, "error_dict") else set()


# --- Intro, about, audience --------------------------------------------------------------------


def test_update_intro(profile):
    services.profile_update_intro(
        profile=profile,
        first_name=" Ada ",
        last_name="Lovelace",
        headline="Analyste",
        industry="Informatique",
        city="Lyon",
        region="Auvergne-Rhône-Alpes",
        country="France",
    )
    profile.refresh_from_db()
    profile.member.refresh_from_db()
    assert profile.member.first_name == "Ada"
    assert profile.member.search_name  # derived from the name
    assert (profile.headline, profile.industry, profile.region) == (
        "Analyste",
        "Informatique",
        "Auvergne-Rhône-Alpes",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("headline", "x" * 221), ("first_name", ""), ("city", "x" * 101), ("last_name", "y" * 81)],
)
def test_update_intro_refuses_bad_input(profile, field, value):
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "headline": "Analyste",
        "industry": "",
        "city": "",
        "region": "",
        "country": "",
        field: value,
    }
    before = (profile.member.first_name, profile.headline, profile.city)
    with pytest.raises(ValidationError) as error:
        services.profile_update_intro(profile=profile, **data)
    assert field in _fields(error)
    profile.refresh_from_db()
    profile.member.refresh_from_db()
    assert (profile.member.first_name, profile.headline, profile.city) == before


def test_update_about(profile):
    services.profile_update_about(profile=profile, about="  **Bonjour**  ")
    profile.refresh_from_db()
    assert profile.about == "**Bonjour**"
    with pytest.raises(ValidationError) as error:
        services.profile_update_about(profile=profile, about="x" * 2601)
    assert "about" in _fields(error)
    assert "2601" in str(error.value)
    profile.refresh_from_db()
    assert profile.about == "**Bonjour**"


def test_set_audience(profile):
    for section in services.AUDIENCE_SECTIONS:
        services.profile_set_audience(profile=profile, section=section, audience="only_me")
    profile.refresh_from_db()
    assert profile.skills_audience == "only_me" and profile.location_audience == "only_me"
    with pytest.raises(ValidationError):
        services.profile_set_audience(profile=profile, section="about", audience="group")
    with pytest.raises(ValidationError):
        services.profile_set_audience(profile=profile, section="member", audience="public")
    profile.refresh_from_db()
    assert profile.about_audience == "only_me"


# --- Experience and education ------------------------------------------------------------------


def test_position_create_update_delete(profile):
    position = services.position_create(
        profile=profile,
        title="Cheffe de projet",
        organization_name="Mairie de Lyon",
        employment_type="permanent",
        location="Lyon",
        start_date=datetime.date(2020, 3, 17),
        end_date=None,
        description="",
    )
    assert position.start_date == datetime.date(2020, 3, 1)  # months are stored as the 1st
    assert position.is_current
    services.position_update(
        position=position,
        title="Directrice",
        organization_name="Mairie de Lyon",
        start_date=JAN_2020,
        end_date=datetime.date(2022, 6, 30),
    )
    position.refresh_from_db()
    assert position.title == "Directrice"
    assert position.end_date == datetime.date(2022, 6, 1)
    services.position_delete(position=position)
    assert not Position.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": datetime.date(2019, 12, 1)}, "end_date"),
        ({"title": "x" * 151}, "title"),
        ({"organization_name": ""}, "organization_name"),
        ({"start_date": None}, "start_date"),
        ({"employment_type": "slave"}, "employment_type"),
        ({"description": "x" * 2001}, "description"),
    ],
)
def test_position_bad_input(profile, changes, field):
    data = {"title": "Engineer", "organization_name": "Acme", "start_date": JAN_2020, **changes}
    with pytest.raises(ValidationError) as error:
        services.position_create(profile=profile, **data)
    assert field in _fields(error)
    assert not Position.objects.exists()


def test_position_update_with_end_before_start_changes_nothing(profile):
    position = services.position_create(
        profile=profile, title="Engineer", organization_name="Acme", start_date=JAN_2020
    )
    with pytest.raises(ValidationError, match="end date cannot be before"):
        services.position_update(
            position=position,
            title="Changed",
            organization_name="Acme",
            start_date=JAN_2020,
            end_date=datetime.date(2019, 1, 1),
        )
    position.refresh_from_db()
    assert position.title == "Engineer" and position.end_date is None


def test_education(profile):
    education = services.education_create(
        profile=profile, school="INSA Lyon", degree="Ingénieur", start_year=2010, end_year=2015
    )
    services.education_update(education=education, school="INSA", start_year=2010, end_year=2010)
    education.refresh_from_db()
    assert education.school == "INSA"
    with pytest.raises(ValidationError) as error:
        services.education_update(education=education, school="X", start_year=2015, end_year=2014)
    assert "end_year" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.education_create(profile=profile, school="X", start_year=1800)
    assert "start_year" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.education_create(profile=profile, school="X", activities="a" * 1001)
    assert "activities" in _fields(error)
    education.refresh_from_db()
    assert education.school == "INSA"
    services.education_delete(education=education)
    assert not Education.objects.exists()


# --- Skills ------------------------------------------------------------------------------------


def test_skill_shared_across_members_case_and_accent_insensitive(profile):
    other = ProfileFactory()
    first = services.skill_add(profile=profile, name="Gestion de projet")
    second = services.skill_add(profile=other, name="GESTION DE PROJÉT")
    assert first.skill_id == second.skill_id
    assert Skill.objects.count() == 1
    assert Skill.objects.get().name == "Gestion de projet"


def test_duplicate_skill_on_a_profile_is_refused(profile):
    services.skill_add(profile=profile, name="Gestion de projet")
    with pytest.raises(ValidationError, match="already among your skills") as error:
        services.skill_add(profile=profile, name="  gestion   de projét ")
    assert "name" in _fields(error)
    assert ProfileSkill.objects.filter(profile=profile).count() == 1


def test_skill_name_checks(profile):
    with pytest.raises(ValidationError):
        services.skill_add(profile=profile, name="   ")
    with pytest.raises(ValidationError):
        services.skill_add(profile=profile, name="x" * 81)
    assert not Skill.objects.exists()


def test_fifty_first_skill_is_refused(profile):
    for index in range(services.MAX_SKILLS):
        services.skill_add(profile=profile, name=f"Skill {index}")
    with pytest.raises(ValidationError, match="up to 50 skills"):
        services.skill_add(profile=profile, name="One too many")
    assert ProfileSkill.objects.filter(profile=profile).count() == 50
    assert not Skill.objects.filter(name="One too many").exists()


def test_pins_up_to_three(profile):
    skills = [services.skill_add(profile=profile, name=f"Skill {i}") for i in range(5)]
    for skill in skills[:MAX_PINNED_SKILLS]:
        services.skill_pin(profile=profile, profile_skill=skill, pinned=True)
    with pytest.raises(ValidationError, match="pin up to 3"):
        services.skill_pin(profile=profile, profile_skill=skills[3], pinned=True)
    skills[3].refresh_from_db()
    assert not skills[3].pinned
    # Pinning an already pinned skill again is harmless; unpinning frees a place.
    services.skill_pin(profile=profile, profile_skill=skills[0], pinned=True)
    services.skill_pin(profile=profile, profile_skill=skills[0], pinned=False)
    services.skill_pin(profile=profile, profile_skill=skills[3], pinned=True)
    assert ProfileSkill.objects.filter(profile=profile, pinned=True).count() == 3


def test_pin_refuses_another_members_skill(profile):
    theirs = services.skill_add(profile=ProfileFactory(), name="Python")
    with pytest.raises(ValidationError):
        services.skill_pin(profile=profile, profile_skill=theirs, pinned=True)


def test_reorder_move_and_remove(profile):
    a, b, c = (services.skill_add(profile=profile, name=name) for name in ("A", "B", "C"))

    def names():
        return [ps.skill.name for ps in ProfileSkill.objects.filter(profile=profile)]

    services.skills_reorder(profile=profile, ordered_ids=[c.pk, a.pk, b.pk])
    assert names() == ["C", "A", "B"]
    services.skill_move(profile_skill=b, offset=-1)
    assert names() == ["C", "B", "A"]
    services.skill_move(profile_skill=c, offset=-1)  # already first: nothing moves
    assert names() == ["C", "B", "A"]
    with pytest.raises(ValidationError):
        services.skills_reorder(profile=profile, ordered_ids=[a.pk, b.pk])
    with pytest.raises(ValidationError):
        services.skills_reorder(profile=profile, ordered_ids=[a.pk, a.pk, b.pk])
    services.skill_remove(profile_skill=a)
    assert names() == ["C", "B"]
    assert Skill.objects.filter(name="A").exists()  # shared skills stay


# --- Languages, certifications, links, contact --------------------------------------------------


def test_languages(profile):
    language = services.language_add(profile=profile, name="Français", proficiency="native")
    services.language_add(profile=profile, name="English", proficiency="full")
    with pytest.raises(ValidationError) as error:
        services.language_add(profile=profile, name="français")
    assert "name" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.language_add(profile=profile, name="Deutsch", proficiency="fluent-ish")
    assert "proficiency" in _fields(error)
    services.language_update(language=language, name="Français", proficiency="full")
    with pytest.raises(ValidationError):
        services.language_update(language=language, name="English")
    language.refresh_from_db()
    assert (language.name, language.proficiency) == ("Français", "full")
    services.language_delete(language=language)
    assert SpokenLanguage.objects.filter(profile=profile).count() == 1


def test_certifications(profile):
    certification = services.certification_create(
        profile=profile,
        name="PMP",
        authority="PMI",
        issued_on=datetime.date(2021, 5, 4),
        expires_on=datetime.date(2024, 5, 4),
        credential_id="123",
        credential_url="https://pmi.org/c/123",
    )
    assert certification.issued_on == datetime.date(2021, 5, 1)
    with pytest.raises(ValidationError) as error:
        services.certification_update(
            certification=certification,
            name="PMP",
            issued_on=datetime.date(2021, 5, 1),
            expires_on=datetime.date(2020, 1, 1),
        )
    assert "expires_on" in _fields(error)
    for url in ("javascript:alert(1)", "ftp://example.org/x", "not a url"):
        with pytest.raises(ValidationError) as error:
            services.certification_update(
                certification=certification, name="PMP", credential_url=url
            )
        assert "credential_url" in _fields(error)
    certification.refresh_from_db()
    assert certification.credential_url == "https://pmi.org/c/123"
    services.certification_delete(certification=certification)
    assert not Certification.objects.exists()


def test_links(profile):
    link = services.link_create(profile=profile, kind="website", url="https://ada.example")
    services.link_update(link=link, kind="github", url="http://github.com/ada", label="Code")
    link.refresh_from_db()
    assert (link.kind, link.label) == ("github", "Code")
    for url, message in (
        ("javascript:alert(1)", "http:// or https://"),
        ("data:text/html,hi", "http:// or https://"),
        ("ada.example", "full web address"),
        ("https://" + "a" * 500 + ".org", "too long"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.link_create(profile=profile, kind="website", url=url)
    with pytest.raises(ValidationError) as error:
        services.link_create(profile=profile, kind="myspace", url="https://x.example")
    assert "kind" in _fields(error)
    assert ProfileLink.objects.count() == 1
    services.link_delete(link=link)
    assert not ProfileLink.objects.exists()


def test_contacts(profile):
    email = services.contact_create(profile=profile, kind="email", value="ada@example.org")
    assert email.audience == "connections"  # the default
    phone = services.contact_create(
        profile=profile, kind="phone", value="+33 (0)6 12-34.56/78", audience="only_me"
    )
    services.contact_create(profile=profile, kind="address", value="1 rue de la Paix, Paris")
    for kind, value in (("email", "ada@"), ("phone", "call me"), ("phone", "06 <b>")):
        with pytest.raises(ValidationError) as error:
            services.contact_create(profile=profile, kind=kind, value=value)
        assert "value" in _fields(error)
    with pytest.raises(ValidationError) as error:
        services.contact_update(contact=phone, kind="phone", value="0612", audience="group")
    assert "audience" in _fields(error)
    services.contact_update(contact=phone, kind="phone", value="0612345678", audience="members")
    phone.refresh_from_db()
    assert (phone.value, phone.audience) == ("0612345678", "members")
    services.contact_delete(contact=email)
    assert ContactEntry.objects.filter(profile=profile).count() == 2


# --- Address and public page ------------------------------------------------------------------


def test_set_address_records_the_old_one(profile):
    services.profile_set_address(profile=profile, address="  Ada-L ")
    profile.refresh_from_db()
    assert profile.address == "ada-l"
    assert list(AddressHistory.objects.values_list("address", flat=True)) == ["ada-lovelace"]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("admin", "reserved"),
        ("ab", "3 to 60"),
        ("ada_lovelace", "lowercase letters"),
        ("-ada", "lowercase letters"),
        ("ada--l", "lowercase letters"),
        ("adà", "lowercase letters"),
        ("taken-one", "already taken"),
        ("someone-old", "already taken"),
    ],
)
def test_set_address_refusals(profile, address, message):
    other = ProfileFactory(address="taken-one")
    AddressHistory.objects.create(profile=other, address="someone-old")
    with pytest.raises(ValidationError, match=message) as error:
        services.profile_set_address(profile=profile, address=address)
    assert "address" in _fields(error)
    profile.refresh_from_db()
    assert profile.address == "ada-lovelace"
    assert not AddressHistory.objects.filter(profile=profile).exists()


def test_member_may_take_back_their_own_old_address(profile):
    services.profile_set_address(profile=profile, address="ada-l")
    services.profile_set_address(profile=profile, address="ada-lovelace")
    profile.refresh_from_db()
    assert profile.address == "ada-lovelace"
    assert list(
        AddressHistory.objects.filter(profile=profile).values_list("address", flat=True)
    ) == ["ada-l"]
    # Setting the current address again is a no-op.
    services.profile_set_address(profile=profile, address="ada-lovelace")
    assert AddressHistory.objects.count() == 1


def test_public_page(profile):
    services.profile_set_public_page(profile=profile, public_page=False)
    profile.refresh_from_db()
    assert profile.public_page is False
    services.profile_set_public_page(profile=profile, public_page=True)
    profile.refresh_from_db()
    assert profile.public_page is True


def test_profile_ensure_is_unchanged(profile):
    assert services.profile_ensure(member=profile.member) == profile
