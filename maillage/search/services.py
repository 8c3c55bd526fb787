"""Writes of the people-search index. The profile and account services call
`member_index_on_commit` after each change to what is indexed (name, headline, positions,
location, skills, section audiences); the demo and data imports call `search_reindex_all`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from maillage.accounts.models import User
from maillage.core.audience import Audience

from . import generation
from .models import SearchEntry, SearchGroup, SearchTerm
from .text import TYPO_MIN_LENGTH, deletions, words

# Audiences an entry may carry: a searcher passes public/members always and connections when
# connected to the owner. "Only me" entries are never stored: nobody else may match them.
INDEXED_AUDIENCES = {Audience.PUBLIC, Audience.MEMBERS, Audience.CONNECTIONS}
_BATCH = 500


def _entries_for(member: User) -> list[SearchEntry]:
    """The entries of one member, each with the audience of the section it comes from. The name
    and headline are visible to whoever may see the profile at all: any member."""
    profile = getattr(member, "profile", None)
    groups: list[tuple[str, str, Iterable[str]]] = [
        (SearchGroup.NAME, Audience.MEMBERS, [member.first_name, member.last_name]),
    ]
    if profile is not None:
        positions = list(profile.positions.all())
        groups += [
            (SearchGroup.HEADLINE, Audience.MEMBERS, [profile.headline]),
            (
                SearchGroup.ORGANIZATION,
                profile.experience_audience,
                [p.organization_name for p in positions],
            ),
            (SearchGroup.TITLE, profile.experience_audience, [p.title for p in positions]),
            (
                SearchGroup.LOCATION,
                profile.location_audience,
                [profile.city, profile.region, profile.country],
            ),
            (
                SearchGroup.SKILLS,
                profile.skills_audience,
                [ps.skill.name for ps in profile.skills.all()],
            ),
        ]
    entries = []
    for group, level, texts in groups:
        folded = list(dict.fromkeys(w for text in texts for w in words(text)))
        if folded and level in INDEXED_AUDIENCES:
            entries.append(
                SearchEntry(member_id=member.pk, group=group, audience=level, text=" ".join(folded))
            )
    return entries


def _members(ids: Iterable[int] | None = None):
    members = (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .prefetch_related("profile__positions", "profile__skills__skill")
        .order_by("pk")
    )
    return members if ids is None else members.filter(pk__in=list(ids))


def _vocabulary_add(new_words: set[str], *, empty: bool = False) -> None:
    """Add words (and their one-deletion variants) the vocabulary does not know yet."""
    candidates = {w for w in new_words if len(w) >= TYPO_MIN_LENGTH - 1}
    if not candidates:
        return
    known = (
        set()
        if empty
        else set(
            SearchTerm.objects.filter(variant=F("term"), term__in=candidates).values_list(
                "term", flat=True
            )
        )
    )
    rows = [
        SearchTerm(variant=variant, term=word)
        for word in sorted(candidates - known)
        for variant in sorted(deletions(word))
    ]
    SearchTerm.objects.bulk_create(rows, batch_size=_BATCH, ignore_conflicts=True)


def member_index(*, member_id: int) -> None:
    """Rebuild one member's entries from their profile now (nothing for an inactive member)."""
    members_index(member_ids=[member_id])


def members_index(*, member_ids: Iterable[int]) -> None:
    """Rebuild several members' entries in one transaction and a fixed number of queries."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    with transaction.atomic():
        generation.bump()
        SearchEntry.objects.filter(member_id__in=ids).delete()
        entries = [entry for member in _members(ids) for entry in _entries_for(member)]
        SearchEntry.objects.bulk_create(entries, batch_size=_BATCH)
        _vocabulary_add({w for e in entries for w in e.text.split()})


def member_index_on_commit(*, member_id: int | None = None, profile_id: int | None = None) -> None:
    """Rebuild one member's entries (given the member or their profile) once the current
    transaction commits. Members touched in one transaction are indexed together, by the first
    of its callbacks to run (the others find nothing left to do): signing up 220 demo members in
    one transaction costs one batch, not 220."""
    if member_id is None and profile_id is None:
        raise ValueError("member_index_on_commit needs a member_id or a profile_id")
    conn = transaction.get_connection()
    pending = getattr(conn, "_maillage_search_pending", None)
    if pending is None:
        pending = conn._maillage_search_pending = {"members": set(), "profiles": set()}
    if member_id is not None:
        pending["members"].add(member_id)
    else:
        pending["profiles"].add(profile_id)

    def run() -> None:
        members, profiles = set(pending["members"]), set(pending["profiles"])
        pending["members"].clear()
        pending["profiles"].clear()
        if profiles:
            from maillage.profiles.models import Profile

            members |= set(
                Profile.objects.filter(pk__in=profiles).values_list("member_id", flat=True)
            )
        # Ids left over from a rolled-back transaction are harmless: indexing reads what exists.
        members_index(member_ids=members)

    transaction.on_commit(run)


def member_unindex(*, member_id: int) -> None:
    """Remove a member from search (deactivated or deleted accounts)."""
    with transaction.atomic():
        generation.bump()
        SearchEntry.objects.filter(member_id=member_id).delete()


def search_reindex_all() -> int:
    """Rebuild the whole index and vocabulary (demo data, imports, repairs). Returns the number
    of members indexed."""
    count = 0
    with transaction.atomic():
        generation.bump()
        SearchEntry.objects.all().delete()
        SearchTerm.objects.all().delete()
        vocabulary: set[str] = set()
        batch: list[SearchEntry] = []
        for member in _members().iterator(chunk_size=_BATCH):
            count += 1
            for entry in _entries_for(member):
                batch.append(entry)
                vocabulary.update(entry.text.split())
            if len(batch) >= _BATCH:
                SearchEntry.objects.bulk_create(batch)
                batch = []
        SearchEntry.objects.bulk_create(batch)
        _vocabulary_add(vocabulary, empty=True)
    return count
