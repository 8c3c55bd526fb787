"""Writes of the people-search index. The profile and account services call
`member_index_on_commit` after each change to what is indexed (name, headline, positions,
location, skills, section audiences); the demo and data imports call `search_reindex_all`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from maillage.accounts.models import User
from maillage.core.audience import Audience

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
    with transaction.atomic():
        SearchEntry.objects.filter(member_id=member_id).delete()
        member = _members([member_id]).first()
        if member is None:
            return
        entries = _entries_for(member)
        SearchEntry.objects.bulk_create(entries)
        _vocabulary_add({w for e in entries for w in e.text.split()})


def member_index_on_commit(*, member_id: int | None = None, profile_id: int | None = None) -> None:
    """Rebuild one member's entries (given the member or their profile) once the current
    transaction commits."""
    if member_id is None and profile_id is None:
        raise ValueError("member_index_on_commit needs a member_id or a profile_id")

    def run() -> None:
        target = member_id
        if target is None:
            from maillage.profiles.models import Profile

            target = Profile.objects.filter(pk=profile_id).values_list("member_id", flat=True).first()
        if target is not None:
            member_index(member_id=target)

    transaction.on_commit(run)


def member_unindex(*, member_id: int) -> None:
    """Remove a member from search (deactivated or deleted accounts)."""
    with transaction.atomic():
        SearchEntry.objects.filter(member_id=member_id).delete()


def search_reindex_all() -> int:
    """Rebuild the whole index and vocabulary (demo data, imports, repairs). Returns the number
    of members indexed."""
    count = 0
    with transaction.atomic():
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
