"""get_visible_or_404: a forbidden object answers exactly like a missing one."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from maillage.accounts.tests.factories import UserFactory
from maillage.core.access import get_visible_or_404
from maillage.core.audience import Audience
from tests.audience_app.models import Block, Link, Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def friend(owner, audience_relations):
    member = UserFactory()
    Link.objects.create(a=owner, b=member)
    return member


@pytest.fixture
def stranger():
    return UserFactory()


@pytest.fixture
def private_note(owner, audience_relations):
    return Note.objects.create(owner=owner, audience=Audience.CONNECTIONS, body="secret")


def raised_404(viewer, **lookup) -> Http404:
    with pytest.raises(Http404) as info:
        get_visible_or_404(viewer, Note.objects.all(), **lookup)
    return info.value


def describe(exc: Http404) -> tuple:
    """Everything a view, a log line or an error page could reveal about the 404."""
    cause = exc.__cause__
    return (type(exc), exc.args, str(exc), type(cause).__name__, str(cause))


def test_returns_the_object_when_visible(private_note, friend, owner):
    assert get_visible_or_404(friend, Note.objects.all(), pk=private_note.pk) == private_note
    assert get_visible_or_404(owner, Note.objects.all(), public_id=private_note.public_id) == (
        private_note
    )
    # Lookups by string (as they come from a URL) work too.
    assert get_visible_or_404(friend, Note.objects.all(), public_id=str(private_note.public_id))


def test_public_object_is_returned_to_anonymous(owner, audience_relations):
    note = Note.objects.create(owner=owner, audience=Audience.PUBLIC)
    for viewer in (None, AnonymousUser()):
        assert get_visible_or_404(viewer, Note.objects.all(), pk=note.pk) == note


def test_respects_the_querysets_own_filters(private_note, friend):
    with pytest.raises(Http404):
        get_visible_or_404(friend, Note.objects.exclude(pk=private_note.pk), pk=private_note.pk)


@pytest.mark.parametrize("viewer_kind", ["stranger", "anonymous", "none"])
def test_forbidden_object_raises_404(private_note, stranger, viewer_kind):
    viewer = {"stranger": stranger, "anonymous": AnonymousUser(), "none": None}[viewer_kind]
    raised_404(viewer, pk=private_note.pk)
    raised_404(viewer, public_id=private_note.public_id)


def test_missing_object_raises_404(stranger, audience_relations):
    raised_404(stranger, pk=987654)
    raised_404(stranger, public_id=uuid.uuid4())


@pytest.mark.parametrize(
    "lookup",
    [
        {"pk": "abc"},
        {"pk": "1; DROP TABLE notes"},
        {"pk": ""},
        {"pk": None},
        {"pk": [1]},
        {"pk": {"a": 1}},
        {"public_id": "not-a-uuid"},
        {"public_id": "1234"},
        {"public_id": ""},
        {"public_id": 3.5},
        {"public_id": "%00"},
    ],
    ids=repr,
)
def test_malformed_id_raises_404(private_note, owner, lookup):
    raised_404(owner, **lookup)


def test_forbidden_and_missing_are_indistinguishable(
    private_note, stranger, django_assert_num_queries
):
    with django_assert_num_queries(1):
        forbidden = raised_404(stranger, pk=private_note.pk)
    with django_assert_num_queries(1):
        missing = raised_404(stranger, pk=private_note.pk + 1000)
    assert describe(forbidden) == describe(missing)

    forbidden = raised_404(stranger, public_id=private_note.public_id)
    missing = raised_404(stranger, public_id=uuid.uuid4())
    assert describe(forbidden) == describe(missing)
    # And neither names the object or its owner.
    for exc in (forbidden, missing):
        assert "secret" not in str(describe(exc))
        assert str(private_note.public_id) not in str(describe(exc))


def test_blocked_member_gets_404_for_public_content(owner, audience_relations):

    blocked = UserFactory()
    Block.objects.create(blocker=owner, blocked=blocked)
    note = Note.objects.create(owner=owner, audience=Audience.PUBLIC)
    missing_pk = note.pk + 1000
    assert describe(raised_404(blocked, pk=note.pk)) == describe(raised_404(blocked, pk=missing_pk))
