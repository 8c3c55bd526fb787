"""Editing one's own profile in place: pages, htmx fragments, ownership, errors, query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from maillage.accounts.tests.factories import ProfileFactory
from maillage.profiles import services
from maillage.profiles.models import (
    AddressHistory,
    ContactEntry,
    Position,
    ProfileSkill,
    Skill,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EDIT = "/profile/edit/"


@pytest.fixture
def profile():
    return ProfileFactory(address="ada-lovelace")


@pytest.fixture
def member_client(client, profile):
    client.force_login(profile.member)
    return client


def _position(profile, title="Engineer", **extra):
    data = {
        "title": title,
        "organization_name": "Acme",
        "start_date": datetime.date(2020, 1, 1),
        "end_date": None,
    }
    data.update(extra)
    return services.position_create(profile=profile, **data)


def test_url_name():
    assert reverse("profile_edit") == EDIT


def test_anonymous_is_sent_to_login(client):
    for url in (EDIT, "/profile/edit/intro/edit/", "/profile/edit/experience/add/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post("/profile/edit/experience/add/", {"title": "x"})
    assert response.status_code == 302
    assert Position.objects.count() == 0


def test_edit_page_shows_every_section_and_the_preview_link(member_client, profile):
    _position(profile, title="Data engineer")
    response = member_client.get(EDIT)
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "intro",
        "about",
        "experience",
        "education",
        "skills",
        "languages",
        "certifications",
        "links",
        "contact",
        "address",
    ):
        assert f'id="section-{name}"' in html
    assert "Data engineer" in html
    assert 'href="/in/ada-lovelace/?view_as=public"' in html
    assert "<script>" not in html and 'style="' not in html and "onclick" not in html


def test_htmx_gets_a_fragment_and_plain_request_a_full_page(member_client):
    fragment = member_client.get("/profile/edit/intro/edit/", **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<section class="card edit-card" id="section-intro"')
    assert 'name="headline"' in body

    page = member_client.get("/profile/edit/intro/edit/")
    assert "<html" in page.content.decode()
    assert 'name="headline"' in page.content.decode()


def test_cancel_restores_the_card(member_client):
    fragment = member_client.get("/profile/edit/intro/", **HTMX)
    assert 'name="headline"' not in fragment.content.decode()
    assert member_client.get("/profile/edit/intro/").status_code == 302


def test_intro_saved_with_htmx_returns_the_updated_card(member_client, profile):
    response = member_client.post(
        "/profile/edit/intro/edit/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "headline": "Analyste",
            "industry": "Informatique",
            "city": "Lyon",
            "region": "Auvergne-Rhône-Alpes",
            "country": "France",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Analyste" in response.content.decode()
    assert "<html" not in response.content.decode()
    profile.refresh_from_db()
    profile.member.refresh_from_db()
    assert profile.headline == "Analyste"
    assert profile.member.first_name == "Ada"
    assert profile.region == "Auvergne-Rhône-Alpes"


def test_plain_post_redirects_back_to_the_section(member_client, profile):
    response = member_client.post("/profile/edit/about/edit/", {"about": "Hello **world**"})
    assert response.status_code == 302
    assert response["Location"] == "/profile/edit/#section-about"
    profile.refresh_from_db()
    assert profile.about == "Hello **world**"
    page = member_client.get(EDIT).content.decode()
    assert "<strong>world</strong>" in page


def test_about_markdown_is_sanitised(member_client, profile):
    services.profile_update_about(
        profile=profile, about="<script>alert(1)</script> [x](javascript:alert(1))"
    )
    html = member_client.get(EDIT).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_position_add_edit_delete(member_client, profile):
    response = member_client.post(
        "/profile/edit/experience/add/",
        {
            "title": "Cheffe de projet",
            "organization_name": "Mairie de Lyon",
            "employment_type": "permanent",
            "start_date": "2021-03",
            "is_current": "on",
            "description": "",
        },
        **HTMX,
    )
    assert response.status_code == 200
    position = Position.objects.get(profile=profile)
    assert position.start_date == datetime.date(2021, 3, 1)
    assert position.end_date is None
    assert "Cheffe de projet" in response.content.decode()

    url = f"/profile/edit/experience/{position.public_id}/edit/"
    form = member_client.get(url, **HTMX).content.decode()
    assert 'value="2021-03"' in form
    response = member_client.post(
        url,
        {
            "title": "Directrice de projet",
            "organization_name": "Mairie de Lyon",
            "start_date": "2021-03",
            "end_date": "2023-06",
        },
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.title == "Directrice de projet"
    assert position.end_date == datetime.date(2023, 6, 1)

    delete_url = f"/profile/edit/experience/{position.public_id}/delete/"
    confirm = member_client.get(delete_url)
    assert confirm.status_code == 200
    assert "Directrice de projet" in confirm.content.decode()
    assert Position.objects.filter(pk=position.pk).exists()
    assert member_client.post(delete_url).status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()


def test_position_end_before_start_is_refused_next_to_the_field(member_client, profile):
    response = member_client.post(
        "/profile/edit/experience/add/",
        {
            "title": "Engineer",
            "organization_name": "Acme",
            "start_date": "2022-05",
            "end_date": "2021-01",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert 'id="id_experience_new_end_date_error"' in html
    assert "The end date cannot be before the start date." in html
    # The member's input is kept.
    assert 'value="Acme"' in html
    assert Position.objects.count() == 0


def test_errors_come_in_the_members_language(member_client, profile):
    profile.member.language = "fr"
    profile.member.save()
    response = member_client.post(
        "/profile/edit/experience/add/",
        {"title": "X", "organization_name": "Y", "start_date": "2022-05", "end_date": "2021-01"},
        HTTP_ACCEPT_LANGUAGE="fr",
        **HTMX,
    )
    html = response.content.decode()
    assert 'lang="fr"' in member_client.get(EDIT, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'id="id_experience_new_end_date_error"' in html


def test_plain_post_with_errors_renders_the_full_page(member_client, profile):
    response = member_client.post("/profile/edit/intro/edit/", {"first_name": "", "last_name": "L"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert 'id="id_intro_first_name_error"' in html


def test_over_long_headline_changes_nothing(member_client, profile):
    before = profile.headline
    response = member_client.post(
        "/profile/edit/intro/edit/",
        {"first_name": "A", "last_name": "B", "headline": "x" * 221},
        **HTMX,
    )
    assert 'id="id_intro_headline_error"' in response.content.decode()
    profile.refresh_from_db()
    assert profile.headline == before


def test_member_cannot_touch_another_members_position(member_client, profile):
    other = ProfileFactory()
    theirs = _position(other, title="Their job")
    base = f"/profile/edit/experience/{theirs.public_id}"
    assert member_client.get(f"{base}/edit/").status_code == 404
    response = member_client.post(
        f"{base}/edit/",
        {"title": "Hacked", "organization_name": "x", "start_date": "2020-01", "is_current": "on"},
    )
    assert response.status_code == 404
    assert member_client.post(f"{base}/delete/").status_code == 404
    assert member_client.get(f"{base}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Their job"


def test_member_cannot_touch_another_members_skill_or_contact(member_client, profile):
    other = ProfileFactory()
    skill = services.skill_add(profile=other, name="Python")
    contact = services.contact_create(profile=other, kind="phone", value="+33 6 00 00 00 00")
    assert (
        member_client.post(f"/profile/edit/skills/{skill.pk}/order/", {"action": "pin"}).status_code
        == 404
    )
    assert member_client.post(f"/profile/edit/skills/{skill.pk}/delete/").status_code == 404
    assert member_client.post(f"/profile/edit/contact/{contact.pk}/delete/").status_code == 404
    skill.refresh_from_db()
    assert not skill.pinned
    assert ContactEntry.objects.filter(pk=contact.pk).exists()


def test_unknown_section_and_bad_keys_are_404(member_client):
    assert member_client.get("/profile/edit/nope/edit/").status_code == 404
    assert member_client.get("/profile/edit/experience/not-a-uuid/edit/").status_code == 404
    assert member_client.get("/profile/edit/skills/abc/delete/").status_code == 404


def test_skills_add_duplicate_pin_and_move(member_client, profile):
    member_client.post("/profile/edit/skills/add/", {"name": "Gestion de projet"}, **HTMX)
    response = member_client.post(
        "/profile/edit/skills/add/", {"name": "gestion de PROJET"}, **HTMX
    )
    assert "already among your skills" in response.content.decode()
    assert 'id="id_skills_name_error"' in response.content.decode()
    assert ProfileSkill.objects.filter(profile=profile).count() == 1
    member_client.post("/profile/edit/skills/add/", {"name": "Python"}, **HTMX)
    first, second = ProfileSkill.objects.filter(profile=profile).order_by("position")
    response = member_client.post(
        f"/profile/edit/skills/{second.pk}/order/", {"action": "up"}, **HTMX
    )
    assert response.status_code == 200
    names = [ps.skill.name for ps in ProfileSkill.objects.filter(profile=profile)]
    assert names == ["Python", "Gestion de projet"]
    response = member_client.post(f"/profile/edit/skills/{first.pk}/order/", {"action": "pin"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.pinned


def test_fourth_pin_is_refused_with_a_message(member_client, profile):
    skills = [services.skill_add(profile=profile, name=f"Skill {i}") for i in range(4)]
    for skill in skills[:3]:
        services.skill_pin(profile=profile, profile_skill=skill, pinned=True)
    response = member_client.post(
        f"/profile/edit/skills/{skills[3].pk}/order/", {"action": "pin"}, **HTMX
    )
    assert "You can pin up to 3 skills" in response.content.decode()
    skills[3].refresh_from_db()
    assert not skills[3].pinned


def test_audience_select_saves(member_client, profile):
    response = member_client.post(
        "/profile/edit/experience/audience/", {"audience": "only_me"}, **HTMX
    )
    assert response.status_code == 200
    assert 'value="only_me" selected' in response.content.decode()
    profile.refresh_from_db()
    assert profile.experience_audience == "only_me"
    response = member_client.post("/profile/edit/intro/audience/", {"audience": "members"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.location_audience == "members"
    response = member_client.post("/profile/edit/links/audience/", {"audience": "everyone"})
    assert response.status_code == 422
    profile.refresh_from_db()
    assert profile.links_audience == "public"
    assert (
        member_client.post("/profile/edit/contact/audience/", {"audience": "public"}).status_code
        == 404
    )


def test_contact_defaults_to_connections_and_validates(member_client, profile):
    member_client.post(
        "/profile/edit/contact/add/",
        {"kind": "email", "value": "ada@example.org", "label": "", "audience": "connections"},
    )
    assert ContactEntry.objects.get(profile=profile).audience == "connections"
    response = member_client.post(
        "/profile/edit/contact/add/",
        {"kind": "email", "value": "not-an-email", "audience": "connections"},
        **HTMX,
    )
    assert 'id="id_contact_new_value_error"' in response.content.decode()
    assert ContactEntry.objects.filter(profile=profile).count() == 1


def test_link_with_javascript_url_is_refused(member_client, profile):
    response = member_client.post(
        "/profile/edit/links/add/", {"kind": "website", "url": "javascript:alert(1)"}, **HTMX
    )
    assert "http:// or https://" in response.content.decode()
    assert not profile.links.exists()


def test_address_change_and_public_page(member_client, profile):
    ProfileFactory(address="taken-one")
    response = member_client.post("/profile/edit/address/edit/", {"address": "taken-one"}, **HTMX)
    assert "already taken" in response.content.decode()
    response = member_client.post("/profile/edit/address/edit/", {"address": "admin"}, **HTMX)
    assert "reserved" in response.content.decode()
    profile.refresh_from_db()
    assert profile.address == "ada-lovelace"
    response = member_client.post("/profile/edit/address/edit/", {"address": "ada-l"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.address == "ada-l"
    assert AddressHistory.objects.filter(profile=profile, address="ada-lovelace").exists()

    member_client.post("/profile/edit/public-page/", {})
    profile.refresh_from_db()
    assert profile.public_page is False
    member_client.post("/profile/edit/public-page/", {"public_page": "on"}, **HTMX)
    profile.refresh_from_db()
    assert profile.public_page is True


def test_education_years_out_of_order(member_client, profile):
    response = member_client.post(
        "/profile/edit/education/add/",
        {"school": "INSA Lyon", "start_year": "2015", "end_year": "2010"},
        **HTMX,
    )
    assert 'id="id_education_new_end_year_error"' in response.content.decode()
    assert not profile.education.exists()


def test_get_is_refused_for_post_only_actions(member_client, profile):
    assert member_client.get("/profile/edit/public-page/").status_code == 405
    assert member_client.get("/profile/edit/about/audience/").status_code == 405


def _fill(profile, count):
    for index in range(count):
        _position(profile, title=f"Job {index}", start_date=datetime.date(2000 + index, 1, 1))
        skill = services.skill_add(profile=profile, name=f"Skill {index}")
        if index < 3:
            services.skill_pin(profile=profile, profile_skill=skill, pinned=True)
        services.education_create(profile=profile, school=f"School {index}")
        services.language_add(profile=profile, name=f"Lang {index}")
        services.certification_create(profile=profile, name=f"Cert {index}")
        services.link_create(profile=profile, kind="website", url=f"https://x{index}.example")
        services.contact_create(profile=profile, kind="phone", value=f"+33 6 00 00 00 0{index}")


# 12 since the top bar shows the unread-notifications badge (one count, cached afterwards).
EDIT_PAGE_QUERIES = 14


@pytest.mark.parametrize("count", [1, 8])
def test_edit_page_query_count_is_bounded(member_client, profile, count, django_assert_num_queries):
    _fill(profile, count)
    # Session, member, profile, one query per list (7), the instance settings (cached later),
    # the top bar's unread conversations (the member's block set, then the count; cached later).
    with django_assert_num_queries(EDIT_PAGE_QUERIES):
        response = member_client.get(EDIT)
    assert response.status_code == 200
    assert Skill.objects.count() == count
