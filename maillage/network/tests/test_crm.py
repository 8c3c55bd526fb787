"""The personal CRM: notes, tags, meeting info and reminders, private to their author."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.tests.factories import DEFAULT_PASSWORD
from maillage.network import crm
from maillage.network.models import Contact, ContactNote, ContactTag, Introduction, Reminder
from maillage.network.tests.factories import block, connect, invite, member
from maillage.profiles.models import Position

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    """author keeps notes about `subject`; friend is connected to the author; stranger is not;
    blocked is blocked by the author."""
    author = member(address="author")
    subject = member(address="subject")
    friend = member(address="friend")
    stranger = member(address="stranger")
    blocked = member(address="blocked")
    connect(author, subject)
    connect(author, friend)
    connect(friend, subject)
    block(author, blocked)
    return {
        "author": author,
        "subject": subject,
        "friend": friend,
        "stranger": stranger,
        "blocked": blocked,
    }


def add_note(client, address, body="Met at the Lyon meetup", htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("crm_relationship_action", args=[address, "note-add"]),
        {"note-body": body},
        headers=headers,
    )


# --- Who sees what ------------------------------------------------------------------------------


def test_the_author_writes_and_reads_a_note_on_a_member(world):
    author = client_for(world["author"])
    response = add_note(author, "subject")
    assert response.status_code == 302
    contact = Contact.objects.get(owner=world["author"], member=world["subject"])
    assert contact.notes.get().body == "Met at the Lyon meetup"
    page = author.get(reverse("crm_relationship", args=["subject"]))
    assert page.status_code == 200
    assert "Met at the Lyon meetup" in page.content.decode()


def test_nobody_else_sees_the_notes_or_learns_of_them(world):
    add_note(client_for(world["author"]), "subject", body="Secret remark")
    contact = Contact.objects.get(owner=world["author"])
    for name in ("subject", "friend", "stranger", "blocked"):
        client = client_for(world[name])
        # Their own relationship page with the subject holds nothing of the author's.
        if name != "subject":
            page = client.get(reverse("crm_relationship", args=["subject"]))
            if name == "blocked":
                assert page.status_code in (200, 404)
            assert "Secret remark" not in page.content.decode()
        # The author's contact page is missing for them.
        assert client.get(reverse("crm_contact", args=[contact.public_id])).status_code == 404
        assert (
            client.post(
                reverse("crm_contact_action", args=[contact.public_id, "note-add"]),
                {"note-body": "x"},
            ).status_code
            == 404
        )
        assert "Secret remark" not in client.get(reverse("crm_contacts")).content.decode()
        assert "Secret remark" not in client.get(reverse("profile", args=["subject"])).content.decode()
    # The subject's profile, seen by the subject, says nothing either.
    own = client_for(world["subject"]).get(reverse("profile", args=["subject"])).content.decode()
    assert "Secret remark" not in own


def test_anonymous_visitors_are_sent_to_log_in_everywhere(world):
    contact = crm.contact_create(owner=world["author"], first_name="Zoé", last_name="Extern")
    client = Client()
    urls = [
        ("get", reverse("crm_relationship", args=["subject"])),
        ("post", reverse("crm_relationship_action", args=["subject", "note-add"])),
        ("get", reverse("crm_contacts")),
        ("get", reverse("crm_contact", args=[contact.public_id])),
        ("post", reverse("crm_contact_action", args=[contact.public_id, "note-add"])),
        ("get", reverse("crm_import")),
        ("get", reverse("crm_import_preview")),
        ("get", reverse("crm_contact_new")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert not ContactNote.objects.exists()


def test_blocked_inactive_and_oneself_are_404(world):
    author = client_for(world["author"])
    assert author.get(reverse("crm_relationship", args=["blocked"])).status_code == 404
    assert add_note(author, "blocked").status_code == 404
    assert author.get(reverse("crm_relationship", args=["author"])).status_code == 404
    assert author.get(reverse("crm_relationship", args=["nobody-here"])).status_code == 404
    world["stranger"].is_active = False
    world["stranger"].save()
    assert author.get(reverse("crm_relationship", args=["stranger"])).status_code == 404
    assert not Contact.objects.exists()


def test_a_stranger_and_a_connection_may_be_noted(world):
    author = client_for(world["author"])
    assert author.get(reverse("crm_relationship", args=["stranger"])).status_code == 200
    assert add_note(author, "stranger").status_code == 302
    assert add_note(author, "friend").status_code == 302
    assert Contact.objects.filter(owner=world["author"]).count() == 2


def test_a_contact_of_someone_later_blocked_disappears(world):
    add_note(client_for(world["author"]), "stranger", body="Before the block")
    contact = Contact.objects.get()
    block(world["stranger"], world["author"])
    author = client_for(world["author"])
    assert author.get(reverse("crm_relationship", args=["stranger"])).status_code == 404
    assert author.get(reverse("crm_contact", args=[contact.public_id])).status_code == 404
    assert "Before the block" not in author.get(reverse("crm_contacts")).content.decode()


def test_another_members_note_cannot_be_edited_through_ones_own_contact(world):
    add_note(client_for(world["author"]), "subject", body="Mine")
    note = ContactNote.objects.get()
    friend = client_for(world["friend"])
    add_note(friend, "subject", body="Friend's")
    response = friend.post(
        reverse("crm_relationship_action", args=["subject", "note-edit"]),
        {"note": str(note.public_id), "body": "Hijacked"},
    )
    assert response.status_code == 404
    response = friend.post(
        reverse("crm_relationship_action", args=["subject", "note-delete"]),
        {"note": str(note.public_id)},
    )
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.body == "Mine"


# --- Notes, tags, meeting, reminders ------------------------------------------------------------


def test_htmx_answers_the_panel(world):
    response = add_note(client_for(world["author"]), "subject", body="Line one\nLine two", htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="crm-panel"' in html
    assert "Line one<br>Line two" in html
    assert "<html" not in html


def test_notes_are_edited_and_deleted(world):
    author = client_for(world["author"])
    add_note(author, "subject", body="First")
    note = ContactNote.objects.get()
    author.post(
        reverse("crm_relationship_action", args=["subject", "note-edit"]),
        {"note": str(note.public_id), "body": "Changed"},
    )
    note.refresh_from_db()
    assert note.body == "Changed"
    author.post(
        reverse("crm_relationship_action", args=["subject", "note-delete"]),
        {"note": str(note.public_id)},
    )
    assert not ContactNote.objects.exists()


def test_bad_notes_change_nothing(world):
    author = client_for(world["author"])
    response = add_note(author, "subject", body="   ")
    assert response.status_code == 400
    response = add_note(author, "subject", body="x" * 5001)
    assert response.status_code == 400
    assert "5000" in response.content.decode() or "5,000" in response.content.decode()
    # The empty note did not create the contact either.
    assert not Contact.objects.exists()
    response = add_note(author, "subject", body=" ", htmx=True)
    assert response.status_code == 200
    assert "field--invalid" in response.content.decode()


def test_tags_are_folded_shared_across_contacts_and_limited(world):
    author = world["author"]
    one = crm.contact_for_member_ensure(owner=author, member=world["subject"])
    two = crm.contact_for_member_ensure(owner=author, member=world["friend"])
    crm.contact_tag_add(owner=author, contact=one, name="Clients Lyon")
    crm.contact_tag_add(owner=author, contact=two, name="  clients   LYON ")
    crm.contact_tag_add(owner=author, contact=one, name="CLIENTS lyon")  # already there
    assert ContactTag.objects.filter(owner=author).count() == 1
    assert one.tags.count() == 1
    with pytest.raises(ValidationError):
        crm.contact_tag_add(owner=author, contact=one, name="x" * 41)
    for i in range(19):
        crm.contact_tag_add(owner=author, contact=one, name=f"tag {i}")
    with pytest.raises(ValidationError):
        crm.contact_tag_add(owner=author, contact=one, name="one too many")
    assert one.tags.count() == 20
    # Removing it from the last contact forgets the tag.
    crm.contact_tag_remove(owner=author, contact=one, key="clients lyon")
    assert ContactTag.objects.filter(key="clients lyon").exists()
    crm.contact_tag_remove(owner=author, contact=two, key="clients lyon")
    assert not ContactTag.objects.filter(key="clients lyon").exists()


def test_tags_through_the_page(world):
    author = client_for(world["author"])
    author.post(
        reverse("crm_relationship_action", args=["subject", "tag-add"]), {"tag-name": "Mentor"}
    )
    assert Contact.objects.get().tags.get().name == "Mentor"
    author.post(reverse("crm_relationship_action", args=["subject", "tag-remove"]), {"key": "mentor"})
    assert not Contact.objects.get().tags.exists()


def test_meeting_info(world):
    author = client_for(world["author"])
    response = author.post(
        reverse("crm_relationship_action", args=["subject", "meeting"]),
        {"meeting-met_where": "Mix-IT", "meeting-met_on": "2024-04-12", "meeting-met_why": "Talk"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.met_where, str(contact.met_on), contact.met_why) == ("Mix-IT", "2024-04-12", "Talk")
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    author.post(
        reverse("crm_relationship_action", args=["subject", "meeting"]),
        {"meeting-met_where": "Later", "meeting-met_on": future},
    )
    contact.refresh_from_db()
    assert contact.met_where == "Mix-IT"


def test_reminders_quick_choices_date_done_delete(world):
    author = client_for(world["author"])
    url = reverse("crm_relationship_action", args=["subject", "reminder-add"])
    before = timezone.now()
    author.post(url, {"reminder-text": "Call back", "reminder-when": "week"})
    reminder = Reminder.objects.get()
    assert timedelta(days=6) < reminder.due_at - before < timedelta(days=8)
    author.post(url, {"reminder-text": "Quarterly", "reminder-when": "quarter"})
    day = timezone.localdate() + timedelta(days=10)
    author.post(url, {"reminder-text": "On a day", "reminder-when": "date", "reminder-due_on": day.isoformat()})
    on_day = Reminder.objects.get(text="On a day")
    assert timezone.localtime(on_day.due_at).date() == day
    # A date choice without a date, or in the past, is refused.
    assert author.post(url, {"reminder-text": "No day", "reminder-when": "date"}).status_code == 400
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    author.post(url, {"reminder-text": "Past", "reminder-when": "date", "reminder-due_on": past})
    assert Reminder.objects.count() == 3
    action = reverse("crm_relationship_action", args=["subject", "reminder-done"])
    author.post(action, {"reminder": str(reminder.public_id)})
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    action = reverse("crm_relationship_action", args=["subject", "reminder-delete"])
    author.post(action, {"reminder": str(reminder.public_id)})
    assert Reminder.objects.count() == 2
    # Someone else's reminder id is 404.
    other = client_for(world["friend"])
    assert (
        other.post(
            reverse("crm_relationship_action", args=["subject", "reminder-done"]),
            {"reminder": str(on_day.public_id)},
        ).status_code
        == 404
    )


def test_unknown_actions_are_404(world):
    author = client_for(world["author"])
    response = author.post(reverse("crm_relationship_action", args=["subject", "explode"]))
    assert response.status_code == 404
    assert author.get(reverse("crm_relationship_action", args=["subject", "note-add"])).status_code == 405


# --- Shared history -----------------------------------------------------------------------------


def test_shared_history_shows_what_the_author_may_see(world):
    author, subject = world["author"], world["subject"]
    start = timezone.localdate().replace(year=2020, month=1, day=1)
    Position.objects.create(profile=author.profile, title="Dev", organization_name="Acme", start_date=start)
    Position.objects.create(profile=subject.profile, title="PM", organization_name="ACME", start_date=start)
    Position.objects.create(profile=subject.profile, title="PM", organization_name="Other", start_date=start)
    Introduction.objects.create(
        requester=world["friend"], intermediary=author, target=subject, note="Please"
    )
    history = crm.shared_history(author, subject)
    assert history.connected_at is not None
    assert history.mutual_count == 1
    assert history.shared_employers == ["Acme"]
    assert len(history.introductions) == 1
    page = client_for(author).get(reverse("crm_relationship", args=["subject"])).content.decode()
    assert "Acme" in page and "Other" not in page
    # Hidden experience is not shared history.
    subject.profile.experience_audience = "only_me"
    subject.profile.save()
    assert crm.shared_history(author, subject).shared_employers == []


def test_invitations_between_them_are_listed(world):
    invitation = invite(world["stranger"], world["author"])
    history = crm.shared_history(world["author"], world["stranger"])
    assert history.invitations == [invitation]
    assert history.connected_at is None


# --- Outside contacts and the list --------------------------------------------------------------


def test_outside_contacts_have_their_own_page(world):
    author = client_for(world["author"])
    response = author.post(
        reverse("crm_contact_new"),
        {"first_name": "Zoé", "last_name": "Dehors", "email": "ZOE@example.org"},
    )
    contact = Contact.objects.get()
    assert response["Location"] == reverse("crm_contact", args=[contact.public_id])
    assert contact.email == "zoe@example.org" and contact.member is None
    author.post(reverse("crm_contact_action", args=[contact.public_id, "note-add"]), {"note-body": "Hi"})
    page = author.get(reverse("crm_contact", args=[contact.public_id])).content.decode()
    assert "Zoé Dehors" in page and "Hi" in page
    assert author.post(reverse("crm_contact_new"), {"phone": "01"}).status_code == 200
    assert Contact.objects.count() == 1
    author.post(reverse("crm_contact_action", args=[contact.public_id, "delete"]))
    assert not Contact.objects.exists() and not ContactNote.objects.exists()


def test_a_member_contact_page_by_id_goes_to_the_relationship_page(world):
    contact = crm.contact_for_member_ensure(owner=world["author"], member=world["subject"])
    response = client_for(world["author"]).get(reverse("crm_contact", args=[contact.public_id]))
    assert response["Location"] == reverse("crm_relationship", args=["subject"])


def test_contacts_list_search_and_tag_filter(world):
    author = world["author"]
    # A name no generated name contains ("Lin" is in "Linda", shown in the author's menu).
    world["subject"].last_name = "Quillebeuf"
    world["subject"].save(update_fields=["last_name"])
    one = crm.contact_for_member_ensure(owner=author, member=world["subject"])
    crm.contact_tag_add(owner=author, contact=one, name="Mentor")
    crm.contact_create(owner=author, first_name="Zoé", last_name="Dehors", organization="Initech")
    crm.contact_create(owner=world["friend"], first_name="Not", last_name="Quorvexmine")
    client = client_for(author)
    page = client.get(reverse("crm_contacts")).content.decode()
    assert "Dehors" in page and world["subject"].last_name in page and "Quorvexmine" not in page
    page = client.get(reverse("crm_contacts"), {"q": "dehors"}).content.decode()
    assert "Dehors" in page and world["subject"].last_name not in page
    page = client.get(reverse("crm_contacts"), {"tag": "mentor"}).content.decode()
    assert "Dehors" not in page and world["subject"].last_name in page


def test_contacts_list_is_paginated(world):
    author = world["author"]
    for i in range(crm.CONTACTS_PAGE_SIZE + 3):
        crm.contact_create(owner=author, first_name="P", last_name=f"N{i:03d}")
    client = client_for(author)
    first = client.get(reverse("crm_contacts")).content.decode()
    assert 'rel="next"' in first and "N000" in first and f"N{crm.CONTACTS_PAGE_SIZE:03d}" not in first
    second = client.get(reverse("crm_contacts"), {"page": 2}).content.decode()
    assert f"N{crm.CONTACTS_PAGE_SIZE:03d}" in second


def _fill(author, others, n):
    for i in range(n):
        contact = crm.contact_create(owner=author, first_name="Out", last_name=f"Side{i}")
        crm.contact_tag_add(owner=author, contact=contact, name=f"t{i % 3}")
    for other in others:
        contact = crm.contact_for_member_ensure(owner=author, member=other)
        crm.contact_tag_add(owner=author, contact=contact, name="member")


@pytest.mark.parametrize("n", [2, 12])
def test_contacts_list_query_count_is_pinned(world, django_assert_num_queries, n):
    author = world["author"]
    others = [member() for _ in range(n)]
    _fill(author, others, n)
    client = client_for(author)
    client.get(reverse("crm_contacts"))  # warm the caches (degrees, session)
    # session, user, the contacts page, their tags, the tag filter list (the badge is cached)
    with django_assert_num_queries(5):
        response = client.get(reverse("crm_contacts"))
    assert response.status_code == 200


def test_notes_cannot_be_written_for_another_owners_contact(world):
    contact = crm.contact_create(owner=world["author"], first_name="Zoé")
    with pytest.raises(ValidationError):
        crm.contact_note_add(owner=world["friend"], contact=contact, body="x")


def test_login_with_password_still_works_for_the_fixture(world):
    # The pages above use force_login; the real login also reaches the list.
    client = Client()
    assert client.login(email=world["author"].email, password=DEFAULT_PASSWORD)
    assert client.get(reverse("crm_contacts")).status_code == 200


def test_outside_contact_details_are_edited_by_the_owner_only(world):
    contact = crm.contact_create(owner=world["author"], first_name="Zoé", last_name="Dehors")
    url = reverse("crm_contact_action", args=[contact.public_id, "details"])
    data = {"details-first_name": "Zoé", "details-last_name": "Durand", "details-email": "z@example.org"}
    assert client_for(world["friend"]).post(url, data).status_code == 404
    response = client_for(world["author"]).post(url, data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.last_name, contact.email) == ("Durand", "z@example.org")
    bad = client_for(world["author"]).post(url, {"details-email": "not an address"})
    assert bad.status_code == 400
    contact.refresh_from_db()
    assert contact.email == "z@example.org"
    member_contact = crm.contact_for_member_ensure(owner=world["author"], member=world["subject"])
    url = reverse("crm_contact_action", args=[member_contact.public_id, "details"])
    assert client_for(world["author"]).post(url, data).status_code == 404


def test_second_degree_members_see_nothing(world):
    second = member(address="second")
    connect(second, world["friend"])  # 2nd degree of the author
    add_note(client_for(world["author"]), "subject", body="Private to the author")
    contact = Contact.objects.get(owner=world["author"])
    client = client_for(second)
    assert client.get(reverse("crm_contact", args=[contact.public_id])).status_code == 404
    page = client.get(reverse("crm_relationship", args=["subject"])).content.decode()
    assert "Private to the author" not in page
    assert "Private to the author" not in client.get(reverse("crm_contacts")).content.decode()
