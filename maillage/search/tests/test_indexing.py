"""The index follows the profile: each service that changes an indexed field or an audience
re-indexes the member after commit; the bulk rebuild gives the same index."""

from __future__ import annotations

import datetime

import pytest

from maillage.accounts.services import member_create_verified
from maillage.core.audience import Audience
from maillage.network.tests.factories import connect, member
from maillage.profiles import services as profile_services
from maillage.profiles.models import Profile
from maillage.search import services
from maillage.search.models import SearchEntry, SearchTerm
from maillage.search.selectors import PeopleQuery, people_search

from .factories import person

pytestmark = pytest.mark.django_db


def found(viewer, **query) -> list[int]:
    return [m.pk for m in people_search(viewer=viewer, query=PeopleQuery(**query)).results]


@pytest.fixture
def owner():
    return person("Bérénice", "Hamon", headline="Archivist", city="Rennes")


@pytest.fixture
def viewer():
    return member()


def test_intro_changes_are_indexed_after_commit(owner, viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile_services.profile_update_intro(
            profile=owner.profile,
            first_name="Bérangère",
            last_name="Hamon",
            headline="Librarian",
            industry="",
            city="Vannes",
            region="",
            country="France",
        )
    assert callbacks  # scheduled, not yet run: the old index still answers
    assert found(viewer, q="berenice") == [owner.pk]
    for callback in callbacks:
        callback()
    assert found(viewer, q="berenice") == []
    assert found(viewer, q="berangere") == [owner.pk]
    assert found(viewer, q="berangre") == [owner.pk]  # the new name is in the typo vocabulary
    assert found(viewer, q="librarian") == [owner.pk]
    assert found(viewer, q="archivist") == []
    assert found(viewer, location="vannes") == [owner.pk]
    assert found(viewer, location="rennes") == []


def test_audience_changes_are_indexed(owner, viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.profile_set_audience(
            profile=owner.profile, section="location", audience=Audience.CONNECTIONS
        )
    assert found(viewer, location="rennes") == []
    connect(owner, viewer)
    assert found(viewer, location="rennes") == [owner.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.profile_set_audience(
            profile=owner.profile, section="location", audience=Audience.ONLY_ME
        )
    assert found(viewer, location="rennes") == []


def test_positions_are_indexed(owner, viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        position = profile_services.position_create(
            profile=owner.profile,
            title="Curator",
            organization_name="Musée d'Orsay",
            start_date=datetime.date(2021, 3, 1),
        )
    assert found(viewer, org="orsay") == [owner.pk]
    assert found(viewer, q="curator") == [owner.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.position_update(
            position=position,
            title="Curator",
            organization_name="Louvre",
            start_date=datetime.date(2021, 3, 1),
        )
    assert found(viewer, org="orsay") == []
    assert found(viewer, org="louvre") == [owner.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.position_delete(position=position)
    assert found(viewer, org="louvre") == []
    assert found(viewer, q="curator") == []


def test_skills_are_indexed(owner, viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        held = profile_services.skill_add(profile=owner.profile, name="Paléographie")
    assert found(viewer, q="paleographie") == [owner.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_services.skill_remove(profile_skill=held)
    assert found(viewer, q="paleographie") == []


def test_new_members_are_indexed(viewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = member_create_verified(
            email="new@example.org", password=None, first_name="Séraphine", last_name="Noël"
        )
        profile_services.profile_ensure(member=created)
    assert found(viewer, q="seraphine noel") == [created.pk]


def test_on_commit_needs_a_member():
    with pytest.raises(ValueError):
        services.member_index_on_commit()


def test_reindex_all_rebuilds_the_same_index(owner, viewer):
    other = person("Timothée", "Vidal", orgs=["Ubisoft"], skills=["Unity"], city="Montpellier")
    before = sorted(SearchEntry.objects.values_list("member_id", "group", "audience", "text"))
    terms_before = set(SearchTerm.objects.values_list("variant", "term"))
    SearchEntry.objects.all().delete()
    assert found(viewer, q="timothee") == []
    assert services.search_reindex_all() == 3  # the viewer, the owner and the other
    after = sorted(SearchEntry.objects.values_list("member_id", "group", "audience", "text"))
    # The viewer had no entries before (made without indexing); everyone else's are identical.
    assert [row for row in after if row[0] != viewer.pk] == before
    assert terms_before <= set(SearchTerm.objects.values_list("variant", "term"))
    assert found(viewer, q="timotee") == [other.pk]
    assert found(viewer, q="unity", org="ubisoft", location="montpellier") == [other.pk]


def test_member_without_profile_is_indexed_by_name(viewer):
    from maillage.accounts.tests.factories import UserFactory

    lone = UserFactory(first_name="Ludivine", last_name="Sarda")
    assert not Profile.objects.filter(member=lone).exists()
    services.member_index(member_id=lone.pk)
    assert found(viewer, q="ludivine") == [lone.pk]
