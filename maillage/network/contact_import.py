"""Parsers for contact files: LinkedIn's `Connections.csv`, vCard (.vcf) and a generic CSV.

Every parser returns a list of plain dicts (`first_name`, `last_name`, `email`, `phone`,
`organization`, `position`, `url`, `connected_on` as an ISO date or ""), so the preview can be
kept in the session, or raises `ImportProblem` with a message for the member. Nothing is stored
here: `crm.contacts_import` writes, all or nothing, once the member confirms.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
FIELDS = ("first_name", "last_name", "email", "phone", "organization", "position", "url")
LIMITS = {
    "first_name": 80,
    "last_name": 80,
    "email": 254,
    "phone": 40,
    "organization": 150,
    "position": 150,
    "url": 500,
}

LINKEDIN = "linkedin"
VCARD = "vcard"
CSV = "csv"


class ImportProblem(Exception):
    """The file cannot be imported; `str(exc)` is the message for the member."""


def _row(**values: str) -> dict[str, str]:
    row = {name: " ".join((values.get(name) or "").split())[: LIMITS[name]] for name in FIELDS}
    row["email"] = row["email"].lower()
    row["connected_on"] = values.get("connected_on") or ""
    return row


def _has_someone(row: dict[str, str]) -> bool:
    return bool(row["first_name"] or row["last_name"] or row["email"])


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if len(data) > MAX_BYTES:
        raise ImportProblem(_("The file is too large: 2 MB at most."))
    if not data.strip():
        raise ImportProblem(_("The file is empty."))
    if b"\x00" in data[:4096]:
        raise ImportProblem(_("This file is not a text file. Upload a CSV or vCard file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def detect(text: str, filename: str = "") -> str:
    """Which parser fits: vCard by its first line or extension, LinkedIn by its header."""
    head = text.lstrip()[:2000].lower()
    if filename.lower().endswith((".vcf", ".vcard")) or head.startswith("begin:vcard"):
        return VCARD
    if "connected on" in head and "first name" in head:
        return LINKEDIN
    return CSV


def parse(data: bytes, filename: str = "") -> tuple[str, list[dict[str, str]]]:
    """Decode, detect and parse a file: (source, rows)."""
    text = decode(data)
    source = detect(text, filename)
    if source == VCARD:
        rows = parse_vcard(text)
    elif source == LINKEDIN:
        rows = parse_linkedin(text)
    else:
        rows = parse_csv(text)
    if not rows:
        raise ImportProblem(_("No contacts were found in this file."))
    return source, rows


# --- CSV ---------------------------------------------------------------------------------------


def _fold(header: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", header.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", plain).strip()


# Header names (folded) for each field, in English and French.
HEADERS = {
    "first_name": {"first name", "firstname", "given name", "prenom"},
    "last_name": {"last name", "lastname", "surname", "family name", "nom", "nom de famille"},
    "email": {"email", "e mail", "email address", "e mail address", "courriel", "adresse e mail",
              "adresse email", "mail"},
    "organization": {"company", "entreprise", "organisation", "organization", "societe",
                     "company name"},
    "position": {"position", "poste", "title", "job title", "fonction", "titre"},
    "phone": {"phone", "telephone", "phone number", "mobile", "portable", "tel"},
    "url": {"url", "website", "site web", "profile url", "linkedin"},
    "connected_on": {"connected on"},
}


def _sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _records(text: str, *, dialect=None):
    reader = csv.reader(io.StringIO(text, newline=""), dialect or csv.excel, strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportProblem(
            _("This CSV file is malformed (line %(line)d). Check its quotes and try again.")
            % {"line": reader.line_num}
        ) from exc


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        folded = _fold(name)
        for field_name, names in HEADERS.items():
            if folded in names and field_name not in found:
                found[field_name] = index
    return found


def _rows_from(records, columns: dict[str, int], *, date_parser=None) -> list[dict[str, str]]:
    rows = []
    for record in records:
        if not any(cell.strip() for cell in record):
            continue
        values = {
            name: (record[index] if index < len(record) else "") for name, index in columns.items()
        }
        connected = values.pop("connected_on", "")
        if date_parser is not None:
            values["connected_on"] = date_parser(connected)
        row = _row(**values)
        if not _has_someone(row):
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ImportProblem(
                _("The file holds more than %(max)d contacts. Split it and import each part.")
                % {"max": MAX_ROWS}
            )
    return rows


def parse_csv(text: str) -> list[dict[str, str]]:
    """A CSV with a header row naming its columns (English or French, any case, any order)."""
    records = _records(text, dialect=_sniff_dialect(text))
    header = next(records, None)
    if header is None:
        raise ImportProblem(_("The file is empty."))
    columns = _columns(header)
    if not ({"first_name", "last_name", "email"} & columns.keys()):
        raise ImportProblem(
            _(
                "The first line of the file must name its columns, such as “First name”, "
                "“Last name” and “E-mail” (or “Prénom”, “Nom” and “Courriel”)."
            )
        )
    return _rows_from(records, columns)


def _linkedin_date(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    for pattern in ("%d %b %Y", "%d-%b-%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()  # noqa: DTZ007 — a day
        except ValueError:
            continue
    return ""


def parse_linkedin(text: str) -> list[dict[str, str]]:
    """LinkedIn's Connections.csv: skip the preamble, find the header, read the rows."""
    records = _records(text)
    for header in records:
        columns = _columns(header)
        if {"first_name", "last_name"} <= columns.keys() and "connected_on" in columns:
            return _rows_from(records, columns, date_parser=_linkedin_date)
    raise ImportProblem(
        _("This does not look like LinkedIn's Connections.csv: its header row is missing.")
    )


# --- vCard -------------------------------------------------------------------------------------


def _unfold(text: str) -> list[str]:
    """Content lines: a line starting with a space or tab continues the previous one."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def _unescape(value: str) -> str:
    return (
        value.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )


def _split_unescaped(value: str, sep: str) -> list[str]:
    return [_unescape(part) for part in re.split(r"(?<!\\)" + re.escape(sep), value)]


def _decode_qp(value: str, params: str) -> str:
    if "quoted-printable" not in params.lower():
        return value
    import quopri

    charset = "utf-8"
    match = re.search(r"charset=([\w\-]+)", params, re.IGNORECASE)
    if match:
        charset = match.group(1)
    try:
        return quopri.decodestring(value.encode("ascii", errors="ignore")).decode(
            charset, errors="replace"
        )
    except LookupError:
        return value


def parse_vcard(text: str) -> list[dict[str, str]]:
    """One or many cards: FN, N, EMAIL, TEL, ORG, TITLE, URL (the first of each)."""
    rows: list[dict[str, str]] = []
    card: dict[str, str] | None = None
    for line in _unfold(text):
        if not line.strip():
            continue
        name_part, sep, value = line.partition(":")
        if not sep:
            if card is not None:
                raise ImportProblem(_("This vCard file is malformed: a line has no “:”."))
            continue
        name, _sep, params = name_part.partition(";")
        # Drop a group prefix ("item1.EMAIL").
        name = name.rsplit(".", 1)[-1].upper()
        value = _decode_qp(value, params)
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            if card is not None:
                raise ImportProblem(_("This vCard file is malformed: a card is not closed."))
            card = {}
            continue
        if name == "END" and value.strip().upper() == "VCARD":
            if card is None:
                raise ImportProblem(_("This vCard file is malformed: a card is closed twice."))
            row = _card_row(card)
            if _has_someone(row):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise ImportProblem(
                        _("The file holds more than %(max)d contacts. Split it and import each part.")
                        % {"max": MAX_ROWS}
                    )
            card = None
            continue
        if card is None:
            continue
        if name not in card:
            card[name] = value
    if card is not None:
        raise ImportProblem(_("This vCard file is malformed: the last card is not closed."))
    if not rows and "begin:vcard" not in text.lower():
        raise ImportProblem(_("This vCard file holds no cards."))
    return rows


def _card_row(card: dict[str, str]) -> dict[str, str]:
    first = last = ""
    if "N" in card:
        parts = _split_unescaped(card["N"], ";") + ["", ""]
        last, first = parts[0], parts[1]
    if not (first or last) and "FN" in card:
        full = _unescape(card["FN"]).strip()
        first, _sp, last = full.partition(" ")
    organization = _split_unescaped(card.get("ORG", ""), ";")[0] if "ORG" in card else ""
    return _row(
        first_name=first,
        last_name=last,
        email=re.sub(r"^mailto:", "", _unescape(card.get("EMAIL", "")), flags=re.IGNORECASE),
        phone=re.sub(r"^tel:", "", _unescape(card.get("TEL", "")), flags=re.IGNORECASE),
        organization=organization,
        position=_unescape(card.get("TITLE", "")),
        url=_unescape(card.get("URL", "")),
    )
