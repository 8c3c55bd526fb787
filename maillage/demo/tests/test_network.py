"""The demo network's graph keeps the rules the network services keep, and gives the demo login
something to do: invitations to answer, a reminder due, endorsements, recommendations."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from maillage.accounts.models import User
from maillage.demo.extras import member_extras
from maillage.demo.generate import demo_member_specs
from maillage.demo.network import demo_network_plan
from maillage.network import degrees
from maillage.network.models import (
    Block,
    Connection,
    Contact,
    Follow,
    Introduction,
    Invitation,
    Mute,
    NetworkSettings,
    Reminder,
)
from maillage.notifications.models import Kind, Notification
from maillage.profiles.models import Endorsement, ProfileSkill, Recommendation

CAMILLE = "camille.martin@demo.maillage.test"


def pairs():
    return {(a, b): t for a, b, t in Connection.objects.values_list("member_id", "other_id", "created_at")}


def check_invariants():
    connections = pairs()
    # Both directed rows, with the same date.
    for (a, b), when in connections.items():
        assert connections.get((b, a)) == when, (a, b)
    # Connected members follow each other.
    follows = set(Follow.objects.values_list("follower_id", "followed_id"))
    assert set(connections) <= follows
    # No connection, follow or pending invitation across a block.
    for blocker, blocked in Block.objects.values_list("blocker_id", "blocked_id"):
        assert (blocker, blocked) not in connections
        assert (blocker, blocked) not in follows and (blocked, blocker) not in follows
    pending = list(
        Invitation.objects.filter(status="pending").values_list("sender_id", "recipient_id")
    )
    blocked = {frozenset(p) for p in Block.objects.values_list("blocker_id", "blocked_id")}
    for sender, recipient in pending:
        assert (sender, recipient) not in connections, "pending between connected members"
        assert frozenset((sender, recipient)) not in blocked
    # One pending invitation per pair (per direction, and never both ways: that is a connection).
    assert len({frozenset(p) for p in pending}) == len(pending)
    # Endorsements: by 1st-degree connections, of skills the member lists.
    owner_of = dict(ProfileSkill.objects.values_list("pk", "profile__member_id"))
    for skill_id, endorser in Endorsement.objects.values_list("profile_skill_id", "endorser_id"):
        assert (endorser, owner_of[skill_id]) in connections
    # Recommendations only between connections.
    for author, recipient in Recommendation.objects.values_list("author_id", "recipient_id"):
        assert (author, recipient) in connections
    # Introductions through a connection of both, between people not connected.
    for requester, middle, target in Introduction.objects.values_list(
        "requester_id", "intermediary_id", "target_id"
    ):
        assert (middle, requester) in connections and (middle, target) in connections
        assert (requester, target) not in connections
    return connections


@pytest.mark.django_db
def test_the_full_demo_network_keeps_the_services_rules_and_gives_camille_things_to_do():
    call_command("demo", verbosity=0)
    connections = check_invariants()

    members = User.objects.count()
    degree = Counter(a for a, _b in connections)
    mean = len(connections) / members
    assert 25 <= mean <= 40, mean
    assert min(degree[m] for m in User.objects.values_list("pk", flat=True)) >= 3
    assert max(degree.values()) >= 80  # hubs
    # Dates spread over the past years, none in the future.
    dates = sorted(set(connections.values()))
    now = timezone.now()
    assert dates[-1] < now and (now - dates[0]).days > 365

    camille = User.objects.get(email=CAMILLE)
    assert degree[camille.pk] >= 40
    received = Invitation.objects.filter(recipient=camille, status="pending")
    assert received.count() >= 3 and received.exclude(note="").exists()
    assert Invitation.objects.filter(sender=camille, status="pending").exists()
    assert Invitation.objects.filter(status__in=["ignored", "withdrawn"]).count() >= 3
    assert Notification.objects.filter(
        recipient=camille, kind=Kind.INVITATION_RECEIVED
    ).count() == received.count()
    # A reminder due (not fired yet, so the reminder task fires it) and others to come.
    reminders = Reminder.objects.filter(contact__owner=camille)
    due = reminders.filter(due_at__lte=now, fired_at=None, done_at=None)
    assert due.count() == 1
    assert reminders.filter(due_at__gt=now).count() >= 2
    assert Contact.objects.filter(owner=camille, member=None).exists()
    assert Contact.objects.filter(owner=camille, tags__isnull=False).exists()
    # Endorsements, the most on the skills she shows first.
    endorsed = Counter(
        Endorsement.objects.filter(profile_skill__profile__member=camille).values_list(
            "profile_skill__skill__name", flat=True
        )
    )
    assert sum(endorsed.values()) >= 50 and max(endorsed.values()) >= 15
    # Recommendations: shown ones written in French or English, two to approve, two asked.
    visible = Recommendation.objects.filter(recipient=camille, status="visible")
    assert visible.count() >= 3 and all(len(r.body) > 100 for r in visible)
    assert Recommendation.objects.filter(recipient=camille, status="pending").count() == 2
    assert Recommendation.objects.filter(author=camille, status="requested").count() == 2
    assert Recommendation.objects.filter(status="visible").count() > 50
    assert Introduction.objects.filter(intermediary=camille, status="asked").exists()
    assert Introduction.objects.filter(requester=camille).exists()
    # Blocks, mutes and "only me" settings exist, none of them Camille's.
    mine = Q(blocker=camille) | Q(blocked=camille)
    assert Block.objects.exists() and not Block.objects.filter(mine).exists()
    assert Mute.objects.exists() and not Mute.objects.filter(Q(muter=camille) | Q(muted=camille))
    assert NetworkSettings.objects.filter(connections_visibility="only_me").count() >= 3
    assert not NetworkSettings.objects.filter(member=camille).exists()
    # One-way follows of hubs and of Camille.
    follows = set(Follow.objects.values_list("follower_id", "followed_id"))
    assert len(follows) > len(connections)
    # Degrees read the stored graph.
    others = list(User.objects.exclude(pk=camille.pk).values_list("pk", flat=True))
    found = Counter(degrees.degrees_for(camille.pk, others).values())
    assert found[1] == degree[camille.pk] and found[2] > 0


@pytest.mark.django_db
def test_a_refresh_keeps_the_graph_and_duplicates_nothing():
    call_command("demo", members=40, verbosity=0)
    first = pairs()
    counts = [
        m.objects.count()
        for m in (Follow, Invitation, Endorsement, Recommendation, Introduction, Contact, Reminder)
    ]
    check_invariants()

    call_command("demo", members=40, verbosity=0)

    assert pairs() == first
    assert counts == [
        m.objects.count()
        for m in (Follow, Invitation, Endorsement, Recommendation, Introduction, Contact, Reminder)
    ]
    check_invariants()


@pytest.mark.django_db
def test_a_refresh_repairs_the_graph_and_leaves_outsiders_connections(
    django_capture_on_commit_callbacks,
):
    from maillage.accounts.tests.factories import UserFactory
    from maillage.network import services

    call_command("demo", members=40, verbosity=0)
    first = pairs()
    camille = User.objects.get(email=CAMILLE)
    friend = Connection.objects.filter(member=camille).first().other
    outsider = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(member=camille, other=friend)
        services.connection_create(member_id=camille.pk, other_id=outsider.pk)
    assert degrees.degree_of(camille.pk, friend.pk) != 1

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", members=40, verbosity=0)

    now = pairs()
    assert (camille.pk, outsider.pk) in now
    del now[(camille.pk, outsider.pk)], now[(outsider.pk, camille.pk)]
    assert set(now) == set(first)
    assert degrees.degree_of(camille.pk, friend.pk) == 1  # the caches were refreshed


def test_the_plan_is_deterministic():
    specs = demo_member_specs(60)
    extras = [member_extras(s, i) for i, s in enumerate(specs)]
    assert demo_network_plan(specs, extras) == demo_network_plan(specs, extras)
