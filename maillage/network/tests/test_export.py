"""Exporting one's connections (LinkedIn's Connections.csv and vCard): only one's own, and only
what the exporter may see of each person."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from maillage.core.audience import Audience
from maillage.network.export import CSV_COLUMNS, linkedin_date
from maillage.profiles.models import ContactEntry, ContactKind, Position

from .factories import block, connect, member

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def position(person, *, title, org, start, end=None):
    return Position.objects.create(
        profile=person.profile, title=title, organization_name=org, start_date=start, end_date=end
    )


def email(person, value, level):
    return ContactEntry.objects.create(
        profile=person.profile, kind=ContactKind.EMAIL, value=value, audience=level
    )


def test_linkedin_date_format():
    assert linkedin_date(date(2024, 1, 1)) == "01 Jan 2024"
    assert linkedin_date(date(2025, 12, 9)) == "09 Dec 2025"


def test_export_requires_login(client):
    for name in ("connections_export_csv", "connections_export_vcard"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_csv_has_linkedin_columns_and_only_own_connections(client):
    me, friend, theirs = member(), member(), member()
    connect(me, friend, at=datetime(2024, 1, 1, 12, tzinfo=UTC))
    connect(friend, theirs)
    client.force_login(me)
    response = client.get(reverse("connections_export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode().splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)
    found = rows(response)
    assert [(r["First Name"], r["Last Name"]) for r in found] == [
        (friend.first_name, friend.last_name)
    ]
    row = found[0]
    assert row["URL"] == f"http://testserver/in/{friend.profile.address}/"
    assert row["Connected On"] == "01 Jan 2024"


def test_csv_fields_follow_each_audience(client):
    me, open_one, closed_one = member(), member(), member()
    connect(me, open_one)
    connect(me, closed_one)
    # Visible: a connections-only e-mail and a public current position.
    email(open_one, "open@example.org", Audience.CONNECTIONS)
    position(open_one, title="Old job", org="Past Corp", start=date(2010, 1, 1),
             end=date(2015, 1, 1))
    position(open_one, title="Engineer", org="Now Corp", start=date(2020, 1, 1))
    # Hidden: an e-mail only for its owner, and an experience section only for its owner.
    email(closed_one, "secret@example.org", Audience.ONLY_ME)
    position(closed_one, title="Secret role", org="Hidden Corp", start=date(2021, 1, 1))
    closed_one.profile.experience_audience = Audience.ONLY_ME
    closed_one.profile.save()
    client.force_login(me)
    response = client.get(reverse("connections_export_csv"))
    by_name = {r["Last Name"]: r for r in rows(response)}
    visible = by_name[open_one.last_name]
    assert visible["Email Address"] == "open@example.org"
    assert (visible["Company"], visible["Position"]) == ("Now Corp", "Engineer")
    hidden = by_name[closed_one.last_name]
    assert hidden["Email Address"] == hidden["Company"] == hidden["Position"] == ""
    body = response.content.decode()
    assert "secret@example.org" not in body and "Hidden Corp" not in body
    assert "Past Corp" not in body  # a past position is not the current one


def test_export_leaves_out_blocked_people(client):
    me, friend, blocked = member(), member(), member()
    connect(me, friend)
    connect(me, blocked)
    block(blocked, me)
    client.force_login(me)
    names = [r["Last Name"] for r in rows(client.get(reverse("connections_export_csv")))]
    assert names == [friend.last_name]


def test_csv_cells_cannot_be_formulas(client):
    me = member()
    friend = member(member__first_name="=HYPERLINK(1)")
    connect(me, friend)
    client.force_login(me)
    assert rows(client.get(reverse("connections_export_csv")))[0]["First Name"] == (
        "'=HYPERLINK(1)"
    )


def test_vcard_has_one_card_per_connection_with_only_visible_fields(client):
    me, a, b, stranger = member(), member(), member(), member()
    connect(me, a)
    connect(me, b)
    email(a, "a@example.org", Audience.CONNECTIONS)
    email(b, "b-private@example.org", Audience.ONLY_ME)
    email(stranger, "stranger@example.org", Audience.PUBLIC)
    position(a, title="Designer", org="Studio", start=date(2022, 3, 1))
    client.force_login(me)
    response = client.get(reverse("connections_export_vcard"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    body = response.content.decode()
    assert body.count("BEGIN:VCARD") == 2 and body.count("END:VCARD") == 2
    assert "EMAIL:a@example.org" in body
    assert "TITLE:Designer" in body and "ORG:Studio" in body
    assert "b-private@example.org" not in body
    assert "stranger@example.org" not in body
    assert f"URL:http://testserver/in/{a.profile.address}/" in body
    assert all(line.endswith("\r") or not line for line in body.split("\n"))


def test_export_of_someone_without_connections_is_just_the_header(client):
    me = member()
    client.force_login(me)
    response = client.get(reverse("connections_export_csv"))
    assert response.content.decode() == ",".join(CSV_COLUMNS) + "\r\n"
    assert client.get(reverse("connections_export_vcard")).content == b""
