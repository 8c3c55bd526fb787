"""Test helpers: members with indexed profiles."""

from __future__ import annotations

import datetime

from maillage.accounts.tests.factories import ProfileFactory
from maillage.network.tests.factories import block, connect, member
from maillage.profiles.models import Position, ProfileSkill, Skill, skill_key

from .. import services


def person(first_name: str, last_name: str, *, headline: str = "", orgs=(), skills=(), **profile):
    """A member with a profile, positions at `orgs` and `skills`, indexed for search."""
    profile.setdefault("city", "")
    profile.setdefault("country", "")
    p = ProfileFactory(
        member__first_name=first_name,
        member__last_name=last_name,
        headline=headline,
        **profile,
    )
    for org in orgs:
        Position.objects.create(
            profile=p, title="Engineer", organization_name=org, start_date=datetime.date(2020, 1, 1)
        )
    for name in skills:
        skill, _created = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
        ProfileSkill.objects.create(profile=p, skill=skill)
    services.member_index(member_id=p.member_id)
    return p.member


# Who searches, towards the owner of `privacy_world`.
ROLES = ("connection", "second", "stranger", "blocked", "blocker")


def privacy_world():
    """A member with every searchable section filled, and one member in each role towards them:
    their connection, a 2nd-degree member, a stranger, someone they blocked, someone who
    blocked them."""
    owner = person(
        "Zéphyrin",
        "Quillard",
        headline="Head of Zorglub",
        orgs=["Octarine"],
        skills=["Xylography"],
        city="Grenoble",
    )
    people = {role: member() for role in ROLES}
    connect(owner, people["connection"])
    connect(people["connection"], people["second"])
    block(owner, people["blocked"])  # the owner blocked them
    block(people["blocker"], owner)  # they blocked the owner
    return owner, people
