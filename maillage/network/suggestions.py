""""People you may know": who is suggested to a member, why, and in what order.

Candidates are the member's 2nd degree plus the members who share an employer, a school, skills
or a city with them. Each candidate gets a score and the reasons behind it, kept as data
(`[{"kind": "mutual", "count": 12}, {"kind": "employer", "name": "Orange"}, ...]`) and rendered
in the viewer's language when shown.

Privacy: a suggestion must never reveal a field the viewer may not see. A candidate's employer,
school, skills and city are matched — and named in a reason — only when the audience of that
section of the candidate's profile lets the viewer see it (`audience.can_view_audience_many`).
A candidate who matches only through hidden fields is not suggested at all. The stored reasons
are checked again when shown, so a section hidden after the last refresh does not leak either.

`suggestions_refresh(member_id)` computes the top `STORED` candidates in a fixed number of bulk
queries (the cached degree sets, one query per kind of match, one for the candidates' audiences)
and replaces the member's stored rows. Pages read the stored rows: when they are older than
`MAX_AGE` they are still shown and a task refreshes them; only a member with nothing stored and
no recent computation (`_COMPUTED_KEY`) waits for one, on the spot.

Scale: a member's 2nd degree can hold tens of thousands of people. Mutual connections dominate
the score (one more mutual connection outweighs every other reason), so only the
`PLAUSIBLE` candidates with the most mutual connections (and those tied with the last of them)
can reach the top `STORED`; the audiences are read for those only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.accounts.models import User
from maillage.core import audience

from . import degrees
from .models import Connection, Invitation, Suggestion, SuggestionDismissal

STORED = 100
MAX_AGE = timedelta(hours=24)
# Candidates by mutual connections kept for the full score: ample for `STORED` once inactive
# members are dropped, bounded whatever the size of the 2nd degree.
PLAUSIBLE = 4 * STORED
# Candidates tied with the last plausible one are all kept, up to this many (by id).
PLAUSIBLE_TIES = 2000
MUTUAL_FROM_CONNECTIONS = 500
# A very common city or skill can match thousands of members; these matches only add a little
# to a score, so each of those lookups reads at most this many rows.
WEAK_MATCH_ROWS = 2000

# Weights: mutual connections dominate (one mutual connection outweighs any single other
# reason), then employers (current ones more), schools, skills (a little each) and the city.
W_MUTUAL = 16.0
W_EMPLOYER_CURRENT = 8.0
W_EMPLOYER_PAST = 5.0
W_SCHOOL = 4.0
W_SKILL = 1.0
W_SKILLS_MAX = 3.0
W_CITY = 0.75

_VARIANTS = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõö",
    "u": "uùúûü",
    "y": "yýÿ",
}


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form ("Société  Générale" → "societe generale")."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _loose_pattern(folded: str) -> str:
    parts = []
    for ch in folded:
        if ch == " ":
            parts.append(r"\s+")
        elif ch in _VARIANTS:
            variants = _VARIANTS[ch]
            parts.append("[" + variants + variants.upper() + "]")
        elif ch.isalnum():
            parts.append(ch)
        else:
            parts.append("." if not ch.isascii() else re.escape(ch))
    return "".join(parts)


def _loose_regex(names: set[str]) -> str:
    """One regular expression (SQLite and PostgreSQL) matching any of these folded names
    whatever the accents, case and spacing, so the database narrows the rows (one test per
    row) before `fold` compares them exactly."""
    alternatives = "|".join(_loose_pattern(name) for name in sorted(names))
    return r"^\s*(" + alternatives + r")\s*$"


def _matching(field_name: str, names: set[str]) -> Q:
    return Q(**{f"{field_name}__iregex": _loose_regex(names)})


@dataclass
class _Candidate:
    mutual: int = 0
    employer: str = ""
    employer_current: bool = False
    school: str = ""
    skills: int = 0
    city: str = ""
    reasons: list = field(default_factory=list)

    def score(self) -> float:
        score = W_MUTUAL * self.mutual
        if self.employer:
            score += W_EMPLOYER_CURRENT if self.employer_current else W_EMPLOYER_PAST
        if self.school:
            score += W_SCHOOL
        score += min(W_SKILL * self.skills, W_SKILLS_MAX)
        if self.city:
            score += W_CITY
        return score

    def as_reasons(self) -> list[dict]:
        reasons: list[dict] = []
        if self.mutual:
            reasons.append({"kind": "mutual", "count": self.mutual})
        if self.employer:
            reasons.append(
                {"kind": "employer", "name": self.employer, "current": self.employer_current}
            )
        if self.school:
            reasons.append({"kind": "school", "name": self.school})
        if self.skills:
            reasons.append({"kind": "skills", "count": self.skills})
        if self.city:
            reasons.append({"kind": "city", "name": self.city})
        return reasons


def _excluded_ids(member_id: int, first: frozenset[int]) -> set[int]:
    """Self, 1st degree, blocks either way, dismissals and pending invitations either way."""
    excluded = {member_id} | set(first) | set(degrees.blocked_ids(member_id))
    excluded |= set(
        SuggestionDismissal.objects.filter(member_id=member_id).values_list(
            "dismissed_id", flat=True
        )
    )
    for sender, recipient in Invitation.objects.filter(
        Q(sender_id=member_id) | Q(recipient_id=member_id), status=Invitation.Status.PENDING
    ).values_list("sender_id", "recipient_id"):
        excluded.add(recipient if sender == member_id else sender)
    return excluded


def _plausible(mutual: dict[int, int]) -> set[int]:
    """The candidates that can still reach the top `STORED` by mutual connections: the
    `PLAUSIBLE` with the most, and those tied with the last of them (whose other reasons break
    the tie), at most `PLAUSIBLE_TIES` of those by id."""
    if len(mutual) <= PLAUSIBLE:
        return set(mutual)
    ranked = sorted(mutual.items(), key=lambda row: (-row[1], row[0]))
    threshold = ranked[PLAUSIBLE - 1][1]
    kept = {candidate for candidate, n in ranked if n > threshold}
    tied = [candidate for candidate, n in ranked if n == threshold]
    kept.update(tied[:PLAUSIBLE_TIES])
    return kept


def suggestions_compute(member: User) -> list[tuple[int, float, list[dict]]]:
    """The member's best candidates as (candidate id, score, reasons), best first, at most
    `STORED`. Reads only; a bounded number of queries whatever the size of the network."""
    from maillage.profiles.models import Education, Position, Profile, ProfileSkill

    member_id = member.pk
    first = degrees.first_degree_ids(member_id)
    excluded = _excluded_ids(member_id, first)
    candidates: dict[int, _Candidate] = defaultdict(_Candidate)

    # Mutual connections of every 2nd-degree member in one grouped query: the rows
    # "a connection of mine is connected to X" (X neither me nor a connection of mine is my 2nd
    # degree). A subquery for my connections: a hub has thousands.
    mutual: dict[int, int] = {}
    if first:
        mine = Connection.objects.filter(member_id=member_id).values("other_id")
        # A hub's connections of connections are millions of rows: its most recent
        # `MUTUAL_FROM_CONNECTIONS` connections count the mutual connections that rank the
        # candidates (pages show the live count).
        counting = mine
        if len(first) > MUTUAL_FROM_CONNECTIONS:
            counting = mine.order_by("-created_at")[:MUTUAL_FROM_CONNECTIONS]
        mutual_rows = (
            Connection.objects.filter(member_id__in=counting)
            .exclude(other_id__in=mine)
            .exclude(other_id=member_id)
            .values("other_id")
            .annotate(n=Count("member_id"))
            .values_list("other_id", "n")
        )
        mutual = {other_id: n for other_id, n in mutual_rows if other_id not in excluded}
    plausible = _plausible(mutual)
    for other_id in plausible:
        candidates[other_id].mutual = mutual[other_id]
    # With that many candidates by mutual connections, someone with none cannot make the top.
    crowded = len(mutual) > PLAUSIBLE

    # The member's own details (they always see their own profile).
    mine = Profile.objects.filter(member_id=member_id).values_list("pk", "city").first()
    # A candidate's matches, before the audience check: {candidate: {kind: value}}.
    matched: dict[int, dict] = defaultdict(dict)
    if mine is not None:
        profile_id, my_city = mine
        my_employers: dict[str, bool] = {}
        for name, end_date in Position.objects.filter(profile_id=profile_id).values_list(
            "organization_name", "end_date"
        ):
            key = fold(name)
            if key:
                my_employers[key] = my_employers.get(key, False) or end_date is None
        my_schools = {
            fold(s)
            for s in Education.objects.filter(profile_id=profile_id).values_list(
                "school", flat=True
            )
        } - {""}
        my_skill_ids = list(
            ProfileSkill.objects.filter(profile_id=profile_id).values_list("skill_id", flat=True)
        )
        # Only the plausible candidates once they are enough; the excluded are left out below
        # (a hub's connections would make a list of thousands in the query).
        others = Q(profile__member__is_active=True)
        if crowded:
            others &= Q(profile__member_id__in=sorted(plausible))

        if my_employers:
            rows = (
                Position.objects.filter(others, _matching("organization_name", set(my_employers)))
                .values_list("profile__member_id", "organization_name", "end_date")
                .order_by("profile__member_id", "-start_date")
            )
            for candidate_id, name, end_date in rows:
                key = fold(name)
                if key not in my_employers:
                    continue
                current = end_date is None and my_employers[key]
                found = matched[candidate_id].get("employer")
                if found is None or (current and not found[1]):
                    matched[candidate_id]["employer"] = (name.strip(), current)

        if my_schools:
            rows = Education.objects.filter(others, _matching("school", my_schools)).values_list(
                "profile__member_id", "school"
            )
            for candidate_id, school in rows:
                if fold(school) in my_schools:
                    matched[candidate_id].setdefault("school", school.strip())

        if my_skill_ids:
            rows = (
                ProfileSkill.objects.filter(others, skill_id__in=my_skill_ids)
                .values("profile__member_id")
                .annotate(n=Count("skill_id"))
                .order_by("-n")
                .values_list("profile__member_id", "n")[:WEAK_MATCH_ROWS]
            )
            for candidate_id, count in rows:
                matched[candidate_id]["skills"] = count

        if fold(my_city):
            my_city_key = fold(my_city)
            city_others = Q(member__is_active=True)
            if crowded:
                city_others &= Q(member_id__in=sorted(plausible))
            rows = (
                Profile.objects.filter(city_others, city__iregex=_loose_regex({my_city_key}))
                .order_by("-member__date_joined")
                .values_list("member_id", "city")[:WEAK_MATCH_ROWS]
            )
            for candidate_id, city in rows:
                if fold(city) == my_city_key:
                    matched[candidate_id]["city"] = city.strip()

    for candidate_id in [c for c in matched if c in excluded]:
        del matched[candidate_id]
    ids = set(candidates) | set(matched)
    if not ids:
        return []
    # The candidates' section audiences (and whether they are active), in one query.
    sections = {
        row[0]: row[1:]
        for row in Profile.objects.filter(member_id__in=ids, member__is_active=True).values_list(
            "member_id",
            "experience_audience",
            "education_audience",
            "skills_audience",
            "location_audience",
        )
    }
    kinds = ("employer", "school", "skills", "city")
    checks = [
        (candidate_id, kind, level)
        for candidate_id in ids
        if candidate_id in sections and candidate_id in matched
        for kind, level in zip(kinds, sections[candidate_id], strict=True)
        if kind in matched[candidate_id]
    ]
    allowed = audience.can_view_audience_many(
        member, [(candidate_id, level) for candidate_id, _kind, level in checks]
    )
    for (candidate_id, kind, _level), visible in zip(checks, allowed, strict=True):
        if not visible:
            continue
        value = matched[candidate_id][kind]
        candidate = candidates[candidate_id]
        if kind == "employer":
            candidate.employer, candidate.employer_current = value
        elif kind == "school":
            candidate.school = value
        elif kind == "skills":
            candidate.skills = value
        else:
            candidate.city = value

    ranked = []
    for candidate_id, candidate in candidates.items():
        if candidate_id not in sections or candidate_id in excluded:
            continue
        score = candidate.score()
        if score <= 0:
            continue
        ranked.append((candidate_id, score, candidate.as_reasons()))
    ranked.sort(key=lambda row: (-row[1], row[0]))
    return ranked[:STORED]


def _computed_key(member_id: int) -> str:
    return f"net:sugg:computed:{member_id}"


def _queued_key(member_id: int) -> str:
    return f"net:sugg:queued:{member_id}"


# One queued refresh per member at a time, whatever the number of page views meanwhile.
REFRESH_QUEUED_FOR = 10 * 60


def suggestions_refresh_later(member_id: int) -> None:
    """Have a task refresh the member's suggestions (once, however often this is called while
    the task waits)."""
    from maillage.core.tasks import enqueue_on_commit

    from .tasks import suggestions_refresh_task

    if cache.add(_queued_key(member_id), True, REFRESH_QUEUED_FOR):
        enqueue_on_commit(suggestions_refresh_task, member_id)


def suggestions_refresh(member_id: int) -> int:
    """Compute and store the member's suggestions, replacing the previous ones; returns how
    many were stored. Idempotent (a task may run it again)."""
    cache.delete(_queued_key(member_id))
    member = User.objects.filter(pk=member_id, is_active=True).first()
    if member is None:
        Suggestion.objects.filter(member_id=member_id).delete()
        return 0
    ranked = suggestions_compute(member)
    now = timezone.now()
    # Remembered even when nothing was found, so the page does not search again on each visit.
    cache.set(_computed_key(member_id), True, int(MAX_AGE.total_seconds()))
    with transaction.atomic():
        Suggestion.objects.filter(member_id=member_id).delete()
        Suggestion.objects.bulk_create(
            [
                Suggestion(
                    member_id=member_id,
                    candidate_id=candidate_id,
                    score=score,
                    reasons=reasons,
                    computed_at=now,
                )
                for candidate_id, score, reasons in ranked
            ]
        )
    return len(ranked)


# --- Reading ---------------------------------------------------------------------------------


_SECTION_OF = {
    "employer": "experience_audience",
    "school": "education_audience",
    "skills": "skills_audience",
    "city": "location_audience",
}


def reasons_visible(viewer, candidate: User, reasons: list[dict]) -> list[dict]:
    """The stored reasons the viewer may still see (a section may have been hidden since)."""
    profile = getattr(candidate, "profile", None)
    kept = []
    for reason in reasons:
        section = _SECTION_OF.get(reason.get("kind"))
        hidden = section is not None and (
            profile is None
            or not audience.can_view_audience(
                viewer, owner_id=candidate.pk, audience=getattr(profile, section)
            )
        )
        if not hidden:
            kept.append(reason)
    return kept


def reason_text(reason: dict) -> str:
    """One reason, in the active language."""
    kind = reason.get("kind")
    if kind == "mutual":
        count = int(reason.get("count", 0))
        return ngettext(
            "%(count)d mutual connection", "%(count)d mutual connections", count
        ) % {"count": count}
    if kind == "employer":
        if reason.get("current"):
            return _("Also works at %(name)s") % {"name": reason.get("name", "")}
        return _("Also worked at %(name)s") % {"name": reason.get("name", "")}
    if kind == "school":
        return _("Same school: %(name)s") % {"name": reason.get("name", "")}
    if kind == "skills":
        count = int(reason.get("count", 0))
        return ngettext(
            "%(count)d skill in common", "%(count)d skills in common", count
        ) % {"count": count}
    if kind == "city":
        return _("Also in %(name)s") % {"name": reason.get("name", "")}
    return ""


def _stored(viewer) -> Q:
    return Q(member_id=viewer.pk, candidate__is_active=True)


def suggestions_for(viewer, limit: int = 20, offset: int = 0) -> list[User]:
    """The viewer's suggestions from `offset`, at most `limit`, best first, annotated (see
    `suggestions_page`): for blocks of suggestions on other pages."""
    return suggestions_page(viewer, limit, offset)[0]


def suggestions_page(viewer, limit: int = 20, offset: int = 0, *, refresh: bool = True):
    """The viewer's suggestions from `offset`, at most `limit`, best first: Users annotated by
    `people_for_viewer` (degree, mutual count, visible location, relationship) plus `reasons`
    (data), `reasons_text` (strings) and `reasons_shown` ({"kind", "text"} for templates).
    Stored rows older than `MAX_AGE` are shown and refreshed by a task; the viewer waits for a
    computation only when nothing is stored and none ran within `MAX_AGE`. Returns (people,
    has_more)."""
    from .selectors import people_for_viewer

    # Connected or blocked since the rows were computed: left out. Filtered here rather than in
    # the query (a hub's connections would make a list of thousands), reading rows until the
    # page is full — rarely more than once, stored rows are at most `STORED`.
    hidden = degrees.first_degree_ids(viewer.pk) | degrees.blocked_ids(viewer.pk)

    def read():
        queryset = (
            Suggestion.objects.filter(_stored(viewer))
            .select_related("candidate", "candidate__profile")
            .order_by("-score", "candidate_id")
        )
        wanted = offset + limit + 1
        kept: list[Suggestion] = []
        newest = None
        start = 0
        while True:
            batch = list(queryset[start : start + wanted])
            if newest is None and batch:
                newest = batch[0].computed_at
            kept.extend(row for row in batch if row.candidate_id not in hidden)
            start += len(batch)
            if len(kept) >= wanted or len(batch) < wanted:
                return kept[offset:wanted], newest

    rows, computed_at = read()
    if refresh and offset == 0:
        if computed_at is None:
            if not cache.get(_computed_key(viewer.pk)):
                suggestions_refresh(viewer.pk)
                rows, computed_at = read()
        elif computed_at < timezone.now() - MAX_AGE:
            suggestions_refresh_later(viewer.pk)
    has_more = len(rows) > limit
    rows = rows[:limit]
    people = [row.candidate for row in rows]
    people_for_viewer(viewer, people, relationships=True)
    for row, person in zip(rows, people, strict=True):
        reasons = reasons_visible(viewer, person, row.reasons)
        # The live count of mutual connections (the viewer's own connections, never hidden)
        # replaces the stored one.
        live = [r for r in reasons if r.get("kind") != "mutual"]
        if person.mutual_count:
            live.insert(0, {"kind": "mutual", "count": person.mutual_count})
        person.reasons = live
        shown = [{"kind": r["kind"], "text": reason_text(r)} for r in live]
        person.reasons_shown = [r for r in shown if r["text"]]
        person.reasons_text = [r["text"] for r in person.reasons_shown]
        person.suggestion_score = row.score
    return people, has_more
