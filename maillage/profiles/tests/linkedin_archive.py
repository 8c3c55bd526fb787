"""Build LinkedIn data-export archives in memory, in the documented format, with its quirks.

    archive = linkedin_archive(
        profile={"Headline": "Data engineer", "Websites": "https://a.example, https://b.example"},
        positions=[{"Company Name": "Acme", "Title": "Dev", "Started On": "Jan 2020"}],
        bom=True, preamble=True, extra_columns=True,
    )

Each table is a list of dicts (a dict for Profile.csv); columns missing from a dict are written
empty. Every value is quoted when it needs to be (RFC 4180), so multi-line descriptions are
written as real exports write them. Never a real person's data.
"""

from __future__ import annotations

import csv
import io
import zipfile

from maillage.profiles.linkedin_import import KNOWN_FILES

CONNECTIONS_COLUMNS = (
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
)

PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\r\n'
    "\r\n"
)


def csv_text(
    columns,
    rows,
    *,
    bom: bool = False,
    preamble: bool = False,
    extra_columns: bool = False,
    quote_all: bool = False,
) -> str:
    """One CSV file's text: optional BOM, preamble, and unknown columns mixed in."""
    columns = list(columns)
    if extra_columns:
        # Newer exports add columns anywhere: one at the front, one at the end.
        columns = ["Export Id", *columns, "Visibility"]
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow(columns)
    for row in rows:
        values = dict(row)
        if extra_columns:
            values.setdefault("Export Id", "x-42")
            values.setdefault("Visibility", "public, members")
        writer.writerow([values.get(column, "") for column in columns])
    text = out.getvalue()
    if preamble:
        text = PREAMBLE + text
    if bom:
        text = "\ufeff" + text
    return text


def zip_bytes(files: dict[str, str | bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in files.items():
            if isinstance(content, str):
                content = content.encode("utf-8")
            archive.writestr(name, content)
    return buffer.getvalue()


def linkedin_archive(
    *,
    profile: dict | None = None,
    positions: list[dict] | None = None,
    education: list[dict] | None = None,
    skills: list[str | dict] | None = None,
    languages: list[dict] | None = None,
    certifications: list[dict] | None = None,
    connections: list[dict] | None = None,
    extra_files: dict[str, str | bytes] | None = None,
    folder: str = "",
    bom: bool = False,
    preamble: bool = False,
    extra_columns: bool = False,
    quote_all: bool = False,
    lowercase_names: bool = False,
) -> bytes:
    """A ZIP with the given tables; a table left as None is a file missing from the archive.

    `folder` puts the files in a sub-folder ("Basic_LinkedInDataExport_01-01-2026/");
    `lowercase_names` writes "positions.csv" instead of "Positions.csv".
    """
    options = {
        "bom": bom,
        "preamble": preamble,
        "extra_columns": extra_columns,
        "quote_all": quote_all,
    }
    tables = {
        "Profile.csv": [profile] if profile is not None else None,
        "Positions.csv": positions,
        "Education.csv": education,
        "Skills.csv": (
            [s if isinstance(s, dict) else {"Name": s} for s in skills]
            if skills is not None
            else None
        ),
        "Languages.csv": languages,
        "Certifications.csv": certifications,
    }
    files: dict[str, str | bytes] = {}
    for name, rows in tables.items():
        if rows is None:
            continue
        filename = name.lower() if lowercase_names else name
        files[folder + filename] = csv_text(KNOWN_FILES[name], rows, **options)
    if connections is not None:
        files[folder + "Connections.csv"] = csv_text(
            CONNECTIONS_COLUMNS, connections, bom=bom, preamble=True
        )
    for name, content in (extra_files or {}).items():
        files[folder + name] = content
    return zip_bytes(files)


def full_archive(**options) -> bytes:
    """A plausible export touching every section, with the documented quirks."""
    return linkedin_archive(
        profile={
            "First Name": "Camille",
            "Last Name": "Exemple",
            "Headline": "Cheffe de projet data",
            "Summary": "Je relie les équipes et les données.\n\n• Pilotage\n• Qualité",
            "Industry": "Technologies de l'information",
            "Geo Location": "Lyon, Auvergne-Rhône-Alpes, France",
            "Websites": "[PERSONAL:https://camille.example.org],[BLOG:http://blog.example.org/] "
            "ftp://old.example.org https://github.com/camille-exemple",
        },
        positions=[
            {
                "Company Name": "Exemple SAS",
                "Title": "Cheffe de projet",
                "Description": "• Piloté la migration\n- Formé l'équipe, 6 personnes",
                "Location": "Lyon",
                "Started On": "Mar 2021",
                "Finished On": "",
            },
            {
                "Company Name": "Démo SARL",
                "Title": "Analyste",
                "Description": "",
                "Location": "Paris",
                "Started On": "2017",
                "Finished On": "Feb 2021",
            },
            # Exports repeat rows.
            {
                "Company Name": "Démo SARL",
                "Title": "Analyste",
                "Started On": "2017",
                "Finished On": "Feb 2021",
            },
        ],
        education=[
            {
                "School Name": "Université Exemple",
                "Start Date": "2012",
                "End Date": "2016",
                "Degree Name": "Master",
                "Notes": "Mention bien",
                "Activities": "Association des étudiants",
            }
        ],
        skills=["Gestion de projet", "Python", "python", "SQL"],
        languages=[
            {"Name": "Français", "Proficiency": "Native or bilingual proficiency"},
            {"Name": "English", "Proficiency": "Full professional proficiency"},
            {"Name": "Deutsch", "Proficiency": "Elementary proficiency"},
        ],
        certifications=[
            {
                "Name": "Scrum Master",
                "Url": "https://cert.example.org/abc",
                "Authority": "Scrum Exemple",
                "Started On": "Jun 2020",
                "Finished On": "Jun 2023",
                "License Number": "SM-123",
            }
        ],
        connections=[{"First Name": "Alix", "Last Name": "Test", "Connected On": "01 Jan 2024"}],
        **options,
    )
