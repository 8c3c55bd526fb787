"""Skill endorsements: who may endorse, withdraw, see counts and lists; bad input changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.network.tests.factories import block, connect, member
from maillage.notifications.models import Kind, Notification
from maillage.profiles import endorsements as rules
from maillage.profiles.models import Endorsement, ProfileSkill, Skill, skill_key

pytestmark = pytest.mark.django_db


def add_skill(profile, name, **kwargs) -> ProfileSkill:
    skill, _ = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
    return ProfileSkill.objects.create(profile=profile, skill=skill, **kwargs)


def endorse_url(profile, skill, action="endorse"):
    return f"/in/{profile.address}/skills/{skill.pk}/{action}/"


@pytest.fixture
def world():
    """The owner, a connection, a 2nd-degree member, a stranger, a blocked member."""
    owner = member(member__first_name="Olivia", member__last_name="Owner")
    friend = member(member__first_name="Fanny", member__last_name="Friend")
    second = member(member__first_name="Sam", member__last_name="Second")
    stranger = member(member__first_name="Stan", member__last_name="Stranger")
    blocked = member(member__first_name="Bob", member__last_name="Blocked")
    connect(owner, friend)
    connect(friend, second)
    connect(owner, blocked)
    block(owner, blocked)
    python = add_skill(owner.profile, "Python")
    return {
        "owner": owner,
        "connection": friend,
        "second": second,
        "stranger": stranger,
        "blocked": blocked,
        "skill": python,
        "profile": owner.profile,
    }


# --- Endorsing: the authorization matrix -----------------------------------------------------


def test_a_connection_endorses_once_and_the_owner_is_notified(client, world):
    client.force_login(world["connection"])
    response = client.post(endorse_url(world["profile"], world["skill"].skill))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/in/{world['profile'].address}/#skills")
    client.post(endorse_url(world["profile"], world["skill"].skill))  # twice: still one
    assert Endorsement.objects.filter(profile_skill=world["skill"]).count() == 1
    note = Notification.objects.get(recipient=world["owner"], kind=Kind.ENDORSEMENT)
    assert note.actor_id == world["connection"].pk
    assert note.data["skill"] == "Python"


@pytest.mark.parametrize("who", ["owner", "second", "stranger"])
def test_others_cannot_endorse_and_get_a_message(client, world, who):
    client.force_login(world[who])
    response = client.post(endorse_url(world["profile"], world["skill"].skill), follow=True)
    assert response.status_code == 200
    assert not Endorsement.objects.exists()
    assert not Notification.objects.filter(kind=Kind.ENDORSEMENT).exists()
    text = response.content.decode()
    assert "yourself" in text or "own skills" in text or "1st-degree connections" in text


def test_blocked_member_gets_404_and_nothing_changes(client, world):
    client.force_login(world["blocked"])
    response = client.post(endorse_url(world["profile"], world["skill"].skill))
    assert response.status_code == 404
    assert not Endorsement.objects.exists()


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.post(endorse_url(world["profile"], world["skill"].skill))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]
    assert not Endorsement.objects.exists()


def test_endorse_needs_a_post(client, world):
    client.force_login(world["connection"])
    assert client.get(endorse_url(world["profile"], world["skill"].skill)).status_code == 405


def test_a_skill_the_member_does_not_list_changes_nothing(client, world):
    other = Skill.objects.create(key="cobol", name="COBOL")
    client.force_login(world["connection"])
    response = client.post(endorse_url(world["profile"], other), follow=True)
    assert "does not list this skill" in response.content.decode()
    assert not Endorsement.objects.exists()
    response = client.post(f"/in/{world['profile'].address}/skills/999999/endorse/", follow=True)
    assert not Endorsement.objects.exists()


def test_skills_kept_for_only_me_cannot_be_endorsed(world):
    profile = world["profile"]
    profile.skills_audience = "only_me"
    profile.save()
    with pytest.raises(ValidationError):
        rules.skill_endorse(
            endorser=world["connection"], profile=profile, skill_id=world["skill"].skill_id
        )
    assert not Endorsement.objects.exists()


def test_hidden_endorsements_cannot_be_added(world):
    profile = world["profile"]
    profile.endorsements_hidden = True
    profile.save()
    with pytest.raises(ValidationError, match="does not show endorsements"):
        rules.skill_endorse(
            endorser=world["connection"], profile=profile, skill_id=world["skill"].skill_id
        )


def test_unknown_address_is_404(client, world):
    client.force_login(world["connection"])
    assert client.post("/in/nobody-here/skills/1/endorse/").status_code == 404


# --- Withdrawing ------------------------------------------------------------------------------


def test_the_endorser_withdraws_and_others_cannot_touch_it(client, world):
    rules.skill_endorse(
        endorser=world["connection"], profile=world["profile"], skill_id=world["skill"].skill_id
    )
    for who in ("second", "stranger", "owner"):
        client.force_login(world[who])
        client.post(endorse_url(world["profile"], world["skill"].skill, "unendorse"))
        assert Endorsement.objects.count() == 1, who
    client.force_login(world["blocked"])
    response = client.post(endorse_url(world["profile"], world["skill"].skill, "unendorse"))
    assert response.status_code == 404
    assert Endorsement.objects.count() == 1
    client.logout()
    client.post(endorse_url(world["profile"], world["skill"].skill, "unendorse"))
    assert Endorsement.objects.count() == 1
    client.force_login(world["connection"])
    response = client.post(endorse_url(world["profile"], world["skill"].skill, "unendorse"))
    assert response.status_code == 302
    assert not Endorsement.objects.exists()


def test_htmx_endorse_returns_the_skill_row_in_place(client, world):
    client.force_login(world["connection"])
    response = client.post(
        endorse_url(world["profile"], world["skill"].skill), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="endorse-item' in html
    assert "Endorsed" in html and 'aria-pressed="true"' in html
    assert "Endorsed by Fanny Friend" in html
    response = client.post(
        endorse_url(world["profile"], world["skill"].skill, "unendorse"),
        headers={"HX-Request": "true"},
    )
    assert 'aria-pressed="false"' in response.content.decode()


def test_htmx_refusal_redraws_the_row_with_the_message(client, world):
    client.force_login(world["stranger"])
    response = client.post(
        endorse_url(world["profile"], world["skill"].skill), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="endorse-item__error" role="alert"' in html
    assert "1st-degree" in html
    assert not Endorsement.objects.exists()
    unknown = Skill.objects.create(key="fortran", name="Fortran")
    client.force_login(world["connection"])
    response = client.post(endorse_url(world["profile"], unknown), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "does not list this skill" in response.content.decode()


# --- What the skills section shows ----------------------------------------------------------


def _endorsed_by(profile_skill, *people):
    for person in people:
        Endorsement.objects.create(profile_skill=profile_skill, endorser=person)


def test_viewers_connections_come_first_then_others(world):
    """ "Endorsed by A, B and n others": the viewer's own connections are named first."""
    owner, viewer = world["owner"], world["second"]
    others = [member() for _ in range(4)]
    for person in others:
        connect(owner, person)
    close = member(member__first_name="Claire", member__last_name="Close")
    connect(owner, close)
    connect(viewer, close)
    # Claire endorsed first (the oldest), the others after: without the rule she would be last.
    _endorsed_by(world["skill"], close, *others)
    found = rules.endorsements_for_skills(viewer, world["profile"], [world["skill"]])
    entry = found[world["skill"].pk]
    assert entry.count == 5
    assert entry.named[0] == close
    assert entry.others == 3
    # For a viewer with no connection among them: newest first.
    plain = rules.endorsements_for_skills(world["stranger"], world["profile"], [world["skill"]])
    assert plain[world["skill"].pk].named[0] == others[-1]


def test_blocked_endorsers_never_appear_and_are_not_counted(world):
    viewer = world["stranger"]
    endorser = member()
    connect(world["owner"], endorser)
    _endorsed_by(world["skill"], endorser, world["connection"])
    block(viewer, endorser)
    entry = rules.endorsements_for_skills(viewer, world["profile"], [world["skill"]])[
        world["skill"].pk
    ]
    assert entry.count == 1
    assert entry.named == [world["connection"]]
    page = rules.skill_endorsers_page(viewer, world["skill"])
    assert page.people == [world["connection"]]


def test_hidden_endorsements_only_the_owner_sees_counts(client, world):
    _endorsed_by(world["skill"], world["connection"])
    profile = world["profile"]
    profile.endorsements_hidden = True
    profile.save()
    url = f"/in/{profile.address}/"
    endorsers = f"/in/{profile.address}/skills/{world['skill'].skill_id}/endorsements/"
    for who in ("connection", "second", "stranger"):
        client.force_login(world[who])
        html = client.get(url).content.decode()
        assert "Endorsed by" not in html, who
        assert "Endorse</button>" not in html.replace("\n", ""), who
        assert client.get(endorsers).status_code == 404, who
    client.logout()
    assert "Endorsed by" not in client.get(url).content.decode()
    client.force_login(world["owner"])
    html = client.get(url).content.decode()
    assert "Endorsed by Fanny Friend" in html
    assert "Endorsements are hidden" in html
    assert client.get(endorsers).status_code == 200


def test_owner_hides_and_shows_endorsements(client, world):
    client.force_login(world["owner"])
    response = client.post("/profile/endorsements/visibility/", {"hidden": "1"})
    assert response.status_code == 302
    world["profile"].refresh_from_db()
    assert world["profile"].endorsements_hidden
    client.post("/profile/endorsements/visibility/", {"hidden": "0"})
    world["profile"].refresh_from_db()
    assert not world["profile"].endorsements_hidden
    client.post("/profile/endorsements/visibility/", {"hidden": "maybe"})
    world["profile"].refresh_from_db()
    assert not world["profile"].endorsements_hidden


def test_visibility_switch_changes_only_ones_own_profile(client, world):
    client.force_login(world["connection"])
    client.post("/profile/endorsements/visibility/", {"hidden": "1"})
    world["profile"].refresh_from_db()
    assert not world["profile"].endorsements_hidden
    world["connection"].profile.refresh_from_db()
    assert world["connection"].profile.endorsements_hidden
    client.logout()
    response = client.post("/profile/endorsements/visibility/", {"hidden": "0"})
    assert response.status_code == 302
    world["connection"].profile.refresh_from_db()
    assert world["connection"].profile.endorsements_hidden


def test_profile_page_shows_toggle_only_to_connections(client, world):
    _endorsed_by(world["skill"], world["stranger"])  # an old endorsement still counts
    url = f"/in/{world['profile'].address}/"
    client.force_login(world["connection"])
    html = client.get(url).content.decode()
    assert endorse_url(world["profile"], world["skill"].skill) in html
    assert "Endorsed by Stan Stranger" in html
    for who in ("second", "stranger"):
        client.force_login(world[who])
        html = client.get(url).content.decode()
        assert endorse_url(world["profile"], world["skill"].skill) not in html, who
        assert "Endorsed by Stan Stranger" in html, who
    client.force_login(world["owner"])
    assert (
        endorse_url(world["profile"], world["skill"].skill) not in client.get(url).content.decode()
    )
    client.force_login(world["blocked"])
    assert client.get(url).status_code == 404


# --- The list of endorsers -------------------------------------------------------------------


def test_endorsers_list_matrix(client, world):
    _endorsed_by(world["skill"], world["connection"])
    url = f"/in/{world['profile'].address}/skills/{world['skill'].skill_id}/endorsements/"
    for who in ("owner", "connection", "second", "stranger"):
        client.force_login(world[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert "Fanny Friend" in response.content.decode()
    client.force_login(world["blocked"])
    assert client.get(url).status_code == 404
    client.logout()
    # Anonymous: the page is public and skills are shown to the public by default.
    assert client.get(url).status_code == 200
    world["profile"].public_page = False
    world["profile"].save()
    assert client.get(url).status_code == 404
    unknown = f"/in/{world['profile'].address}/skills/999999/endorsements/"
    client.force_login(world["connection"])
    assert client.get(unknown).status_code == 404


def test_endorsers_list_is_paginated_connections_first(client, world):
    viewer = world["second"]
    people = [member() for _ in range(25)]
    for person in people:
        connect(world["owner"], person)
    connect(viewer, people[0])
    _endorsed_by(world["skill"], *people)
    client.force_login(viewer)
    url = f"/in/{world['profile'].address}/skills/{world['skill'].skill_id}/endorsements/"
    first = client.get(url).context["page"]
    assert first.total == 25 and first.has_more and len(first.people) == 20
    assert first.people[0] == people[0]
    second = client.get(url + "?page=2").context["page"]
    assert len(second.people) == 5 and not second.has_more
    assert not set(first.people) & set(second.people)


@pytest.mark.parametrize("count", [1, 12])
def test_endorsers_list_query_count_is_constant(client, world, count, django_assert_num_queries):
    people = [member() for _ in range(count)]
    for person in people:
        connect(world["owner"], person)
    _endorsed_by(world["skill"], *people)
    client.force_login(world["second"])
    url = f"/in/{world['profile'].address}/skills/{world['skill'].skill_id}/endorsements/"
    client.get(url)  # warm the degree caches
    # session, user, profile, the skill, the (skill, endorser) pairs, the page's people (with
    # their profiles); degrees, blocks and the top bar's unread count come from the cache.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_the_notification_points_at_the_endorsement(world):
    endorsement = rules.skill_endorse(
        endorser=world["connection"], profile=world["profile"], skill_id=world["skill"].skill_id
    )
    note = Notification.objects.get(kind=Kind.ENDORSEMENT)
    assert (note.target_type, note.target_id) == ("profiles.endorsement", endorsement.pk)
