"""The profile page at /in/<address>/: lookups, redirects, previews, SEO head, vCard, QR, sitemap."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.core import audience
from maillage.network.tests.factories import session_read_queries
from maillage.profiles.models import (
    AddressHistory,
    ContactEntry,
    Education,
    Position,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    skill_key,
)
from maillage.profiles.views import duration_label, group_positions

pytestmark = pytest.mark.django_db

SITE_URL = "https://reseau.example.org"


class PairRelation:
    """A symmetric relation kept in memory (connections, blocks) for these tests."""

    def __init__(self):
        self.pairs: set[tuple[int, int]] = set()

    def add(self, a, b) -> None:
        self.pairs |= {(a.pk, b.pk), (b.pk, a.pk)}

    def ids_for(self, viewer_id: int) -> list[int]:
        return [b for a, b in self.pairs if a == viewer_id]

    def contains(self, viewer_id: int, other_id: int) -> bool:
        return (viewer_id, other_id) in self.pairs


@pytest.fixture
def relations():
    connections, blocks = PairRelation(), PairRelation()
    previous = {
        audience.CONNECTIONS: audience.register_relation(audience.CONNECTIONS, connections),
        audience.BLOCKED: audience.register_relation(audience.BLOCKED, blocks),
    }
    yield connections, blocks
    for name, relation in previous.items():
        audience.register_relation(name, relation)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def add_position(profile, title, org, start, end=None, **kwargs):
    return Position.objects.create(
        profile=profile,
        title=title,
        organization_name=org,
        start_date=start,
        end_date=end,
        **kwargs,
    )


def add_skill(profile, name, **kwargs):
    skill, _ = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
    return ProfileSkill.objects.create(profile=profile, skill=skill, **kwargs)


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def page(client, profile, query=""):
    return client.get(f"/in/{profile.address}/{query}")


# --- Who sees the page ----------------------------------------------------------------------


def test_owner_sees_their_page_with_strength_and_audiences(client):
    profile = ProfileFactory(headline="Cheffe de projet", about="Hello *world*")
    add_position(profile, "Cheffe", "Orange", date(2020, 1, 1))
    client.force_login(profile.member)
    response = page(client, profile)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cheffe de projet" in html
    assert "<em>world</em>" in html
    assert "Orange" in html
    assert 'class="card strength"' in html
    assert "Visible to:" in html
    assert "?view_as=public" in html and "?view_as=member" in html
    # Empty sections invite the owner to fill them.
    assert 'id="education"' in html


def test_member_sees_no_strength_no_audiences_no_empty_sections(client):
    profile = ProfileFactory(about="About me")
    client.force_login(UserFactory())
    html = page(client, profile).content.decode()
    assert "About me" in html
    assert 'class="card strength"' not in html
    assert "Visible to:" not in html
    assert 'id="education"' not in html
    assert "?view_as=" not in html


def test_visitor_sees_the_public_page(client):
    profile = ProfileFactory(headline="Boulangère", about="Du pain")
    response = page(client, profile)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Boulangère" in html and "Du pain" in html
    assert '<meta name="robots" content="noindex">' not in html
    assert "X-Robots-Tag" not in response


def test_public_page_off_visitors_get_a_members_only_page(client):
    profile = ProfileFactory(public_page=False, headline="Secret headline", about="Secret about")
    response = page(client, profile)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert profile.member.get_full_name() in html
    assert "Secret headline" not in html and "Secret about" not in html
    assert "Lyon" not in html
    assert "/accounts/login/?next=" in html
    assert "application/ld+json" not in html
    assert "og:title" not in html


def test_public_page_off_members_still_see_the_profile_but_noindex(client):
    profile = ProfileFactory(public_page=False, about="For members")
    client.force_login(UserFactory())
    html = page(client, profile).content.decode()
    assert "For members" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html


def test_public_page_off_vcard_and_qr_are_404_for_visitors(client):
    profile = ProfileFactory(public_page=False)
    assert client.get(f"/in/{profile.address}/vcard.vcf").status_code == 404
    assert client.get(f"/in/{profile.address}/qr.svg").status_code == 404


def test_blocked_member_gets_404_everywhere(client, relations):
    _connections, blocks = relations
    profile = ProfileFactory()
    AddressHistory.objects.create(profile=profile, address="ancienne-adresse")
    blocked = UserFactory()
    blocks.add(profile.member, blocked)
    client.force_login(blocked)
    for path in ("", "vcard.vcf", "qr.svg"):
        assert client.get(f"/in/{profile.address}/{path}").status_code == 404
    assert client.get("/in/ancienne-adresse/").status_code == 404


def test_unknown_address_is_the_friendly_404(client):
    response = client.get("/in/personne-inconnue/")
    assert response.status_code == 404
    assert 'class="error-page"' in response.content.decode()


def test_inactive_member_is_404(client):
    profile = ProfileFactory(member__is_active=False)
    client.force_login(UserFactory())
    assert page(client, profile).status_code == 404


def test_old_address_redirects_permanently(client):
    profile = ProfileFactory(address="nouvelle")
    AddressHistory.objects.create(profile=profile, address="ancienne")
    response = client.get("/in/ancienne/")
    assert response.status_code == 301
    assert response["Location"] == "/in/nouvelle/"
    response = client.get("/in/ancienne/vcard.vcf")
    assert response.status_code == 301
    assert response["Location"] == "/in/nouvelle/vcard.vcf"


def test_capitals_redirect_to_the_lowercase_address(client):
    ProfileFactory(address="jeanne-martin")
    response = client.get("/in/Jeanne-Martin/")
    assert response.status_code == 301
    assert response["Location"] == "/in/jeanne-martin/"


def test_me_redirects_to_the_members_page(client):
    profile = ProfileFactory()
    client.force_login(profile.member)
    response = client.get("/in/me/")
    assert response.status_code == 302
    assert response["Location"] == f"/in/{profile.address}/"
    assert client.logout() is None
    assert "/accounts/login/" in client.get("/in/me/")["Location"]


def test_avatar_menu_and_home_link_to_the_profile(client):
    profile = ProfileFactory()
    client.force_login(profile.member)
    html = client.get("/home/").content.decode()
    assert 'href="/in/me/"' in html
    assert f'href="/in/{profile.address}/"' in html


def test_a_members_visit_is_recorded_for_who_viewed(client):
    from maillage.profiles.models import ProfileView

    profile = ProfileFactory()
    page(client, profile)  # a visitor: not recorded
    client.force_login(profile.member)
    page(client, profile)  # the owner: not recorded
    page(client, profile, "?view_as=member")  # a preview: not recorded
    assert not ProfileView.objects.exists()
    viewer = UserFactory()
    client.force_login(viewer)
    page(client, profile)
    page(client, profile)
    assert list(ProfileView.objects.values_list("viewer_id", flat=True)) == [viewer.pk]


# --- Previews -------------------------------------------------------------------------------


def test_view_as_public_shows_what_visitors_see(client):
    profile = ProfileFactory(about="Members only text", about_audience="members")
    client.force_login(profile.member)
    html = page(client, profile, "?view_as=public").content.decode()
    assert "You are viewing your profile as a visitor sees it." in html
    assert "Members only text" not in html
    assert 'class="card strength"' not in html
    assert "Visible to:" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_view_as_member_shows_what_members_see(client):
    profile = ProfileFactory(about="Members text", about_audience="members")
    ContactEntry.objects.create(profile=profile, kind="email", value="conn@example.org")
    client.force_login(profile.member)
    html = page(client, profile, "?view_as=member").content.decode()
    assert "You are viewing your profile as a member sees it." in html
    assert "Members text" in html
    assert "conn@example.org" not in html  # connections only


def test_view_as_public_when_public_page_is_off(client):
    profile = ProfileFactory(public_page=False, about="Hidden")
    client.force_login(profile.member)
    html = page(client, profile, "?view_as=public").content.decode()
    assert "You are viewing your profile as a visitor sees it." in html
    assert "Your public page is turned off" in html
    assert "Hidden" not in html


def test_view_as_is_ignored_for_others(client):
    profile = ProfileFactory(about="Members text", about_audience="members")
    client.force_login(UserFactory())
    html = page(client, profile, "?view_as=public").content.decode()
    assert "You are viewing" not in html
    assert "Members text" in html


# --- Head: title, description, canonical, OpenGraph, JSON-LD -------------------------------


def test_head_title_description_canonical_and_open_graph(client):
    profile = ProfileFactory(
        member__first_name="Jeanne", member__last_name="Martin", headline="Data engineer"
    )
    add_position(profile, "Engineer", "Acme SA", date(2021, 3, 1))
    html = page(client, profile).content.decode()
    assert "<title>Jeanne Martin – Data engineer | " in html
    assert '<meta name="description" content="Data engineer · Acme SA · Lyon, France">' in html
    assert f'<link rel="canonical" href="{SITE_URL}/in/{profile.address}/">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert f'<meta property="og:url" content="{SITE_URL}/in/{profile.address}/">' in html
    assert "og:image" not in html  # no photo


def test_og_image_when_there_is_a_photo(client):
    profile = ProfileFactory()
    profile.photo.name = "profiles/photos/jeanne.jpg"
    profile.save()
    html = page(client, profile).content.decode()
    assert f'<meta property="og:image" content="{SITE_URL}/media/profiles/photos/jeanne.jpg">' in (
        html
    )
    assert json_ld(html)["image"] == f"{SITE_URL}/media/profiles/photos/jeanne.jpg"


def test_json_ld_is_a_person_from_public_data(client):
    profile = ProfileFactory(
        member__first_name="Jeanne",
        member__last_name="Martin",
        headline="Data engineer",
        skills_audience="members",
    )
    add_position(profile, "Engineer", "Acme SA", date(2021, 3, 1))
    add_skill(profile, "Membersonlyskill")
    Education.objects.create(profile=profile, school="INSA Lyon")
    client.force_login(profile.member)  # even the owner's page carries only public data
    data = json_ld(page(client, profile).content.decode())
    assert data["@type"] == "Person"
    assert data["name"] == "Jeanne Martin"
    assert data["jobTitle"] == "Data engineer"
    assert data["url"] == f"{SITE_URL}/in/{profile.address}/"
    assert data["worksFor"] == [{"@type": "Organization", "name": "Acme SA"}]
    assert data["address"]["addressLocality"] == "Lyon"
    assert data["alumniOf"][0]["name"] == "INSA Lyon"
    assert "knowsAbout" not in data
    assert "Membersonlyskill" not in json.dumps(data)


def test_json_ld_cannot_close_its_script_element(client):
    profile = ProfileFactory(headline="</script><script>alert(1)</script> & co")
    html = page(client, profile).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["jobTitle"] == "</script><script>alert(1)</script> & co"


# --- Content --------------------------------------------------------------------------------


def test_positions_at_one_employer_are_grouped_when_consecutive():
    positions = [
        Position(title="Lead", organization_name="Acme", start_date=date(2022, 1, 1)),
        Position(
            title="Dev",
            organization_name="ACME ",
            start_date=date(2019, 1, 1),
            end_date=date(2021, 12, 1),
        ),
        Position(
            title="Intern",
            organization_name="Other",
            start_date=date(2018, 1, 1),
            end_date=date(2018, 6, 1),
        ),
        Position(
            title="Trainee",
            organization_name="Acme",
            start_date=date(2017, 1, 1),
            end_date=date(2017, 6, 1),
        ),
    ]
    groups = group_positions(positions)
    assert [len(g.positions) for g in groups] == [2, 1, 1]
    assert groups[0].is_group and not groups[1].is_group


def test_grouped_positions_render_under_the_employer(client):
    profile = ProfileFactory()
    add_position(profile, "Lead developer", "Acme", date(2022, 1, 1))
    add_position(profile, "Developer", "Acme", date(2019, 1, 1), date(2021, 12, 1))
    html = page(client, profile).content.decode()
    assert html.count('<h3 class="timeline__title">Acme</h3>') == 1
    assert '<h4 class="timeline__role-title">Lead developer</h4>' in html
    assert '<h4 class="timeline__role-title">Developer</h4>' in html


def test_duration_label():
    assert duration_label(date(2020, 1, 1), date(2020, 3, 1)) == "3 months"
    assert duration_label(date(2020, 1, 1), date(2021, 1, 1)) == "1 year 1 month"
    assert duration_label(date(2020, 1, 1), date(2021, 12, 1)) == "2 years"


def test_pinned_skills_come_first(client):
    profile = ProfileFactory()
    add_skill(profile, "Zeta", position=0)
    add_skill(profile, "Pinnedskill", position=5, pinned=True)
    html = page(client, profile).content.decode()
    assert html.index("Pinnedskill") < html.index("Zeta")
    assert "skill--pinned" in html


def test_homonyms_are_told_apart_near_the_name(client):
    profile = ProfileFactory(headline="Infirmière", city="Brest", country="France")
    add_position(profile, "Infirmière", "CHU de Brest", date(2015, 1, 1))
    html = page(client, profile).content.decode()
    head = html[html.index('id="profile-name"') : html.index("profile-head__actions")]
    assert "Infirmière" in head and "CHU de Brest" in head and "Brest, France" in head


def test_user_text_is_escaped(client):
    profile = ProfileFactory(
        headline="<b>bold</b>", about="<script>alert(1)</script>", city="<i>x</i>"
    )
    ProfileLink.objects.create(profile=profile, kind="website", url="https://ex.org", label="<u>")
    SpokenLanguage.objects.create(profile=profile, name="<em>fr</em>")
    html = page(client, profile).content.decode()
    for raw in ("<b>bold</b>", "<script>alert(1)", "<i>x</i>", "<u>", "<em>fr</em>"):
        assert raw not in html


# --- Query count ----------------------------------------------------------------------------


def fill(profile, n: int) -> None:
    for i in range(n):
        add_position(
            profile, f"Role {i}", f"Org {i % 3}", date(2000 + i, 1, 1), date(2000 + i, 6, 1)
        )
        add_skill(profile, f"Skill {i}")
        Education.objects.create(profile=profile, school=f"School {i}")
        SpokenLanguage.objects.create(profile=profile, name=f"Lang {i}", position=i)
        ProfileLink.objects.create(profile=profile, kind="website", url=f"https://e{i}.org")
        ContactEntry.objects.create(
            profile=profile, kind="phone", value=f"+33 {i}", audience="public"
        )


# Anonymous: the profile, its seven lists, the verified work domains. Members add the session
# and themselves (with their profile, one join); the owner adds the "who viewed" count; another
# member's visit is recorded for "who viewed my profile" (one insert). The search-engine head is
# cut from the view already loaded. Constant whatever the number of items.
# The network on the page adds, for everyone: the endorsements of all skills (one query) and the
# recommendations shown (one).
# Members add the degree sets (one query on a cold cache), the viewer's invitations and follows
# with the member (the action buttons, two) and the member's connections-list setting (one); the
# owner their block set (cold cache), connection count, and what waits in recommendations (one),
# and the top bar's unread counts, notifications and conversations (cached, but each owner here
# loads their page for the first time).
# The degree and block sets are cached: on a warm cache a member's page does two fewer queries.
PAGE_QUERIES = {"owner": 19, "member": 17, "anonymous": 11}


@pytest.mark.parametrize("who", ["owner", "member", "anonymous"])
def test_page_renders_in_a_bounded_number_of_queries(client, who):
    small, large = ProfileFactory(), ProfileFactory()
    fill(small, 1)
    fill(large, 15)
    if who == "member":
        client.force_login(UserFactory())
    page(client, ProfileFactory())  # cached instance settings out of the way
    counts = []
    for profile in (small, large):
        if who == "owner":
            client.force_login(profile.member)
        with CaptureQueriesContext(connection) as queries:
            assert page(client, profile).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The pins count one query for a member's session (none when it is read from the cache).
    expected = PAGE_QUERIES[who] - (1 - session_read_queries() if who != "anonymous" else 0)
    assert counts[0] == expected, "\n".join(
        q["sql"][:90] for q in queries.captured_queries
    )


def test_page_query_count_is_pinned(client, django_assert_num_queries):
    profile = ProfileFactory()
    fill(profile, 15)
    page(client, profile)  # warm caches (instance settings)
    with django_assert_num_queries(PAGE_QUERIES["anonymous"]):
        page(client, profile)


# --- vCard, QR, sitemap --------------------------------------------------------------------


def test_vcard_download(client):
    profile = ProfileFactory(member__first_name="Jeanne", member__last_name="Martin")
    add_position(profile, "Engineer; lead", "Acme, SA", date(2021, 3, 1))
    ContactEntry.objects.create(profile=profile, kind="email", value="jm@ex.org", audience="public")
    ContactEntry.objects.create(profile=profile, kind="phone", value="+33 1", audience="only_me")
    response = client.get(f"/in/{profile.address}/vcard.vcf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert response["Content-Disposition"] == f'attachment; filename="{profile.address}.vcf"'
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "FN:Jeanne Martin\r\n" in text
    assert "N:Martin;Jeanne;;;\r\n" in text
    assert "TITLE:Engineer\\; lead\r\n" in text
    assert "ORG:Acme\\, SA\r\n" in text
    assert "EMAIL:jm@ex.org\r\n" in text
    assert "+33 1" not in text
    assert f"URL:{SITE_URL}/in/{profile.address}/\r\n" in text
    assert text.endswith("END:VCARD\r\n")
    assert "PHOTO:" not in text


def test_vcard_carries_the_photo(client):
    profile = ProfileFactory()
    profile.photo.name = "profiles/photos/jeanne.jpg"
    profile.save()
    text = client.get(f"/in/{profile.address}/vcard.vcf").content.decode()
    assert f"PHOTO:{SITE_URL}/media/profiles/photos/jeanne.jpg\r\n" in text


def test_vcard_escapes_and_folds():
    from maillage.profiles.vcard import escape_text, fold

    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "NOTE:" + "é" * 100
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_vcard_cannot_inject_properties(client):
    profile = ProfileFactory(headline="x")
    ContactEntry.objects.create(
        profile=profile, kind="phone", value="1\r\nEMAIL:evil@ex.org", audience="public"
    )
    text = client.get(f"/in/{profile.address}/vcard.vcf").content.decode()
    assert "\r\nEMAIL:evil" not in text


def test_qr_code_is_an_svg_of_the_public_address(client):
    profile = ProfileFactory()
    response = client.get(f"/in/{profile.address}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert body.startswith("<svg") and "<script" not in body


def test_sitemap_lists_public_profiles_on_the_site_url(client):
    shown = ProfileFactory()
    hidden = ProfileFactory(public_page=False)
    gone = ProfileFactory(member__is_active=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert f"<loc>{SITE_URL}/in/{shown.address}/</loc>" in xml
    assert f"/in/{hidden.address}/" not in xml
    assert f"/in/{gone.address}/" not in xml
