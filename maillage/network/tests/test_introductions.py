"""Introductions: the rules, the rate limit, each step, and who may see and do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.network import introductions as intro
from maillage.network.models import Connection, Introduction
from maillage.network.services import are_connected
from maillage.notifications.models import Kind, Notification

from .factories import block, connect, member

pytestmark = pytest.mark.django_db

NOTE = "We both work on open data in Lyon; I would love to compare notes."


@pytest.fixture
def trio():
    """requester — intermediary — target, plus `other` (a connection of all three's
    intermediary and of the target) and a `stranger`."""
    requester, intermediary, target = member(), member(), member()
    other, stranger = member(), member()
    connect(requester, intermediary)
    connect(intermediary, target)
    connect(intermediary, other)
    connect(other, target)
    connect(other, requester)
    return {
        "requester": requester,
        "intermediary": intermediary,
        "target": target,
        "other": other,
        "stranger": stranger,
    }


def ask(t, note: str = NOTE) -> Introduction:
    return intro.introduction_request(
        requester=t["requester"], intermediary=t["intermediary"], target=t["target"], note=note
    )


def forwarded(t, word: str = "Anna is great, you should talk.") -> Introduction:
    item = ask(t)
    return intro.introduction_forward(member=t["intermediary"], introduction=item, note=word)


def snapshot():
    return (
        Introduction.objects.count(),
        list(Introduction.objects.order_by("pk").values_list("status", flat=True)),
        Notification.objects.count(),
        Connection.objects.count(),
    )


def refused(code: str, call) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.code == code
    assert str(info.value.messages[0])
    assert snapshot() == before


# --- The request and its rules -------------------------------------------------------------------


def test_a_request_notifies_the_intermediary(trio):
    item = ask(trio)
    assert item.status == Introduction.Status.ASKED
    assert item.note == NOTE
    notification = Notification.objects.get(recipient=trio["intermediary"])
    assert notification.kind == Kind.INTRODUCTION_REQUESTED
    assert notification.actor == trio["requester"]
    assert notification.target_id == item.pk


def test_the_rules_of_a_request(trio):
    r, m, t = trio["requester"], trio["intermediary"], trio["target"]
    stranger = trio["stranger"]

    def req(requester=r, intermediary=m, target=t, note=NOTE):
        return lambda: intro.introduction_request(
            requester=requester, intermediary=intermediary, target=target, note=note
        )

    refused("self", req(target=r))
    refused("not_intermediary", req(intermediary=r))
    refused("not_intermediary", req(intermediary=t))
    refused("note_required", req(note="   "))
    refused("note_too_long", req(note="x" * 301))
    # The intermediary must be a connection of both.
    refused("not_intermediary", req(intermediary=stranger))
    connect(stranger, r)
    refused("not_intermediary", req(intermediary=stranger))
    # Already connected.
    refused("connected", req(target=trio["other"]))
    # One open request per (requester, target).
    ask(trio)
    refused("open", req())
    refused("open", req(intermediary=trio["other"]))


@pytest.mark.parametrize(
    ("blocker", "blocked"),
    [
        ("requester", "target"),
        ("target", "requester"),
        ("requester", "intermediary"),
        ("intermediary", "requester"),
        ("intermediary", "target"),
        ("target", "intermediary"),
    ],
)
def test_no_request_across_a_block_between_any_two(trio, blocker, blocked):
    block(trio[blocker], trio[blocked])
    # A block also cuts the connection it crosses; reconnecting is impossible, so the rule
    # that bites first is the block itself.
    refused("unreachable", lambda: ask(trio))


def test_the_rate_limit_is_ten_requests_in_seven_days(trio):
    r = trio["requester"]
    targets = []
    for _i in range(10):
        target = member()
        connect(trio["intermediary"], target)
        targets.append(target)
    for target in targets[:9]:
        intro.introduction_request(
            requester=r, intermediary=trio["intermediary"], target=target, note=NOTE
        )
    # Withdrawn requests still count.
    last = intro.introduction_request(
        requester=r, intermediary=trio["intermediary"], target=targets[9], note=NOTE
    )
    intro.introduction_withdraw(member=r, introduction=last)
    refused("weekly_limit", lambda: ask(trio))
    with pytest.raises(ValidationError) as info:
        ask(trio)
    assert "10 introductions in the last seven days" in info.value.messages[0]
    # Requests older than seven days no longer count.
    Introduction.objects.filter(requester=r).update(created_at=timezone.now() - timedelta(days=8))
    assert ask(trio).status == Introduction.Status.ASKED


# --- Each step -------------------------------------------------------------------------------


def test_forward_then_accept_connects_them(trio):
    item = forwarded(trio)
    assert item.status == Introduction.Status.FORWARDED
    assert item.forward_note == "Anna is great, you should talk."
    note = Notification.objects.get(recipient=trio["target"])
    assert (note.kind, note.actor_id) == (Kind.INTRODUCTION_FORWARDED, trio["intermediary"].pk)
    item = intro.introduction_accept(member=trio["target"], introduction=item)
    assert item.status == Introduction.Status.ACCEPTED
    assert are_connected(trio["requester"].pk, trio["target"].pk)
    assert Notification.objects.filter(
        recipient=trio["requester"], kind=Kind.INVITATION_ACCEPTED, actor=trio["target"]
    ).exists()


def test_ignore_connects_nobody_and_tells_nobody(trio):
    item = forwarded(trio)
    before = Notification.objects.count()
    item = intro.introduction_ignore(member=trio["target"], introduction=item)
    assert item.status == Introduction.Status.IGNORED
    assert not are_connected(trio["requester"].pk, trio["target"].pk)
    assert Notification.objects.count() == before


def test_decline_tells_the_requester(trio):
    item = intro.introduction_decline(member=trio["intermediary"], introduction=ask(trio))
    assert item.status == Introduction.Status.DECLINED
    assert Notification.objects.filter(
        recipient=trio["requester"], kind=Kind.INTRODUCTION_DECLINED
    ).exists()
    # Closed: a new request may be made.
    assert ask(trio).status == Introduction.Status.ASKED


def test_withdraw_while_open_removes_its_notifications(trio):
    item = forwarded(trio)
    intro.introduction_withdraw(member=trio["requester"], introduction=item)
    item.refresh_from_db()
    assert item.status == Introduction.Status.WITHDRAWN
    assert not Notification.objects.filter(target_id=item.pk).exists()


def test_steps_are_refused_in_the_wrong_state_or_by_the_wrong_person(trio):
    r, m, t = trio["requester"], trio["intermediary"], trio["target"]
    item = ask(trio)
    refused("not_yours", lambda: intro.introduction_forward(member=r, introduction=item))
    refused("not_yours", lambda: intro.introduction_decline(member=t, introduction=item))
    refused("not_yours", lambda: intro.introduction_withdraw(member=m, introduction=item))
    refused("not_open", lambda: intro.introduction_accept(member=t, introduction=item))
    refused("not_open", lambda: intro.introduction_ignore(member=t, introduction=item))
    refused(
        "note_too_long",
        lambda: intro.introduction_forward(member=m, introduction=item, note="x" * 301),
    )
    item = intro.introduction_forward(member=m, introduction=item)
    refused("not_open", lambda: intro.introduction_forward(member=m, introduction=item))
    refused("not_open", lambda: intro.introduction_decline(member=m, introduction=item))
    refused("not_yours", lambda: intro.introduction_accept(member=r, introduction=item))
    intro.introduction_accept(member=t, introduction=item)
    refused("not_open", lambda: intro.introduction_withdraw(member=r, introduction=item))
    refused("not_open", lambda: intro.introduction_ignore(member=t, introduction=item))


def test_forward_is_refused_if_the_intermediary_is_no_longer_connected_to_both(trio):
    from .factories import disconnect

    item = ask(trio)
    disconnect(trio["intermediary"], trio["target"])
    refused(
        "not_intermediary",
        lambda: intro.introduction_forward(member=trio["intermediary"], introduction=item),
    )


def test_a_block_withdraws_open_introductions(trio):
    item = forwarded(trio)
    block(trio["target"], trio["requester"])
    item.refresh_from_db()
    assert item.status == Introduction.Status.WITHDRAWN


# --- Who may see and do what, on every URL --------------------------------------------------------

VIEWERS = ["requester", "intermediary", "target", "other", "stranger", "anonymous"]


def _client_for(client, trio, who):
    if who != "anonymous":
        client.force_login(trio[who])
    return client


def _detail(item):
    return reverse("introduction_detail", args=[item.public_id])


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("state", ["asked", "forwarded", "accepted", "declined"])
def test_who_may_see_an_introduction(client, trio, who, state):
    item = ask(trio)
    if state != "asked":
        if state == "declined":
            item = intro.introduction_decline(member=trio["intermediary"], introduction=item)
        else:
            item = intro.introduction_forward(member=trio["intermediary"], introduction=item)
        if state == "accepted":
            item = intro.introduction_accept(member=trio["target"], introduction=item)
    response = _client_for(client, trio, who).get(_detail(item))
    if who == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        return
    forwarded_to_target = state in ("forwarded", "accepted")
    allowed = who in ("requester", "intermediary") or (who == "target" and forwarded_to_target)
    assert response.status_code == (200 if allowed else 404)
    # The lists agree with the page.
    listed = False
    for tab in ("forward", "received", "asked"):
        page = client.get(reverse("introductions") + f"?tab={tab}").content.decode()
        listed = listed or str(item.public_id) in page
    assert listed == allowed


ACTIONS = {
    # action: (state it needs, the one role who may take it)
    "forward": ("asked", "intermediary"),
    "decline": ("asked", "intermediary"),
    "withdraw": ("asked", "requester"),
    "accept": ("forwarded", "target"),
    "ignore": ("forwarded", "target"),
}


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_may_take_each_step(client, trio, who, action):
    state, role = ACTIONS[action]
    item = ask(trio) if state == "asked" else forwarded(trio)
    before = snapshot()
    url = reverse(f"introduction_{action}", args=[item.public_id])
    c = _client_for(client, trio, who)
    assert c.get(url).status_code in (302, 405)  # never a GET
    response = c.post(url, {"note": "Happy to."})
    if who == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        assert snapshot() == before
        return
    if who != role:
        assert response.status_code == 404
        assert snapshot() == before
        return
    assert response.status_code == 302
    item.refresh_from_db()
    expected = {
        "forward": Introduction.Status.FORWARDED,
        "decline": Introduction.Status.DECLINED,
        "withdraw": Introduction.Status.WITHDRAWN,
        "accept": Introduction.Status.ACCEPTED,
        "ignore": Introduction.Status.IGNORED,
    }[action]
    assert item.status == expected
    if action == "forward":
        assert item.forward_note == "Happy to."


@pytest.mark.parametrize("who", ["requester", "intermediary", "target"])
@pytest.mark.parametrize(("blocker", "blocked"), [("requester", "intermediary"),
                                                  ("intermediary", "target"),
                                                  ("target", "requester")])
def test_a_later_block_hides_the_introduction_from_all_three(client, trio, who, blocker, blocked):
    item = intro.introduction_accept(member=trio["target"], introduction=forwarded(trio))
    client.force_login(trio[who])
    assert client.get(_detail(item)).status_code == 200
    block(trio[blocker], trio[blocked])
    assert client.get(_detail(item)).status_code == 404
    for tab in ("forward", "received", "asked"):
        page = client.get(reverse("introductions") + f"?tab={tab}").content.decode()
        assert str(item.public_id) not in page
    for action in ACTIONS:
        url = reverse(f"introduction_{action}", args=[item.public_id])
        assert client.post(url).status_code == 404


def test_a_malformed_or_unknown_id_is_missing(client, trio):
    client.force_login(trio["requester"])
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/network/introductions/{unknown}/").status_code == 404
    assert client.post(f"/network/introductions/{unknown}/withdraw/").status_code == 404


# --- Pages ---------------------------------------------------------------------------------------


def test_the_target_sees_who_introduced_whom_and_why(client, trio):
    item = forwarded(trio, word="You two should meet.")
    client.force_login(trio["target"])
    page = client.get(_detail(item)).content.decode()
    assert trio["intermediary"].get_full_name() in page
    assert trio["requester"].get_full_name() in page
    assert "You two should meet." in page
    assert "open data in Lyon" in page
    assert reverse("introduction_accept", args=[item.public_id]) in page
    assert reverse("introduction_ignore", args=[item.public_id]) in page


def test_htmx_steps_answer_with_the_refreshed_item(client, trio):
    item = ask(trio)
    client.force_login(trio["intermediary"])
    response = client.post(
        reverse("introduction_forward", args=[item.public_id]),
        {"note": "Worth it."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="intro-{item.public_id}"' in body
    assert "You introduced" in body
    again = client.post(
        reverse("introduction_forward", args=[item.public_id]), HTTP_HX_REQUEST="true"
    )
    assert "no longer open" in again.content.decode()


def test_a_refused_step_without_javascript_redirects_with_the_message(client, trio):
    item = forwarded(trio)
    client.force_login(trio["target"])
    client.post(reverse("introduction_accept", args=[item.public_id]))
    response = client.post(reverse("introduction_ignore", args=[item.public_id]), follow=True)
    assert "no longer open" in response.content.decode()


def test_the_list_tabs(client, trio):
    item = forwarded(trio)
    client.force_login(trio["intermediary"])
    assert str(item.public_id) in client.get(reverse("introductions") + "?tab=forward").content.decode()
    client.force_login(trio["target"])
    default = client.get(reverse("introductions")).content.decode()
    assert str(item.public_id) in default  # "received" is the tab with something waiting
    client.force_login(trio["requester"])
    page = client.get(reverse("introductions") + "?tab=asked").content.decode()
    assert str(item.public_id) in page
    assert reverse("introduction_withdraw", args=[item.public_id]) in page
    empty = client.get(reverse("introductions") + "?tab=received").content.decode()
    assert "No introductions yet" in empty


def test_the_list_query_count_is_pinned_and_paginated(client, trio):
    r, m = trio["requester"], trio["intermediary"]

    def add(n):
        for _i in range(n):
            target = member()
            connect(m, target)
            intro.introduction_request(requester=r, intermediary=m, target=target, note=NOTE)

    add(2)
    client.force_login(m)
    url = reverse("introductions") + "?tab=forward"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).content.decode().count('class="card intro ') == 2
    Introduction.objects.update(created_at=timezone.now() - timedelta(days=8))
    add(8)
    Introduction.objects.update(created_at=timezone.now() - timedelta(days=8))
    add(10)
    Introduction.objects.update(created_at=timezone.now() - timedelta(days=8))
    add(5)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('class="card intro ') == 20
    assert len(many) == len(few)
    # Session, member, the two tab counts, the page of introductions with their three people.
    assert len(few) == 5
    page2 = client.get(url + "&page=2").content.decode()
    assert page2.count('class="card intro ') == 5


# --- The request page ------------------------------------------------------------------------------


def _request_url(target):
    return reverse("introduction_request", args=[target.profile.address])


def test_the_request_page_lists_mutual_connections_and_sends(client, trio):
    client.force_login(trio["requester"])
    page = client.get(_request_url(trio["target"])).content.decode()
    assert trio["intermediary"].get_full_name() in page
    assert trio["other"].get_full_name() in page
    response = client.post(
        _request_url(trio["target"]),
        {"intermediary": str(trio["intermediary"].public_id), "note": NOTE},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("introductions") + "?tab=asked"
    item = Introduction.objects.get()
    assert (item.requester, item.intermediary, item.target) == (
        trio["requester"],
        trio["intermediary"],
        trio["target"],
    )


def test_the_request_page_rejects_bad_input_and_changes_nothing(client, trio):
    client.force_login(trio["requester"])
    url = _request_url(trio["target"])
    for data in (
        {"intermediary": str(trio["stranger"].public_id), "note": NOTE},
        {"intermediary": "not-a-uuid", "note": NOTE},
        {"intermediary": str(trio["intermediary"].public_id), "note": ""},
        {"intermediary": str(trio["intermediary"].public_id), "note": "x" * 301},
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert 'class="error-summary"' in response.content.decode()
    assert not Introduction.objects.exists()
    kept = client.post(url, {"intermediary": "", "note": "Kept text"}).content.decode()
    assert "Kept text" in kept


def test_the_request_page_shows_the_rate_limit_message(client, trio, settings):
    settings.MAILLAGE_INTRODUCTIONS_PER_WEEK = 0
    client.force_login(trio["requester"])
    response = client.post(
        _request_url(trio["target"]),
        {"intermediary": str(trio["intermediary"].public_id), "note": NOTE},
    )
    assert response.status_code == 400
    assert "the most allowed" in response.content.decode()
    assert not Introduction.objects.exists()


def test_the_request_page_for_oneself_blocked_unknown_anonymous_and_connected(client, trio):
    url = _request_url(trio["target"])
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(trio["requester"])
    assert client.get(_request_url(trio["requester"])).status_code == 404
    assert client.get("/in/nobody-here/introduce/").status_code == 404
    connected = client.get(_request_url(trio["other"])).content.decode()
    assert "already connected" in connected
    no_mutual = client.get(_request_url(trio["stranger"])).content.decode()
    assert "No connection in common" in no_mutual
    block(trio["target"], trio["requester"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": NOTE}).status_code == 404


def test_intermediaries_exclude_people_blocked_by_the_target(trio):
    assert set(intro.introduction_intermediaries(trio["requester"], trio["target"])) == {
        trio["intermediary"],
        trio["other"],
    }
    block(trio["target"], trio["other"])
    assert intro.introduction_intermediaries(trio["requester"], trio["target"]) == [
        trio["intermediary"]
    ]
