"""Recommendations: request, write, decline, approve, reject, hide, show — who may do and see
what, and bad input changing nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.network.tests.factories import block, connect, member
from maillage.notifications.models import Kind, Notification
from maillage.profiles import recommendations as rec
from maillage.profiles.models import Recommendation

pytestmark = pytest.mark.django_db
Status = Recommendation.Status


@pytest.fixture
def world():
    recipient = member(member__first_name="Rita", member__last_name="Recipient")
    author = member(member__first_name="Alan", member__last_name="Author")
    second = member(member__first_name="Sam", member__last_name="Second")
    stranger = member(member__first_name="Stan", member__last_name="Stranger")
    blocked = member(member__first_name="Bob", member__last_name="Blocked")
    connect(recipient, author)
    connect(author, second)
    connect(recipient, blocked)
    block(recipient, blocked)
    return {
        "recipient": recipient,
        "author": author,
        "second": second,
        "stranger": stranger,
        "blocked": blocked,
    }


def written(world, status=Status.PENDING, body="Rita is a great engineer.") -> Recommendation:
    row = rec.recommendation_write(
        author=world["author"], recipient=world["recipient"], relationship="same_team", body=body
    )
    if status != Status.PENDING:
        Recommendation.objects.filter(pk=row.pk).update(status=status)
        row.refresh_from_db()
    return row


# --- Requesting --------------------------------------------------------------------------------


def test_request_from_a_connection_notifies_the_author(client, world):
    client.force_login(world["recipient"])
    url = f"/in/{world['author'].profile.address}/recommend/request/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"relationship": "reported_to", "context": "Engineer at Acme", "message": "Hi!"}
    )
    assert response.status_code == 302
    row = Recommendation.objects.get()
    assert (row.recipient, row.author, row.status) == (
        world["recipient"],
        world["author"],
        Status.REQUESTED,
    )
    assert row.request_message == "Hi!"
    note = Notification.objects.get(kind=Kind.RECOMMENDATION_REQUESTED)
    assert note.recipient_id == world["author"].pk and note.actor_id == world["recipient"].pk


@pytest.mark.parametrize("who", ["second", "stranger"])
def test_request_from_a_non_connection_changes_nothing(client, world, who):
    client.force_login(world[who])
    url = f"/in/{world['recipient'].profile.address}/recommend/request/"
    response = client.post(url, {"relationship": "same_team"}, follow=True)
    assert "only between 1st-degree connections" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_request_matrix_self_blocked_anonymous(client, world):
    url = f"/in/{world['recipient'].profile.address}/recommend/request/"
    client.force_login(world["recipient"])
    assert client.post(url, {"relationship": "same_team"}).status_code == 404
    client.force_login(world["blocked"])
    assert client.post(url, {"relationship": "same_team"}).status_code == 404
    assert client.get(url).status_code == 404
    client.logout()
    response = client.post(url, {"relationship": "same_team"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"relationship": "friends"},
        {"relationship": ""},
        {"relationship": "same_team", "message": "x" * 1001},
        {"relationship": "same_team", "context": "x" * 201},
    ],
)
def test_request_bad_input_changes_nothing(client, world, data):
    client.force_login(world["recipient"])
    url = f"/in/{world['author'].profile.address}/recommend/request/"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Please correct the errors below." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_one_open_request_at_a_time(world):
    rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="same_team"
    )
    with pytest.raises(ValidationError, match="already have an open request"):
        rec.recommendation_request(
            recipient=world["recipient"], author=world["author"], relationship="same_team"
        )
    assert Recommendation.objects.count() == 1


def test_service_rejects_invalid_relationship_and_self(world):
    with pytest.raises(ValidationError):
        rec.recommendation_request(
            recipient=world["recipient"], author=world["author"], relationship="bogus"
        )
    with pytest.raises(ValidationError):
        rec.recommendation_request(
            recipient=world["recipient"], author=world["recipient"], relationship="same_team"
        )
    assert not Recommendation.objects.exists()


# --- Writing -----------------------------------------------------------------------------------


def test_author_answers_a_request_and_the_recipient_is_notified(client, world):
    row = rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="managed"
    )
    client.force_login(world["author"])
    url = f"/recommendations/{row.public_id}/write/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Alan Author managed Rita Recipient directly" in response.content.decode()
    response = client.post(url, {"relationship": "managed", "body": "Rita is excellent."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.body == "Rita is excellent." and row.written_at
    note = Notification.objects.get(kind=Kind.RECOMMENDATION_RECEIVED)
    assert note.recipient_id == world["recipient"].pk


def test_writing_for_someone_who_asked_goes_to_their_request(client, world):
    row = rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="managed"
    )
    client.force_login(world["author"])
    response = client.get(f"/in/{world['recipient'].profile.address}/recommend/")
    assert response.status_code == 302
    assert response["Location"] == f"/recommendations/{row.public_id}/write/"


@pytest.mark.parametrize("who", ["recipient", "second", "stranger", "blocked"])
def test_only_the_author_sees_the_write_page_of_a_request(client, world, who):
    row = rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="managed"
    )
    client.force_login(world[who])
    url = f"/recommendations/{row.public_id}/write/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"relationship": "managed", "body": "x"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    row.refresh_from_db()
    assert row.status == Status.REQUESTED and row.body == ""


def test_unrequested_recommendation_from_a_connection(client, world):
    client.force_login(world["author"])
    url = f"/in/{world['recipient'].profile.address}/recommend/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"relationship": "client", "body": "Great work."})
    assert response.status_code == 302
    row = Recommendation.objects.get()
    assert row.status == Status.PENDING and row.author == world["author"]


@pytest.mark.parametrize(
    "data",
    [
        {"relationship": "client", "body": ""},
        {"relationship": "client", "body": "   "},
        {"relationship": "client", "body": "x" * 3001},
        {"relationship": "nope", "body": "Fine."},
    ],
)
def test_write_bad_input_changes_nothing(client, world, data):
    client.force_login(world["author"])
    response = client.post(f"/in/{world['recipient'].profile.address}/recommend/", data)
    assert response.status_code == 400
    assert not Recommendation.objects.exists()
    assert not Notification.objects.filter(kind=Kind.RECOMMENDATION_RECEIVED).exists()


def test_body_limits_in_the_service(world):
    with pytest.raises(ValidationError, match="Write the recommendation"):
        rec.recommendation_write(
            author=world["author"], recipient=world["recipient"], relationship="client", body=" "
        )
    with pytest.raises(ValidationError, match="at most 3000"):
        rec.recommendation_write(
            author=world["author"],
            recipient=world["recipient"],
            relationship="client",
            body="x" * 3001,
        )
    rec.recommendation_write(
        author=world["author"], recipient=world["recipient"], relationship="client", body="x" * 3000
    )
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize("who", ["second", "stranger"])
def test_non_connections_cannot_write(client, world, who):
    client.force_login(world[who])
    response = client.post(
        f"/in/{world['recipient'].profile.address}/recommend/",
        {"relationship": "client", "body": "Hello"},
        follow=True,
    )
    assert "only between 1st-degree connections" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_blocked_and_self_cannot_write(client, world):
    url = f"/in/{world['recipient'].profile.address}/recommend/"
    client.force_login(world["blocked"])
    assert client.post(url, {"relationship": "client", "body": "Hi"}).status_code == 404
    client.force_login(world["recipient"])
    assert client.post(url, {"relationship": "client", "body": "Hi"}).status_code == 404
    assert not Recommendation.objects.exists()


# --- Declining, approving, rejecting, hiding ----------------------------------------------------


def post_action(client, row, action):
    return client.post(f"/recommendations/{row.public_id}/{action}/")


@pytest.mark.parametrize("who", ["recipient", "second", "stranger", "blocked"])
def test_only_the_author_declines(client, world, who):
    row = rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="managed"
    )
    client.force_login(world[who])
    assert post_action(client, row, "decline").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.REQUESTED


def test_author_declines_a_request(client, world):
    row = rec.recommendation_request(
        recipient=world["recipient"], author=world["author"], relationship="managed"
    )
    client.force_login(world["author"])
    assert post_action(client, row, "decline").status_code == 302
    row.refresh_from_db()
    assert row.status == Status.DECLINED
    # Declined: it cannot be written any more.
    assert client.get(f"/recommendations/{row.public_id}/write/").status_code == 404


@pytest.mark.parametrize("who", ["author", "second", "stranger", "blocked"])
def test_only_the_recipient_approves(client, world, who):
    row = written(world)
    client.force_login(world[who])
    assert post_action(client, row, "approve").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.PENDING
    client.logout()
    post_action(client, row, "approve")
    row.refresh_from_db()
    assert row.status == Status.PENDING


def test_recipient_approves_hides_shows_and_rejects(client, world):
    row = written(world)
    client.force_login(world["recipient"])
    post_action(client, row, "approve")
    row.refresh_from_db()
    assert row.status == Status.VISIBLE
    post_action(client, row, "hide")
    row.refresh_from_db()
    assert row.status == Status.HIDDEN
    post_action(client, row, "show")
    row.refresh_from_db()
    assert row.status == Status.VISIBLE
    # A shown one cannot be "rejected": a clear message, nothing changes.
    response = client.post(f"/recommendations/{row.public_id}/reject/", follow=True)
    assert "can no longer be changed" in response.content.decode()
    row.refresh_from_db()
    assert row.status == Status.VISIBLE
    other = member()
    connect(world["recipient"], other)
    second_row = rec.recommendation_write(
        author=other, recipient=world["recipient"], relationship="client", body="Good."
    )
    post_action(client, second_row, "reject")
    second_row.refresh_from_db()
    assert second_row.status == Status.REJECTED


@pytest.mark.parametrize("who", ["author", "second", "stranger"])
def test_only_the_recipient_hides(client, world, who):
    row = written(world, Status.VISIBLE)
    client.force_login(world[who])
    assert post_action(client, row, "hide").status_code == 404
    row.refresh_from_db()
    assert row.status == Status.VISIBLE


def test_htmx_action_returns_the_row(client, world):
    row = written(world)
    client.force_login(world["recipient"])
    response = client.post(
        f"/recommendations/{row.public_id}/approve/", {"tab": "received"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="rec-{row.public_id}"' in html
    assert "Shown on the profile" in html


def test_malformed_and_unknown_ids_are_404(client, world):
    client.force_login(world["recipient"])
    assert (
        client.post("/recommendations/00000000-0000-0000-0000-000000000000/approve/").status_code
        == 404
    )


# --- Who sees what --------------------------------------------------------------------------


def test_pending_and_requests_are_seen_only_by_the_two(client, world):
    written(world)
    profile_url = f"/in/{world['recipient'].profile.address}/"
    for who in ("author", "second", "stranger"):
        client.force_login(world[who])
        assert "Rita is a great engineer." not in client.get(profile_url).content.decode(), who
    client.force_login(world["recipient"])
    html = client.get("/recommendations/").content.decode()
    assert "Rita is a great engineer." in html and "Waiting for approval" in html
    client.force_login(world["author"])
    html = client.get("/recommendations/?tab=given").content.decode()
    assert "Rita is a great engineer." in html
    client.force_login(world["second"])
    for tab in rec.TABS:
        assert (
            "Rita is a great engineer."
            not in client.get(f"/recommendations/?tab={tab}").content.decode()
        )


def test_visible_ones_show_on_the_profile_to_whoever_may_see_it(client, world):
    row = written(world, Status.VISIBLE)
    url = f"/in/{world['recipient'].profile.address}/"
    for who in ("recipient", "author", "second", "stranger"):
        client.force_login(world[who])
        html = client.get(url).content.decode()
        assert "Rita is a great engineer." in html, who
        assert "Alan Author worked with Rita Recipient on the same team" in html, who
    client.force_login(world["blocked"])
    assert client.get(url).status_code == 404
    client.logout()
    assert "Rita is a great engineer." in client.get(url).content.decode()
    # A visitor sees it only while the author shows their own page publicly.
    world["author"].profile.public_page = False
    world["author"].profile.save()
    assert "Rita is a great engineer." not in client.get(url).content.decode()
    Recommendation.objects.filter(pk=row.pk).update(status=Status.HIDDEN)
    client.force_login(world["second"])
    assert "Rita is a great engineer." not in client.get(url).content.decode()


def test_blocked_authors_are_hidden_from_the_viewer(client, world):
    written(world, Status.VISIBLE)
    viewer = world["stranger"]
    block(viewer, world["author"])
    client.force_login(viewer)
    html = client.get(f"/in/{world['recipient'].profile.address}/").content.decode()
    assert "Rita is a great engineer." not in html
    all_url = f"/in/{world['recipient'].profile.address}/recommendations/"
    assert "Rita is a great engineer." not in client.get(all_url).content.decode()


def test_all_recommendations_page_is_paginated(client, world):
    people = [member() for _ in range(23)]
    for person in people:
        connect(world["recipient"], person)
        rec.recommendation_write(
            author=person, recipient=world["recipient"], relationship="client", body="Good."
        )
    Recommendation.objects.update(status=Status.VISIBLE)
    client.force_login(world["second"])
    url = f"/in/{world['recipient'].profile.address}/recommendations/"
    first = client.get(url).context["page"]
    assert len(first.items) == 20 and first.has_more
    second = client.get(url + "?page=2").context["page"]
    assert len(second.items) == 3 and not second.has_more
    client.force_login(world["blocked"])
    assert client.get(url).status_code == 404


def test_my_recommendations_tabs_are_paginated(client, world):
    people = [member() for _ in range(22)]
    for person in people:
        connect(world["recipient"], person)
        rec.recommendation_request(
            recipient=world["recipient"], author=person, relationship="client"
        )
    client.force_login(world["recipient"])
    first = client.get("/recommendations/?tab=requests").context["page"]
    assert len(first.items) == 20 and first.has_more
    assert len(client.get("/recommendations/?tab=requests&page=2").context["page"].items) == 2
    assert client.get("/recommendations/?tab=nonsense").context["tab"] == "received"
    client.logout()
    assert client.get("/recommendations/").status_code == 302


@pytest.mark.parametrize("count", [1, 10])
def test_my_recommendations_query_count_is_constant(
    client, world, count, django_assert_num_queries
):
    for _ in range(count):
        person = member()
        connect(world["recipient"], person)
        rec.recommendation_write(
            author=person, recipient=world["recipient"], relationship="client", body="Good."
        )
    client.force_login(world["recipient"])
    client.get("/recommendations/")
    # session, user, the page of rows (people and profiles joined), the counts (the top bar's
    # unread count and the block set are cached).
    with django_assert_num_queries(4):
        assert client.get("/recommendations/").status_code == 200


def test_services_check_who_acts(world):
    row = written(world)
    for service, actor in (
        (rec.recommendation_approve, world["author"]),
        (rec.recommendation_reject, world["stranger"]),
    ):
        with pytest.raises(ValidationError, match="not yours"):
            service(recipient=actor, recommendation=row)
    request = rec.recommendation_request(
        recipient=world["author"], author=world["second"], relationship="client"
    )
    with pytest.raises(ValidationError, match="not yours"):
        rec.recommendation_decline(author=world["author"], recommendation=request)
    row.refresh_from_db()
    request.refresh_from_db()
    assert (row.status, request.status) == (Status.PENDING, Status.REQUESTED)


def test_a_second_unrequested_one_waits_for_the_first(world):
    written(world)
    with pytest.raises(ValidationError, match="waiting for their approval"):
        written(world)
    assert Recommendation.objects.count() == 1
