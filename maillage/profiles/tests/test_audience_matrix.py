"""The audience matrix: every section and contact field × every audience × every viewer × every
path that shows profile data.

Each field carries a unique marker string. A field is given one audience while every other field
is kept to "only me", so a section wired to another's audience fails too. Then, for each viewer,
every path is read and the marker must appear exactly when the rules allow — and never where
they do not, in the HTML, the head (OpenGraph, JSON-LD) or the vCard.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.core import audience
from maillage.profiles.models import (
    Certification,
    ContactEntry,
    Education,
    Position,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    skill_key,
)
from maillage.profiles.selectors import SECTIONS

from .test_page import PairRelation

pytestmark = pytest.mark.django_db

AUDIENCES = ["public", "members", "connections", "only_me"]
VIEWERS = ["owner", "connection", "member", "anonymous", "staff"]


@dataclass(frozen=True)
class Field:
    name: str
    markers: tuple[str, ...]  # every marker must follow the rule on the HTML page
    vcard: tuple[str, ...] = ()  # markers the vCard carries when the viewer may see the field
    json_ld: tuple[str, ...] = ()  # markers the JSON-LD carries when the field is public


FIELDS = {
    "about": Field("about", ("aboutmarkerq1",), json_ld=("aboutmarkerq1",)),
    "location": Field(
        "location", ("locmarkerq2",), vcard=("locmarkerq2",), json_ld=("locmarkerq2",)
    ),
    "experience": Field(
        "experience",
        ("titlemarkerq3", "orgmarkerq3"),
        vcard=("titlemarkerq3", "orgmarkerq3"),
        json_ld=("orgmarkerq3",),
    ),
    "education": Field("education", ("schoolmarkerq4",), json_ld=("schoolmarkerq4",)),
    "skills": Field("skills", ("skillmarkerq5",), json_ld=("skillmarkerq5",)),
    "languages": Field("languages", ("langmarkerq6",), json_ld=("langmarkerq6",)),
    "certifications": Field("certifications", ("certmarkerq7",), json_ld=("certmarkerq7",)),
    "links": Field("links", ("linkmarkerq8",), vcard=("linkmarkerq8",), json_ld=("linkmarkerq8",)),
    "contact_email": Field(
        "contact_email", ("emailmarkerq9",), vcard=("emailmarkerq9",), json_ld=("emailmarkerq9",)
    ),
    "contact_phone": Field(
        "contact_phone", ("phonemarkerq10",), vcard=("phonemarkerq10",), json_ld=("phonemarkerq10",)
    ),
    "contact_address": Field("contact_address", ("addressmarkerq11",), vcard=("addressmarkerq11",)),
}
ALL_MARKERS = [m for f in FIELDS.values() for m in f.markers]
CONTACT_KINDS = {"contact_email": "email", "contact_phone": "phone", "contact_address": "address"}


@pytest.fixture
def connections():
    relation = PairRelation()
    previous = audience.register_relation(audience.CONNECTIONS, relation)
    yield relation
    audience.register_relation(audience.CONNECTIONS, previous)


def make_profile(*, field: str, level: str, public_page: bool = True):
    """A profile with every field filled; `field` has `level`, every other field only_me."""
    audiences = {f"{s}_audience": "only_me" for s in SECTIONS}
    if field in SECTIONS:
        audiences[f"{field}_audience"] = level
    profile = ProfileFactory(
        address="matrix-owner",
        headline="Visible headline",
        about="Some aboutmarkerq1 text",
        city="Locmarkerq2",
        country="",
        public_page=public_page,
        **audiences,
    )
    Position.objects.create(
        profile=profile,
        title="Titlemarkerq3",
        organization_name="Orgmarkerq3",
        start_date=date(2020, 1, 1),
    )
    Education.objects.create(profile=profile, school="Schoolmarkerq4")
    skill = Skill.objects.create(name="Skillmarkerq5", key=skill_key("Skillmarkerq5"))
    ProfileSkill.objects.create(profile=profile, skill=skill)
    SpokenLanguage.objects.create(profile=profile, name="Langmarkerq6")
    Certification.objects.create(profile=profile, name="Certmarkerq7")
    ProfileLink.objects.create(profile=profile, kind="website", url="https://linkmarkerq8.example/")
    values = {
        "contact_email": "emailmarkerq9@contact.example",
        "contact_phone": "+33 1 phonemarkerq10",
        "contact_address": "12 rue Addressmarkerq11",
    }
    for name, kind in CONTACT_KINDS.items():
        ContactEntry.objects.create(
            profile=profile,
            kind=kind,
            value=values[name],
            audience=level if name == field else "only_me",
        )
    return profile


def make_viewer(who: str, owner, connections: PairRelation):
    if who == "owner":
        return owner
    if who == "anonymous":
        return None
    viewer = UserFactory(is_staff=(who == "staff"))
    if who == "connection":
        connections.add(owner, viewer)
    return viewer


def may_see(who: str, level: str) -> bool:
    """The rules, written out independently of the code under test."""
    if who == "owner" or level == "public":
        return True
    if level == "members":
        return who in ("connection", "member", "staff")
    if level == "connections":
        return who == "connection"
    return False


def head_of(html: str) -> str:
    return html[: html.index("</head>")]


def json_ld_of(html: str) -> str:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.dumps(json.loads(match.group(1))).lower() if match else ""


def present(marker: str, text: str) -> bool:
    return marker in text.lower()


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("level", AUDIENCES)
@pytest.mark.parametrize("field", list(FIELDS))
def test_audience_matrix(client, connections, field, level, who):
    profile = make_profile(field=field, level=level)
    owner = profile.member
    viewer = make_viewer(who, owner, connections)
    if viewer is not None:
        client.force_login(viewer)
    spec = FIELDS[field]
    allowed = may_see(who, level)
    others = [m for m in ALL_MARKERS if m not in spec.markers]

    # 1. The profile page, as this viewer (members and visitors share the URL).
    html = client.get("/in/matrix-owner/").content.decode()
    for marker in spec.markers:
        assert present(marker, html) == allowed, (marker, "page")
    if who != "owner":  # every other field is only_me: nobody else sees them
        assert not [m for m in others if present(m, html)], "page leaks another field"

    # 2. The search-engine head (description, OpenGraph, JSON-LD): public data only, always.
    head = head_of(html)
    for marker in spec.markers:
        if level != "public":
            assert not present(marker, head), (marker, "head")
    assert not [m for m in others if present(m, head)], "head leaks another field"
    data = json_ld_of(html)
    assert data, "the public page carries JSON-LD"
    for marker in spec.json_ld:
        assert present(marker, data) == (level == "public"), (marker, "json-ld")

    # 3. The vCard, as this viewer.
    vcard = client.get("/in/matrix-owner/vcard.vcf").content.decode()
    assert vcard.startswith("BEGIN:VCARD")
    for marker in spec.markers:
        if not allowed:
            assert not present(marker, vcard), (marker, "vcard")
    for marker in spec.vcard:
        assert present(marker, vcard) == allowed, (marker, "vcard")
    if who != "owner":
        assert not [m for m in others if present(m, vcard)], "vCard leaks another field"

    # 4. The owner's previews: exactly what a visitor, then a member, would see.
    if who == "owner":
        for mode, sees in (("public", level == "public"), ("member", level in AUDIENCES[:2])):
            preview = client.get(f"/in/matrix-owner/?view_as={mode}").content.decode()
            for marker in spec.markers:
                assert present(marker, preview) == sees, (marker, f"view_as={mode}")
            assert not [m for m in others if present(m, preview)], f"view_as={mode} leaks"


@pytest.mark.parametrize("who", VIEWERS)
def test_public_page_off(client, connections, who):
    """Visitors get the members-only page and nothing else; members see what their rules allow."""
    profile = make_profile(field="none", level="public", public_page=False)
    for s in SECTIONS:
        setattr(profile, f"{s}_audience", "public")
    profile.save()
    ContactEntry.objects.filter(profile=profile).update(audience="public")
    viewer = make_viewer(who, profile.member, connections)
    if viewer is not None:
        client.force_login(viewer)
    response = client.get("/in/matrix-owner/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html and "og:title" not in html
    vcard = client.get("/in/matrix-owner/vcard.vcf")
    if who == "anonymous":
        assert [m for m in ALL_MARKERS if present(m, html)] == []
        assert "Visible headline" not in html
        assert profile.member.get_full_name() in html
        assert vcard.status_code == 404
    else:
        assert all(present(m, html) for m in ALL_MARKERS)
        assert vcard.status_code == 200


def test_owner_preview_as_visitor_with_public_page_off(client, connections):
    profile = make_profile(field="about", level="public", public_page=False)
    client.force_login(profile.member)
    html = client.get("/in/matrix-owner/?view_as=public").content.decode()
    assert [m for m in ALL_MARKERS if present(m, html)] == []
    assert '<meta name="robots" content="noindex">' in html
