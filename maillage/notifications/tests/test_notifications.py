"""The notifications page, each kind's rendering and re-check, the badge, and reminders firing."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.network import crm, services
from maillage.network.models import Introduction, Reminder
from maillage.network.reminders import reminders_fire, reminders_fire_task
from maillage.network.tests.factories import block, connect, invite, member
from maillage.notifications import kinds
from maillage.notifications.models import Kind, Notification
from maillage.notifications.selectors import PAGE_SIZE, notifications_page
from maillage.notifications.services import notification_create

pytestmark = pytest.mark.django_db


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def texts(user) -> list[str]:
    return [item.text for item in notifications_page(member=user).items]


# --- The page and who sees it -------------------------------------------------------------------


def test_only_the_recipient_sees_their_notifications():
    me, sender, other = member(address="me"), member(address="sender"), member(address="other")
    invite(sender, me)
    assert logged(me).get(reverse("notifications")).content.decode().count("invited you") == 1
    assert "invited you" not in logged(other).get(reverse("notifications")).content.decode()
    assert "invited you" not in logged(sender).get(reverse("notifications")).content.decode()
    response = Client().get(reverse("notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(reverse("notifications_read_all")).status_code == 302
    assert Notification.objects.get().read_at is None


def test_mark_all_read_is_a_post_and_touches_only_mine():
    me, sender, other = member(), member(), member()
    invite(sender, me)
    invite(sender, other)
    client = logged(me)
    assert client.get(reverse("notifications_read_all")).status_code == 405
    page = client.get(reverse("notifications")).content.decode()
    assert "notif--unread" in page
    client.post(reverse("notifications_read_all"))
    assert Notification.objects.get(recipient=me).read_at is not None
    assert Notification.objects.get(recipient=other).read_at is None
    assert "notif--unread" not in client.get(reverse("notifications")).content.decode()


def _entry(page: str) -> str:
    """The notifications entry of the top bar (other entries have badges of their own)."""
    start = page.index("<li data-notifications-nav")
    return page[start : page.index("</li>", start)]


def test_the_badge_counts_unread():
    me, sender = member(), member()
    client = logged(me)
    page = client.get(reverse("home")).content.decode()
    assert "icon--bell" in _entry(page) and "nav-badge" not in _entry(page)
    invite(sender, me)
    page = client.get(reverse("home")).content.decode()
    assert 'class="nav-badge" aria-hidden="true">1<' in _entry(page)
    assert "(1 unread)" in _entry(page)
    assert "icon--bell" not in Client().get(reverse("landing")).content.decode()
    client.post(reverse("notifications_read_all"))
    assert "nav-badge" not in _entry(client.get(reverse("home")).content.decode())


def test_the_badge_is_cached_and_costs_no_query_once_warm(django_assert_num_queries):
    from maillage.notifications.selectors import unread_count

    me = member()
    invite(member(), me)
    assert unread_count(me.pk) == 1
    with django_assert_num_queries(0):
        assert unread_count(me.pk) == 1
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=member().pk)
    assert unread_count(me.pk) == 2


def test_paginated_newest_first():
    me = member()
    for _ in range(PAGE_SIZE + 2):
        notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=member().pk)
    newest = Notification.objects.order_by("-created_at", "-pk").first()
    client = logged(me)
    first = client.get(reverse("notifications"))
    assert len(first.context["page"].items) == PAGE_SIZE
    assert first.context["page"].items[0].notification == newest
    assert first.context["page"].has_next
    second = client.get(reverse("notifications"), {"page": 2})
    assert len(second.context["page"].items) == 2
    assert client.get(reverse("notifications"), {"page": "x"}).status_code == 200


# --- Each kind, and the re-check when shown -----------------------------------------------------


def test_every_kind_renders_with_a_link():
    me, actor = member(address="me"), member(address="actor")
    for kind in Kind:
        notification_create(recipient_id=me.pk, kind=kind, actor_id=actor.pk)
    page = notifications_page(member=me)
    rendered = {item.notification.kind: item for item in page.items}
    # Without a target, the reminder and the feed's kinds (which need one) are left out; the
    # feed's are tested in maillage/feed/tests/test_feed_notifications.py.
    needs_target = {Kind.REMINDER_DUE} | set(kinds.FEED_RULES)
    assert set(rendered) == {k.value for k in Kind} - needs_target
    for item in rendered.values():
        assert item.text and actor.first_name in item.text
        assert item.url.startswith("/")
    actor_url = reverse("profile", args=["actor"])
    assert rendered[Kind.NEW_FOLLOWER].url == actor_url
    assert rendered[Kind.INVITATION_ACCEPTED].url == actor_url
    assert rendered[Kind.ENDORSEMENT].url == reverse("my_profile")
    page = logged(me).get(reverse("notifications")).content.decode()
    assert page.count('class="notif__link"') == len(Kind) - len(needs_target)


def test_other_areas_urls_fall_back_to_the_actor_when_missing(monkeypatch):
    from django.urls import NoReverseMatch

    real_reverse = kinds.reverse

    def missing(name, *args, **kwargs):
        if name in {"recommendations", "introductions", "network_invitations"}:
            raise NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    me, actor = member(), member(address="someone")
    for kind in (Kind.RECOMMENDATION_REQUESTED, Kind.INTRODUCTION_DECLINED, Kind.INVITATION_RECEIVED):
        notification_create(recipient_id=me.pk, kind=kind, actor_id=actor.pk)
    monkeypatch.setattr(kinds, "reverse", missing)
    urls = [item.url for item in notifications_page(member=me).items]
    assert urls == [reverse("profile", args=["someone"])] * 3
    monkeypatch.setattr(kinds, "reverse", real_reverse)
    urls = {item.notification.kind: item.url for item in notifications_page(member=me).items}
    with contextlib.suppress(NoReverseMatch):  # until that area lands
        assert urls[Kind.RECOMMENDATION_REQUESTED] == reverse("recommendations") + "?tab=requests"


def test_a_withdrawn_invitation_is_no_longer_shown():
    me, sender = member(), member()
    invitation = invite(sender, me)
    assert any("invited you" in t for t in texts(me))
    services.invitation_withdraw(member=sender, invitation=invitation)
    assert texts(me) == []


def test_a_deleted_target_is_no_longer_shown():
    me, sender = member(), member()
    invitation = invite(sender, me)
    invitation.delete()
    assert texts(me) == []


def test_a_blocked_or_gone_actor_is_no_longer_shown():
    me, follower, leaver = member(), member(), member()
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=follower.pk)
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=leaver.pk)
    assert len(texts(me)) == 2
    block(follower, me)  # either side of a block hides it
    leaver.is_active = False
    leaver.save()
    assert texts(me) == []
    assert "started following" not in logged(me).get(reverse("notifications")).content.decode()


def test_a_withdrawn_introduction_is_no_longer_shown():
    me, requester, target = member(), member(), member()
    intro = Introduction.objects.create(requester=requester, intermediary=me, target=target, note="Hi")
    notification_create(
        recipient_id=me.pk, kind=Kind.INTRODUCTION_REQUESTED, actor_id=requester.pk, target=intro
    )
    assert len(texts(me)) == 1
    intro.status = Introduction.Status.WITHDRAWN
    intro.save()
    assert texts(me) == []


def test_someone_elses_reminder_is_never_shown():
    me, other, subject = member(), member(), member(address="subj")
    contact = crm.contact_for_member_ensure(owner=other, member=subject)
    reminder = crm.reminder_add(owner=other, contact=contact, text="Theirs", due_at=timezone.now())
    notification_create(recipient_id=me.pk, kind=Kind.REMINDER_DUE, target=reminder)
    assert texts(me) == []


@pytest.mark.parametrize("n", [3, 15])
def test_notifications_page_query_count_is_pinned(django_assert_num_queries, n):
    me = member(address="me")
    for _ in range(n):
        sender = member()
        invite(sender, me)
        notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=sender.pk)
    subject = member(address="subj")
    contact = crm.contact_for_member_ensure(owner=me, member=subject)
    for i in range(n):
        reminder = crm.reminder_add(owner=me, contact=contact, text=f"R{i}", due_at=timezone.now())
        notification_create(recipient_id=me.pk, kind=Kind.REMINDER_DUE, target=reminder)
    client = logged(me)
    client.get(reverse("notifications"))
    # session, user, the page (actors and profiles), invitations, reminders (badge cached)
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications"))
    assert len(response.context["page"].items) == min(3 * n, PAGE_SIZE)


# --- Reminders fire -----------------------------------------------------------------------------


@pytest.fixture
def reminders():
    owner, subject = member(address="owner"), member(address="subject")
    connect(owner, subject)
    contact = crm.contact_for_member_ensure(owner=owner, member=subject)
    now = timezone.now()
    due = crm.reminder_add(owner=owner, contact=contact, text="Due", due_at=now - timedelta(minutes=1))
    later = crm.reminder_add(owner=owner, contact=contact, text="Later", due_at=now + timedelta(days=1))
    done = crm.reminder_add(owner=owner, contact=contact, text="Done", due_at=now - timedelta(days=1))
    crm.reminder_done(owner=owner, reminder=done)
    return {"owner": owner, "due": due, "later": later, "done": done, "contact": contact}


def test_the_task_fires_due_reminders_only_and_once(reminders):
    reminders_fire_task.enqueue()  # the immediate backend in tests runs it now
    note = Notification.objects.get()
    assert note.kind == Kind.REMINDER_DUE and note.recipient == reminders["owner"]
    assert note.target_id == reminders["due"].pk
    reminders["due"].refresh_from_db()
    assert reminders["due"].fired_at is not None
    assert Reminder.objects.get(pk=reminders["later"].pk).fired_at is None
    assert Reminder.objects.get(pk=reminders["done"].pk).fired_at is None
    # A retried run does not notify twice.
    assert reminders_fire() == 0
    reminders_fire_task.enqueue()
    assert Notification.objects.count() == 1
    # Later, the second one comes due.
    assert reminders_fire(now=timezone.now() + timedelta(days=2)) == 1
    assert Notification.objects.count() == 2


def test_a_fired_reminder_links_to_the_relationship_page(reminders):
    reminders_fire()
    [item] = notifications_page(member=reminders["owner"]).items
    assert item.url == reverse("crm_relationship", args=["subject"])
    assert "Due" in item.text and reminders["contact"].member.first_name in item.text
    page = logged(reminders["owner"]).get(reverse("crm_relationship", args=["subject"]))
    assert "badge--warning" in page.content.decode()  # shown as due on the page


def test_reminder_of_an_outside_contact_links_to_its_page():
    owner = member()
    contact = crm.contact_create(owner=owner, first_name="Zoé", last_name="Dehors")
    crm.reminder_add(owner=owner, contact=contact, text="Call", due_at=timezone.now())
    reminders_fire()
    [item] = notifications_page(member=owner).items
    assert item.url == reverse("crm_contact", args=[contact.public_id])
    assert "Zoé Dehors" in item.text


def test_a_reminder_claimed_by_another_run_is_not_fired_again(reminders, monkeypatch):
    from maillage.network import reminders as module

    # This run read the due reminders, then another run claimed (and fired) the same one.
    stale = list(module.due_reminders(timezone.now()))
    assert [r.pk for r in stale] == [reminders["due"].pk]
    Reminder.objects.filter(pk=reminders["due"].pk).update(fired_at=timezone.now())
    batches = [stale, []]

    class Stale:
        def order_by(self, *fields):
            return self

        def __getitem__(self, item):
            return batches.pop(0)

    monkeypatch.setattr(module, "due_reminders", lambda now: Stale())
    assert reminders_fire() == 0
    assert not Notification.objects.exists()


def test_the_worker_batch_fires_reminders(reminders):
    call_command("worker", "--batch")
    assert Notification.objects.filter(kind=Kind.REMINDER_DUE).count() == 1


def test_the_ticker_enqueues_the_task(monkeypatch):
    from maillage.core.management.commands import worker

    calls = []
    monkeypatch.setattr(worker, "periodic_tasks", lambda: [type("T", (), {"enqueue": lambda self: calls.append(1)})()])
    stop = worker.start_ticker(interval=0.05)
    import time

    time.sleep(0.3)
    stop.set()
    assert len(calls) >= 3


def test_kinds_cover_every_kind():
    assert set(kinds.RULES) == {k.value for k in Kind}


def test_a_reminder_about_someone_now_blocked_is_not_shown(reminders):
    reminders_fire()
    assert len(texts(reminders["owner"])) == 1
    block(reminders["contact"].member, reminders["owner"])
    assert texts(reminders["owner"]) == []


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_worker_runs_the_enqueued_reminder_task(settings):
    """What the ticker does each minute, end to end: enqueue on the database queue, then the
    real database worker runs the task, which fires the due reminder."""
    from django_tasks_db.models import DBTaskResult

    from maillage.core.management.commands import worker

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    owner = member()
    contact = crm.contact_create(owner=owner, first_name="Zoé", last_name="Dehors")
    crm.reminder_add(owner=owner, contact=contact, text="Call", due_at=timezone.now())
    worker.enqueue_periodic()
    reminder_tasks = DBTaskResult.objects.filter(task_path__endswith="reminders_fire_task")
    assert reminder_tasks.count() == 1 and not Notification.objects.exists()
    call_command("db_worker", "--queue-name", "*", "--no-startup-delay", "--no-reload", "--batch")
    assert reminder_tasks.get().status == "SUCCESSFUL"
    assert Notification.objects.get().kind == Kind.REMINDER_DUE
