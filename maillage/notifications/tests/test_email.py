"""Notification e-mail: preferences and their page, the e-mail at once, digests, unsubscribe."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.feed.tests.factories import post
from maillage.network.tests.factories import block, connect, invite, member
from maillage.notifications import digests, email, preferences
from maillage.notifications.models import (
    Delivery,
    DigestRun,
    Kind,
    Notification,
    NotificationPreference,
)
from maillage.notifications.services import notification_create, preferences_update

pytestmark = pytest.mark.django_db


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def set_pref(user, kind, delivery):
    NotificationPreference.objects.update_or_create(
        member=user, kind=kind, defaults={"delivery": delivery}
    )


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


# --- Preferences ----------------------------------------------------------------------------------


def test_defaults_cover_every_kind_and_every_kind_is_on_the_page_once():
    assert set(preferences.DEFAULTS) == {*Kind.values, preferences.MESSAGE_KIND}
    assert sorted(preferences.ALL_KINDS) == sorted(preferences.DEFAULTS)
    me = member()
    prefs = preferences.preferences_for(me.pk)
    assert prefs[Kind.INVITATION_RECEIVED] == Delivery.IMMEDIATE
    assert prefs[preferences.MESSAGE_KIND] == Delivery.DELAYED
    assert prefs[Kind.POST_REACTION] == Delivery.IN_APP
    assert prefs[Kind.POST_MENTION] == Delivery.DAILY
    assert prefs[Kind.NEW_FOLLOWER] == Delivery.WEEKLY


def test_settings_page_shows_a_labelled_select_per_kind_and_saves_in_one_post():
    me = member()
    client = logged(me)
    page = client.get(reverse("notification_settings")).content.decode()
    for kind in preferences.ALL_KINDS:
        assert f'<label class="field__label" for="id_{kind}">' in page
        assert f'name="{kind}"' in page
    assert "Posts and comments" in page and "Your network" in page
    data = preferences.preferences_for(me.pk)
    data[Kind.POST_REACTION] = Delivery.WEEKLY
    data[preferences.MESSAGE_KIND] = Delivery.IN_APP
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 302
    prefs = preferences.preferences_for(me.pk)
    assert prefs[Kind.POST_REACTION] == Delivery.WEEKLY
    assert prefs[preferences.MESSAGE_KIND] == Delivery.IN_APP
    # Only what differs from before is stored.
    assert NotificationPreference.objects.filter(member=me).count() == 2
    page = client.get(reverse("notification_settings")).content.decode()
    assert "Your notification settings are saved." in page
    assert '<option value="weekly" selected>' in page


@pytest.mark.parametrize(
    "kind, value",
    [
        (Kind.POST_REACTION, "hourly"),  # no such choice
        (preferences.MESSAGE_KIND, Delivery.DAILY),  # not a choice for messages
        (Kind.INVITATION_RECEIVED, Delivery.DELAYED),  # only for messages
    ],
)
def test_bad_values_are_refused_and_nothing_changes(kind, value):
    me = member()
    client = logged(me)
    data = preferences.preferences_for(me.pk)
    data[Kind.POST_COMMENT] = Delivery.WEEKLY  # a valid change in the same post
    data[kind] = value
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "nothing was changed" in body
    assert "This choice does not exist" in body
    assert not NotificationPreference.objects.filter(member=me).exists()
    with pytest.raises(ValueError):
        preferences_update(
            member_id=me.pk, values={Kind.POST_COMMENT: Delivery.WEEKLY, kind: value}
        )
    assert not NotificationPreference.objects.filter(member=me).exists()


def test_settings_page_needs_login_and_is_linked():
    me = member()
    response = Client().get(reverse("notification_settings"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client = logged(me)
    url = reverse("notification_settings")
    assert f'href="{url}"' in client.get(reverse("notifications")).content.decode()
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()  # the account menu


def test_settings_page_query_count(django_assert_max_num_queries):
    me = member()
    set_pref(me, Kind.POST_COMMENT, Delivery.WEEKLY)
    client = logged(me)
    client.get(reverse("notification_settings"))
    with django_assert_max_num_queries(3):  # session, member, their preferences
        assert client.get(reverse("notification_settings")).status_code == 200


# --- At once --------------------------------------------------------------------------------------


def test_invitation_is_mailed_once_in_the_members_language_with_both_parts_and_headers(
    mailoutbox, django_capture_on_commit_callbacks
):
    me, sender = member(), member(member__first_name="Camille", member__last_name="Martin")
    me.language = "fr"
    me.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        invite(sender, me)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [me.email]
    assert mail.subject == "Camille Martin vous a invité(e) à rejoindre son réseau."
    assert "Camille Martin vous a invité(e)" in mail.body
    html = html_of(mail)
    assert 'lang="fr"' in html and "Camille Martin vous a invité(e)" in html
    unsubscribe = mail.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in mail.body and unsubscribe[1:-1] in html
    notification = Notification.objects.get(recipient=me)
    assert notification.emailed_at is not None
    # Never twice: the task again, and a digest.
    assert email.notification_email_send(notification.pk) is False
    set_pref(me, Kind.INVITATION_RECEIVED, Delivery.DAILY)
    assert digests.digests_send_due(timezone.now().replace(hour=12)) == 0
    assert len(mailoutbox) == 1


def test_english_member_gets_english(mailoutbox, django_capture_on_commit_callbacks):
    me, sender = member(), member(member__first_name="Camille", member__last_name="Martin")
    me.language = "en"
    me.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        invite(sender, me)
    assert mailoutbox[0].subject == "Camille Martin invited you to connect."
    assert "Hello" in mailoutbox[0].body


def test_in_app_kinds_are_not_mailed(mailoutbox, django_capture_on_commit_callbacks):
    me, sender = member(), member()
    set_pref(me, Kind.INVITATION_RECEIVED, Delivery.IN_APP)
    with django_capture_on_commit_callbacks(execute=True):
        invite(sender, me)
    assert mailoutbox == []
    assert Notification.objects.get(recipient=me).emailed_at is None


def test_inactive_member_or_unverified_address_gets_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    unverified, sender = member(), member()
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        invite(sender, unverified)
    assert mailoutbox == []
    gone = member()
    notification = notification_create(
        recipient_id=gone.pk, kind=Kind.NEW_FOLLOWER, actor_id=sender.pk
    )
    set_pref(gone, Kind.NEW_FOLLOWER, Delivery.IMMEDIATE)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert email.notification_email_send(notification.pk) is False
    assert mailoutbox == []


def test_not_mailed_when_the_target_is_no_longer_visible(
    mailoutbox, django_capture_on_commit_callbacks
):
    author, reader = member(), member()
    set_pref(reader, Kind.POST_MENTION, Delivery.IMMEDIATE)
    the_post = post(author, "Hello world", audience="public")
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(
            recipient_id=reader.pk, kind=Kind.POST_MENTION, actor_id=author.pk, target=the_post
        )
        # Before the e-mail leaves, the author narrows the audience to connections.
        the_post.audience = "connections"
        the_post.save(update_fields=["audience"])
    assert mailoutbox == []
    assert Notification.objects.get(recipient=reader).emailed_at is None


def test_not_mailed_once_blocked(mailoutbox, django_capture_on_commit_callbacks):
    author, reader = member(), member()
    set_pref(reader, Kind.NEW_FOLLOWER, Delivery.IMMEDIATE)
    block(reader, author)
    # One made before the block, say (the block's clean-up missed it): the re-check skips it.
    notification = Notification.objects.create(
        recipient=reader, kind=Kind.NEW_FOLLOWER, actor=author
    )
    assert email.notification_email_send(notification.pk) is False
    assert mailoutbox == []
    assert Notification.objects.get(pk=notification.pk).emailed_at is None
    # The control: from someone not blocked, it is mailed.
    friend = member()
    notification = Notification.objects.create(
        recipient=reader, kind=Kind.NEW_FOLLOWER, actor=friend
    )
    assert email.notification_email_send(notification.pk) is True
    assert len(mailoutbox) == 1


def test_visible_mention_is_mailed_with_the_post_words(
    mailoutbox, django_capture_on_commit_callbacks
):
    author, reader = member(), member()
    connect(author, reader)
    set_pref(reader, Kind.POST_MENTION, Delivery.IMMEDIATE)
    the_post = post(author, "Quarterly <b>results</b> are in", audience="connections")
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(
            recipient_id=reader.pk, kind=Kind.POST_MENTION, actor_id=author.pk, target=the_post
        )
    assert len(mailoutbox) == 1
    html = html_of(mailoutbox[0])
    assert "<b>results</b>" not in html  # escaped text, never member HTML
    assert "results" in mailoutbox[0].body
    assert (
        "http" in mailoutbox[0].body
        and reverse("post", args=[the_post.public_id]) in mailoutbox[0].body
    )


# --- Digests --------------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


MONDAY = (2026, 12, 7)
TUESDAY = (2026, 12, 8)


def test_period_keys():
    assert digests.period_key(Delivery.DAILY, at(*MONDAY, 7)) is None
    assert digests.period_key(Delivery.DAILY, at(*MONDAY, 9)) == "2026-12-07"
    assert digests.period_key(Delivery.WEEKLY, at(*MONDAY, 7)) is None
    assert digests.period_key(Delivery.WEEKLY, at(*MONDAY, 9)) == "2026-W50"
    assert digests.period_key(Delivery.WEEKLY, at(*TUESDAY, 3)) == "2026-W50"  # missed Monday


def test_daily_digest_has_only_daily_kinds_never_repeats_and_is_not_sent_twice(mailoutbox):
    me, a, b = member(), member(member__first_name="Alix"), member(member__first_name="Basile")
    for person in (a, b):
        Notification.objects.create(
            recipient=me, kind=Kind.INVITATION_ACCEPTED, actor=person
        )  # immediate
        Notification.objects.create(recipient=me, kind=Kind.NEW_FOLLOWER, actor=person)  # weekly
    set_pref(me, Kind.INVITATION_ACCEPTED, Delivery.DAILY)
    read = Notification.objects.create(
        recipient=me, kind=Kind.INVITATION_ACCEPTED, actor=a, read_at=timezone.now()
    )
    assert digests.digests_send_due(at(*TUESDAY, 9)) == 2  # the daily one, and the week's
    assert len(mailoutbox) == 2
    mail, weekly = sorted(mailoutbox, key=lambda m: "weekly" in m.subject)
    assert mail.subject == "Your daily summary: 2 new notifications"
    assert mail.body.count("accepted your invitation") == 2
    assert "started following you" not in mail.body  # weekly, not in the daily one
    assert weekly.subject == "Your weekly summary: 2 new notifications"
    assert "accepted your invitation" not in weekly.body
    assert "List-Unsubscribe" in mail.extra_headers
    daily = Notification.objects.filter(
        recipient=me, kind=Kind.INVITATION_ACCEPTED, read_at__isnull=True
    )
    assert all(n.emailed_at for n in daily)
    read.refresh_from_db()
    assert read.emailed_at is None  # read ones are not mailed
    # Same period again (a second worker, a restart): nothing.
    assert digests.digests_send_due(at(*TUESDAY, 10)) == 0
    # A new notification the next day: only it.
    Notification.objects.create(recipient=me, kind=Kind.INVITATION_ACCEPTED, actor=b)
    assert digests.digests_send_due(at(2026, 12, 9, 9)) == 1
    assert len(mailoutbox) == 3
    assert mailoutbox[2].subject == "Your daily summary: 1 new notification"
    assert DigestRun.objects.filter(member=me, frequency="daily").count() == 2


def test_weekly_digest_and_nothing_to_say_means_no_mail(mailoutbox):
    me, other = member(), member()
    Notification.objects.create(recipient=me, kind=Kind.NEW_FOLLOWER, actor=other)
    assert digests.digests_send_due(at(*MONDAY, 7)) == 0  # not time yet
    assert digests.digests_send_due(at(*MONDAY, 8)) == 1
    assert "Your weekly summary" in mailoutbox[0].subject
    assert "started following you" in mailoutbox[0].body
    assert digests.digests_send_due(at(*TUESDAY, 9)) == 0  # same week
    assert digests.digests_send_due(at(2026, 12, 14, 9)) == 0  # next week: nothing new
    assert len(mailoutbox) == 1
    # A member with nothing at all: no mail, no error.
    member()
    assert digests.digests_send_due(at(2026, 12, 15, 9)) == 0


def test_digest_rechecks_each_notification(mailoutbox):
    me, author, blocked = member(), member(), member()
    hidden_post = post(author, "Only for connections", audience="connections")
    visible_post = post(author, "For everyone", audience="public")
    for target in (hidden_post, visible_post):
        Notification.objects.create(
            recipient=me,
            kind=Kind.POST_MENTION,
            actor=author,
            target_type="feed.post",
            target_id=target.pk,
        )
    block(me, blocked)
    # Made before the block took effect, say: the re-check leaves it out.
    Notification.objects.create(recipient=me, kind=Kind.INTRODUCTION_DECLINED, actor=blocked)
    assert digests.digests_send_due(at(*TUESDAY, 9)) == 1
    body = mailoutbox[0].body
    assert "For everyone" in body and "Only for connections" not in body
    assert mailoutbox[0].subject.endswith("1 new notification")


def test_digest_in_the_members_language(mailoutbox):
    me, other = member(), member(member__first_name="Zoé", member__last_name="Roux")
    me.language = "fr"
    me.save(update_fields=["language"])
    Notification.objects.create(recipient=me, kind=Kind.NEW_FOLLOWER, actor=other)
    digests.digests_send_due(at(*MONDAY, 9))
    assert 'lang="fr"' in html_of(mailoutbox[0])
    assert "Zoé Roux" in mailoutbox[0].body


def test_send_digests_command(mailoutbox):
    from django.core.management import call_command
    from freezegun import freeze_time

    me, other = member(), member()
    Notification.objects.create(recipient=me, kind=Kind.INTRODUCTION_DECLINED, actor=other)
    with freeze_time("2026-12-08 06:00:00"):  # 7:00 in Paris: not yet
        call_command("send_digests")
    assert mailoutbox == []
    with freeze_time("2026-12-08 09:00:00"):
        call_command("send_digests")
        call_command("send_digests")
    assert len(mailoutbox) == 1


def test_worker_ticks_the_mail_task():
    from maillage.core.management.commands.worker import periodic_tasks
    from maillage.notifications.tasks import notifications_mail_tick

    assert notifications_mail_tick in periodic_tasks()


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_unsubscribe_get_shows_a_button_and_changes_nothing_then_post_unsubscribes():
    me = member()
    url = email.unsubscribe_url(me, Kind.INVITATION_RECEIVED)
    path = url.removeprefix("http://127.0.0.1:8000")
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop these e-mails?" in page and "Invitation received" in page
    assert '<button type="submit"' in page
    assert preferences.delivery_for(me.pk, Kind.INVITATION_RECEIVED) == Delivery.IMMEDIATE
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert preferences.delivery_for(me.pk, Kind.INVITATION_RECEIVED) == Delivery.IN_APP


def test_one_click_post_unsubscribes_without_login_or_csrf():
    me = member()
    path = reverse(
        "notifications_unsubscribe", args=[email.unsubscribe_token(me, preferences.MESSAGE_KIND)]
    )
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert preferences.delivery_for(me.pk, preferences.MESSAGE_KIND) == Delivery.IN_APP


def test_tampered_expired_or_forged_links_are_refused_and_change_nothing(settings):
    me, other = member(), member()
    token = email.unsubscribe_token(me, Kind.INVITATION_RECEIVED)
    bad = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.dumps(
            {"m": str(other.public_id), "k": Kind.INVITATION_RECEIVED}, salt="other-salt"
        ),
        email.unsubscribe_token(me, "not-a-kind"),
        "garbage",
    ]
    for value in bad:
        path = reverse("notifications_unsubscribe", args=[value])
        for response in (
            Client().get(path),
            Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}),
        ):
            assert response.status_code == 400
            assert "This unsubscribe link is not valid" in response.content.decode()
    settings.MAILLAGE_UNSUBSCRIBE_LINK_DAYS = 0
    path = reverse("notifications_unsubscribe", args=[token])
    import time

    time.sleep(1.1)
    assert Client().post(path).status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_digests_link_turns_off_every_kind_it_gathers(mailoutbox):
    me, other = member(), member()
    set_pref(me, Kind.NEW_FOLLOWER, Delivery.DAILY)
    Notification.objects.create(recipient=me, kind=Kind.INTRODUCTION_DECLINED, actor=other)
    assert digests.digests_send_due(at(*TUESDAY, 9)) == 1
    mail = mailoutbox[0]
    assert "Daily digest" in mail.body
    link = mail.extra_headers["List-Unsubscribe"][1:-1].removeprefix("http://127.0.0.1:8000")
    assert (
        Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )
    prefs = preferences.preferences_for(me.pk)
    assert [kind for kind, value in prefs.items() if value == Delivery.DAILY] == []
    assert prefs[Kind.NEW_FOLLOWER] == Delivery.IN_APP  # it was in the daily digest too
    assert prefs[Kind.ENDORSEMENT] == Delivery.WEEKLY  # the weekly digest is untouched
    assert prefs[Kind.INVITATION_RECEIVED] == Delivery.IMMEDIATE
