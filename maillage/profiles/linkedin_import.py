"""Import a LinkedIn data-export archive ("a copy of your data") into a member's profile.

Two steps, so the member sees what will change before anything does:

1. `archive_read(file)` opens the ZIP, reads the CSV files it knows (see
   docs/linkedin-export.md for the format and its quirks) and returns an `ArchivePreview`, or
   raises `LinkedInImportError` with a message for the member. It never touches the database.
   `preview_compare(preview, profile)` then marks what is already on the profile.
2. `linkedin_import_apply(profile=…, preview=…, selected_keys=…)` adds the selected items that are
   not on the profile yet, in one transaction. Presence is checked again inside the transaction,
   so applying twice (or double-submitting) adds nothing the second time.

The preview travels between the two steps as JSON (`ArchivePreview.to_dict()` / `from_dict()`),
kept server-side in the session: the confirm step trusts only the keys the member ticked.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import (
    Certification,
    Education,
    LinkKind,
    Position,
    Proficiency,
    Profile,
    ProfileLink,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    skill_key,
)

# Limits that keep a hostile upload from costing more than a real export (a few hundred KB).
MAX_ARCHIVE_BYTES = 20 * 1024 * 1024  # compressed, as uploaded
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all members together, as declared and as read
MAX_MEMBERS = 2000
MAX_ROWS_PER_FILE = 5000

# The files this importer reads, with the columns it knows. A row is the header when it holds at
# least `HEADER_MIN_MATCHES` of the known columns: this is how the header is found after a
# preamble.
KNOWN_FILES: dict[str, tuple[str, ...]] = {
    "Profile.csv": (
        "First Name",
        "Last Name",
        "Maiden Name",
        "Address",
        "Birth Date",
        "Headline",
        "Summary",
        "Industry",
        "Zip Code",
        "Geo Location",
        "Twitter Handles",
        "Websites",
        "Instant Messengers",
    ),
    "Positions.csv": (
        "Company Name",
        "Title",
        "Description",
        "Location",
        "Started On",
        "Finished On",
    ),
    "Education.csv": (
        "School Name",
        "Start Date",
        "End Date",
        "Notes",
        "Degree Name",
        "Activities",
    ),
    "Skills.csv": ("Name",),
    "Languages.csv": ("Name", "Proficiency"),
    "Certifications.csv": (
        "Name",
        "Url",
        "Authority",
        "Started On",
        "Finished On",
        "License Number",
    ),
}
HEADER_MIN_MATCHES = 2
# …or when it holds the column a row cannot do without (a file may lack every other column).
KEY_COLUMNS = {
    "Profile.csv": ("Headline", "Summary", "First Name"),
    "Positions.csv": ("Title", "Company Name"),
    "Education.csv": ("School Name",),
    "Skills.csv": ("Name",),
    "Languages.csv": ("Name",),
    "Certifications.csv": ("Name",),
}

MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}

# LinkedIn's proficiency labels, most specific first ("full professional" before "professional").
PROFICIENCIES = (
    ("native", Proficiency.NATIVE),
    ("bilingual", Proficiency.NATIVE),
    ("full professional", Proficiency.FULL_PROFESSIONAL),
    ("professional working", Proficiency.PROFESSIONAL_WORKING),
    ("limited working", Proficiency.LIMITED_WORKING),
    ("elementary", Proficiency.ELEMENTARY),
)

URL_RE = re.compile(r"https?://[^\s,;\[\]<>\"']+", re.IGNORECASE)
_url_validator = URLValidator(schemes=["http", "https"])


class LinkedInImportError(Exception):
    """The archive cannot be imported; `message` says why, in the member's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- The preview -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form, for comparing names."""
    return skill_key(text or "")


def _make_key(kind: str, *parts: Any) -> str:
    identity = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{kind}-{hashlib.sha256(identity.encode()).hexdigest()[:16]}"


@dataclass
class FieldItem:
    """A profile text field (headline, about, industry, location)."""

    name: str
    value: str
    key: str = ""
    present: bool = False

    def __post_init__(self):
        self.key = self.key or f"field-{self.name}"


@dataclass
class PositionItem:
    title: str
    organization: str
    start: date
    end: date | None = None
    location: str = ""
    description: str = ""
    key: str = ""
    present: bool = False

    def identity(self) -> tuple:
        return (_fold(self.title), _fold(self.organization), self.start.year, self.start.month)

    def __post_init__(self):
        self.key = self.key or _make_key("position", *self.identity())


@dataclass
class EducationItem:
    school: str
    degree: str = ""
    start_year: int | None = None
    end_year: int | None = None
    activities: str = ""
    key: str = ""
    present: bool = False

    def identity(self) -> tuple:
        return (_fold(self.school), _fold(self.degree), self.start_year, self.end_year)

    def __post_init__(self):
        self.key = self.key or _make_key("education", *self.identity())


@dataclass
class SkillItem:
    name: str
    key: str = ""
    present: bool = False

    def identity(self) -> str:
        return skill_key(self.name)

    def __post_init__(self):
        self.key = self.key or _make_key("skill", self.identity())


@dataclass
class LanguageItem:
    name: str
    proficiency: str = ""
    key: str = ""
    present: bool = False

    def identity(self) -> str:
        return _fold(self.name)

    def __post_init__(self):
        self.key = self.key or _make_key("language", self.identity())

    def get_proficiency_display(self) -> str:
        return Proficiency(self.proficiency).label if self.proficiency else ""


@dataclass
class CertificationItem:
    name: str
    authority: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    credential_id: str = ""
    credential_url: str = ""
    key: str = ""
    present: bool = False

    def identity(self) -> tuple:
        return (_fold(self.name), _fold(self.authority))

    def __post_init__(self):
        self.key = self.key or _make_key("certification", *self.identity())


@dataclass
class LinkItem:
    url: str
    kind: str = LinkKind.WEBSITE.value
    key: str = ""
    present: bool = False

    def identity(self) -> str:
        return _url_identity(self.url)

    def __post_init__(self):
        self.key = self.key or _make_key("link", self.identity())

    def get_kind_display(self) -> str:
        return LinkKind(self.kind).label


SECTION_TYPES = {
    "fields": FieldItem,
    "positions": PositionItem,
    "education": EducationItem,
    "skills": SkillItem,
    "languages": LanguageItem,
    "certifications": CertificationItem,
    "links": LinkItem,
}
DATE_FIELDS = {"start", "end", "issued_on", "expires_on"}


@dataclass
class ArchivePreview:
    """What an archive holds that a profile can take, each item with a stable key."""

    fields: list[FieldItem] = field(default_factory=list)
    positions: list[PositionItem] = field(default_factory=list)
    education: list[EducationItem] = field(default_factory=list)
    skills: list[SkillItem] = field(default_factory=list)
    languages: list[LanguageItem] = field(default_factory=list)
    certifications: list[CertificationItem] = field(default_factory=list)
    links: list[LinkItem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the known files found, for the record

    def items(self):
        for section in SECTION_TYPES:
            yield from getattr(self, section)

    def field_item(self, name: str) -> FieldItem | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def new_items(self) -> list:
        return [item for item in self.items() if not item.present]

    @property
    def is_empty(self) -> bool:
        return not any(True for _item in self.items())

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"files": list(self.files)}
        for section in SECTION_TYPES:
            rows = []
            for item in getattr(self, section):
                row = asdict(item)
                row.pop("present", None)
                for name in DATE_FIELDS & row.keys():
                    row[name] = row[name].isoformat() if row[name] else None
                rows.append(row)
            data[section] = rows
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ArchivePreview:
        preview = cls(files=list(data.get("files", [])))
        for section, item_type in SECTION_TYPES.items():
            items = []
            for row in data.get(section, []):
                row = dict(row)
                for name in DATE_FIELDS & row.keys():
                    row[name] = date.fromisoformat(row[name]) if row[name] else None
                items.append(item_type(**row))
            setattr(preview, section, items)
        return preview


# --- Reading the archive -----------------------------------------------------------------------


def archive_read(file) -> ArchivePreview:
    """Read an uploaded LinkedIn export; raise `LinkedInImportError` when it cannot be imported.

    `file` is a binary file object (an `UploadedFile` works). Only the known files are read,
    matched by name whatever folder they are in; the rest of the archive is ignored.
    """
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    if size > MAX_ARCHIVE_BYTES:
        raise LinkedInImportError(
            _("This file is too large (more than %(size)d MB): a LinkedIn export is much smaller.")
            % {"size": MAX_ARCHIVE_BYTES // (1024 * 1024)}
        )
    file.seek(0)
    if not zipfile.is_zipfile(file):
        raise LinkedInImportError(
            _(
                "This file is not a ZIP archive. Upload the .zip file LinkedIn sent you, "
                "without opening or unpacking it."
            )
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            texts = _archive_texts(archive)
    except LinkedInImportError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
        raise LinkedInImportError(
            _("This archive is damaged and cannot be read. Download it from LinkedIn again.")
        ) from None
    except RuntimeError:  # an encrypted member
        raise LinkedInImportError(
            _("This archive is protected by a password: upload the archive as LinkedIn sent it.")
        ) from None

    if not texts:
        raise LinkedInImportError(
            _(
                "This is not a LinkedIn data export: none of its files (Profile.csv, "
                "Positions.csv, Education.csv, Skills.csv…) is in the archive."
            )
        )
    preview = ArchivePreview(files=sorted(texts))
    tables = {name: _table(name, text) for name, text in texts.items()}
    _read_profile(preview, tables.get("Profile.csv", []))
    _read_positions(preview, tables.get("Positions.csv", []))
    _read_education(preview, tables.get("Education.csv", []))
    _read_skills(preview, tables.get("Skills.csv", []))
    _read_languages(preview, tables.get("Languages.csv", []))
    _read_certifications(preview, tables.get("Certifications.csv", []))
    return preview


def _archive_texts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The known files' text, by canonical name; refuse archives that would cost too much."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LinkedInImportError(_("This archive holds too many files to be a LinkedIn export."))
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    by_basename = {name.casefold(): name for name in KNOWN_FILES}
    wanted: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.is_dir():
            continue
        basename = info.filename.replace("\\", "/").rsplit("/", 1)[-1].casefold()
        canonical = by_basename.get(basename)
        if canonical and canonical not in wanted:
            wanted[canonical] = info
    texts = {}
    budget = MAX_UNCOMPRESSED_BYTES
    for name, info in wanted.items():
        # The declared size can lie: read at most what is left of the budget, plus one byte.
        with archive.open(info) as member:
            data = member.read(budget + 1)
        if len(data) > budget:
            raise _too_big()
        budget -= len(data)
        try:
            texts[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LinkedInImportError(
                _("%(file)s is not UTF-8 text, as in a LinkedIn export.") % {"file": name}
            ) from None
    return texts


def _too_big() -> LinkedInImportError:
    return LinkedInImportError(
        _(
            "This archive unpacks to more than %(size)d MB: it is not a LinkedIn export, "
            "which is much smaller."
        )
        % {"size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
    )


@dataclass
class Row:
    """One CSV record: `number` counts records from the top of the file, as a spreadsheet does."""

    file: str
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def _broken(name: str) -> LinkedInImportError:
    return LinkedInImportError(
        _(
            "%(file)s cannot be read: its quotes are unbalanced (a field opens a quote that "
            "never closes). Download the export from LinkedIn again."
        )
        % {"file": name}
    )


def _table(name: str, text: str) -> list[Row]:
    """The file's rows as {column: value}, after its header (found by scanning, see above)."""
    known = KNOWN_FILES[name]
    by_folded = {column.casefold(): column for column in known}
    needed = min(HEADER_MIN_MATCHES, len(known))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str | None] | None = None
    rows: list[Row] = []
    try:
        for number, record in enumerate(reader, start=1):
            if header is None:
                cells = [cell.replace("\ufeff", "").strip().casefold() for cell in record]
                matches = {by_folded[cell] for cell in cells if cell in by_folded}
                if len(matches) >= needed or matches & set(KEY_COLUMNS[name]):
                    # Unknown columns map to None and are ignored.
                    header = [by_folded.get(cell) for cell in cells]
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                # More fields than columns: a quote swallowed a separator somewhere.
                raise _broken(name)
            if len(rows) >= MAX_ROWS_PER_FILE:
                raise LinkedInImportError(
                    _("%(file)s has too many rows to be a LinkedIn export.") % {"file": name}
                )
            values = {
                column: _clean(cell)
                for column, cell in zip(header, record, strict=False)
                if column is not None
            }
            rows.append(Row(file=name, number=number, values=values))
    except csv.Error:
        raise _broken(name) from None
    if header is None and text.strip():
        raise LinkedInImportError(
            _("%(file)s does not have the columns of a LinkedIn export.") % {"file": name}
        )
    # A quote left open swallows the following lines into one field and then ends the file.
    for row in rows:
        for value in row.values.values():
            if "\n" in value and _looks_swallowed(value, len(header or ())):
                raise _broken(name)
    return rows


def _looks_swallowed(value: str, columns: int) -> bool:
    """A field holding whole CSV records (lines of quoted, comma-separated cells)."""
    if columns < 3:
        return False
    return any(line.count('","') >= columns - 2 for line in value.split("\n")[1:])


def _clean(value: str) -> str:
    """Keep bullets and line breaks; normalise line endings and trim the ends."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def _cut(model, field_name: str, value: str) -> str:
    limit = model._meta.get_field(field_name).max_length
    return value[:limit].strip() if limit else value


# --- Dates ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    year: int
    month: int | None  # None when the export gives the year only

    def as_date(self) -> date:
        return date(self.year, self.month or 1, 1)


DATE_PATTERNS = (
    re.compile(r"^(?P<day>\d{1,2})\s+(?P<mon>[A-Za-z]{3,})\.?,?\s+(?P<year>\d{4})$"),  # 01 Jan 2024
    re.compile(r"^(?P<mon>[A-Za-z]{3,})\.?,?\s+(?P<year>\d{4})$"),  # Jan 2020
    re.compile(r"^(?P<year>\d{4})$"),  # 2020
    re.compile(r"^(?P<num>\d{1,2})/(?:\d{1,2}/)?(?P<year>\d{4})$"),  # 3/2020, 3/1/2020
    re.compile(r"^(?P<year>\d{4})-(?P<num>\d{2})(?:-\d{2})?$"),  # 2020-03, 2020-03-01
)


def _parse_month(row: Row, column: str) -> Month | None:
    raw = row.get(column)
    if not raw:
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.match(raw.strip())
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        month = None
        if parts.get("mon"):
            month = MONTHS.get(parts["mon"][:3].casefold())
        elif parts.get("num"):
            month = int(parts["num"])
        if (parts.get("mon") or parts.get("num")) and not (month and 1 <= month <= 12):
            break
        if 1900 <= year <= 2100:
            return Month(year, month)
        break
    raise LinkedInImportError(
        _("%(file)s, row %(row)d: the date “%(value)s” is not understood.")
        % {"file": row.file, "row": row.number, "value": raw[:40]}
    )


def _check_order(row: Row, start: Month | None, end: Month | None) -> None:
    if start is None or end is None:
        return
    if start.month is None or end.month is None:
        wrong = end.year < start.year
    else:
        wrong = (end.year, end.month) < (start.year, start.month)
    if wrong:
        raise LinkedInImportError(
            _("%(file)s, row %(row)d: the end date is before the start date.")
            % {"file": row.file, "row": row.number}
        )


def _end_date(start: Month | None, end: Month | None) -> date | None:
    """The stored end: a year-only end in the start's year never falls before the start."""
    if end is None:
        return None
    value = end.as_date()
    if start is not None and value < start.as_date():
        return start.as_date()
    return value


# --- The files -----------------------------------------------------------------------------------


def _collapse(items: list, item) -> None:
    """Add `item` unless an item with the same key is there (exports repeat rows)."""
    if all(existing.key != item.key for existing in items):
        items.append(item)


def _read_profile(preview: ArchivePreview, rows: list[Row]) -> None:
    if not rows:
        return
    row = rows[0]
    for name, column, model_field in (
        ("headline", "Headline", "headline"),
        ("about", "Summary", "about"),
        ("industry", "Industry", "industry"),
        ("location", "Geo Location", None),
    ):
        value = row.get(column)
        if name == "headline":
            value = " ".join(value.split())
        if value:
            if model_field:
                value = _cut(Profile, model_field, value)
            preview.fields.append(FieldItem(name=name, value=value))
    for url in _urls(row.get("Websites")):
        _collapse(preview.links, LinkItem(url=url, kind=_link_kind(url)))


def _urls(text: str) -> list[str]:
    urls = []
    for candidate in URL_RE.findall(text or ""):
        candidate = candidate.rstrip(".)")
        try:
            _url_validator(candidate)
        except ValidationError:
            continue
        if len(candidate) <= 500:
            urls.append(candidate)
    return urls


def _url_identity(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.casefold()}://{host.casefold()}{slash}{path}".rstrip("/")


def _link_kind(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].casefold().removeprefix("www.")
    if host == "github.com" or host.endswith(".github.io"):
        return LinkKind.GITHUB.value
    if host.endswith("linkedin.com"):
        return LinkKind.LINKEDIN.value
    return LinkKind.WEBSITE.value


def _read_positions(preview: ArchivePreview, rows: list[Row]) -> None:
    for row in rows:
        title, organization = row.get("Title"), row.get("Company Name")
        start = _parse_month(row, "Started On")
        end = _parse_month(row, "Finished On")
        _check_order(row, start, end)
        if not (title and organization):
            continue  # a position needs both (LinkedIn requires them too)
        if start is None:
            raise LinkedInImportError(
                _("%(file)s, row %(row)d: the start date is missing.")
                % {"file": row.file, "row": row.number}
            )
        item = PositionItem(
            title=_cut(Position, "title", " ".join(title.split())),
            organization=_cut(Position, "organization_name", " ".join(organization.split())),
            start=start.as_date(),
            end=_end_date(start, end),
            location=_cut(Position, "location", row.get("Location")),
            description=_cut(Position, "description", row.get("Description")),
        )
        _collapse(preview.positions, item)


def _read_education(preview: ArchivePreview, rows: list[Row]) -> None:
    for row in rows:
        school = " ".join(row.get("School Name").split())
        start = _parse_month(row, "Start Date")
        end = _parse_month(row, "End Date")
        _check_order(row, start, end)
        if not school:
            continue
        activities = "\n\n".join(v for v in (row.get("Activities"), row.get("Notes")) if v)
        item = EducationItem(
            school=_cut(Education, "school", school),
            degree=_cut(Education, "degree", " ".join(row.get("Degree Name").split())),
            start_year=start.year if start else None,
            end_year=end.year if end else None,
            activities=_cut(Education, "activities", activities),
        )
        _collapse(preview.education, item)


def _read_skills(preview: ArchivePreview, rows: list[Row]) -> None:
    for row in rows:
        name = _cut(Skill, "name", " ".join(row.get("Name").split()))
        if name:
            _collapse(preview.skills, SkillItem(name=name))


def _proficiency(text: str) -> str:
    folded = " ".join(text.casefold().split())
    for needle, value in PROFICIENCIES:
        if needle in folded:
            return value.value
    return ""


def _read_languages(preview: ArchivePreview, rows: list[Row]) -> None:
    for row in rows:
        name = _cut(SpokenLanguage, "name", " ".join(row.get("Name").split()))
        if name:
            item = LanguageItem(name=name, proficiency=_proficiency(row.get("Proficiency")))
            _collapse(preview.languages, item)


def _read_certifications(preview: ArchivePreview, rows: list[Row]) -> None:
    for row in rows:
        name = " ".join(row.get("Name").split())
        start = _parse_month(row, "Started On")
        end = _parse_month(row, "Finished On")
        _check_order(row, start, end)
        if not name:
            continue
        urls = _urls(row.get("Url"))
        item = CertificationItem(
            name=_cut(Certification, "name", name),
            authority=_cut(Certification, "authority", " ".join(row.get("Authority").split())),
            issued_on=start.as_date() if start else None,
            expires_on=_end_date(start, end),
            credential_id=_cut(Certification, "credential_id", row.get("License Number")),
            credential_url=urls[0] if urls else "",
        )
        _collapse(preview.certifications, item)


# --- Comparing with the profile and applying -----------------------------------------------------


def _split_location(value: str) -> tuple[str, str, str]:
    """Split "Lyon, Auvergne-Rhône-Alpes, France" into (city, region, country)."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) >= 3:
        return parts[0], ", ".join(parts[1:-1]), parts[-1]
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return (parts[0] if parts else ""), "", ""


def _current_field(profile: Profile, name: str) -> str:
    if name == "location":
        return ", ".join(p for p in (profile.city, profile.region, profile.country) if p)
    return getattr(profile, name)


def _field_present(profile: Profile, item: FieldItem) -> bool:
    current = _current_field(profile, item.name)
    if item.name == "location":
        wanted = ", ".join(p for p in _split_location(item.value) if p)
        return _fold(current) == _fold(wanted)
    return current.strip() == item.value.strip()


def _existing(profile: Profile) -> dict[str, set]:
    """What the profile already holds, as the identities the preview items compare with."""
    return {
        "positions": {
            (_fold(p.title), _fold(p.organization_name), p.start_date.year, p.start_date.month)
            for p in profile.positions.all()
        },
        "education": {
            (_fold(e.school), _fold(e.degree), e.start_year, e.end_year)
            for e in profile.education.all()
        },
        "skills": set(profile.skills.values_list("skill__key", flat=True)),
        "languages": {_fold(name) for name in profile.languages.values_list("name", flat=True)},
        "certifications": {
            (_fold(c.name), _fold(c.authority)) for c in profile.certifications.all()
        },
        "links": {_url_identity(url) for url in profile.links.values_list("url", flat=True)},
    }


def preview_compare(preview: ArchivePreview, profile: Profile) -> ArchivePreview:
    """Mark each item that is already on the profile (`present`); return the preview."""
    existing = _existing(profile)
    for item in preview.fields:
        item.present = _field_present(profile, item)
    for section, identities in existing.items():
        for item in getattr(preview, section):
            item.present = item.identity() in identities
    return preview


def _section_limits() -> dict[str, int]:
    """How many items a section may hold: the editing services' limits, so an import never
    leaves a profile the editor itself would refuse."""
    from . import services

    return {
        section: getattr(services, constant, default)
        for section, constant, default in (
            ("positions", "MAX_POSITIONS", 100),
            ("education", "MAX_EDUCATION", 50),
            ("skills", "MAX_SKILLS", 50),
            ("languages", "MAX_LANGUAGES", 20),
            ("certifications", "MAX_CERTIFICATIONS", 100),
            ("links", "MAX_LINKS", 20),
        )
    }


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    # Selected items left out because their section was full.
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def linkedin_import_apply(
    *, profile: Profile, preview: ArchivePreview, selected_keys
) -> ImportResult:
    """Add the selected items of `preview` that the profile does not hold yet; all or nothing.

    Text fields (headline, about, industry, location) replace the current value when selected.
    """
    selected = set(selected_keys)
    result = ImportResult()

    def count(section: str) -> None:
        result.counts[section] = result.counts.get(section, 0) + 1

    with transaction.atomic():
        # Lock the profile: two confirmations at once (a double click) must not both add rows.
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        preview_compare(preview, profile)
        chosen = {
            section: [
                item
                for item in getattr(preview, section)
                if item.key in selected and not item.present
            ]
            for section in SECTION_TYPES
        }
        for section, limit in _section_limits().items():
            room = max(0, limit - getattr(profile, section).count())
            result.skipped += max(0, len(chosen[section]) - room)
            chosen[section] = chosen[section][:room]

        changed_fields = []
        for item in chosen["fields"]:
            if item.name == "location":
                profile.city, profile.region, profile.country = (
                    _cut(Profile, name, value)
                    for name, value in zip(
                        ("city", "region", "country"), _split_location(item.value), strict=True
                    )
                )
                changed_fields += ["city", "region", "country"]
            else:
                setattr(profile, item.name, item.value)
                changed_fields.append(item.name)
            count("fields")
        if changed_fields:
            profile.save(update_fields=[*changed_fields, "updated_at"])

        for item in chosen["positions"]:
            Position.objects.create(
                profile=profile,
                title=item.title,
                organization_name=item.organization,
                location=item.location,
                start_date=item.start,
                end_date=item.end,
                description=item.description,
            )
            count("positions")

        for item in chosen["education"]:
            Education.objects.create(
                profile=profile,
                school=item.school,
                degree=item.degree,
                start_year=item.start_year,
                end_year=item.end_year,
                activities=item.activities,
            )
            count("education")

        if chosen["skills"]:
            next_position = _next_position(profile.skills)
            for item in chosen["skills"]:
                skill = _skill_for(item)
                ProfileSkill.objects.create(profile=profile, skill=skill, position=next_position)
                next_position += 1
                count("skills")

        if chosen["languages"]:
            next_position = _next_position(profile.languages)
            for item in chosen["languages"]:
                SpokenLanguage.objects.create(
                    profile=profile,
                    name=item.name,
                    proficiency=item.proficiency,
                    position=next_position,
                )
                next_position += 1
                count("languages")

        for item in chosen["certifications"]:
            Certification.objects.create(
                profile=profile,
                name=item.name,
                authority=item.authority,
                issued_on=item.issued_on,
                expires_on=item.expires_on,
                credential_id=item.credential_id,
                credential_url=item.credential_url,
            )
            count("certifications")

        if chosen["links"]:
            next_position = _next_position(profile.links)
            for item in chosen["links"]:
                ProfileLink.objects.create(
                    profile=profile, kind=item.kind, url=item.url, position=next_position
                )
                next_position += 1
                count("links")
    return result


def _skill_for(item: SkillItem) -> Skill:
    """The shared skill with this key, created when nobody lists it yet."""
    key = item.identity()
    existing = Skill.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: another member may create it at the same time
            return Skill.objects.create(key=key, name=item.name)
    except IntegrityError:
        return Skill.objects.get(key=key)


def _next_position(manager) -> int:
    highest = manager.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1
