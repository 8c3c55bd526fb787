"""Importing a LinkedIn data export: parsing its quirks, refusing bad archives, applying once."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.profiles.linkedin_import import (
    MAX_UNCOMPRESSED_BYTES,
    ArchivePreview,
    LinkedInImportError,
    archive_read,
    linkedin_import_apply,
    preview_compare,
)
from maillage.profiles.models import (
    Certification,
    Education,
    Position,
    Proficiency,
    Profile,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    skill_key,
)
from maillage.profiles.tests.linkedin_archive import (
    csv_text,
    full_archive,
    linkedin_archive,
    zip_bytes,
)
from maillage.profiles.views_importer import SESSION_KEY

pytestmark = pytest.mark.django_db

IMPORT_URL = "/profile/import/linkedin/"
PREVIEW_URL = "/profile/import/linkedin/preview/"


def read(data: bytes) -> ArchivePreview:
    return archive_read(io.BytesIO(data))


def all_keys(preview: ArchivePreview) -> list[str]:
    return [item.key for item in preview.items()]


def row_counts(profile: Profile) -> dict[str, int]:
    profile.refresh_from_db()
    return {
        "positions": Position.objects.filter(profile=profile).count(),
        "education": Education.objects.filter(profile=profile).count(),
        "skills": ProfileSkill.objects.filter(profile=profile).count(),
        "languages": SpokenLanguage.objects.filter(profile=profile).count(),
        "certifications": Certification.objects.filter(profile=profile).count(),
        "links": ProfileLink.objects.filter(profile=profile).count(),
        "shared skills": Skill.objects.count(),
        "headline": profile.headline,
        "about": profile.about,
        "city": profile.city,
    }


# --- Parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"bom": True},
        {"preamble": True},
        {"extra_columns": True},
        {"quote_all": True},
        {"folder": "Basic_LinkedInDataExport_11-21-2026/"},
        {"lowercase_names": True},
        {"bom": True, "preamble": True, "extra_columns": True, "folder": "export/"},
    ],
)
def test_quirks_read_the_same(options):
    preview = read(full_archive(**options))
    assert preview.field_item("headline").value == "Cheffe de projet data"
    assert [p.title for p in preview.positions] == ["Cheffe de projet", "Analyste"]
    assert [e.school for e in preview.education] == ["Université Exemple"]
    assert [s.name for s in preview.skills] == ["Gestion de projet", "Python", "SQL"]
    assert [lang.name for lang in preview.languages] == ["Français", "English", "Deutsch"]
    assert [c.name for c in preview.certifications] == ["Scrum Master"]


def test_profile_fields_and_websites():
    preview = read(full_archive())
    fields = {f.name: f.value for f in preview.fields}
    assert fields["about"] == "Je relie les équipes et les données.\n\n• Pilotage\n• Qualité"
    assert fields["industry"] == "Technologies de l'information"
    assert fields["location"] == "Lyon, Auvergne-Rhône-Alpes, France"
    # Several addresses in one field; only http(s) kept.
    assert [link.url for link in preview.links] == [
        "https://camille.example.org",
        "http://blog.example.org/",
        "https://github.com/camille-exemple",
    ]
    assert [link.kind for link in preview.links] == ["website", "website", "github"]


def test_websites_separated_by_commas_or_spaces():
    preview = read(
        linkedin_archive(
            profile={
                "Websites": "https://a.example.org,https://b.example.org  http://c.example.org"
            }
        )
    )
    assert [link.url for link in preview.links] == [
        "https://a.example.org",
        "https://b.example.org",
        "http://c.example.org",
    ]


def test_dates_current_positions_and_multiline_descriptions():
    preview = read(full_archive())
    current, past = preview.positions
    assert current.start == date(2021, 3, 1)
    assert current.end is None  # empty Finished On: current
    # Bullets and line breaks are kept; the comma inside the quoted field stays in it.
    assert current.description == "• Piloté la migration\n- Formé l'équipe, 6 personnes"
    assert past.start == date(2017, 1, 1)  # a year alone
    assert past.end == date(2021, 2, 1)
    education = preview.education[0]
    assert (education.start_year, education.end_year, education.degree) == (2012, 2016, "Master")
    assert "Association des étudiants" in education.activities
    assert "Mention bien" in education.activities
    cert = preview.certifications[0]
    assert (cert.issued_on, cert.expires_on) == (date(2020, 6, 1), date(2023, 6, 1))
    assert (cert.credential_id, cert.credential_url) == ("SM-123", "https://cert.example.org/abc")


def test_multiline_field_with_crlf_and_quotes():
    description = 'Line one\r\n"Quoted", and more\r\n\r\n• bullet'
    preview = read(
        linkedin_archive(
            positions=[
                {
                    "Company Name": "Acme",
                    "Title": "Dev",
                    "Description": description,
                    "Started On": "Jan 2020",
                }
            ],
            quote_all=True,
        )
    )
    assert preview.positions[0].description == 'Line one\n"Quoted", and more\n\n• bullet'


def test_duplicates_are_collapsed():
    preview = read(full_archive())
    assert len(preview.positions) == 2  # the repeated "Analyste" row
    assert len(preview.skills) == 3  # "Python" and "python" are one skill
    assert len(all_keys(preview)) == len(set(all_keys(preview)))


def test_languages_proficiency_mapping():
    labels = {
        "Native or bilingual proficiency": Proficiency.NATIVE,
        "Full professional proficiency": Proficiency.FULL_PROFESSIONAL,
        "Professional working proficiency": Proficiency.PROFESSIONAL_WORKING,
        "Limited working proficiency": Proficiency.LIMITED_WORKING,
        "Elementary proficiency": Proficiency.ELEMENTARY,
        "": "",
        "Something new": "",
    }
    preview = read(
        linkedin_archive(
            languages=[
                {"Name": f"Lang {i}", "Proficiency": label} for i, label in enumerate(labels)
            ]
        )
    )
    assert [lang.proficiency for lang in preview.languages] == list(labels.values())


def test_missing_files_and_columns_and_empty_files_are_fine():
    archive = zip_bytes(
        {
            "Skills.csv": "Name\r\nPython\r\n",
            "Positions.csv": "",  # empty
            "Languages.csv": "Name\r\nFrançais\r\n",  # no Proficiency column
            "Education.csv": "School Name,Degree Name\r\nÉcole,Licence\r\n",
        }
    )
    preview = read(archive)
    assert [s.name for s in preview.skills] == ["Python"]
    assert preview.positions == []
    assert [(lang.name, lang.proficiency) for lang in preview.languages] == [("Français", "")]
    assert preview.education[0].start_year is None


def test_connections_are_ignored():
    preview = read(linkedin_archive(skills=["Python"], connections=[{"First Name": "A"}]))
    assert "Connections.csv" not in preview.files
    assert [s.name for s in preview.skills] == ["Python"]


def test_preview_round_trips_through_json():
    import json

    preview = read(full_archive())
    again = ArchivePreview.from_dict(json.loads(json.dumps(preview.to_dict())))
    assert again.to_dict() == preview.to_dict()
    assert all_keys(again) == all_keys(preview)


# --- Bad input --------------------------------------------------------------------------------


def broken_archive(kind: str) -> bytes:
    if kind == "not a zip":
        return b"Company Name,Title\r\nAcme,Dev\r\n"
    if kind == "no known file":
        return zip_bytes({"Photos/cat.jpg": b"\xff\xd8\xff", "README.txt": "hello"})
    if kind == "zip bomb":
        # 60 MB of zeros compress to about 60 KB.
        return zip_bytes({"Skills.csv": "Name\r\n" + "0" * (MAX_UNCOMPRESSED_BYTES + 10_000_000)})
    if kind == "unterminated quote":
        return zip_bytes(
            {
                "Positions.csv": (
                    "Company Name,Title,Description,Location,Started On,Finished On\r\n"
                    'Acme,Dev,"Built things,Lyon,Jan 2020,\r\n'
                    "Beta,Lead,Other,Paris,Feb 2021,\r\n"
                ),
                "Skills.csv": "Name\r\nPython\r\n",
            }
        )
    if kind == "stray quote":
        return zip_bytes(
            {"Positions.csv": 'Company Name,Title,Started On\r\n"Acme"Corp,Dev,Jan 2020\r\n'}
        )
    if kind == "swallowed rows":
        return zip_bytes(
            {
                "Positions.csv": csv_text(
                    ["Company Name", "Title", "Description", "Location", "Started On"],
                    [],
                    quote_all=True,
                )
                + '"Acme","Dev","Built things,"Lyon","Jan 2020"\r\n'
                + '"Beta","Lead","Other","Paris","Feb 2021"\r\n'
                + '"Gamma","Boss","More","Nice","Mar 2022"\r\n'
            }
        )
    if kind == "end before start":
        return linkedin_archive(
            skills=["Python"],
            positions=[
                {"Company Name": "Acme", "Title": "Dev", "Started On": "Jan 2020"},
                {
                    "Company Name": "Beta",
                    "Title": "Lead",
                    "Started On": "Mar 2021",
                    "Finished On": "Feb 2021",
                },
            ],
        )
    if kind == "education end before start":
        return linkedin_archive(
            education=[{"School Name": "École", "Start Date": "2016", "End Date": "2012"}]
        )
    if kind == "unknown date":
        return linkedin_archive(
            positions=[{"Company Name": "Acme", "Title": "Dev", "Started On": "Spring 2020"}]
        )
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not a zip", "not a ZIP archive"),
        ("no known file", "not a LinkedIn data export"),
        ("zip bomb", "more than 50 MB"),
        ("unterminated quote", "Positions.csv cannot be read"),
        ("stray quote", "Positions.csv cannot be read"),
        ("swallowed rows", "Positions.csv cannot be read"),
        ("end before start", "Positions.csv, row 3: the end date is before the start date"),
        ("education end before start", "Education.csv, row 2: the end date is before"),
        ("unknown date", "Positions.csv, row 2: the date “Spring 2020” is not understood"),
    ],
)
def test_bad_archives_are_refused_with_a_clear_message(kind, message):
    with pytest.raises(LinkedInImportError) as caught:
        read(broken_archive(kind))
    assert message in caught.value.message


def test_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(2001):
            archive.writestr(f"f{i}.txt", "")
    with pytest.raises(LinkedInImportError):
        read(buffer.getvalue())


def test_a_lying_declared_size_is_still_bounded(monkeypatch):
    # Lower the budget rather than build a huge archive: what counts is the bytes actually read.
    from maillage.profiles import linkedin_import

    monkeypatch.setattr(linkedin_import, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(LinkedInImportError):
        read(zip_bytes({"Skills.csv": "Name\r\n" + "x\r\n" * 1000}))


def test_preamble_is_skipped_but_a_file_without_header_is_refused():
    assert [s.name for s in read(linkedin_archive(skills=["Go"], preamble=True)).skills] == ["Go"]
    with pytest.raises(LinkedInImportError) as caught:
        read(zip_bytes({"Positions.csv": "foo,bar\r\n1,2\r\n"}))
    assert "Positions.csv" in caught.value.message


# --- Applying ------------------------------------------------------------------------------------


def test_apply_creates_the_rows():
    profile = ProfileFactory(headline="", city="", country="", about="")
    preview = preview_compare(read(full_archive()), profile)
    result = linkedin_import_apply(
        profile=profile, preview=preview, selected_keys=all_keys(preview)
    )
    counts = row_counts(profile)
    assert counts["positions"] == 2
    assert counts["education"] == 1
    assert counts["skills"] == 3
    assert counts["languages"] == 3
    assert counts["certifications"] == 1
    assert counts["links"] == 3
    assert counts["headline"] == "Cheffe de projet data"
    assert (profile.city, profile.region, profile.country) == (
        "Lyon",
        "Auvergne-Rhône-Alpes",
        "France",
    )
    assert result.total == 2 + 1 + 3 + 3 + 1 + 3 + 4
    assert result.counts["fields"] == 4
    current = Position.objects.get(profile=profile, title="Cheffe de projet")
    assert current.end_date is None
    assert current.description.startswith("• Piloté")
    french = SpokenLanguage.objects.get(profile=profile, name="Français")
    assert french.proficiency == Proficiency.NATIVE
    assert list(profile.languages.values_list("position", flat=True)) == [0, 1, 2]


def test_applying_twice_adds_nothing_more():
    profile = ProfileFactory()
    archive = full_archive()
    preview = read(archive)
    linkedin_import_apply(profile=profile, preview=preview, selected_keys=all_keys(preview))
    before = row_counts(profile)

    again = preview_compare(read(archive), profile)
    assert again.new_items == []  # the second preview shows nothing new
    result = linkedin_import_apply(profile=profile, preview=again, selected_keys=all_keys(again))
    assert result.total == 0
    assert row_counts(profile) == before


def test_only_selected_items_are_added():
    profile = ProfileFactory(headline="Mon titre")
    preview = read(full_archive())
    chosen = [preview.skills[0].key, preview.positions[1].key]
    result = linkedin_import_apply(profile=profile, preview=preview, selected_keys=chosen)
    assert result.total == 2
    assert list(profile.skills.values_list("skill__name", flat=True)) == ["Gestion de projet"]
    assert list(profile.positions.values_list("title", flat=True)) == ["Analyste"]
    profile.refresh_from_db()
    assert profile.headline == "Mon titre"  # not selected: untouched


def test_skills_are_shared_and_matched_case_and_accent_insensitively():
    existing = Skill.objects.create(name="Gestion de projet", key=skill_key("Gestion de projet"))
    sql = Skill.objects.create(name="SQL", key=skill_key("SQL"))
    profile = ProfileFactory()
    ProfileSkill.objects.create(profile=profile, skill=sql, position=0)

    preview = preview_compare(
        read(linkedin_archive(skills=["GESTION DE PROJÉT", "sql", "Rust"])), profile
    )
    assert [s.present for s in preview.skills] == [False, True, False]
    linkedin_import_apply(profile=profile, preview=preview, selected_keys=all_keys(preview))

    assert Skill.objects.count() == 3  # only "Rust" is new
    assert set(profile.skills.values_list("skill_id", flat=True)) == {
        existing.pk,
        sql.pk,
        Skill.objects.get(key="rust").pk,
    }
    assert list(profile.skills.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
    ]


def test_items_already_on_the_profile_are_flagged():
    profile = ProfileFactory(headline="Cheffe de projet data", city="Lyon", country="France")
    Position.objects.create(
        profile=profile,
        title="CHEFFE DE PROJET",
        organization_name="exemple sas",
        start_date=date(2021, 3, 1),
    )
    Education.objects.create(
        profile=profile,
        school="Université Exemple",
        degree="Master",
        start_year=2012,
        end_year=2016,
    )
    SpokenLanguage.objects.create(profile=profile, name="francais")
    Certification.objects.create(profile=profile, name="Scrum master", authority="Scrum Exemple")
    ProfileLink.objects.create(profile=profile, kind="website", url="https://camille.example.org/")

    preview = preview_compare(read(full_archive()), profile)
    flags = {item.key: item.present for item in preview.items()}
    assert flags[preview.positions[0].key] is True
    assert flags[preview.positions[1].key] is False
    assert preview.education[0].present
    assert preview.languages[0].present and not preview.languages[1].present
    assert preview.certifications[0].present
    assert preview.links[0].present and not preview.links[1].present
    assert preview.field_item("headline").present
    # "Lyon, France" differs from "Lyon, Auvergne-Rhône-Alpes, France": offered.
    assert not preview.field_item("location").present


def test_a_failing_import_changes_nothing(monkeypatch):
    profile = ProfileFactory(headline="Avant")
    preview = read(full_archive())
    before = row_counts(profile)

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Certification.objects, "create", explode)
    with pytest.raises(RuntimeError):
        linkedin_import_apply(profile=profile, preview=preview, selected_keys=all_keys(preview))
    assert row_counts(profile) == before


# --- Views ---------------------------------------------------------------------------------------


@pytest.fixture
def member_client(client):
    member = UserFactory()
    client.force_login(member)
    client.member = member
    return client


def upload(client, data: bytes, name: str = "export.zip", **extra):
    return client.post(
        IMPORT_URL,
        {"archive": SimpleUploadedFile(name, data, content_type="application/zip")},
        **extra,
    )


def test_anonymous_is_sent_to_login(client):
    for url in (IMPORT_URL, PREVIEW_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_upload_page_explains_and_accepts_zip(member_client):
    response = member_client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'accept=".zip' in html
    assert reverse("profile_import_linkedin") == IMPORT_URL


def test_full_flow_upload_preview_confirm(member_client):
    response = upload(member_client, full_archive(bom=True, preamble=True))
    assert response.status_code == 302
    assert response["Location"] == PREVIEW_URL

    page = member_client.get(PREVIEW_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cheffe de projet" in html
    assert html.count('name="items"') == 17
    assert "Connections" not in html or "Alix" not in html

    keys = [item.key for item in read(full_archive()).skills]
    response = member_client.post(PREVIEW_URL, {"items": keys})
    assert response.status_code == 302
    assert response["Location"] == "/profile/edit/"
    profile = Profile.objects.get(member=member_client.member)
    assert profile.skills.count() == 3
    assert Position.objects.filter(profile=profile).count() == 0
    assert SESSION_KEY not in member_client.session


def test_second_import_shows_nothing_new(member_client):
    upload(member_client, full_archive())
    keys = all_keys(read(full_archive()))
    member_client.post(PREVIEW_URL, {"items": keys})
    profile = Profile.objects.get(member=member_client.member)
    before = row_counts(profile)

    upload(member_client, full_archive())
    html = member_client.get(PREVIEW_URL).content.decode()
    assert 'name="items"' not in html
    assert "disabled" in html
    member_client.post(PREVIEW_URL, {"items": keys})
    assert row_counts(profile) == before


def test_posted_data_cannot_add_what_the_preview_does_not_hold(member_client):
    upload(member_client, linkedin_archive(skills=["Python"]))
    member_client.post(
        PREVIEW_URL,
        {"items": ["skill-forged", "field-headline"], "headline": "Pwned", "name": "Evil"},
    )
    profile = Profile.objects.get(member=member_client.member)
    assert profile.skills.count() == 0
    assert profile.headline != "Pwned"


@pytest.mark.parametrize(
    "kind", ["not a zip", "no known file", "zip bomb", "unterminated quote", "end before start"]
)
def test_bad_upload_rerenders_with_the_error_and_changes_nothing(member_client, kind):
    response = upload(member_client, broken_archive(kind))
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert Position.objects.count() == 0
    assert ProfileSkill.objects.count() == 0
    assert SESSION_KEY not in member_client.session


def test_error_message_names_the_row(member_client):
    response = upload(member_client, broken_archive("end before start"))
    assert "Positions.csv, row 3: the end date is before the start date" in (
        response.content.decode()
    )


def test_a_stored_preview_cannot_be_applied_by_another_member(client):
    owner = UserFactory()
    other = UserFactory()
    client.force_login(owner)
    upload(client, full_archive())
    stored = client.session[SESSION_KEY]

    # The other member's session somehow holds the owner's preview.
    client.force_login(other)
    session = client.session
    session[SESSION_KEY] = stored
    session.save()
    response = client.post(PREVIEW_URL, {"items": all_keys(read(full_archive()))})
    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert Position.objects.count() == 0
    assert ProfileSkill.objects.count() == 0


def test_confirm_without_an_upload_goes_back_to_the_form(member_client):
    response = member_client.post(PREVIEW_URL, {"items": ["skill-x"]})
    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL


def test_cancel_forgets_the_upload(member_client):
    upload(member_client, full_archive())
    response = member_client.post("/profile/import/linkedin/cancel/")
    assert response.status_code == 302
    assert SESSION_KEY not in member_client.session


def test_french_pages(member_client):
    # The importer's own strings are translated later: assert only Django's own French.
    response = upload(member_client, b"", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "Le fichier soumis est vide." in response.content.decode()
    response = member_client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_an_archive_with_empty_files_says_there_is_nothing_to_import(member_client):
    upload(member_client, linkedin_archive(skills=[], positions=[]))
    response = member_client.get(PREVIEW_URL)
    assert response.status_code == 200
    assert "Nothing to import" in response.content.decode()


def test_section_limits_are_kept(monkeypatch):
    from maillage.profiles import services

    monkeypatch.setattr(services, "MAX_SKILLS", 2, raising=False)
    profile = ProfileFactory()
    preview = read(linkedin_archive(skills=["A", "B", "C", "D"]))
    result = linkedin_import_apply(
        profile=profile, preview=preview, selected_keys=all_keys(preview)
    )
    assert result.counts["skills"] == 2
    assert result.skipped == 2
    assert profile.skills.count() == 2


def test_positions_need_a_title_and_an_organization():
    preview = read(
        linkedin_archive(
            positions=[
                {"Company Name": "Acme", "Title": "", "Started On": "2020"},
                {"Company Name": "", "Title": "Dev", "Started On": "2020"},
                {"Company Name": "Acme", "Title": "Dev", "Started On": "2020"},
            ]
        )
    )
    assert [(p.title, p.organization) for p in preview.positions] == [("Dev", "Acme")]
