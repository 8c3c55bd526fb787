"""The network on the profile page: degree badge, connection count, mutual connections (and their
list page), the viewer's buttons, and query counts that do not grow with the network."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.network import selectors as network_selectors
from maillage.network.models import ConnectionsVisibility, NetworkSettings
from maillage.network.tests.factories import block, connect, member, session_read_queries
from maillage.profiles import recommendations as rec
from maillage.profiles.models import Endorsement, ProfileSkill, Recommendation, Skill, skill_key

pytestmark = pytest.mark.django_db


def page(client, person, suffix=""):
    return client.get(f"/in/{person.profile.address}/{suffix}")


def text_of(html: str) -> str:
    """The visible text, roughly: tags out, whitespace folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def world():
    owner = member(member__first_name="Olivia", member__last_name="Owner")
    friend = member(member__first_name="Fanny", member__last_name="Friend")
    second = member(member__first_name="Sam", member__last_name="Second")
    stranger = member(member__first_name="Stan", member__last_name="Stranger")
    blocked = member(member__first_name="Bob", member__last_name="Blocked")
    connect(owner, friend)
    connect(friend, second)
    block(owner, blocked)
    return {
        "owner": owner,
        "connection": friend,
        "second": second,
        "stranger": stranger,
        "blocked": blocked,
    }


# --- Degree, connections, actions ------------------------------------------------------------


def test_degree_badge_for_each_viewer(client, world):
    expected = {"connection": "1st", "second": "2nd", "stranger": "3rd+"}
    for who, label in expected.items():
        client.force_login(world[who])
        html = page(client, world["owner"]).content.decode()
        heading = re.search(r'<h1 class="profile-head__name".*?</h1>', html, re.S).group(0)
        assert f"degree--{ {'1st': 1, '2nd': 2, '3rd+': 3}[label] }" in heading, who
        assert label in heading, who
    client.force_login(world["owner"])
    html = page(client, world["owner"]).content.decode()
    assert 'class="degree' not in re.search(r"<h1.*?</h1>", html, re.S).group(0)
    client.logout()
    html = page(client, world["owner"]).content.decode()
    assert 'class="degree' not in re.search(r"<h1.*?</h1>", html, re.S).group(0)


def test_connection_count_for_members_only(client, world):
    client.force_login(world["stranger"])
    assert "1 connection" in text_of(page(client, world["owner"]).content.decode())
    client.logout()
    assert "connection" not in text_of(page(client, world["owner"]).content.decode()).lower()


def test_more_than_500_connections_reads_500_plus(client, world, monkeypatch):
    monkeypatch.setattr(network_selectors, "connection_count", lambda member_id: 501)
    client.force_login(world["stranger"])
    assert "500+ connections" in text_of(page(client, world["owner"]).content.decode())
    monkeypatch.setattr(network_selectors, "connection_count", lambda member_id: 500)
    assert "500 connections" in text_of(page(client, world["owner"]).content.decode())


def test_connections_link_follows_the_members_setting(client, world, monkeypatch):
    calls = []

    def may_see(viewer, member):
        calls.append(viewer.pk)
        return viewer.pk == world["connection"].pk

    monkeypatch.setattr(network_selectors, "may_see_connections_of", may_see)
    monkeypatch.setattr(
        "maillage.profiles.views._connections_list_url", lambda profile: "/the-list/"
    )
    client.force_login(world["connection"])
    assert 'href="/the-list/"' in page(client, world["owner"]).content.decode()
    client.force_login(world["stranger"])
    assert 'href="/the-list/"' not in page(client, world["owner"]).content.decode()
    assert calls


def test_only_me_connections_setting_hides_the_link_but_not_the_count(client, world):
    NetworkSettings.objects.update_or_create(
        member=world["owner"],
        defaults={"connections_visibility": ConnectionsVisibility.ONLY_ME},
    )
    client.force_login(world["connection"])
    html = page(client, world["owner"]).content.decode()
    assert "1 connection" in text_of(html)


def test_action_buttons_for_members_not_for_owner_or_visitors(client, world):
    client.force_login(world["stranger"])
    html = page(client, world["owner"]).content.decode()
    assert 'class="person-actions"' in html
    assert "Connect" in html
    client.force_login(world["connection"])
    html = page(client, world["owner"]).content.decode()
    assert "Connected" in html
    assert f"/in/{world['owner'].profile.address}/recommend/" in html
    client.force_login(world["second"])
    assert "/recommend/" not in page(client, world["owner"]).content.decode()
    client.force_login(world["owner"])
    assert 'class="person-actions"' not in page(client, world["owner"]).content.decode()
    client.logout()
    assert 'class="person-actions"' not in page(client, world["owner"]).content.decode()


def test_previews_show_no_buttons_and_no_mutual(client, world):
    client.force_login(world["owner"])
    for mode in ("public", "member"):
        html = page(client, world["owner"], f"?view_as={mode}").content.decode()
        assert 'class="person-actions"' not in html
        assert "mutual" not in text_of(html).lower()


# --- Mutual connections -------------------------------------------------------------------------


def named(first):
    return member(member__first_name=first, member__last_name="M")


def test_mutual_sentence_names_the_viewers_closest_first(client, world):
    owner, viewer = world["owner"], world["stranger"]
    alice, bob, carol = named("Alice"), named("Bob"), named("Carol")
    extra = [named(f"Extra{i}") for i in range(3)]
    for person in (alice, bob, carol, *extra):
        connect(owner, person)
        connect(viewer, person)
    # Carol is the one the viewer's circle knows best: she shares two more with the viewer.
    for other in (alice, bob):
        connect(carol, other)
    client.force_login(viewer)
    text = text_of(page(client, owner).content.decode())
    assert "Carol M," in text
    assert re.search(r"Carol M, \w+ M and 4 other mutual connections", text), text
    assert f"/in/{owner.profile.address}/mutual/" in page(client, owner).content.decode()


def test_mutual_sentence_small_numbers(client, world):
    owner, viewer = world["owner"], world["stranger"]
    alice = named("Alice")
    connect(owner, alice)
    connect(viewer, alice)
    client.force_login(viewer)
    assert "Alice M is a mutual connection" in text_of(page(client, owner).content.decode())
    bob = named("Bob")
    connect(owner, bob)
    connect(viewer, bob)
    text = text_of(page(client, owner).content.decode())
    assert re.search(r"(Alice|Bob) M and (Alice|Bob) M are mutual connections", text), text


def test_mutual_leaves_blocked_people_out(client, world):
    owner, viewer = world["owner"], world["stranger"]
    alice, eve = named("Alice"), named("Eve")
    for person in (alice, eve):
        connect(owner, person)
        connect(viewer, person)
    block(viewer, eve)
    client.force_login(viewer)
    text = text_of(page(client, owner).content.decode())
    assert "Alice M is a mutual connection" in text
    assert "Eve M" not in text_of(page(client, owner, "mutual/").content.decode())


def test_mutual_page_matrix(client, world):
    url_owner = world["owner"]
    client.logout()
    assert page(client, url_owner, "mutual/").status_code == 404
    client.force_login(world["owner"])
    assert page(client, url_owner, "mutual/").status_code == 404
    client.force_login(world["blocked"])
    assert page(client, url_owner, "mutual/").status_code == 404
    for who in ("connection", "second", "stranger"):
        client.force_login(world[who])
        assert page(client, url_owner, "mutual/").status_code == 200, who
    client.force_login(world["second"])
    assert "Fanny Friend" in page(client, url_owner, "mutual/").content.decode()


def test_mutual_page_is_paginated_closest_first(client, world):
    owner, viewer = world["owner"], world["stranger"]
    people = [named(f"P{i}") for i in range(23)]
    for person in people:
        connect(owner, person)
        connect(viewer, person)
    closest = people[17]
    for other in people[:3]:
        connect(closest, other)
    client.force_login(viewer)
    first = page(client, owner, "mutual/")
    assert first.context["total"] == 23 and first.context["has_more"]
    assert first.context["people"][0] == closest
    assert len(first.context["people"]) == 20
    second = page(client, owner, "mutual/?page=2")
    assert len(second.context["people"]) == 3 and not second.context["has_more"]
    assert page(client, owner, "mutual/?page=abc").status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_mutual_page_query_count_is_constant(client, world, count, django_assert_num_queries):
    owner, viewer = world["owner"], world["stranger"]
    for i in range(count):
        person = named(f"Q{i}")
        connect(owner, person)
        connect(viewer, person)
    client.force_login(viewer)
    page(client, owner, "mutual/")  # warm the degree caches
    # session, user, profile, the page's people (with their profiles); degrees, mutual
    # connections and the top bar's unread count come from the cache.
    with django_assert_num_queries(3 + session_read_queries()):
        assert page(client, owner, "mutual/").status_code == 200


# --- The page's query count does not grow with the network -----------------------------------


def grow(owner, n: int) -> None:
    """n skills each endorsed by n connections, n visible recommendations, n mutual connections."""
    viewer_friends = []
    for i in range(n):
        skill, _ = Skill.objects.get_or_create(
            key=skill_key(f"Skill {i}"), defaults={"name": f"Skill {i}"}
        )
        ProfileSkill.objects.create(profile=owner.profile, skill=skill, position=i)
    people = [member() for _ in range(n)]
    for person in people:
        connect(owner, person)
        viewer_friends.append(person)
        rec.recommendation_write(
            author=person, recipient=owner, relationship="client", body="Good."
        )
    Recommendation.objects.filter(recipient=owner).update(status=Recommendation.Status.VISIBLE)
    Endorsement.objects.bulk_create(
        [
            Endorsement(profile_skill=ps, endorser=person)
            for ps in ProfileSkill.objects.filter(profile=owner.profile)
            for person in people
        ]
    )
    return viewer_friends


@pytest.mark.parametrize("who", ["connection", "stranger", "owner", "anonymous"])
def test_profile_page_queries_constant_in_skills_endorsements_recommendations(client, who):
    counts = []
    for n in (1, 8):
        owner = member()
        friends = grow(owner, n)
        viewer = None
        if who == "connection":
            viewer = friends[0]
        elif who == "stranger":
            viewer = member()
            for person in friends:
                connect(viewer, person)  # n mutual connections
        elif who == "owner":
            viewer = owner
        if viewer is not None:
            client.force_login(viewer)
        else:
            client.logout()
        page(client, owner)  # warm the degree caches and instance settings
        with CaptureQueriesContext(connection) as queries:
            response = page(client, owner)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_profile_page_shows_the_endorsements_in_the_skills_section(client, world):
    owner = world["owner"]
    skill, _ = Skill.objects.get_or_create(key="python", defaults={"name": "Python"})
    ps = ProfileSkill.objects.create(profile=owner.profile, skill=skill)
    Endorsement.objects.create(profile_skill=ps, endorser=world["connection"])
    client.force_login(world["second"])
    html = page(client, owner).content.decode()
    assert "Endorsed by Fanny Friend" in text_of(html)
    assert "1 endorsement" in text_of(html)
