"""Browser tests for notifications: the top bar's badge follows without a reload — a
notification arriving raises it, reading them in another tab clears it — against the real ASGI
server; the e-mail settings and unsubscribe pages pass axe and work with the keyboard."""

from __future__ import annotations

import threading

import pytest
from django.urls import reverse

from maillage.network.tests.factories import member
from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create, notifications_mark_read

from .test_account_journey import logged_in_context_cookie
from .test_feed_journey import RECORD_EVENTS_JS, asgi_server, wait_for_socket  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(function, **kwargs) -> None:
    """Run a service from another thread, as a request would: Playwright's event loop runs in
    this one, and the realtime push cannot start its own here."""
    from django.db import connection

    def target():
        try:
            function(**kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)


@pytest.mark.parametrize("locale, width", [("en-US", 1280), ("fr-FR", 375)])
def test_badge_is_live(asgi_server, new_page, locale, width):  # noqa: F811
    me, actor = member(), member()
    page = new_page(locale=locale, width=width)
    page.add_init_script(RECORD_EVENTS_JS)
    page.context.add_cookies([logged_in_context_cookie(me, asgi_server)])
    page.goto(asgi_server + reverse("notifications"))
    wait_for_socket(page)
    entry = page.locator("[data-notifications-nav]")
    assert entry.locator(".nav-badge").count() == 0

    in_thread(notification_create, recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=actor.pk)
    entry.locator(".nav-badge").filter(has_text="1").wait_for()
    in_thread(
        notification_create, recipient_id=me.pk, kind=Kind.INVITATION_ACCEPTED, actor_id=actor.pk
    )
    entry.locator(".nav-badge").filter(has_text="2").wait_for()
    if locale.startswith("en"):  # the spoken count comes from the server, in the page's language
        assert "(2 unread)" in entry.inner_text()
    # The link still works and the script kept the entry's hooks for the next update.
    assert entry.get_attribute("data-refresh-url") == reverse("notifications_badge")

    in_thread(notifications_mark_read, member_id=me.pk)
    page.wait_for_function("() => !document.querySelector('[data-notifications-nav] .nav-badge')")
    assert page.js_errors == []


@pytest.mark.parametrize("locale, width", [("en-US", 1280), ("fr-FR", 375)])
def test_settings_and_unsubscribe_pages_are_accessible_and_work_with_the_keyboard(
    live_server, new_page, locale, width
):
    from maillage.notifications import email, preferences
    from maillage.notifications.models import Delivery

    from .conftest import run_axe

    me = member()
    page = new_page(locale=locale, width=width)
    page.context.add_cookies([logged_in_context_cookie(me, live_server.url)])
    page.goto(live_server.url + reverse("notification_settings"))
    assert run_axe(page) == []
    select = page.locator("select[name='post_reaction']")
    select.focus()
    select.select_option("weekly")
    page.locator("form.notif-settings button[type=submit]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert preferences.delivery_for(me.pk, Kind.POST_REACTION) == Delivery.WEEKLY
    assert page.locator("select[name='post_reaction']").input_value() == "weekly"

    anonymous = new_page(locale=locale, width=width)
    anonymous.goto(
        live_server.url
        + reverse(
            "notifications_unsubscribe", args=[email.unsubscribe_token(me, Kind.POST_REACTION)]
        )
    )
    assert run_axe(anonymous) == []
    with anonymous.expect_navigation():
        anonymous.locator("main form button[type=submit]").click()
    assert preferences.delivery_for(me.pk, Kind.POST_REACTION) == Delivery.IN_APP
    assert run_axe(anonymous) == []
    assert page.js_errors == [] and anonymous.js_errors == []
