"""Who viewed my profile: recording rules, the 90-day window, modes frozen at view time, the page."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import ProfileFactory
from maillage.profiles import profile_views
from maillage.profiles.models import BrowsingMode, Position, ProfileView
from maillage.profiles.profile_views import (
    PRUNE_CACHE_KEY,
    profile_set_browsing_mode,
    profile_view_record,
    profile_viewers_for_owner,
    profile_viewers_page,
    profile_views_count,
    profile_views_prune,
)

pytestmark = pytest.mark.django_db


def on_day(monkeypatch, day: date):
    monkeypatch.setattr(profile_views, "_today", lambda: day)


def a_member(mode=BrowsingMode.FULL, **kwargs):
    profile = ProfileFactory(browsing_mode=mode, **kwargs)
    return profile


def with_job(profile, title="Responsable marketing", organization="Orange"):
    Position.objects.create(
        profile=profile, title=title, organization_name=organization, start_date=date(2020, 1, 1)
    )
    return profile


# --- Recording --------------------------------------------------------------------------------


def test_a_view_is_recorded_once_a_day_per_viewer(monkeypatch):
    owner, viewer = a_member(), a_member()
    on_day(monkeypatch, date(2026, 11, 1))

    profile_view_record(viewer=viewer.member, profile=owner)
    profile_view_record(viewer=viewer.member, profile=owner)
    assert ProfileView.objects.count() == 1

    on_day(monkeypatch, date(2026, 11, 2))
    profile_view_record(viewer=viewer.member, profile=owner)
    assert ProfileView.objects.count() == 2
    assert sorted(ProfileView.objects.values_list("day", flat=True)) == [
        date(2026, 11, 1),
        date(2026, 11, 2),
    ]


def test_the_owner_visitors_and_inactive_members_are_not_recorded():
    owner, viewer = a_member(), a_member()
    viewer.member.is_active = False
    viewer.member.save()

    profile_view_record(viewer=owner.member, profile=owner)
    profile_view_record(viewer=AnonymousUser(), profile=owner)
    profile_view_record(viewer=None, profile=owner)
    profile_view_record(viewer=viewer.member, profile=owner)
    assert not ProfileView.objects.exists()


def test_recording_costs_few_queries(django_assert_max_num_queries):
    owner, viewer = a_member(), a_member()
    member = type(viewer.member).objects.get(pk=viewer.member.pk)
    cache.add(PRUNE_CACHE_KEY, 1, 60)  # the daily prune already ran

    with django_assert_max_num_queries(2):  # the viewer's profile, the INSERT
        profile_view_record(viewer=member, profile=owner)


def test_the_first_view_of_the_day_enqueues_the_prune_once(
    monkeypatch, django_capture_on_commit_callbacks
):
    owner, viewer, other = a_member(), a_member(), a_member()
    old = ProfileView.objects.create(
        viewed=owner,
        viewer=other.member,
        day=timezone.localdate() - timedelta(days=120),
        mode=BrowsingMode.FULL,
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile_view_record(viewer=viewer.member, profile=owner)
        profile_view_record(viewer=other.member, profile=owner)

    assert len(callbacks) == 1
    assert not ProfileView.objects.filter(pk=old.pk).exists()
    assert ProfileView.objects.count() == 2


# --- Window and pruning -----------------------------------------------------------------------


def test_views_older_than_90_days_are_not_shown_and_are_pruned(monkeypatch):
    owner, recent, old = a_member(), a_member(), a_member()
    today = date(2026, 11, 21)
    for viewer, days_ago in ((recent, 90), (old, 91)):
        ProfileView.objects.create(
            viewed=owner,
            viewer=viewer.member,
            day=today - timedelta(days=days_ago),
            mode=BrowsingMode.FULL,
        )
    on_day(monkeypatch, today)

    assert profile_views_count(owner_profile=owner) == 1
    assert [r.member for r in profile_viewers_for_owner(owner_profile=owner)] == [recent.member]

    assert profile_views_prune() == 1
    assert profile_views_prune() == 0  # idempotent
    assert list(ProfileView.objects.values_list("viewer", flat=True)) == [recent.member.pk]


def test_the_prune_task_runs_the_prune(monkeypatch):
    from maillage.profiles.tasks import profile_views_prune_task

    owner, viewer = a_member(), a_member()
    ProfileView.objects.create(
        viewed=owner,
        viewer=viewer.member,
        day=timezone.localdate() - timedelta(days=200),
        mode=BrowsingMode.FULL,
    )

    result = profile_views_prune_task.enqueue()

    assert result.return_value == 1
    assert not ProfileView.objects.exists()


# --- Modes ------------------------------------------------------------------------------------


def test_the_three_modes_are_shown_as_the_viewer_chose(monkeypatch):
    owner = a_member()
    full = a_member(headline="Data engineer chez Kerlune")
    semi = with_job(a_member(mode=BrowsingMode.SEMI_PRIVATE, industry="Marketing"))
    private = a_member(mode=BrowsingMode.PRIVATE)
    for day, viewer in enumerate((private, semi, full), start=1):
        on_day(monkeypatch, date(2026, 11, day))
        profile_view_record(viewer=viewer.member, profile=owner)

    rows = profile_viewers_for_owner(owner_profile=owner)

    assert [r.kind for r in rows] == ["full", "semi", "private"]  # newest first
    assert rows[0].member == full.member and rows[0].profile.headline.startswith("Data")
    assert rows[1].member is None and rows[1].label == "Someone in Marketing at Orange"
    assert rows[2].member is None and rows[2].label == "A Maillage member"


def test_the_semi_private_label_falls_back_to_the_title_and_is_translated(monkeypatch):
    from django.utils import translation

    owner = a_member()
    semi = with_job(a_member(mode=BrowsingMode.SEMI_PRIVATE, industry=""), title="Comptable")
    profile_view_record(viewer=semi.member, profile=owner)

    assert ProfileView.objects.get().semi_private_label == "Comptable|Orange"
    with translation.override("en"):
        assert profile_viewers_for_owner(owner_profile=owner)[0].label == (
            "Someone in Comptable at Orange"
        )


def test_the_mode_is_frozen_at_view_time(monkeypatch):
    owner = a_member()
    viewer = with_job(a_member(mode=BrowsingMode.PRIVATE, industry="Finance"))
    on_day(monkeypatch, date(2026, 11, 1))
    profile_view_record(viewer=viewer.member, profile=owner)

    # Unmasking yourself later does not reveal the views you made in private…
    profile_set_browsing_mode(profile=viewer, mode=BrowsingMode.FULL)
    # …and a later job change does not rewrite a semi-private label.
    on_day(monkeypatch, date(2026, 11, 2))
    profile_set_browsing_mode(profile=viewer, mode=BrowsingMode.SEMI_PRIVATE)
    viewer.member.refresh_from_db()
    profile_view_record(viewer=type(viewer.member).objects.get(pk=viewer.member.pk), profile=owner)
    Position.objects.filter(profile=viewer).update(organization_name="Ailleurs")

    rows = profile_viewers_for_owner(owner_profile=owner)
    assert [r.kind for r in rows] == ["semi", "private"]
    assert rows[0].label == "Someone in Finance at Orange"
    assert viewer.member.get_full_name() not in rows[1].label


def test_an_inactive_full_viewer_is_shown_anonymously():
    owner, viewer = a_member(), a_member()
    profile_view_record(viewer=viewer.member, profile=owner)
    viewer.member.is_active = False
    viewer.member.save()

    [row] = profile_viewers_for_owner(owner_profile=owner)
    assert row.kind == "private" and row.member is None


def test_a_private_owner_sees_only_the_count():
    owner = a_member(mode=BrowsingMode.PRIVATE)
    profile_view_record(viewer=a_member().member, profile=owner)

    page = profile_viewers_page(owner_profile=owner)

    assert page.owner_is_private and page.count == 1 and page.rows == []


def test_setting_an_unknown_mode_is_refused():
    profile = a_member()
    with pytest.raises(ValueError):
        profile_set_browsing_mode(profile=profile, mode="ghost")


# --- The page ---------------------------------------------------------------------------------


def test_the_page_needs_a_login(client):
    response = client.get(reverse("profile_viewers"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_page_lists_my_viewers_and_only_mine(client):
    me, other = a_member(), a_member()
    visitor = a_member(headline="Visiteuse")
    nosy = a_member()
    profile_view_record(viewer=visitor.member, profile=me)
    profile_view_record(viewer=nosy.member, profile=other)
    client.force_login(me.member)

    response = client.get(reverse("profile_viewers"))

    html = response.content.decode()
    assert response.status_code == 200
    assert visitor.member.get_full_name() in html and f"/in/{visitor.address}/" in html
    assert nosy.member.get_full_name() not in html


def test_the_page_shows_an_empty_state(client):
    me = a_member()
    client.force_login(me.member)

    response = client.get(reverse("profile_viewers"))

    assert "No profile views yet" in response.content.decode()


def test_a_private_owner_page_explains_how_to_see_viewers(client):
    me = a_member(mode=BrowsingMode.PRIVATE)
    visitor = a_member()
    profile_view_record(viewer=visitor.member, profile=me)
    client.force_login(me.member)

    html = client.get(reverse("profile_viewers")).content.decode()

    assert "Switch to full or semi-private mode" in html
    assert visitor.member.get_full_name() not in html
    assert "1 profile view in the last 90 days" in html


def test_the_page_sets_my_browsing_mode(client):
    me = a_member()
    client.force_login(me.member)

    response = client.post(reverse("profile_viewers"), {"mode": "semi"})

    assert response.status_code == 302
    me.refresh_from_db()
    assert me.browsing_mode == BrowsingMode.SEMI_PRIVATE
    assert client.post(reverse("profile_viewers"), {"mode": "nope"}).status_code == 200
    me.refresh_from_db()
    assert me.browsing_mode == BrowsingMode.SEMI_PRIVATE


def _views(owner, count, start):
    for i in range(count):
        viewer = with_job(
            a_member(
                mode=(BrowsingMode.FULL, BrowsingMode.SEMI_PRIVATE, BrowsingMode.PRIVATE)[i % 3],
                industry="Tech",
            )
        )
        ProfileView.objects.create(
            viewed=owner,
            viewer=viewer.member,
            day=start - timedelta(days=i % 30),
            mode=viewer.browsing_mode,
            semi_private_label="Tech|Orange",
        )


def test_the_page_query_count_does_not_grow_with_views(client, django_assert_num_queries):
    me = a_member()
    client.force_login(me.member)
    _views(me, 2, timezone.localdate())
    client.get(reverse("profile_viewers"))  # warm the session and instance caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("profile_viewers")).status_code == 200
    _views(me, 18, timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("profile_viewers"))
    assert response.content.decode().count('class="person"') == 20
    assert len(many) == len(few)
    assert len(few) <= 10
