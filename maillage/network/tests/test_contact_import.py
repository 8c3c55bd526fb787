"""Importing contacts: LinkedIn's Connections.csv, vCard and generic CSV files, the preview,
matching members by verified e-mail only, invitations and de-duplication."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from maillage.network import contact_import
from maillage.network.contact_import import ImportProblem, parse
from maillage.network.models import Contact, Invitation
from maillage.network.tests.factories import block, connect, member

LINKEDIN = (
    "\ufeffNotes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing. You will only see email addresses for connections who have allowed their '
    'connections to see or download their email address."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Jeanne,Dupont,https://www.linkedin.com/in/jeanne-dupont,,Acme,Engineer,01 Jan 2024\r\n"
    'Paul,Martin,https://www.linkedin.com/in/paul,paul@example.org,"Big, Corp","Head of\nSales",'
    "15 Mar 2023\r\n"
)

VCARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Lefèvre;Jérôme;;;\r\n"
    "FN:Jérôme Lefèvre\r\n"
    "EMAIL;TYPE=INTERNET:jerome@exam\r\n"
    " ple.org\r\n"
    "TEL;TYPE=CELL:+33 6 12 34 56 78\r\n"
    "ORG:Initech;R&D\r\n"
    "TITLE:Directeur\\, technique\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:Anne Solo\r\n"
    "TEL;VALUE=uri:tel:+33-1-00\r\n"
    "END:VCARD\r\n"
)

FRENCH_CSV = (
    "Prénom;Nom;Courriel;Entreprise;Poste;Téléphone\n"
    "Élise;Moreau;ELISE@example.org;Orange;Cheffe de projet;0102030405\n"
    "Marc;Petit;;;;\n"
)


def test_linkedin_preamble_bom_quoted_newlines_and_dates():
    source, rows = parse(LINKEDIN.encode("utf-8"), "Connections.csv")
    assert source == "linkedin"
    assert [r["last_name"] for r in rows] == ["Dupont", "Martin"]
    assert rows[0]["email"] == "" and rows[0]["connected_on"] == "2024-01-01"
    assert rows[1]["organization"] == "Big, Corp"
    assert rows[1]["position"] == "Head of Sales"  # the newline inside quotes is kept as a space
    assert rows[1]["connected_on"] == "2023-03-15"


def test_vcard_folding_escapes_several_cards():
    source, rows = parse(VCARD.encode("utf-8"), "contacts.vcf")
    assert source == "vcard"
    first, second = rows
    assert (first["first_name"], first["last_name"]) == ("Jérôme", "Lefèvre")
    assert first["email"] == "jerome@example.org"
    assert first["organization"] == "Initech"
    assert first["position"] == "Directeur, technique"
    assert first["phone"] == "+33 6 12 34 56 78"
    assert (second["first_name"], second["last_name"], second["phone"]) == ("Anne", "Solo", "+33-1-00")


def test_generic_csv_with_french_headers_and_semicolons():
    source, rows = parse(FRENCH_CSV.encode("utf-8"), "export.csv")
    assert source == "csv"
    assert rows[0] == {
        "first_name": "Élise",
        "last_name": "Moreau",
        "email": "elise@example.org",
        "phone": "0102030405",
        "organization": "Orange",
        "position": "Cheffe de projet",
        "url": "",
        "connected_on": "",
    }
    assert rows[1]["last_name"] == "Petit"


def test_generic_csv_in_english_any_case_and_windows_1252():
    data = "EMAIL,First Name,LAST NAME,Company\r\nluc@example.org,Luc,Bérard,Acme\r\n".encode("cp1252")
    _source, [row] = parse(data, "x.csv")
    assert (row["first_name"], row["last_name"], row["email"]) == ("Luc", "Bérard", "luc@example.org")


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "x.csv", "empty"),
        (b"foo,bar\n1,2\n", "x.csv", "first line"),
        (b'First name,Last name\n"Unclosed,quote\n', "x.csv", "malformed"),
        (b"BEGIN:VCARD\nFN:No end\n", "x.vcf", "not closed"),
        (b"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nEND:VCARD\n", "x.vcf", "not closed"),
        (b"\x00\x01\x02PK", "x.csv", "not a text file"),
        (b"Notes:\nsomething\nFirst Name,Last Name,Connected On\n", "x.csv", "No contacts"),
        (b"First Name,Last Name,Email\n", "x.csv", "No contacts"),
    ],
)
def test_malformed_files_are_refused_with_a_message(data, name, message):
    with pytest.raises(ImportProblem) as exc:
        parse(data, name)
    assert message.lower() in str(exc.value).lower()


def test_size_and_row_limits(monkeypatch):
    with pytest.raises(ImportProblem, match="2 MB"):
        parse(b"First name\n" + b"a\n" * (contact_import.MAX_BYTES // 2 + 1), "x.csv")
    monkeypatch.setattr(contact_import, "MAX_ROWS", 3)
    data = "First name,Last name\n" + "".join(f"A,B{i}\n" for i in range(4))
    with pytest.raises(ImportProblem, match="more than 3"):
        parse(data.encode(), "x.csv")
    vcards = "".join(f"BEGIN:VCARD\nFN:A B{i}\nEND:VCARD\n" for i in range(4))
    with pytest.raises(ImportProblem, match="more than 3"):
        parse(vcards.encode(), "x.vcf")


# --- Through the pages --------------------------------------------------------------------------


@pytest.fixture
def owner(db):
    return member(address="owner")


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, content: bytes, name: str):
    return client.post(
        reverse("crm_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_malformed_upload_stores_nothing(owner):
    client = logged(owner)
    response = upload(client, b'First name,Last name\n"Unclosed,quote\n', "x.csv")
    assert response.status_code == 200
    assert "malformed" in response.content.decode()
    assert "crm_import" not in client.session
    assert not Contact.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10 * 1024 * 1024)
def test_oversized_upload_is_refused(owner):
    client = logged(owner)
    response = upload(client, b"First name\n" + b"a" * (2 * 1024 * 1024 + 10), "big.csv")
    assert "2 MB" in response.content.decode()
    assert not Contact.objects.exists()


def test_preview_then_confirm_matches_only_verified_addresses(owner):
    verified = member(address="verified")  # the factory verifies the user's e-mail
    unverified_user = member(address="unverified")
    EmailAddress.objects.filter(user=unverified_user).update(verified=False)
    connected = member(address="connected")
    connect(owner, connected)
    blocked = member(address="blockedone")
    block(owner, blocked)
    rows = [
        ("Vera", "Fied", verified.email.upper()),
        ("Uno", "Verified", unverified_user.email),
        ("Con", "Nected", connected.email),
        ("Blo", "Cked", blocked.email),
        ("Out", "Side", "outside@example.org"),
        ("No", "Mail", ""),
    ]
    csv_text = "First name,Last name,E-mail\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    client = logged(owner)
    response = upload(client, csv_text.encode(), "people.csv")
    assert response["Location"] == reverse("crm_import_preview")
    assert not Contact.objects.exists()  # nothing stored before the confirmation

    preview = client.get(reverse("crm_import_preview")).content.decode()
    assert f'value="{verified.public_id}"' in preview
    assert "checked" not in preview.split(f'value="{verified.public_id}"')[1].split(">")[0]
    assert f'value="{unverified_user.public_id}"' not in preview
    assert f'value="{connected.public_id}"' not in preview  # already connected: no checkbox
    assert str(blocked.public_id) not in preview
    assert "4 private contacts" in preview

    response = client.post(reverse("crm_import_preview"), {"invite": [str(verified.public_id)]})
    assert response.status_code == 200
    assert Invitation.objects.filter(sender=owner, recipient=verified).exists()
    assert Invitation.objects.count() == 1
    names = set(Contact.objects.filter(owner=owner).values_list("last_name", flat=True))
    assert names == {"Verified", "Cked", "Side", "Mail"}
    assert set(Contact.objects.values_list("source", flat=True)) == {"csv"}
    assert "crm_import" not in client.session


def test_invitation_errors_are_collected_per_row(owner, settings):
    settings.MAILLAGE_INVITATIONS_PER_WEEK = 1
    first, second = member(), member()
    csv_text = f"First name,Last name,E-mail\nA,One,{first.email}\nB,Two,{second.email}\n"
    client = logged(owner)
    upload(client, csv_text.encode(), "people.csv")
    response = client.post(
        reverse("crm_import_preview"), {"invite": [str(first.public_id), str(second.public_id)]}
    )
    page = response.content.decode()
    assert Invitation.objects.count() == 1
    assert "could not be sent" in page and "this week" in page


def test_reimport_deduplicates_by_email_or_name(owner):
    client = logged(owner)
    upload(client, LINKEDIN.encode(), "Connections.csv")
    client.post(reverse("crm_import_preview"))
    assert Contact.objects.count() == 2
    paul = Contact.objects.get(last_name="Martin")
    assert paul.source == "linkedin" and str(paul.connected_elsewhere_on) == "2023-03-15"
    changed = LINKEDIN.replace("Acme,Engineer", "Acme,Architect")
    upload(client, changed.encode(), "Connections.csv")
    response = client.post(reverse("crm_import_preview"))
    assert "2 contacts updated" in response.content.decode()
    assert Contact.objects.count() == 2
    assert Contact.objects.get(last_name="Dupont").position == "Architect"


def test_cancel_keeps_nothing(owner):
    client = logged(owner)
    upload(client, FRENCH_CSV.encode(), "x.csv")
    client.post(reverse("crm_import_preview"), {"cancel": "1"})
    assert not Contact.objects.exists()
    assert client.get(reverse("crm_import_preview"))["Location"] == reverse("crm_import")


def test_the_preview_belongs_to_its_session(owner):
    upload(logged(owner), FRENCH_CSV.encode(), "x.csv")
    other = logged(member())
    assert other.get(reverse("crm_import_preview")).status_code == 302
    assert other.post(reverse("crm_import_preview")).status_code == 302
    assert not Contact.objects.exists()
