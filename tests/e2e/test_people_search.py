"""The top bar's people search: autocomplete with degree badges, keyboard choice, results page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.network.services import connection_create
from maillage.profiles.services import profile_ensure, profile_update_intro

from .conftest import run_axe
from .test_account_journey import logged_in_context_cookie


@pytest.mark.django_db(transaction=True)
def test_typing_a_name_without_accents_suggests_homonyms_with_their_degree(live_server, new_page):
    me = UserFactory(first_name="Nadia", last_name="Roche", language="en")
    friend = UserFactory(first_name="Jérôme", last_name="Lefèvre", language="en")
    namesake = UserFactory(first_name="Jérôme", last_name="Lefèvre", language="en")
    for member in (me, friend, namesake):
        profile_ensure(member=member)
    for member, headline in ((friend, "Chef de projet chez Orange"), (namesake, "Boulanger à Lyon")):
        profile_update_intro(
            profile=member.profile,
            first_name="Jérôme",
            last_name="Lefèvre",
            headline=headline,
            industry="",
            city="",
            region="",
            country="",
        )
    connection_create(member_id=me.pk, other_id=friend.pk)

    page = new_page(locale="en-US")
    page.context.add_cookies([logged_in_context_cookie(me, live_server.url)])
    page.goto(f"{live_server.url}/home/")
    box = page.get_by_role("combobox", name="Search people")
    box.click()
    box.press_sequentially("jerome lef", delay=30)
    options = page.locator("#topbar-search-listbox [role=option]")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    # The connection comes first, with its badge; the homonym is told apart by its headline.
    expect(options.nth(0)).to_contain_text("Chef de projet chez Orange")
    expect(options.nth(0).locator(".degree [aria-hidden=true]")).to_have_text("1st")
    expect(options.nth(1)).to_contain_text("Boulanger à Lyon")
    expect(options.nth(1).locator(".degree [aria-hidden=true]")).to_have_text("3rd+")

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "search-suggest-1")
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")

    # Enter without a chosen suggestion opens the results page.
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("main")
    expect(results).to_contain_text("Chef de projet chez Orange")
    expect(results).to_contain_text("Boulanger à Lyon")
    assert page.js_errors == []
    assert run_axe(page) == []
