"""Security audit of people search: negative cases that had no test of their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.core.audience import Audience
from maillage.network.tests.factories import block, connect, member

from .factories import person

pytestmark = pytest.mark.django_db


def test_autocomplete_never_lists_someone_on_either_side_of_a_block(client):
    viewer = member()
    they_blocked = person("Zéphyrine", "Blockedbyme", skills=["Kotlin"])
    blocked_me = person("Zéphyrine", "Blocksme", skills=["Kotlin"])
    person("Zéphyrine", "Visible", skills=["Kotlin"])
    block(viewer, they_blocked)
    block(blocked_me, viewer)
    client.force_login(viewer)
    cases = [
        (name, {"q": q}) for name in ("search_suggest", "search") for q in ("zephyrine", "kotlin")
    ]
    cases.append(("search", {"degree": "3"}))  # the degree filter alone lists everyone else
    for name, query in cases:
        html = client.get(reverse(name), query).content.decode()
        assert "Blockedbyme" not in html and "Blocksme" not in html, (name, query)
        assert "Visible" in html, (name, query)


def test_a_connections_only_organization_is_no_filter_for_others(client):
    owner = person("Octave", "Discret", orgs=["Secretcorp"])
    profile = owner.profile
    profile.experience_audience = Audience.CONNECTIONS
    profile.save()
    from maillage.search import services

    services.member_index(member_id=owner.pk)
    stranger, friend = member(), member()
    connect(owner, friend)
    client.force_login(stranger)
    for name in ("search", "search_suggest"):
        html = client.get(reverse(name), {"q": "secretcorp"}).content.decode()
        assert "Discret" not in html
    assert "Discret" not in client.get(reverse("search"), {"org": "secretcorp"}).content.decode()
    client.force_login(friend)
    assert "Discret" in client.get(reverse("search"), {"org": "secretcorp"}).content.decode()
