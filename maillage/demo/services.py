"""Loading the demo network into the database (`maillage demo`).

Idempotent: members are found by e-mail, and each one's positions and education by a natural
key, so a second run updates rows in place instead of adding new ones, and ids stay stable.
Members are created through `member_create_verified` and `profile_ensure` so the usual
invariants hold; the shared password is hashed once and stored on every demo member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from maillage.accounts.models import User, fold_for_search
from maillage.accounts.services import member_create_verified
from maillage.profiles.models import (
    AddressHistory,
    Certification,
    ContactEntry,
    Education,
    Position,
    Profile,
    ProfileLink,
    ProfileSkill,
    ProfileView,
    Skill,
    SpokenLanguage,
    WorkEmail,
    skill_key,
)
from maillage.profiles.profile_views import semi_private_label_join
from maillage.profiles.selectors import SECTIONS
from maillage.profiles.services import profile_ensure

from . import DEMO_PASSWORD
from .extras import ExtrasSpec, demo_profile_views, member_extras
from .feed import demo_feed_load
from .generate import AS_OF, MemberSpec, demo_member_specs
from .messaging import demo_messaging_load
from .network import CAMILLE, NetworkPlan, demo_network_plan

DEFAULT_MEMBERS = 220


@dataclass(frozen=True)
class DemoLoadResult:
    members: int
    created: int
    positions: int
    education: int
    skills: int = 0
    views: int = 0
    connections: int = 0


def demo_network_load(*, members: int = DEFAULT_MEMBERS) -> DemoLoadResult:
    """Create or refresh the first `members` demo members, their profiles and careers."""
    specs = demo_member_specs(members)
    password_hash = make_password(DEMO_PASSWORD)  # once: Argon2 costs ~50 ms a call
    with transaction.atomic():
        users, created = _members_sync(specs, password_hash)
        profiles = _profiles_sync(specs, users)
        positions = _positions_sync(specs, profiles)
        education = _education_sync(specs, profiles)
        extras = [member_extras(spec, index) for index, spec in enumerate(specs)]
        _profile_settings_sync(profiles, extras)
        skills = _skills_sync(profiles, extras)
        _children_sync(profiles, extras)
        views = _views_sync(specs, users, profiles, extras)
        _work_emails_sync(users, extras)
        plan = demo_network_plan(specs, extras)
        _network_sync(plan, users, profiles, extras)
        demo_feed_load(specs=specs, users=users, network=plan)
        demo_messaging_load(users=users, network=plan)
        member_ids = [u.pk for u in users]
        transaction.on_commit(lambda: _network_caches_refresh(member_ids))
    _after_load(users[CAMILLE].pk)
    return DemoLoadResult(
        members=len(specs),
        created=created,
        positions=positions,
        education=education,
        skills=skills,
        views=views,
        connections=len(plan.connections),
    )


def _members_sync(specs: list[MemberSpec], password_hash: str) -> tuple[list[User], int]:
    existing = {u.email: u for u in User.objects.filter(email__in=[s.email for s in specs])}
    users: list[User] = []
    created = 0
    for spec in specs:
        user = existing.get(spec.email)
        if user is None:
            user = member_create_verified(
                email=spec.email,
                password=None,
                first_name=spec.first_name,
                last_name=spec.last_name,
                language=spec.language,
                is_staff=spec.is_staff,
                is_superuser=spec.is_superuser,
            )
            created += 1
        users.append(user)

    joined_base = datetime.combine(AS_OF, time(9, 0), tzinfo=UTC)
    for index, (spec, user) in enumerate(zip(specs, users, strict=True)):
        user.first_name = spec.first_name
        user.last_name = spec.last_name
        user.search_name = fold_for_search(user.get_full_name())  # save() is skipped below
        user.language = spec.language
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.is_active = True
        user.password = password_hash
        user.date_joined = joined_base - timedelta(
            days=spec.joined_days_ago, minutes=(index * 37) % 600
        )
    User.objects.bulk_update(
        users,
        [
            "first_name",
            "last_name",
            "search_name",
            "language",
            "is_staff",
            "is_superuser",
            "is_active",
            "password",
            "date_joined",
        ],
        batch_size=200,
    )
    _addresses_verify(users)
    return users, created


def _addresses_verify(users: list[User]) -> None:
    """Every demo member signs in with a verified address, as the service sets it up."""
    rows = EmailAddress.objects.filter(user__in=users)
    by_user: dict[int, list[EmailAddress]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    missing = []
    unverified = []
    for user in users:
        own = by_user.get(user.pk, [])
        match = next((r for r in own if r.email.lower() == user.email), None)
        if match is None:
            has_primary = any(r.primary for r in own)
            missing.append(
                EmailAddress(user=user, email=user.email, verified=True, primary=not has_primary)
            )
        elif not match.verified:
            unverified.append(match.pk)
    if missing:
        EmailAddress.objects.bulk_create(missing)
    if unverified:
        EmailAddress.objects.filter(pk__in=unverified).update(verified=True)


def _profiles_sync(specs: list[MemberSpec], users: list[User]) -> list[Profile]:
    existing = {p.member_id: p for p in Profile.objects.filter(member__in=users)}
    profiles = []
    now = timezone.now()
    for spec, user in zip(specs, users, strict=True):
        profile = existing.get(user.pk) or profile_ensure(member=user)
        profile.headline = spec.headline
        profile.about = spec.about
        profile.city = spec.city
        profile.region = spec.region
        profile.country = spec.country
        profile.industry = spec.industry
        profile.updated_at = now
        profiles.append(profile)
    Profile.objects.bulk_update(
        profiles,
        ["headline", "about", "city", "region", "country", "industry", "updated_at"],
        batch_size=200,
    )
    return profiles


def _positions_sync(specs: list[MemberSpec], profiles: list[Profile]) -> int:
    existing = {
        (p.profile_id, p.organization_name, p.start_date): p
        for p in Position.objects.filter(profile__in=profiles)
    }
    keep: set[int] = set()
    to_create: list[Position] = []
    to_update: list[Position] = []
    now = timezone.now()
    for spec, profile in zip(specs, profiles, strict=True):
        for row in spec.positions:
            values = {
                "title": row.title,
                "location": row.location,
                "end_date": row.end_date,
                "description": row.description,
            }
            position = existing.get((profile.pk, row.organization_name, row.start_date))
            if position is None:
                to_create.append(
                    Position(
                        profile=profile,
                        organization_name=row.organization_name,
                        start_date=row.start_date,
                        **values,
                    )
                )
                continue
            keep.add(position.pk)
            if any(getattr(position, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(position, name, value)
                position.updated_at = now
                to_update.append(position)
    stale = [p.pk for p in existing.values() if p.pk not in keep]
    if stale:
        Position.objects.filter(pk__in=stale).delete()
    if to_update:
        Position.objects.bulk_update(
            to_update,
            ["title", "location", "end_date", "description", "updated_at"],
            batch_size=200,
        )
    Position.objects.bulk_create(to_create, batch_size=200)
    return sum(len(spec.positions) for spec in specs)


def _education_sync(specs: list[MemberSpec], profiles: list[Profile]) -> int:
    existing = {
        (e.profile_id, e.school, e.start_year): e
        for e in Education.objects.filter(profile__in=profiles)
    }
    keep: set[int] = set()
    to_create: list[Education] = []
    to_update: list[Education] = []
    now = timezone.now()
    for spec, profile in zip(specs, profiles, strict=True):
        for row in spec.education:
            values = {
                "degree": row.degree,
                "field_of_study": row.field_of_study,
                "end_year": row.end_year,
            }
            entry = existing.get((profile.pk, row.school, row.start_year))
            if entry is None:
                to_create.append(
                    Education(
                        profile=profile, school=row.school, start_year=row.start_year, **values
                    )
                )
                continue
            keep.add(entry.pk)
            if any(getattr(entry, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.updated_at = now
                to_update.append(entry)
    stale = [e.pk for e in existing.values() if e.pk not in keep]
    if stale:
        Education.objects.filter(pk__in=stale).delete()
    if to_update:
        Education.objects.bulk_update(
            to_update, ["degree", "field_of_study", "end_year", "updated_at"], batch_size=200
        )
    Education.objects.bulk_create(to_create, batch_size=200)
    return sum(len(spec.education) for spec in specs)


# --- Beyond the career: extras.py decides, these functions store ------------------------------


def _profile_settings_sync(profiles: list[Profile], extras: list[ExtrasSpec]) -> None:
    """Public address, browsing mode and section audiences."""
    ids = [p.pk for p in profiles]
    wanted = [e.address for e in extras]
    # An address a non-demo member (or their old address) already holds stays theirs.
    taken = set(
        Profile.objects.filter(address__in=wanted)
        .exclude(pk__in=ids)
        .values_list("address", flat=True)
    ) | set(
        AddressHistory.objects.filter(address__in=wanted)
        .exclude(profile_id__in=ids)
        .values_list("address", flat=True)
    )
    moving = [
        p
        for p, e in zip(profiles, extras, strict=True)
        if p.address != e.address and e.address not in taken
    ]
    if moving:
        # Free the addresses first: two demo members may swap them (homonyms).
        Profile.objects.filter(pk__in=[p.pk for p in moving]).update(address=None)
    now = timezone.now()
    fields = ["address", "browsing_mode", "updated_at"] + [f"{s}_audience" for s in SECTIONS]
    for profile, extra in zip(profiles, extras, strict=True):
        if extra.address not in taken:
            profile.address = extra.address
        profile.browsing_mode = extra.browsing_mode
        for section in SECTIONS:
            name = f"{section}_audience"
            setattr(profile, name, extra.audiences.get(name, "public"))
        profile.updated_at = now
    Profile.objects.bulk_update(profiles, fields, batch_size=200)


def _skills_sync(profiles: list[Profile], extras: list[ExtrasSpec]) -> int:
    """Shared Skill rows (one per skill_key), then each member's list."""
    names: dict[str, str] = {}
    for extra in extras:
        for name, _pinned in extra.skills:
            names.setdefault(skill_key(name), name)
    Skill.objects.bulk_create(
        [Skill(name=name, key=key) for key, name in names.items()],
        ignore_conflicts=True,
        batch_size=500,
    )
    skill_ids = dict(Skill.objects.filter(key__in=names).values_list("key", "pk"))
    desired = {
        profile.pk: [
            {"skill_id": skill_ids[skill_key(name)], "position": i, "pinned": pinned}
            for i, (name, pinned) in enumerate(extra.skills)
        ]
        for profile, extra in zip(profiles, extras, strict=True)
    }
    _replace_changed(ProfileSkill, profiles, desired, ("skill_id", "position", "pinned"))
    return sum(len(rows) for rows in desired.values())


def _children_sync(profiles: list[Profile], extras: list[ExtrasSpec]) -> None:
    pairs = list(zip(profiles, extras, strict=True))
    _replace_changed(
        SpokenLanguage,
        profiles,
        {
            p.pk: [
                {"name": name, "proficiency": level, "position": i}
                for i, (name, level) in enumerate(e.languages)
            ]
            for p, e in pairs
        },
        ("name", "proficiency", "position"),
    )
    _replace_changed(
        Certification,
        profiles,
        {
            p.pk: [
                {
                    "name": c.name,
                    "authority": c.authority,
                    "issued_on": c.issued_on,
                    "expires_on": c.expires_on,
                }
                for c in e.certifications
            ]
            for p, e in pairs
        },
        ("name", "authority", "issued_on", "expires_on"),
    )
    _replace_changed(
        ProfileLink,
        profiles,
        {
            p.pk: [
                {"kind": kind, "url": url, "label": label, "position": i}
                for i, (kind, url, label) in enumerate(e.links)
            ]
            for p, e in pairs
        },
        ("kind", "url", "label", "position"),
    )
    _replace_changed(
        ContactEntry,
        profiles,
        {
            p.pk: [
                {
                    "kind": c.kind,
                    "value": c.value,
                    "label": c.label,
                    "audience": c.audience,
                    "position": i,
                }
                for i, c in enumerate(e.contacts)
            ]
            for p, e in pairs
        },
        ("kind", "value", "label", "audience", "position"),
    )


def _replace_changed(
    model, profiles: list[Profile], desired: dict[int, list[dict]], fields
) -> None:
    """Rewrite a member's rows only when they differ from the wanted ones (ids stay otherwise)."""
    current: dict[int, list[tuple]] = {}
    for row in (
        model.objects.filter(profile__in=profiles).order_by("pk").values_list("profile_id", *fields)
    ):
        current.setdefault(row[0], []).append(tuple(row[1:]))
    changed = [
        pk
        for pk, rows in desired.items()
        if current.get(pk, []) != [tuple(r[f] for f in fields) for r in rows]
    ]
    if not changed:
        return
    model.objects.filter(profile_id__in=changed).delete()
    model.objects.bulk_create(
        [model(profile_id=pk, **row) for pk in changed for row in desired[pk]], batch_size=500
    )


def _views_sync(
    specs: list[MemberSpec], users: list[User], profiles: list[Profile], extras: list[ExtrasSpec]
) -> int:
    """A few views between demo members in the last weeks (one per viewer, profile and day)."""
    rows = []
    for viewer, viewed, day in demo_profile_views(specs, timezone.localdate()):
        mode = extras[viewer].browsing_mode
        label = ""
        if mode == "semi":
            spec = specs[viewer]
            current = next((p for p in spec.positions if p.end_date is None), None)
            organization = current.organization_name if current else ""
            label = semi_private_label_join(spec.industry, organization)
        rows.append(
            ProfileView(
                viewed=profiles[viewed],
                viewer=users[viewer],
                day=day,
                mode=mode,
                semi_private_label=label,
            )
        )
    ProfileView.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _work_emails_sync(users: list[User], extras: list[ExtrasSpec]) -> None:
    """Verified work addresses (fictional `.example` domains), so some profiles show the badge."""
    verified_at = datetime.combine(AS_OF, time(10, 0), tzinfo=UTC)
    rows = [
        WorkEmail(
            member=user,
            email=extra.work_email,
            domain=extra.work_email.rsplit("@", 1)[1],
            verified_at=verified_at,
        )
        for user, extra in zip(users, extras, strict=True)
        if extra.work_email
    ]
    WorkEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    WorkEmail.objects.filter(
        member__in=users, email__in=[r.email for r in rows], verified_at__isnull=True
    ).update(verified_at=verified_at)


# --- The network: network.py decides, these functions store -----------------------------------


def _network_caches_refresh(member_ids: list[int]) -> None:
    from maillage.network import degrees

    degrees.invalidate(member_ids)


def _after_load(camille_id: int) -> None:
    """People search and Camille's suggestions, once the network is in place (when those parts
    of the application are there)."""
    try:
        from maillage.search.services import search_reindex_all
    except ImportError:
        pass
    else:
        search_reindex_all()
    try:
        from maillage.network.suggestions import suggestions_refresh
    except ImportError:
        pass
    else:
        suggestions_refresh(camille_id)


def _dated(model, rows: list, created: list[datetime]) -> list:
    """bulk_create, then put back the creation dates `auto_now_add` overwrote (one query)."""
    if not rows:
        return rows
    rows = model.objects.bulk_create(rows, batch_size=500)
    for row, when in zip(rows, created, strict=True):
        row.created_at = when
        row.updated_at = when
    model.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
    return rows


def _sync_rows(model, key_fields: list[str], scope, wanted: dict[tuple, datetime]) -> None:
    """Make the rows of `model` within `scope` be exactly `wanted` (natural key → created_at):
    rows already there stay as they are (a refresh of an unchanged network writes nothing),
    extra ones go, missing ones are inserted with a plain `executemany` — tens of thousands of
    rows without building a model instance for each, which is most of what bulk_create costs."""
    columns = [f"{name}_id" for name in key_fields]
    a, b = (F(c) for c in columns)
    # The usual refresh changes nothing: compare a fingerprint of the two sets first (three
    # sums in one query) instead of reading tens of thousands of rows back.
    found = model.objects.filter(scope).aggregate(
        n=Count("pk"), s=Sum(a * 1_000_003 + b), p=Sum(a * b)
    )
    if (found["n"], found["s"] or 0, found["p"] or 0) == (
        len(wanted),
        sum(x * 1_000_003 + y for x, y in wanted),
        sum(x * y for x, y in wanted),
    ):
        return
    existing = {}
    for pk, *key in model.objects.filter(scope).values_list("pk", *columns).iterator(2000):
        existing[tuple(key)] = pk
    extra = [pk for key, pk in existing.items() if key not in wanted]
    for start in range(0, len(extra), 500):
        model.objects.filter(pk__in=extra[start : start + 500]).delete()
    missing = [key for key in wanted if key not in existing]
    if not missing:
        return
    ops = connection.ops
    adapted: dict[datetime, object] = {}

    def adapt(value: datetime):
        if value not in adapted:
            adapted[value] = ops.adapt_datetimefield_value(value)
        return adapted[value]

    fields = [model._meta.get_field(name) for name in [*key_fields, "created_at"]]
    # Table and column names come from the model, values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, adapt(wanted[key])) for key in missing])


def _network_clear(ids: list[int], camille_id: int) -> None:
    """Forget what an earlier run wrote between demo members (rows with outsiders stay)."""
    from maillage.network.models import (
        Block,
        Contact,
        ContactTag,
        Introduction,
        Invitation,
        Mute,
        NetworkSettings,
        Suggestion,
    )
    from maillage.notifications.models import Kind, Notification
    from maillage.profiles.models import Recommendation

    Notification.objects.filter(
        recipient_id__in=ids,
        actor_id__in=ids,
        kind__in=[
            Kind.INVITATION_RECEIVED,
            Kind.INTRODUCTION_REQUESTED,
            Kind.INTRODUCTION_FORWARDED,
            Kind.RECOMMENDATION_REQUESTED,
            Kind.RECOMMENDATION_RECEIVED,
        ],
    ).delete()
    Notification.objects.filter(recipient_id=camille_id, kind=Kind.REMINDER_DUE).delete()
    Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids).delete()
    Mute.objects.filter(muter_id__in=ids, muted_id__in=ids).delete()
    Invitation.objects.filter(sender_id__in=ids, recipient_id__in=ids).delete()
    Introduction.objects.filter(
        requester_id__in=ids, intermediary_id__in=ids, target_id__in=ids
    ).delete()
    Suggestion.objects.filter(member_id__in=ids, candidate_id__in=ids).delete()
    Recommendation.objects.filter(author_id__in=ids, recipient_id__in=ids).delete()
    NetworkSettings.objects.filter(member_id__in=ids).delete()
    # Camille's personal CRM is part of the demo: it is rewritten as a whole.
    Contact.objects.filter(owner_id=camille_id).delete()
    ContactTag.objects.filter(owner_id=camille_id).delete()


def _network_sync(
    plan: NetworkPlan, users: list[User], profiles: list[Profile], extras: list[ExtrasSpec]
) -> None:
    """Write the plan with bulk inserts, in the shapes the network services keep: both rows of
    a connection with one date, connected members following each other, and so on."""
    from maillage.network.models import (
        Block,
        Connection,
        ConnectionsVisibility,
        Contact,
        ContactNote,
        ContactTag,
        Follow,
        Introduction,
        Invitation,
        Mute,
        NetworkSettings,
        Reminder,
    )
    from maillage.notifications.models import Kind, Notification
    from maillage.profiles.models import Endorsement, Recommendation

    ids = [u.pk for u in users]
    camille = users[CAMILLE]
    _network_clear(ids, camille.pk)
    now = timezone.now()

    def ago(days: float) -> datetime:
        return now - timedelta(days=days)

    rows = []
    for (a, b), share in plan.connections.items():
        since = max(users[a].date_joined, users[b].date_joined)
        when = since + (now - timedelta(days=1) - since) * share
        rows.append((users[a].pk, users[b].pk, when))
        rows.append((users[b].pk, users[a].pk, when))
    connected = {(a, b): when for a, b, when in rows}
    _sync_rows(Connection, ["member", "other"], Q(member_id__in=ids, other_id__in=ids), connected)
    # Connected members follow each other (with the connection's date); some follow more.
    follows = dict(connected)
    for a, b in plan.follows:
        follows.setdefault((users[a].pk, users[b].pk), ago(30))
    _sync_rows(
        Follow, ["follower", "followed"], Q(follower_id__in=ids, followed_id__in=ids), follows
    )
    Block.objects.bulk_create(
        [Block(blocker_id=users[a].pk, blocked_id=users[b].pk) for a, b in plan.blocks]
    )
    Mute.objects.bulk_create(
        [Mute(muter_id=users[a].pk, muted_id=users[b].pk) for a, b in plan.mutes]
    )
    NetworkSettings.objects.bulk_create(
        [
            NetworkSettings(
                member_id=users[i].pk, connections_visibility=ConnectionsVisibility.ONLY_ME
            )
            for i in plan.connections_only_me
        ]
    )

    invitations = _dated(
        Invitation,
        [
            Invitation(
                sender_id=users[i.sender].pk,
                recipient_id=users[i.recipient].pk,
                note=i.note,
                status=i.status,
                responded_at=None if i.status == "pending" else ago(i.days_ago * 0.6),
            )
            for i in plan.invitations
        ],
        [ago(i.days_ago) for i in plan.invitations],
    )
    introductions = _dated(
        Introduction,
        [
            Introduction(
                requester_id=users[i.requester].pk,
                intermediary_id=users[i.intermediary].pk,
                target_id=users[i.target].pk,
                note=i.note,
                forward_note=i.forward_note,
                status=i.status,
                forwarded_at=ago(i.days_ago / 2) if i.status == "forwarded" else None,
            )
            for i in plan.introductions
        ],
        [ago(i.days_ago) for i in plan.introductions],
    )

    # Endorsements of the skills each member lists, by their connections.
    skill_rows = {
        (profile_id, key): pk
        for profile_id, key, pk in ProfileSkill.objects.filter(profile__in=profiles).values_list(
            "profile_id", "skill__key", "pk"
        )
    }
    keys: dict[str, str] = {}
    endorsed = {}
    for endorser, member, skill in plan.endorsements:
        key = keys.get(skill) or keys.setdefault(skill, skill_key(skill))
        row = skill_rows.get((profiles[member].pk, key))
        if row is not None:
            endorsed[(row, users[endorser].pk)] = ago((endorser * 7 + member * 3) % 400 + 1)
    _sync_rows(
        Endorsement,
        ["profile_skill", "endorser"],
        Q(endorser_id__in=ids, profile_skill__profile__member_id__in=ids),
        endorsed,
    )

    recommendations = _dated(
        Recommendation,
        [
            Recommendation(
                author_id=users[r.author].pk,
                recipient_id=users[r.recipient].pk,
                relationship=r.relationship,
                context=r.context,
                request_message=r.request_message,
                body=r.body,
                status=r.status,
                written_at=ago(r.days_ago) if r.body else None,
                decided_at=ago(r.days_ago * 0.9) if r.status == "visible" else None,
            )
            for r in plan.recommendations
        ],
        [ago(r.days_ago) for r in plan.recommendations],
    )

    # Camille's notifications about what waits for her (as the services would have sent them).
    notes = []
    for row in invitations:
        if row.recipient_id == camille.pk and row.status == "pending":
            notes.append((Kind.INVITATION_RECEIVED, row.sender_id, row, row.created_at))
    for row in introductions:
        if row.intermediary_id == camille.pk and row.status == "asked":
            notes.append((Kind.INTRODUCTION_REQUESTED, row.requester_id, row, row.created_at))
    for row in recommendations:
        if row.recipient_id == camille.pk and row.status == "pending":
            notes.append((Kind.RECOMMENDATION_RECEIVED, row.author_id, row, row.written_at))
        if row.author_id == camille.pk and row.status == "requested":
            notes.append((Kind.RECOMMENDATION_REQUESTED, row.recipient_id, row, row.created_at))
    _dated(
        Notification,
        [
            Notification(
                recipient_id=camille.pk,
                kind=kind,
                actor_id=actor,
                target_type=target._meta.label_lower,
                target_id=target.pk,
            )
            for kind, actor, target, _when in notes
        ],
        [when for *_rest, when in notes],
    )

    _crm_sync(plan, users, camille, ago, Contact, ContactTag, ContactNote, Reminder)


def _crm_sync(plan, users, camille, ago, Contact, ContactTag, ContactNote, Reminder) -> None:
    names = sorted({tag for c in plan.contacts for tag in c.tags})
    tags = {
        tag.name: tag
        for tag in ContactTag.objects.bulk_create(
            [ContactTag(owner=camille, name=n, key=fold_for_search(n)[:40]) for n in names]
        )
    }
    contacts = _dated(
        Contact,
        [
            Contact(
                owner=camille,
                member_id=users[c.member].pk if c.member is not None else None,
                first_name=c.first_name,
                last_name=c.last_name,
                email=c.email,
                organization=c.organization,
                position=c.position,
                source=c.source,
                met_where=c.met_where,
                met_on=ago(c.met_days_ago).date() if c.met_days_ago is not None else None,
                met_why=c.met_why,
            )
            for c in plan.contacts
        ],
        [ago(30 + 7 * k) for k in range(len(plan.contacts))],
    )
    through = Contact.tags.through
    through.objects.bulk_create(
        [
            through(contact_id=row.pk, contacttag_id=tags[name].pk)
            for row, c in zip(contacts, plan.contacts, strict=True)
            for name in c.tags
        ]
    )
    note_rows, note_dates, reminder_rows, reminder_dates = [], [], [], []
    for row, c in zip(contacts, plan.contacts, strict=True):
        for k, body in enumerate(c.notes):
            note_rows.append(ContactNote(contact=row, body=body))
            note_dates.append(ago(20 - 5 * k))
        for text, days_from_now, done in c.reminders:
            due = ago(-days_from_now)
            reminder_rows.append(
                Reminder(
                    contact=row,
                    text=text,
                    due_at=due,
                    # A past reminder is done, or not fired yet so the reminder task fires it.
                    done_at=due if done else None,
                    fired_at=due if done else None,
                )
            )
            reminder_dates.append(min(due, ago(1)) - timedelta(days=7))
    _dated(ContactNote, note_rows, note_dates)
    _dated(Reminder, reminder_rows, reminder_dates)
