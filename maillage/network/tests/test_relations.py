"""The audience module reads the real graph: the relations registered in `network/apps.py`.

No fixture swaps relations here (unlike the kernel's own tests): "connections" and "blocked"
are `degrees.ConnectionsRelation` and `degrees.BlockedRelation`, fed by the network services.
"""

from __future__ import annotations

import random

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from maillage.accounts.tests.factories import UserFactory
from maillage.core import audience
from maillage.core.audience import Audience
from maillage.network import degrees, services
from tests.audience_app.models import Note

PERSONAL = [Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS, Audience.ONLY_ME]


def people(n):
    return [UserFactory(verified=False) for _ in range(n)]


def test_the_registered_relations_are_the_networks():
    assert isinstance(audience.relation(audience.CONNECTIONS), degrees.ConnectionsRelation)
    assert isinstance(audience.relation(audience.BLOCKED), degrees.BlockedRelation)


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    """owner — friend — second; stranger; blocker blocked the owner; blocked was blocked by them."""
    owner, friend, second, stranger, blocker, blocked = people(6)
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_create(member_id=owner.pk, other_id=friend.pk)
        services.connection_create(member_id=friend.pk, other_id=second.pk)
        services.connection_create(member_id=owner.pk, other_id=blocker.pk)
        services.connection_create(member_id=owner.pk, other_id=blocked.pk)
        services.block_add(blocker=blocker, blocked=owner)
        services.block_add(blocker=owner, blocked=blocked)
    return {
        "owner": owner,
        "friend": friend,
        "second": second,
        "stranger": stranger,
        "blocker": blocker,
        "blocked": blocked,
    }


@pytest.mark.parametrize(
    ("viewer", "audience_", "expected"),
    [
        ("owner", Audience.CONNECTIONS, True),
        ("owner", Audience.ONLY_ME, True),
        ("friend", Audience.CONNECTIONS, True),
        ("friend", Audience.ONLY_ME, False),
        ("second", Audience.CONNECTIONS, False),
        ("second", Audience.MEMBERS, True),
        ("stranger", Audience.CONNECTIONS, False),
        ("stranger", Audience.PUBLIC, True),
        # A block either way hides everything, even public things, and the connection is gone.
        ("blocker", Audience.CONNECTIONS, False),
        ("blocker", Audience.PUBLIC, False),
        ("blocked", Audience.CONNECTIONS, False),
        ("blocked", Audience.PUBLIC, False),
        ("anonymous", Audience.CONNECTIONS, False),
        ("anonymous", Audience.PUBLIC, True),
    ],
)
def test_who_sees_what_the_owner_shows(world, viewer, audience_, expected):
    who = AnonymousUser() if viewer == "anonymous" else world[viewer]
    owner = world["owner"]
    assert audience.can_view_audience(who, owner_id=owner.pk, audience=audience_) is expected
    assert audience.can_view_audience_many(who, [(owner.pk, audience_)]) == [expected]
    note = Note.objects.create(owner=owner, audience=audience_)
    assert audience.can_view(who, note) is expected
    assert audience.filter_visible(who, Note.objects.all()).filter(pk=note.pk).exists() is expected


def test_connecting_and_disconnecting_changes_who_sees_connections_content(
    world, django_capture_on_commit_callbacks
):
    owner, second = world["owner"], world["second"]
    note = Note.objects.create(owner=owner, audience=Audience.CONNECTIONS)
    assert not audience.can_view(second, note)  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_create(member_id=second.pk, other_id=owner.pk)
    assert audience.can_view(second, note)
    assert audience.filter_visible(second, Note.objects.filter(pk=note.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(member=owner, other=second)
    assert not audience.can_view(second, note)
    assert not audience.filter_visible(second, Note.objects.filter(pk=note.pk)).exists()


def test_unblocking_shows_public_content_again_but_not_connections_content(
    world, django_capture_on_commit_callbacks
):
    owner, blocked = world["owner"], world["blocked"]
    public = Note.objects.create(owner=owner, audience=Audience.PUBLIC)
    private = Note.objects.create(owner=owner, audience=Audience.CONNECTIONS)
    assert not audience.can_view(blocked, public)
    with django_capture_on_commit_callbacks(execute=True):
        services.block_remove(blocker=owner, blocked=blocked)
    assert audience.can_view(blocked, public)
    assert not audience.can_view(blocked, private)  # the block ended the connection for good


@pytest.mark.parametrize("seed", range(6))
def test_filter_visible_agrees_with_can_view_on_a_random_graph(
    db, django_capture_on_commit_callbacks, seed
):
    rng = random.Random(seed)
    members = people(rng.randint(6, 12))
    with django_capture_on_commit_callbacks(execute=True):
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                roll = rng.random()
                if roll < 0.35:
                    services.connection_create(member_id=a.pk, other_id=b.pk)
                elif roll < 0.45:
                    x, y = (a, b) if rng.random() < 0.5 else (b, a)
                    services.block_add(blocker=x, blocked=y)
    notes = [
        Note.objects.create(owner=rng.choice(members), audience=rng.choice(PERSONAL))
        for _ in range(30)
    ]
    # Read the sets once (cached), then change the graph: both entry points must follow.
    for viewer in members:
        audience.filter_visible(viewer, Note.objects.all()).count()
        [audience.can_view(viewer, n) for n in notes]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            a, b = rng.sample(members, 2)
            if rng.random() < 0.5:
                if not audience.is_blocked(a.pk, b.pk):
                    services.connection_create(member_id=a.pk, other_id=b.pk)
            else:
                services.connection_remove(member=a, other=b)
    blocks = 0
    for viewer in [*members, AnonymousUser()]:
        listed = set(audience.filter_visible(viewer, Note.objects.all()).values_list("pk", flat=True))
        checked = {n.pk for n in notes if audience.can_view(viewer, n)}
        batched = audience.can_view_audience_many(viewer, [(n.owner_id, n.audience) for n in notes])
        assert listed == checked, (seed, viewer)
        assert [n.pk in checked for n in notes] == batched
        if viewer.is_authenticated:
            blocks += len(degrees.blocked_ids(viewer.pk))
            for n in notes:
                # The rules themselves, from the graph as stored.
                connected = services.are_connected(viewer.pk, n.owner_id)
                blocked = audience.is_blocked(viewer.pk, n.owner_id)
                expected = n.owner_id == viewer.pk or (
                    not blocked
                    and (
                        n.audience in (Audience.PUBLIC, Audience.MEMBERS)
                        or (n.audience == Audience.CONNECTIONS and connected)
                    )
                )
                assert (n.pk in checked) is expected


@pytest.mark.django_db(transaction=True)
def test_a_connection_made_in_a_transaction_is_seen_after_commit():
    a, b, c = people(3)
    services.connection_create(member_id=a.pk, other_id=b.pk)
    assert degrees.degree_of(a.pk, c.pk) == 3
    assert degrees.degree_of(a.pk, b.pk) == 1  # cached now
    with transaction.atomic():
        services.connection_create(member_id=b.pk, other_id=c.pk)
        assert degrees.degree_of(a.pk, c.pk) == 3  # not committed: the cached sets answer
    # on_commit ran: a's 2nd degree (a is b's neighbour) and c's sets were invalidated.
    assert degrees.degree_of(a.pk, c.pk) == 2
    assert degrees.degree_of(c.pk, b.pk) == 1
    assert audience.can_view_audience(c, owner_id=b.pk, audience=Audience.CONNECTIONS)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_connection_leaves_no_trace():
    a, b = people(2)
    assert degrees.degree_of(a.pk, b.pk) == 3
    with pytest.raises(RuntimeError), transaction.atomic():
        services.connection_create(member_id=a.pk, other_id=b.pk)
        raise RuntimeError
    assert degrees.degree_of(a.pk, b.pk) == 3
    assert not audience.can_view_audience(a, owner_id=b.pk, audience=Audience.CONNECTIONS)


@pytest.mark.xfail(
    strict=True,
    reason="known limit (degrees.py docstring): a set read inside a graph-changing transaction "
    "that then rolls back stays cached until the next change or expiry",
)
@pytest.mark.django_db(transaction=True)
def test_a_set_read_inside_a_rolled_back_transaction_is_not_kept():
    a, b = people(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.connection_create(member_id=a.pk, other_id=b.pk)
        assert degrees.degree_of(a.pk, b.pk) == 1  # read, and cached, before the rollback
        raise RuntimeError
    assert degrees.degree_of(a.pk, b.pk) == 3
