"""Security audit of the network: leaks and abuses found (each test failed before its fix) and
the most important negative cases that had no test yet."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maillage.network import crm, introductions, services
from maillage.network.models import Introduction, Invitation
from maillage.network.tests.factories import block, connect, invite, member

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The relationship page's shared history --------------------------------------------------


def test_history_hides_an_introduction_not_yet_forwarded_to_the_target():
    """The target only learns of a request once the intermediary forwards it: an open (or
    declined) request must not show on the target's relationship page about the requester."""
    requester, intermediary, target = member(), member(), member()
    connect(requester, intermediary)
    connect(intermediary, target)
    item = introductions.introduction_request(
        requester=requester, intermediary=intermediary, target=target, note="Hello"
    )
    assert crm.shared_history(target, requester).introductions == []
    assert crm.shared_history(target, intermediary).introductions == []
    page = client_for(target).get(reverse("crm_relationship", args=[requester.profile.address]))
    assert page.status_code == 200
    assert b"for an introduction to" not in page.content

    introductions.introduction_decline(member=intermediary, introduction=item)
    assert crm.shared_history(target, requester).introductions == []
    # The two who took part still see it.
    assert [i.pk for i in crm.shared_history(requester, target).introductions] == [item.pk]
    assert [i.pk for i in crm.shared_history(intermediary, requester).introductions] == [item.pk]


def test_history_shows_a_forwarded_introduction_to_the_target():
    requester, intermediary, target = member(), member(), member()
    connect(requester, intermediary)
    connect(intermediary, target)
    item = introductions.introduction_request(
        requester=requester, intermediary=intermediary, target=target, note="Hello"
    )
    introductions.introduction_forward(member=intermediary, introduction=item)
    assert [i.pk for i in crm.shared_history(target, requester).introductions] == [item.pk]


def test_history_does_not_tell_the_sender_their_invitation_was_ignored():
    """Ignoring is silent: the sender's relationship page must not read "Ignored"."""
    sender, recipient = member(), member()
    invitation = invite(sender, recipient)
    services.invitation_ignore(member=recipient, invitation=invitation)
    history = crm.shared_history(sender, recipient)
    assert all(i.status != Invitation.Status.IGNORED for i in history.invitations)
    page = client_for(sender).get(reverse("crm_relationship", args=[recipient.profile.address]))
    assert b"Ignored" not in page.content
    # The recipient, who ignored it, still sees it in their own history.
    assert [i.status for i in crm.shared_history(recipient, sender).invitations] == [
        Invitation.Status.IGNORED
    ]


# --- Negative cases checked (no test covered them yet) ---------------------------------------


def test_invitation_actions_by_someone_else_are_404_and_change_nothing():
    sender, recipient, intruder = member(), member(), member()
    invitation = invite(sender, recipient)
    client = client_for(intruder)
    for name in ("invitation_accept", "invitation_ignore", "invitation_withdraw"):
        response = client.post(reverse(name, args=[invitation.public_id]))
        assert response.status_code == 404, name
    # The recipient cannot withdraw, the sender cannot accept their own invitation.
    assert client_for(recipient).post(
        reverse("invitation_withdraw", args=[invitation.public_id])
    ).status_code == 404
    assert client_for(sender).post(
        reverse("invitation_accept", args=[invitation.public_id])
    ).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_actions_by_get_are_refused():
    sender, recipient = member(), member()
    invitation = invite(sender, recipient)
    client = client_for(recipient)
    assert client.get(reverse("invitation_accept", args=[invitation.public_id])).status_code == 405
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_actions_never_redirect_off_site():
    viewer, other = member(), member()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = client_for(viewer).post(
            reverse("follow", args=[other.public_id]), {"next": target}
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"], target


def test_a_block_reads_as_missing_on_every_action():
    blocker, blocked = member(), member()
    block(blocker, blocked)
    client = client_for(blocked)
    for name in ("network_invite", "follow", "mute"):
        response = client.post(reverse(name, args=[blocker.public_id]))
        assert response.status_code == 404, name


def test_double_accept_makes_one_connection():
    sender, recipient = member(), member()
    invitation = invite(sender, recipient)
    client = client_for(recipient)
    client.post(reverse("invitation_accept", args=[invitation.public_id]))
    second = client.post(reverse("invitation_accept", args=[invitation.public_id]), follow=True)
    assert second.status_code == 200
    from maillage.network.models import Connection

    assert Connection.objects.filter(member=sender, other=recipient).count() == 1
    assert Connection.objects.filter(member=recipient, other=sender).count() == 1


def test_introduction_actions_by_the_wrong_party_are_404():
    requester, intermediary, target, stranger = member(), member(), member(), member()
    connect(requester, intermediary)
    connect(intermediary, target)
    item = introductions.introduction_request(
        requester=requester, intermediary=intermediary, target=target, note="Hello"
    )
    # Not yet forwarded: the target and strangers do not see it at all.
    for who in (target, stranger):
        assert client_for(who).get(
            reverse("introduction_detail", args=[item.public_id])
        ).status_code == 404
    # The requester cannot forward their own request.
    assert client_for(requester).post(
        reverse("introduction_forward", args=[item.public_id])
    ).status_code == 404
    item.refresh_from_db()
    assert item.status == Introduction.Status.ASKED


# --- Sizes: a contact's file cannot grow without bound ----------------------------------------


def test_notes_on_one_contact_are_limited(monkeypatch):
    from django.core.exceptions import ValidationError

    monkeypatch.setattr(crm, "NOTES_PER_CONTACT", 3)
    owner, subject = member(), member()
    contact = crm.contact_for_member_ensure(owner=owner, member=subject)
    for n in range(3):
        crm.contact_note_add(owner=owner, contact=contact, body=f"note {n}")
    with pytest.raises(ValidationError):
        crm.contact_note_add(owner=owner, contact=contact, body="one too many")
    assert contact.notes.count() == 3


def test_open_reminders_on_one_contact_are_limited(monkeypatch):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    monkeypatch.setattr(crm, "OPEN_REMINDERS_PER_CONTACT", 2)
    owner, subject = member(), member()
    contact = crm.contact_for_member_ensure(owner=owner, member=subject)
    due = timezone.now() + timedelta(days=3)
    first = crm.reminder_add(owner=owner, contact=contact, text="one", due_at=due)
    crm.reminder_add(owner=owner, contact=contact, text="two", due_at=due)
    with pytest.raises(ValidationError):
        crm.reminder_add(owner=owner, contact=contact, text="three", due_at=due)
    # Done ones do not count.
    crm.reminder_done(owner=owner, reminder=first)
    crm.reminder_add(owner=owner, contact=contact, text="three", due_at=due)
    assert contact.reminders.filter(done_at__isnull=True).count() == 2


# --- The import preview lists a bounded number of members --------------------------------------


def test_import_preview_shows_a_bounded_number_of_members(monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.network import views_crm

    monkeypatch.setattr(views_crm, "MATCHES_SHOWN", 2)
    owner = member()
    people = [member() for _ in range(3)]
    csv_text = "First name,Last name,E-mail\n" + "".join(
        f"{p.first_name},{p.last_name},{p.email}\n" for p in people
    )
    client = client_for(owner)
    client.post(
        reverse("crm_import"),
        {"file": SimpleUploadedFile("people.csv", csv_text.encode(), "text/csv")},
    )
    preview = client.get(reverse("crm_import_preview")).content.decode()
    shown = [p for p in people if f'value="{p.public_id}"' in preview]
    assert len(shown) == 2
    # Choosing someone not shown (forged form) invites nobody beyond what was offered.
    hidden = next(p for p in people if p not in shown)
    client.post(reverse("crm_import_preview"), {"invite": [str(hidden.public_id)]})
    assert not Invitation.objects.filter(sender=owner, recipient=hidden).exists()


# --- Block against a concurrent accept --------------------------------------------------------


def test_block_settles_open_invitations_before_removing_the_connection():
    """On PostgreSQL an accept holds its invitation's row lock until it commits. A block must
    wait on that lock (by closing the open invitations and introductions) *before* it deletes
    the connection, or a connection committed meanwhile would survive the block."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    a, b = member(), member()
    invite(a, b)
    with CaptureQueriesContext(db) as ctx:
        services.block_add(blocker=a, blocked=b)
    sqls = [q["sql"] for q in ctx.captured_queries]

    def first(prefix: str, table: str) -> int:
        return next(
            i for i, s in enumerate(sqls) if s.startswith(prefix) and f'"{table}"' in s
        )

    delete_connections = first("DELETE", "network_connection")
    assert first("UPDATE", "network_invitation") < delete_connections
    assert first("UPDATE", "network_introduction") < delete_connections
