"""People you may know: candidates, ranking, reasons, privacy of reasons, storage and pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.network import suggestions as sugg
from maillage.network.models import Suggestion, SuggestionDismissal
from maillage.network.tasks import suggestions_refresh_task
from maillage.profiles.models import Education, Position, ProfileSkill, Skill, skill_key

from .factories import block, connect, invite, member, session_read_queries

pytestmark = pytest.mark.django_db


def person(city: str = "", **kwargs):
    """A member with a profile in `city` (none by default, so the city matches nobody)."""
    return member(city=city, **kwargs)


def works_at(user, name: str, *, current: bool = True) -> None:
    Position.objects.create(
        profile=user.profile,
        title="Engineer",
        organization_name=name,
        start_date=date(2015, 1, 1),
        end_date=None if current else date(2018, 1, 1),
    )


def studied_at(user, school: str) -> None:
    Education.objects.create(profile=user.profile, school=school)


def has_skills(user, *names: str) -> None:
    for i, name in enumerate(names):
        skill, _created = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
        ProfileSkill.objects.create(profile=user.profile, skill=skill, position=i)


def hide(user, **sections: str) -> None:
    profile = user.profile
    for name, level in sections.items():
        setattr(profile, f"{name}_audience", level)
    profile.save()


def ranked_ids(viewer) -> list[int]:
    return [candidate_id for candidate_id, _score, _reasons in sugg.suggestions_compute(viewer)]


def reasons_of(viewer, candidate) -> list[dict]:
    for candidate_id, _score, reasons in sugg.suggestions_compute(viewer):
        if candidate_id == candidate.pk:
            return reasons
    raise AssertionError(f"{candidate} is not suggested")


# --- Ranking and reasons -----------------------------------------------------------------------


def test_ranking_and_reasons_on_a_constructed_graph():
    me = person(city="Lyon")
    works_at(me, "Orange")
    works_at(me, "Société Générale", current=False)
    studied_at(me, "INSA Lyon")
    has_skills(me, "Python", "Django", "SQL")
    a, b = person(), person()
    connect(me, a)
    connect(me, b)

    two_mutual = person()
    connect(two_mutual, a)
    connect(two_mutual, b)
    one_mutual = person()
    connect(one_mutual, a)
    colleague = person()
    works_at(colleague, "  ORANGE ")  # folded compare: case and spacing
    former = person()
    works_at(former, "Societe  Generale", current=False)  # accents and spacing
    schoolmate = person()
    studied_at(schoolmate, "insa lyon")
    skilled = person()
    has_skills(skilled, "python", "Django")
    neighbour = person(city="lyon")
    stranger = person(city="Paris")
    works_at(stranger, "Airbus")

    order = ranked_ids(me)
    assert order == [
        two_mutual.pk,
        one_mutual.pk,
        colleague.pk,
        former.pk,
        schoolmate.pk,
        skilled.pk,
        neighbour.pk,
    ]
    assert stranger.pk not in order
    assert reasons_of(me, two_mutual) == [{"kind": "mutual", "count": 2}]
    assert reasons_of(me, colleague) == [{"kind": "employer", "name": "ORANGE", "current": True}]
    assert reasons_of(me, former) == [
        {"kind": "employer", "name": "Societe  Generale", "current": False}
    ]
    assert reasons_of(me, schoolmate) == [{"kind": "school", "name": "insa lyon"}]
    assert reasons_of(me, skilled) == [{"kind": "skills", "count": 2}]
    assert reasons_of(me, neighbour) == [{"kind": "city", "name": "lyon"}]


def test_mutual_connections_outweigh_every_other_reason_combined_with_a_lesser_count():
    me = person(city="Lyon")
    works_at(me, "Orange")
    studied_at(me, "INSA Lyon")
    a, b = person(), person()
    connect(me, a)
    connect(me, b)
    two_mutual = person()
    connect(two_mutual, a)
    connect(two_mutual, b)
    everything_else = person(city="Lyon")
    works_at(everything_else, "Orange")
    studied_at(everything_else, "INSA Lyon")
    connect(everything_else, a)

    assert ranked_ids(me)[:2] == [two_mutual.pk, everything_else.pk]
    assert [r["kind"] for r in reasons_of(me, everything_else)] == [
        "mutual",
        "employer",
        "school",
        "city",
    ]


def test_reasons_are_rendered_in_the_viewers_language(client):
    me = person(city="Lyon")
    works_at(me, "Orange", current=False)
    studied_at(me, "INSA Lyon")
    has_skills(me, "Python", "Django", "SQL")
    a, b = person(), person()
    connect(me, a)
    connect(me, b)
    them = person(city="Lyon")
    connect(them, a)
    connect(them, b)
    works_at(them, "Orange")
    studied_at(them, "INSA Lyon")
    has_skills(them, "Python", "Django", "SQL")
    people, has_more = sugg.suggestions_page(me, limit=20)
    assert not has_more
    assert people[0] == them
    assert people[0].reasons_text == [
        "2 mutual connections",
        "Also worked at Orange",
        "Same school: INSA Lyon",
        "3 skills in common",
        "Also in Lyon",
    ]
    client.force_login(me)
    page = client.get(reverse("network_suggestions")).content.decode()
    assert "2 mutual connections" in page
    assert "Same school: INSA Lyon" in page
    french = client.get(reverse("network_suggestions"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert french  # the French catalogue is the lead's; the page renders in French too


def test_reason_texts():
    assert sugg.reason_text({"kind": "mutual", "count": 1}) == "1 mutual connection"
    assert sugg.reason_text({"kind": "mutual", "count": 12}) == "12 mutual connections"
    assert sugg.reason_text({"kind": "employer", "name": "Orange"}) == "Also worked at Orange"
    assert (
        sugg.reason_text({"kind": "employer", "name": "Orange", "current": True})
        == "Also works at Orange"
    )
    assert sugg.reason_text({"kind": "school", "name": "INSA Lyon"}) == "Same school: INSA Lyon"
    assert sugg.reason_text({"kind": "skills", "count": 1}) == "1 skill in common"
    assert sugg.reason_text({"kind": "city", "name": "Lyon"}) == "Also in Lyon"
    assert sugg.reason_text({"kind": "unknown"}) == ""


# --- Exclusions ----------------------------------------------------------------------------------


def test_exclusions_self_first_degree_blocks_dismissals_pending_and_inactive():
    me = person(city="Lyon")
    friend = person(city="Lyon")
    connect(me, friend)
    # Everyone below would be suggested (2nd degree through `friend`, same city)...
    kept = person(city="Lyon")
    i_blocked = person(city="Lyon")
    blocked_me = person(city="Lyon")
    dismissed = person(city="Lyon")
    i_invited = person(city="Lyon")
    invited_me = person(city="Lyon")
    inactive = person(city="Lyon")
    for other in (kept, i_blocked, blocked_me, dismissed, i_invited, invited_me, inactive):
        connect(friend, other)
    block(me, i_blocked)
    block(blocked_me, me)
    SuggestionDismissal.objects.create(member=me, dismissed=dismissed)
    invite(me, i_invited)
    invite(invited_me, me)
    inactive.is_active = False
    inactive.save()

    assert ranked_ids(me) == [kept.pk]
    sugg.suggestions_refresh(me.pk)
    assert list(Suggestion.objects.filter(member=me).values_list("candidate_id", flat=True)) == [
        kept.pk
    ]


def test_nobody_is_suggested_for_an_empty_profile_without_connections():
    me = person()
    person(city="Lyon")
    assert sugg.suggestions_compute(me) == []
    assert sugg.suggestions_refresh(me.pk) == 0


# --- Privacy: never a reason from a hidden field -------------------------------------------------


@pytest.mark.parametrize(
    ("section", "setup"),
    [
        ("experience", lambda me, them: (works_at(me, "Orange"), works_at(them, "Orange"))),
        ("education", lambda me, them: (studied_at(me, "INSA"), studied_at(them, "INSA"))),
        ("skills", lambda me, them: (has_skills(me, "Python"), has_skills(them, "Python"))),
        ("location", lambda me, them: None),
    ],
)
@pytest.mark.parametrize("level", [Audience.CONNECTIONS, Audience.ONLY_ME])
def test_a_candidate_matching_only_through_a_hidden_field_is_not_suggested(section, setup, level):
    city = "Lyon" if section == "location" else ""
    me = person(city=city)
    them = person(city=city)
    setup(me, them)
    assert ranked_ids(me) == [them.pk]  # visible: suggested
    hide(them, **{section: level})
    assert ranked_ids(me) == []
    sugg.suggestions_refresh(me.pk)
    assert not Suggestion.objects.filter(member=me).exists()


def test_a_hidden_employer_gives_no_reason_but_mutual_connections_still_do():
    me = person()
    works_at(me, "Orange")
    friend = person()
    connect(me, friend)
    them = person()
    connect(them, friend)
    works_at(them, "Orange")
    assert [r["kind"] for r in reasons_of(me, them)] == ["mutual", "employer"]
    hide(them, experience=Audience.CONNECTIONS)
    assert reasons_of(me, them) == [{"kind": "mutual", "count": 1}]
    people = sugg.suggestions_for(me, 20, 0)
    assert people[0].reasons_text == ["1 mutual connection"]


def test_a_section_hidden_after_the_refresh_does_not_leak_from_the_stored_reasons(client):
    me = person()
    works_at(me, "Orange")
    friend = person()
    connect(me, friend)
    them = person()
    connect(them, friend)
    works_at(them, "Orange")
    sugg.suggestions_refresh(me.pk)
    assert "employer" in [r["kind"] for r in Suggestion.objects.get(member=me).reasons]
    hide(them, experience=Audience.ONLY_ME)
    people = sugg.suggestions_for(me, 20, 0)
    assert people[0].reasons_text == ["1 mutual connection"]
    client.force_login(me)
    page = client.get(reverse("network_suggestions")).content.decode()
    assert "Orange" not in page
    assert "1 mutual connection" in page


def test_the_mutual_count_shown_is_the_live_one():
    me = person(city="Lyon")
    them = person(city="Lyon")
    sugg.suggestions_refresh(me.pk)
    assert sugg.suggestions_for(me, 20, 0)[0].reasons_text == ["Also in Lyon"]
    friend = person()
    connect(me, friend)
    connect(them, friend)
    assert sugg.suggestions_for(me, 20, 0)[0].reasons_text == [
        "1 mutual connection",
        "Also in Lyon",
    ]


# --- Storage, refresh and the task -------------------------------------------------------------


def test_refresh_replaces_the_stored_rows():
    me = person(city="Lyon")
    first = person(city="Lyon")
    sugg.suggestions_refresh(me.pk)
    old = Suggestion.objects.get(member=me)
    assert old.candidate == first
    first.profile.city = "Paris"
    first.profile.save()
    second = person(city="Lyon")
    assert sugg.suggestions_refresh(me.pk) == 1
    rows = list(Suggestion.objects.filter(member=me))
    assert [r.candidate_id for r in rows] == [second.pk]
    assert rows[0].computed_at >= old.computed_at


def test_refresh_stores_at_most_100_best_first():
    me = person(city="Lyon")
    for _i in range(sugg.STORED + 5):
        person(city="Lyon")
    assert sugg.suggestions_refresh(me.pk) == sugg.STORED
    assert Suggestion.objects.filter(member=me).count() == sugg.STORED


def test_refresh_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    me = person(city="Lyon")
    works_at(me, "Orange")
    studied_at(me, "INSA")
    has_skills(me, "Python")
    friend = person()
    connect(me, friend)

    def add(n):
        for _i in range(n):
            other = person(city="Lyon")
            connect(friend, other)
            works_at(other, "Orange")
            studied_at(other, "INSA")
            has_skills(other, "Python")

    add(3)
    with CaptureQueriesContext(connection) as few:
        assert sugg.suggestions_refresh(me.pk) == 3
    add(20)
    with CaptureQueriesContext(connection) as many:
        assert sugg.suggestions_refresh(me.pk) == 23
    assert len(many) == len(few)
    assert len(few) <= 22


def test_the_task_refreshes_a_members_suggestions():
    me = person(city="Lyon")
    other = person(city="Lyon")
    suggestions_refresh_task.enqueue(me.pk)
    assert list(Suggestion.objects.filter(member=me).values_list("candidate_id", flat=True)) == [
        other.pk
    ]


def test_the_page_refreshes_when_there_are_none_or_they_are_stale(
    client, django_capture_on_commit_callbacks
):
    me = person(city="Lyon")
    other = person(city="Lyon")
    client.force_login(me)
    assert not Suggestion.objects.filter(member=me).exists()
    client.get(reverse("network_suggestions"))
    row = Suggestion.objects.get(member=me)
    assert row.candidate == other
    # Fresh rows are read as they are, even if the world changed...
    newcomer = person(city="Lyon")
    client.get(reverse("network_suggestions"))
    assert not Suggestion.objects.filter(member=me, candidate=newcomer).exists()
    # ...and rows older than a day are shown while a task recomputes them, once however many
    # times the page is seen meanwhile.
    Suggestion.objects.filter(member=me).update(computed_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks() as queued:
        page = client.get(reverse("network_suggestions")).content.decode()
        client.get(reverse("network_suggestions"))
    assert other.get_full_name() in page
    assert newcomer.get_full_name() not in page
    assert len(queued) == 1
    assert not Suggestion.objects.filter(member=me, candidate=newcomer).exists()
    queued[0]()
    assert Suggestion.objects.filter(member=me, candidate=newcomer).exists()


def test_nothing_found_is_remembered_until_the_next_refresh(client):
    me = person(city="Lyon")
    client.force_login(me)
    client.get(reverse("network_suggestions"))
    assert not Suggestion.objects.filter(member=me).exists()
    # Someone to suggest appears: the page does not search again on each visit...
    other = person(city="Lyon")
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("network_suggestions"))
    assert not Suggestion.objects.filter(member=me).exists()
    assert len(captured) <= 4
    # ...a refresh (a task after a connection, or the next day's visit) finds them.
    sugg.suggestions_refresh(me.pk)
    assert list(Suggestion.objects.filter(member=me).values_list("candidate_id", flat=True)) == [
        other.pk
    ]


def test_only_the_candidates_with_the_most_mutual_connections_are_scored(monkeypatch):
    """Beyond `PLAUSIBLE` candidates, fewer mutual connections cannot reach the top: the
    result is the same as scoring everyone."""
    me = person(city="Lyon")
    friends = [person() for _i in range(3)]
    for friend in friends:
        connect(me, friend)
    # Six candidates: two with 3 mutual connections, two with 2, two with 1; one of each pair
    # also lives in Lyon.
    for mutual in (3, 2, 1):
        for city in ("Lyon", ""):
            candidate = person(city=city)
            for friend in friends[:mutual]:
                connect(friend, candidate)
    person(city="Lyon")  # only the city in common
    everyone = sugg.suggestions_compute(me)
    monkeypatch.setattr(sugg, "PLAUSIBLE", 3)
    bounded = sugg.suggestions_compute(me)
    # The two with 3 mutual connections, and both tied at the third's count (2), whose city
    # breaks the tie; nobody with fewer is scored.
    assert bounded == everyone[:4]


# --- Pages ------------------------------------------------------------------------------------


def test_the_page_needs_a_login(client):
    response = client.get(reverse("network_suggestions"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_lists_suggestions_with_actions_and_an_empty_state(client):
    me = person(city="Lyon")
    client.force_login(me)
    empty = client.get(reverse("network_suggestions")).content.decode()
    assert "No suggestions for now" in empty
    other = person(city="Lyon", headline="Data engineer")
    sugg.suggestions_refresh(me.pk)
    page = client.get(reverse("network_suggestions")).content.decode()
    assert other.get_full_name() in page
    assert "Data engineer" in page
    assert reverse("suggestion_dismiss", args=[other.public_id]) in page
    assert "Also in Lyon" in page


def test_the_page_query_count_is_pinned_and_constant(client):
    me = person(city="Lyon")
    client.force_login(me)
    friend = person()
    connect(me, friend)
    for _i in range(3):
        connect(friend, person(city="Lyon"))
    sugg.suggestions_refresh(me.pk)
    client.get(reverse("network_suggestions"))  # warm the session and instance caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("network_suggestions"))
    assert response.content.decode().count('class="suggestion person-card"') == 3
    for _i in range(25):
        connect(friend, person(city="Lyon"))
    sugg.suggestions_refresh(me.pk)
    client.get(reverse("network_suggestions"))  # warm the new people's degree caches
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("network_suggestions"))
    assert response.content.decode().count('class="suggestion person-card"') == 20
    assert len(many) == len(few)
    # Session, member, the stored suggestions with their people, the viewer's standing with them
    # (invitations, follows, mutes and blocks in one query); degree sets come from the cache.
    assert len(few) == 3 + session_read_queries()
    page2 = client.get(reverse("network_suggestions") + "?page=2").content.decode()
    assert page2.count('class="suggestion person-card"') == 8


def test_the_block_for_the_home_and_network_pages(client):
    me = person(city="Lyon")
    for _i in range(8):
        person(city="Lyon")
    client.force_login(me)
    home = client.get(reverse("home")).content.decode()
    assert reverse("network_suggestions_block") + "?layout=home" in home
    fragment = client.get(
        reverse("network_suggestions_block") + "?layout=home",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/home/",
    ).content.decode()
    assert fragment.count('class="suggestion suggestion--row"') == 3
    assert 'value="/home/"' in fragment
    grid = client.get(reverse("network_suggestions_block")).content.decode()
    assert grid.count('class="suggestion person-card"') == 6
    assert reverse("network_suggestions") in grid


def test_the_network_page_loads_the_block(client):
    me = person(city="Lyon")
    client.force_login(me)
    page = client.get(reverse("network")).content.decode()
    assert reverse("network_suggestions_block") + "?layout=network" in page


def test_the_block_needs_a_login(client):
    response = client.get(reverse("network_suggestions_block"))
    assert response.status_code == 302


# --- Dismiss -------------------------------------------------------------------------------------


def test_dismiss_with_htmx_removes_the_card_and_it_never_comes_back(client):
    me = person(city="Lyon")
    other = person(city="Lyon")
    sugg.suggestions_refresh(me.pk)
    client.force_login(me)
    response = client.post(
        reverse("suggestion_dismiss", args=[other.public_id]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "will not be suggested again" in response.content.decode()
    assert SuggestionDismissal.objects.filter(member=me, dismissed=other).exists()
    assert not Suggestion.objects.filter(member=me).exists()
    sugg.suggestions_refresh(me.pk)
    assert not Suggestion.objects.filter(member=me).exists()


def test_dismiss_without_javascript_redirects_back(client):
    me = person(city="Lyon")
    other = person(city="Lyon")
    client.force_login(me)
    response = client.post(
        reverse("suggestion_dismiss", args=[other.public_id]),
        {"next": reverse("network_suggestions") + "?page=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("network_suggestions") + "?page=1"
    evil = client.post(
        reverse("suggestion_dismiss", args=[other.public_id]), {"next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("network_suggestions")


def test_dismiss_refuses_get_anonymous_blocked_self_and_unknown(client):
    me = person()
    other = person()
    blocked = person()
    block(blocked, me)
    url = reverse("suggestion_dismiss", args=[other.public_id])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(me)
    assert client.get(url).status_code == 405
    assert client.post(reverse("suggestion_dismiss", args=[blocked.public_id])).status_code == 404
    assert client.post(reverse("suggestion_dismiss", args=[me.public_id])).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.post(f"/network/suggestions/{unknown}/dismiss/").status_code == 404
    assert not SuggestionDismissal.objects.exists()


def test_a_hub_counts_mutual_connections_through_its_most_recent_connections(monkeypatch):
    from maillage.network.models import Connection

    me = person()
    older, newer = person(), person()
    connect(me, older)
    connect(me, newer)
    Connection.objects.filter(member=me, other=older).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    through_older, through_newer = person(), person()
    connect(older, through_older)
    connect(newer, through_newer)
    assert {c for c, _s, _r in sugg.suggestions_compute(me)} == {through_older.pk, through_newer.pk}
    monkeypatch.setattr(sugg, "MUTUAL_FROM_CONNECTIONS", 1)
    assert [c for c, _s, _r in sugg.suggestions_compute(me)] == [through_newer.pk]
