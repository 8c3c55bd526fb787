"""Security audit of endorsements and recommendations: problems found (each test failed before
its fix) and important negative cases that had no test yet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.network.tests.factories import block, connect, member
from maillage.notifications.models import Kind, Notification
from maillage.notifications.selectors import notifications_page, unread_count
from maillage.profiles import endorsements as rules
from maillage.profiles import recommendations as rec
from maillage.profiles.models import ProfileSkill, Recommendation, Skill, skill_key

pytestmark = pytest.mark.django_db


def add_skill(profile, name) -> ProfileSkill:
    skill, _ = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
    return ProfileSkill.objects.create(profile=profile, skill=skill)


def test_a_withdrawn_endorsement_leaves_no_unread_notification_behind():
    """The notification pointed at the endorsement: once it is withdrawn the list hides it, so
    the unread badge must not keep counting it (it would tell the owner something happened)."""
    owner, friend = member(), member()
    connect(owner, friend)
    item = add_skill(owner.profile, "Python")
    rules.skill_endorse(endorser=friend, profile=owner.profile, skill_id=item.skill_id)
    assert unread_count(owner.pk) == 1
    rules.skill_unendorse(endorser=friend, profile=owner.profile, skill_id=item.skill_id)
    assert notifications_page(member=owner).items == []
    assert unread_count(owner.pk) == 0
    assert not Notification.objects.filter(kind=Kind.ENDORSEMENT).exists()


def test_recommendation_transitions_by_the_wrong_party_are_404(client):
    author, recipient, stranger = member(), member(), member()
    connect(author, recipient)
    row = rec.recommendation_write(
        author=author, recipient=recipient, relationship="managed", body="Great work."
    )
    # The author may not approve their own recommendation; a stranger may not touch it.
    for who in (author, stranger):
        client.force_login(who)
        response = client.post(reverse("recommendation_approve", args=[row.public_id]))
        assert response.status_code == 404
    row.refresh_from_db()
    assert row.status == Recommendation.Status.PENDING
    # Pending recommendations are never shown on the profile, not even to the author.
    client.force_login(author)
    page = client.get(reverse("profile_recommendations", args=[recipient.profile.address]))
    assert b"Great work." not in page.content


def test_a_blocked_party_cannot_act_on_a_recommendation(client):
    author, recipient = member(), member()
    connect(author, recipient)
    row = rec.recommendation_write(
        author=author, recipient=recipient, relationship="managed", body="Great work."
    )
    block(recipient, author)
    client.force_login(recipient)
    assert client.post(
        reverse("recommendation_approve", args=[row.public_id])
    ).status_code == 404
    row.refresh_from_db()
    assert row.status == Recommendation.Status.PENDING


def test_visitors_never_see_the_name_of_an_endorser_without_a_public_page(client):
    """A member who keeps no public page is not shown to visitors anywhere, endorsements
    included (as with the authors of recommendations)."""
    owner = member(member__first_name="Olivia", member__last_name="Owner")
    hidden = member(member__first_name="Harriet", member__last_name="Hiddenpage")
    shown = member(member__first_name="Paula", member__last_name="Publicpage")
    hidden.profile.public_page = False
    hidden.profile.save()
    connect(owner, hidden)
    connect(owner, shown)
    item = add_skill(owner.profile, "Python")
    for endorser in (hidden, shown):
        rules.skill_endorse(endorser=endorser, profile=owner.profile, skill_id=item.skill_id)

    url = reverse("skill_endorsers", args=[owner.profile.address, item.skill_id])
    page = client.get(url).content.decode()
    assert "Publicpage" in page
    assert "Hiddenpage" not in page
    found = rules.endorsements_for_skills(None, owner.profile, [item])[item.pk]
    assert [u.pk for u in found.named] == [shown.pk]
    assert found.count == 1
    profile_page = client.get(reverse("profile", args=[owner.profile.address])).content.decode()
    assert "Hiddenpage" not in profile_page

    # Members see both.
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert "Publicpage" in page and "Hiddenpage" in page
