"""A new or removed connection refreshes both members' stored suggestions after commit."""

from __future__ import annotations

import pytest

from maillage.accounts.tests.factories import ProfileFactory
from maillage.network.models import Suggestion
from maillage.network.services import connection_create, connection_remove

pytestmark = pytest.mark.django_db


def test_connecting_refreshes_both_members_suggestions(django_capture_on_commit_callbacks):
    alice, bruno, chloe = (ProfileFactory().member for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        connection_create(member_id=bruno.pk, other_id=chloe.pk)
    assert not Suggestion.objects.filter(member=alice).exists()

    # Alice connects with Bruno: Chloé, Bruno's connection, becomes a suggestion for Alice.
    with django_capture_on_commit_callbacks(execute=True):
        connection_create(member_id=alice.pk, other_id=bruno.pk)
    row = Suggestion.objects.get(member=alice, candidate=chloe)
    assert {"kind": "mutual", "count": 1} in row.reasons
    assert Suggestion.objects.filter(member=chloe, candidate=alice).exists()

    # Bruno leaves Alice: she no longer shares anyone with Chloé.
    with django_capture_on_commit_callbacks(execute=True):
        connection_remove(member=alice, other=bruno)
    left = Suggestion.objects.filter(member=alice, candidate=chloe).first()
    assert left is None or not any(r["kind"] == "mutual" for r in left.reasons)


def test_nothing_is_refreshed_before_commit(django_capture_on_commit_callbacks):
    alice, bruno, chloe = (ProfileFactory().member for _ in range(3))
    with django_capture_on_commit_callbacks(execute=False):
        connection_create(member_id=bruno.pk, other_id=chloe.pk)
        connection_create(member_id=alice.pk, other_id=bruno.pk)
    assert not Suggestion.objects.exists()
