"""The network pages and the actions on a person: who may do what, bad input, htmx and plain
posts, and pinned query counts that do not grow with the number of rows."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.network import services
from maillage.network.models import (
    Block,
    Connection,
    ConnectionsVisibility,
    Follow,
    Invitation,
    Mute,
    NetworkSettings,
)

from .factories import block, connect, follow, invite, member, mute, session_read_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state():
    return (
        sorted(Invitation.objects.values_list("sender_id", "recipient_id", "status")),
        sorted(Connection.objects.values_list("member_id", "other_id")),
        sorted(Follow.objects.values_list("follower_id", "followed_id")),
        sorted(Block.objects.values_list("blocker_id", "blocked_id")),
        sorted(Mute.objects.values_list("muter_id", "muted_id")),
    )


# --- Actions: login, method, unknown ids ------------------------------------------------------

PERSON_ACTIONS = ["network_invite", "connection_remove", "follow", "unfollow", "block", "unblock",
                  "mute", "unmute"]
INVITATION_ACTIONS = ["invitation_accept", "invitation_ignore", "invitation_withdraw"]


@pytest.mark.parametrize("name", PERSON_ACTIONS + INVITATION_ACTIONS)
def test_every_action_requires_login_and_post(client, name):
    a, b = member(), member()
    invitation = invite(b, a)
    target = invitation.public_id if name in INVITATION_ACTIONS else b.public_id
    url = reverse(name, args=[target])
    before = state()
    response = client.post(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    client.force_login(a)
    assert client.get(url).status_code == 405
    assert state() == before


@pytest.mark.parametrize("name", PERSON_ACTIONS + INVITATION_ACTIONS)
def test_unknown_ids_are_404(client, name):
    client.force_login(member())
    assert client.post(reverse(name, args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("name", ["network_invite", "follow", "mute", "connection_remove"])
def test_actions_across_a_block_are_404_either_way(client, name):
    a, b, c = member(), member(), member()
    block(a, b)
    block(c, a)
    client.force_login(a)
    before = state()
    assert client.post(reverse(name, args=[b.public_id])).status_code == 404
    assert client.post(reverse(name, args=[c.public_id])).status_code == 404
    assert state() == before


def test_blocking_someone_who_blocked_you_is_404(client):
    a, b = member(), member()
    block(b, a)
    client.force_login(a)
    assert client.post(reverse("block", args=[b.public_id])).status_code == 404
    assert not Block.objects.filter(blocker=a).exists()


# --- Invite -----------------------------------------------------------------------------------


def test_invite_with_a_note_redirects_back_with_a_message(client):
    a, b = member(), member()
    client.force_login(a)
    response = client.post(
        reverse("network_invite", args=[b.public_id]), {"note": "We met in Lyon.", "next": "/members/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    invitation = Invitation.objects.get(sender=a, recipient=b)
    assert invitation.note == "We met in Lyon."
    assert flash(response) == [f"Invitation sent to {b.get_full_name()}."]


def test_a_note_too_long_is_refused_with_a_clear_message(client):
    a, b = member(), member()
    client.force_login(a)
    response = client.post(reverse("network_invite", args=[b.public_id]), {"note": "x" * 301})
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert "300 characters at most" in flash(response)[0]
    response = client.post(
        reverse("network_invite", args=[b.public_id]), {"note": "x" * 301}, **HTMX
    )
    assert response.status_code == 200
    assert "300 characters at most" in response.content.decode()
    assert not Invitation.objects.exists()


def test_service_errors_are_shown_and_change_nothing(client):
    a, b = member(), member()
    invite(a, b)
    client.force_login(a)
    before = state()
    response = client.post(reverse("network_invite", args=[b.public_id]))
    assert flash(response) == ["You have already invited this member."]
    assert state() == before
    response = client.post(reverse("network_invite", args=[a.public_id]))
    assert flash(response)[-1] == "You cannot invite yourself."
    assert state() == before


def test_next_must_stay_on_this_site(client):
    a, b = member(), member()
    client.force_login(a)
    response = client.post(
        reverse("follow", args=[b.public_id]), {"next": "https://evil.example/steal"}
    )
    assert response["Location"] == reverse("profile", args=[b.profile.address])
    assert Follow.objects.filter(follower=a, followed=b).exists()


def test_htmx_answers_with_the_refreshed_actions_fragment(client):
    a, b = member(), member()
    client.force_login(a)
    response = client.post(reverse("network_invite", args=[b.public_id]), {"note": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="person-actions"')
    assert "Pending" in html and "Withdraw" in html
    assert 'hx-target="closest .person-actions"' in html
    assert f"Invitation sent to {b.get_full_name()}." in html
    assert "<html" not in html


# --- Invitations: authorization matrix --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actor", "allowed"),
    [
        ("invitation_accept", "recipient", True),
        ("invitation_accept", "sender", False),
        ("invitation_accept", "stranger", False),
        ("invitation_ignore", "recipient", True),
        ("invitation_ignore", "sender", False),
        ("invitation_ignore", "stranger", False),
        ("invitation_withdraw", "sender", True),
        ("invitation_withdraw", "recipient", False),
        ("invitation_withdraw", "stranger", False),
    ],
)
def test_invitation_authorization(client, name, actor, allowed):
    people = {"sender": member(), "recipient": member(), "stranger": member()}
    invitation = invite(people["sender"], people["recipient"])
    client.force_login(people[actor])
    before = state()
    response = client.post(reverse(name, args=[invitation.public_id]))
    invitation.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        expected = {
            "invitation_accept": Invitation.Status.ACCEPTED,
            "invitation_ignore": Invitation.Status.IGNORED,
            "invitation_withdraw": Invitation.Status.WITHDRAWN,
        }[name]
        assert invitation.status == expected
    else:
        assert response.status_code == 404
        assert state() == before


def test_accept_connects_and_says_so(client):
    a, b = member(), member()
    invitation = invite(a, b)
    client.force_login(b)
    response = client.post(reverse("invitation_accept", args=[invitation.public_id]), **HTMX)
    assert "Connected" in response.content.decode()
    assert Connection.objects.filter(member=a, other=b).exists()


def test_answering_twice_shows_a_message_and_changes_nothing(client):
    a, b = member(), member()
    invitation = invite(a, b)
    services.invitation_ignore(member=b, invitation=invitation)
    client.force_login(b)
    before = state()
    response = client.post(reverse("invitation_accept", args=[invitation.public_id]))
    assert flash(response) == ["This invitation is no longer pending."]
    assert state() == before


# --- Other actions ----------------------------------------------------------------------------


def test_remove_follow_block_mute_round_trip(client):
    a, b = member(), member()
    connect(a, b)
    client.force_login(a)
    client.post(reverse("unfollow", args=[b.public_id]))
    assert Connection.objects.filter(member=a, other=b).exists()
    assert not Follow.objects.filter(follower=a, followed=b).exists()
    client.post(reverse("connection_remove", args=[b.public_id]))
    assert not Connection.objects.filter(member__in=[a, b]).exists()
    response = client.post(reverse("connection_remove", args=[b.public_id]))
    assert flash(response)[-1] == "You are not connected with this member."
    client.post(reverse("mute", args=[b.public_id]))
    assert Mute.objects.filter(muter=a, muted=b).exists()
    response = client.post(reverse("block", args=[b.public_id]), **HTMX)
    assert "Unblock" in response.content.decode()
    assert Block.objects.filter(blocker=a, blocked=b).exists()
    client.post(reverse("unmute", args=[b.public_id]))
    assert not Mute.objects.exists()
    client.post(reverse("unblock", args=[b.public_id]))
    assert not Block.objects.exists()


def test_unblock_and_unmute_of_someone_not_blocked_or_muted_is_404(client):
    a, b = member(), member()
    block(b, a)
    client.force_login(a)
    assert client.post(reverse("unblock", args=[b.public_id])).status_code == 404
    assert client.post(reverse("unmute", args=[b.public_id])).status_code == 404
    assert Block.objects.filter(blocker=b, blocked=a).exists()


# --- The actions fragment ---------------------------------------------------------------------


def test_actions_fragment_states(client):
    me, friend, invited, inviter, other, followed = (member() for _i in range(6))
    connect(me, friend)
    invite(me, invited)
    invite(inviter, me)
    follow(me, followed)
    mute(me, other)
    client.force_login(me)

    def actions(person):
        response = client.post(reverse("follow", args=[person.public_id]), **HTMX)
        services.follow_remove(follower=me, followed=person)
        return response.content.decode()

    assert "Connected" in actions(friend) and "Remove connection" in actions(friend)
    assert "Withdraw" in actions(invited)
    html = actions(inviter)
    assert "Accept" in html and "Ignore" in html
    html = actions(other)
    assert "Connect" in html and "Unmute" in html and "Block" in html
    # Anyone reachable can be written to (a message request when not a connection).
    assert reverse("message_new") + f"?to={other.public_id}" in html


def test_no_actions_for_oneself_or_visitors(client, rf):
    from django.template.loader import render_to_string

    from maillage.network.selectors import people_for_viewer

    a, b = member(), member()
    people_for_viewer(a, [a, b], relationships=True)
    request = rf.get("/")
    request.user = a
    assert "person-actions" not in render_to_string(
        "includes/person_actions.html", {"member": a, "user": a}, request=request
    )
    assert "person-actions" in render_to_string(
        "includes/person_actions.html", {"member": b, "user": a}, request=request
    )
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert "person-actions" not in render_to_string(
        "includes/person_actions.html", {"member": b, "user": request.user}, request=request
    )


# --- Lists: member_connections ----------------------------------------------------------------


@pytest.fixture
def circle():
    owner, friend, second, stranger, blocked = (member() for _i in range(5))
    connect(owner, friend)
    connect(friend, second)
    connect(owner, blocked)
    block(blocked, owner)
    return {"owner": owner, "friend": friend, "second": second, "stranger": stranger,
            "blocked": blocked}


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("owner", 302), ("friend", 200), ("second", 404), ("stranger", 404), ("blocked", 404),
     ("anonymous", 404)],
)
def test_member_connections_matrix(client, circle, viewer, status):
    if viewer != "anonymous":
        client.force_login(circle[viewer])
    url = reverse("member_connections", args=[circle["owner"].profile.address])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert circle["friend"].get_full_name() in html


@pytest.mark.parametrize(("viewer", "status"), [("owner", 302), ("friend", 404)])
def test_member_connections_only_me(client, circle, viewer, status):
    services.network_settings_update(
        member=circle["owner"], connections_visibility=ConnectionsVisibility.ONLY_ME
    )
    client.force_login(circle[viewer])
    url = reverse("member_connections", args=[circle["owner"].profile.address])
    assert client.get(url).status_code == status


def test_member_connections_leave_out_people_blocked_by_the_viewer(client):
    owner, viewer, hidden, shown = member(), member(), member(), member()
    for person in (viewer, hidden, shown):
        connect(owner, person)
    block(viewer, hidden)
    client.force_login(viewer)
    html = client.get(reverse("member_connections", args=[owner.profile.address])).content.decode()
    assert shown.get_full_name() in html
    assert hidden.get_full_name() not in html


# --- Own lists --------------------------------------------------------------------------------


def test_connections_search_and_sort(client):
    me = member()
    alice = member(member__first_name="Élodie", member__last_name="Zola")
    bob = member(member__first_name="Bruno", member__last_name="Abel")
    connect(me, alice)
    connect(me, bob)
    client.force_login(me)
    html = client.get(reverse("network_connections"), {"q": "elodie"}).content.decode()
    assert "Zola" in html and "Abel" not in html
    html = client.get(reverse("network_connections"), {"sort": "name"}).content.decode()
    assert html.index("Abel") < html.index("Zola")


def test_connections_are_paginated(client):
    me = member()
    for _i in range(21):
        connect(me, member())
    client.force_login(me)
    first = client.get(reverse("network_connections"))
    assert len(first.context["page"].people) == 20 and first.context["page"].has_more
    second = client.get(reverse("network_connections"), {"page": 2})
    assert len(second.context["page"].people) == 1 and not second.context["page"].has_more


def test_invitations_tabs_show_the_note(client):
    me, inviter, invited = member(), member(), member()
    invite(inviter, me, note="We met at the conference.")
    invite(me, invited)
    client.force_login(me)
    received = client.get(reverse("network_invitations")).content.decode()
    assert "We met at the conference." in received and inviter.get_full_name() in received
    sent = client.get(reverse("network_invitations"), {"tab": "sent"}).content.decode()
    assert invited.get_full_name() in sent and "Withdraw" in sent


def test_followers_tabs(client):
    me, fan, idol = member(), member(), member()
    follow(fan, me)
    follow(me, idol)
    client.force_login(me)
    followers = client.get(reverse("network_followers")).content.decode()
    assert fan.get_full_name() in followers and idol.get_full_name() not in followers
    following = client.get(reverse("network_followers"), {"tab": "following"}).content.decode()
    assert idol.get_full_name() in following and fan.get_full_name() not in following


def test_settings_saves_visibility_and_lists_blocked_and_muted(client):
    me, blocked_one, muted_one = member(), member(), member()
    block(me, blocked_one)
    mute(me, muted_one)
    client.force_login(me)
    html = client.get(reverse("network_settings")).content.decode()
    assert blocked_one.get_full_name() in html and muted_one.get_full_name() in html
    assert reverse("unblock", args=[blocked_one.public_id]) in html
    assert reverse("unmute", args=[muted_one.public_id]) in html
    response = client.post(reverse("network_settings"), {"connections_visibility": "only_me"})
    assert response.status_code == 302
    assert NetworkSettings.objects.get(member=me).connections_visibility == "only_me"
    response = client.post(reverse("network_settings"), {"connections_visibility": "everyone"})
    assert response.status_code == 200
    assert NetworkSettings.objects.get(member=me).connections_visibility == "only_me"


@pytest.mark.parametrize(
    "name",
    ["network", "network_invitations", "network_followers", "network_connections",
     "network_settings"],
)
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Pinned query counts ----------------------------------------------------------------------


def _populate(me, n):
    for i in range(n):
        friend = member()
        connect(me, friend)
        inviter = member()
        invite(inviter, me, note=f"note {i}")
        follow(member(), me)
        connect(friend, member())  # gives 2nd-degree people and mutual counts


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Each includes the top bar's unread-conversations count (one query on a cold cache).
PINNED = {
    "/network/": 17,
    "/network/connections/": 14,
    "/network/invitations/": 14,
    "/network/followers/": 15,
}


@pytest.mark.parametrize("url", list(PINNED))
def test_query_counts_are_pinned_and_constant(client, url, django_assert_num_queries, monkeypatch):
    # The "people you may know" block has its own tests: measure this page without it.
    from maillage.network import views

    monkeypatch.setattr(views, "_suggestions_template", lambda: None)
    small, large = member(), member()
    _populate(small, 2)
    _populate(large, 6)
    client.force_login(small)
    # The pins count one query for the session (none when it is read from the cache).
    expected = PINNED[url] - 1 + session_read_queries()
    with django_assert_num_queries(expected):
        client.get(url)
    client.force_login(large)
    from django.core.cache import cache

    cache.clear()  # the same cold cache as the first measure
    assert _queries(client, url) == expected


def test_connection_dates_show_only_on_ones_own_list(client):
    owner, viewer = member(), member()
    connect(owner, viewer)
    connect(owner, member())
    client.force_login(owner)
    assert "Connected on" in client.get(reverse("network_connections")).content.decode()
    client.force_login(viewer)
    html = client.get(reverse("member_connections", args=[owner.profile.address])).content.decode()
    assert "Connected on" not in html


def test_htmx_fragment_keeps_the_page_to_come_back_to_and_shows_errors(client):
    a, b = member(), member()
    invite(a, b)
    client.force_login(a)
    response = client.post(
        reverse("network_invite", args=[b.public_id]),
        {"next": "/network/connections/?page=2"},
        **HTMX,
    )
    html = response.content.decode()
    assert 'name="next" value="/network/connections/?page=2"' in html
    assert 'role="alert">You have already invited this member.' in html
    assert 'name="next" value="/network/invite/' not in html
