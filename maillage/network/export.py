"""Export one's connections: LinkedIn's `Connections.csv` and a vCard file — each holding only
what the exporter may see of each person (the audience module decides, field by field).

Bounded queries whatever the number of connections: the connection rows with their profiles,
the e-mail/phone contact entries of all of them, their current positions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.urls import reverse

from maillage.accounts.models import User
from maillage.core import audience
from maillage.profiles.models import ContactEntry, ContactKind, Position
from maillage.profiles.vcard import CRLF, escape_text, escape_uri, fold, structured

from . import degrees
from .selectors import connections_of

CSV_COLUMNS = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]
# LinkedIn writes English month abbreviations whatever the language: so do we (not locale-bound).
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class ExportedPerson:
    member: User
    connected_on: object
    url: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    company: str = ""
    position: str = ""
    location: str = ""


def linkedin_date(value) -> str:
    return f"{value.day:02d} {MONTHS[value.month - 1]} {value.year}"


def _cell(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def exported_people(viewer: User, *, base_url: str) -> list[ExportedPerson]:
    """The viewer's connections with what the viewer may see of each (oldest rows last)."""
    hidden = degrees.blocked_ids(viewer.pk)
    rows = [r for r in connections_of(viewer) if r.other_id not in hidden]
    people = [
        ExportedPerson(member=r.other, connected_on=r.created_at) for r in rows
    ]
    profiles = [p.member.profile for p in people if getattr(p.member, "profile", None)]
    profile_ids = [p.pk for p in profiles]
    base = base_url.rstrip("/")

    # Contact entries (e-mail, phone), each with its own audience.
    entries = list(
        ContactEntry.objects.filter(
            profile_id__in=profile_ids, kind__in=[ContactKind.EMAIL, ContactKind.PHONE]
        ).select_related("profile")
    )
    entry_ok = audience.can_view_audience_many(
        viewer, [(e.profile.member_id, e.audience) for e in entries]
    )
    by_profile: dict[int, list[ContactEntry]] = {}
    for entry, ok in zip(entries, entry_ok, strict=True):
        if ok:
            by_profile.setdefault(entry.profile_id, []).append(entry)

    # Experience: current position only, and only where the section is visible.
    experience_ok = dict(
        zip(
            profile_ids,
            audience.can_view_audience_many(
                viewer, [(p.member_id, p.experience_audience) for p in profiles]
            ),
            strict=True,
        )
    )
    location_ok = dict(
        zip(
            profile_ids,
            audience.can_view_audience_many(
                viewer, [(p.member_id, p.location_audience) for p in profiles]
            ),
            strict=True,
        )
    )
    current: dict[int, Position] = {}
    visible_experience = [pid for pid in profile_ids if experience_ok.get(pid)]
    for position in Position.objects.filter(
        profile_id__in=visible_experience, end_date__isnull=True
    ).order_by("profile_id", "-start_date", "-pk"):
        current.setdefault(position.profile_id, position)

    for person in people:
        profile = getattr(person.member, "profile", None)
        if profile is None:
            continue
        if profile.address:
            person.url = base + reverse("profile", args=[profile.address])
        for entry in by_profile.get(profile.pk, []):
            (person.emails if entry.kind == ContactKind.EMAIL else person.phones).append(
                entry.value
            )
        position = current.get(profile.pk)
        if position is not None:
            person.company = position.organization_name
            person.position = position.title
        if location_ok.get(profile.pk):
            person.location = profile.location
    return people


def connections_csv(viewer: User, *, base_url: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for person in exported_people(viewer, base_url=base_url):
        member = person.member
        writer.writerow(
            [
                _cell(member.first_name),
                _cell(member.last_name),
                person.url,
                _cell(person.emails[0] if person.emails else ""),
                _cell(person.company),
                _cell(person.position),
                linkedin_date(person.connected_on),
            ]
        )
    return out.getvalue()


def _vcard_lines(person: ExportedPerson):
    member = person.member
    profile = getattr(member, "profile", None)
    yield "BEGIN:VCARD"
    yield "VERSION:4.0"
    yield "FN:" + escape_text(member.get_full_name() or member.email)
    yield "N:" + structured(member.last_name, member.first_name, "", "", "")
    if person.position:
        yield "TITLE:" + escape_text(person.position)
    if person.company:
        yield "ORG:" + structured(person.company)
    if person.location and profile is not None:
        yield "ADR;TYPE=work:" + structured(
            "", "", "", profile.city, profile.region, "", profile.country
        )
    for email in person.emails:
        yield "EMAIL:" + escape_text(email)
    for phone in person.phones:
        yield "TEL;TYPE=voice:" + escape_text(phone)
    if person.url:
        yield "URL:" + escape_uri(person.url)
    yield "END:VCARD"


def connections_vcards(viewer: User, *, base_url: str) -> str:
    """One vCard 4.0 per connection (RFC 6350), only with what the viewer may see."""
    return "".join(
        fold(line) + CRLF
        for person in exported_people(viewer, base_url=base_url)
        for line in _vcard_lines(person)
    )
