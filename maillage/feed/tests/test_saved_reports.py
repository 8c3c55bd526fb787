"""Save for later, the saved page, reports and the staff queue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.feed.models import Report, SavedPost
from maillage.network.tests.factories import block

from .factories import SEES, cast, comment, member, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_who_may_save(client, post_audience):
    people = cast()
    p = post(people["author"], "Keep", audience=post_audience)
    for role, who in people.items():
        client.logout()
        if who is None:
            assert "login" in client.post(reverse("post_save", args=[p.public_id])).url
            continue
        client.force_login(who)
        response = client.post(reverse("post_save", args=[p.public_id]))
        assert response.status_code == (302 if role in SEES[post_audience] else 404), role
    assert SavedPost.objects.count() == len(SEES[post_audience] - {"anonymous"})


def test_save_shows_on_the_saved_page_and_unsave_removes_it(client):
    reader = member()
    p = post(member(), "Read later")
    client.force_login(reader)
    response = client.post(reverse("post_save", args=[p.public_id]), HTTP_HX_REQUEST="true")
    assert "Saved" in response.content.decode() and 'aria-pressed="true"' in response.content.decode()
    assert "Read later" in client.get(reverse("saved")).content.decode()
    client.post(reverse("post_unsave", args=[p.public_id]))
    html = client.get(reverse("saved")).content.decode()
    assert "Read later" not in html and "No saved posts yet" in html


def test_saved_page_drops_posts_one_may_no_longer_see(client):
    author, reader = member(), member()
    p = post(author, "Was visible")
    client.force_login(reader)
    client.post(reverse("post_save", args=[p.public_id]))
    block(author, reader)
    assert "Was visible" not in client.get(reverse("saved")).content.decode()


def test_saved_page_is_for_members_only(client):
    assert "login" in client.get(reverse("saved")).url


def test_saved_page_query_count_is_constant(client):
    from django.core.cache import cache

    small, large = member(), member()
    client.force_login(small)
    client.post(reverse("post_save", args=[post(member(), "One").public_id]))
    client.force_login(large)
    for i in range(8):
        client.post(reverse("post_save", args=[post(member(), f"Many {i}").public_id]))
    counts = []
    for who in (small, large):
        client.force_login(who)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("saved")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == 13  # pinned (the top bar's unread-messages badge came with messaging; a viewer without connections reads no one's connections for mutual counts)


# --- Reports ----------------------------------------------------------------------------------


def test_report_a_post_with_a_reason_and_details(client):
    p = post(member(), "Spammy")
    reporter = member()
    client.force_login(reporter)
    html = client.get(reverse("post_report", args=[p.public_id])).content.decode()
    assert "Spam or scam" in html and 'name="note"' in html
    response = client.post(reverse("post_report", args=[p.public_id]), {"reason": "spam", "note": "Buy now links"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.post_id == p.pk and report.comment_id is None and report.note == "Buy now links"


def test_report_without_a_reason_says_why_and_creates_nothing(client):
    p = post(member(), "Hmm")
    client.force_login(member())
    response = client.post(reverse("post_report", args=[p.public_id]), {"reason": "", "note": "x"})
    assert response.status_code == 400 and "Choose a reason." in response.content.decode()
    assert not Report.objects.exists()


def test_report_a_comment(client):
    p = post(member(), "Fine post")
    c = comment(member(), p, "Rude comment")
    client.force_login(member())
    client.post(reverse("comment_report", args=[c.public_id]), {"reason": "harassment"})
    assert Report.objects.get().comment_id == c.pk


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_who_may_report(client, post_audience):
    people = cast()
    p = post(people["author"], "Report", audience=post_audience)
    for role, who in people.items():
        client.logout()
        if who is None:
            assert "login" in client.get(reverse("post_report", args=[p.public_id])).url
            continue
        client.force_login(who)
        response = client.get(reverse("post_report", args=[p.public_id]))
        assert response.status_code == (200 if role in SEES[post_audience] else 404), role


def test_staff_queue_is_for_staff_only_and_closes_reports(client):
    p = post(member(), "Reported post")
    services_report = Report.objects.create(reporter=member(), post=p, reason="spam", note="Looks fake")
    url = reverse("staff_reports")
    client.force_login(member())
    assert client.get(url).status_code == 404
    assert client.post(url, {"report": str(services_report.public_id)}).status_code == 404
    staff = member()
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    html = client.get(url).content.decode()
    assert "Reported post" in html and "Looks fake" in html and reverse("post", args=[p.public_id]) in html
    client.post(url, {"report": str(services_report.public_id)})
    services_report.refresh_from_db()
    assert services_report.status == Report.Status.CLOSED
    assert "No open reports" in client.get(url).content.decode()


def test_unsave_of_a_post_one_cannot_see_and_never_saved_is_404(client):
    author, friend, stranger = member(), member(), member()
    from .factories import connect

    connect(author, friend)
    p = post(author, "Close circle", audience="connections")
    client.force_login(stranger)
    assert client.post(reverse("post_unsave", args=[p.public_id])).status_code == 404
    client.force_login(friend)
    client.post(reverse("post_save", args=[p.public_id]))
    from maillage.network.tests.factories import disconnect

    disconnect(author, friend)
    assert client.post(reverse("post_unsave", args=[p.public_id])).status_code == 302
    assert not SavedPost.objects.exists()
