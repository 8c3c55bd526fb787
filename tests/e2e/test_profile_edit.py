"""Editing a profile in a real browser: sections change in place (htmx), without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.profiles.models import Position, ProfileSkill

from .conftest import htmx_settled, run_axe
from .test_account_journey import logged_in_context_cookie


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.django_db(transaction=True)
def test_member_edits_their_profile_in_place(live_server, new_page):
    member = UserFactory(first_name="Ada", last_name="Lovelace", language="en")
    profile = ProfileFactory(member=member, address="ada-lovelace", headline="Analyst")
    page = new_page(locale="en-US")
    page.context.add_cookies([logged_in_context_cookie(member, live_server.url)])
    page.goto(live_server.url + "/profile/edit/")
    expect(page.locator("h1")).to_have_text("Edit your profile")
    # A full reload would wipe this: every change below must happen in place.
    page.evaluate("window.__stillHere = true")

    # Headline.
    intro = page.locator("#section-intro")
    intro.get_by_role("link", name="Edit").click()
    htmx_settled(page)
    intro.locator("input[name=headline]").fill("Mathematician and first programmer")
    intro.get_by_role("button", name="Save").click()
    expect(page.locator("#section-intro")).to_contain_text("Mathematician and first programmer")
    expect(page.locator("#section-intro input[name=headline]")).to_have_count(0)

    # A position.
    experience = page.locator("#section-experience")
    experience.get_by_role("link", name="Add a position").click()
    htmx_settled(page)
    experience.locator("input[name=title]").fill("Analyst")
    experience.locator("input[name=organization_name]").fill("Analytical Engine Ltd")
    experience.locator("input[name=start_date]").fill("2021-03")
    experience.locator("input[name=is_current]").check()
    experience.get_by_role("button", name="Save").click()
    expect(page.locator("#section-experience")).to_contain_text("Analytical Engine Ltd")
    expect(page.locator("#section-experience")).to_contain_text("Present")

    # Skills, one of them twice (refused), then a pin.
    skills = page.locator("#section-skills")
    htmx_settled(page)
    skills.locator("input[name=name]").fill("Gestion de projet")
    skills.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#section-skills .edit-skill")).to_have_count(1)
    htmx_settled(page)
    page.locator("#section-skills input[name=name]").fill("Python")
    page.locator("#section-skills").get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#section-skills .edit-skill")).to_have_count(2)
    htmx_settled(page)
    page.locator("#section-skills input[name=name]").fill("gestion de PROJET")
    page.locator("#section-skills").get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#section-skills .field__error")).to_contain_text(
        "already among your skills"
    )
    expect(page.locator("#section-skills .edit-skill")).to_have_count(2)
    page.locator("#section-skills .edit-skill").nth(1).get_by_role(
        "button", name="Pin Python"
    ).click()
    expect(page.locator("#section-skills .edit-skill").first).to_contain_text("Pinned")
    expect(page.locator("#section-skills .edit-skill").first).to_contain_text("Python")

    # A section only for me.
    page.locator("#section-experience select[name=audience]").select_option("only_me")
    expect(page.locator("#section-experience")).to_contain_text("Audience saved.")

    assert page.evaluate("window.__stillHere") is True
    assert page.js_errors == []

    profile.refresh_from_db()
    assert profile.headline == "Mathematician and first programmer"
    assert profile.experience_audience == "only_me"
    assert Position.objects.get(profile=profile).end_date is None
    assert [(s.skill.name, s.pinned) for s in ProfileSkill.objects.filter(profile=profile)] == [
        ("Python", True),
        ("Gestion de projet", False),
    ]

    # Accessible and fitting, on a desktop and on a phone, with lists filled in.
    violations = run_axe(page)
    assert violations == [], violations
    phone = new_page(locale="fr-FR", width=375, height=812)
    phone.context.add_cookies([logged_in_context_cookie(member, live_server.url)])
    phone.goto(live_server.url + "/profile/edit/")
    _no_sideways_scroll(phone)
    violations = run_axe(phone)
    assert violations == [], violations
    # An open form fits as well.
    phone.locator("#section-experience").get_by_role("link", name="Ajouter un poste").or_(
        phone.locator("#section-experience a[href$='/experience/add/']")
    ).first.click()
    expect(phone.locator("#section-experience input[name=title]")).to_be_visible()
    _no_sideways_scroll(phone)
    assert run_axe(phone) == []


@pytest.mark.django_db(transaction=True)
def test_delete_asks_for_confirmation(live_server, new_page):
    member = UserFactory(language="en")
    profile = ProfileFactory(member=member)
    Position.objects.create(
        profile=profile, title="Old job", organization_name="Acme", start_date="2010-01-01"
    )
    page = new_page(locale="en-US")
    page.context.add_cookies([logged_in_context_cookie(member, live_server.url)])
    page.goto(live_server.url + "/profile/edit/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#section-experience").get_by_role("link", name="Delete Old job").click()
    page.wait_for_timeout(300)
    assert Position.objects.filter(profile=profile).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#section-experience").get_by_role("link", name="Delete Old job").click()
    expect(page.locator("#section-experience")).not_to_contain_text("Old job")
    assert Position.objects.filter(profile=profile).count() == 0


@pytest.mark.django_db(transaction=True)
def test_everything_works_without_javascript(live_server, browser):
    member = UserFactory(language="en")
    profile = ProfileFactory(member=member)
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        context.add_cookies([logged_in_context_cookie(member, live_server.url)])
        page = context.new_page()
        page.goto(live_server.url + "/profile/edit/")
        # "Add" is a plain link to a full page with the form open in its card.
        page.locator("#section-experience").get_by_role("link", name="Add a position").click()
        assert page.url.endswith("/profile/edit/experience/add/")
        form = page.locator("#section-experience form.edit-form")
        form.locator("input[name=title]").fill("Analyst")
        form.locator("input[name=organization_name]").fill("Acme")
        form.locator("input[name=start_date]").fill("2022-05")
        form.locator("input[name=end_date]").fill("2021-01")
        form.get_by_role("button", name="Save").click()
        # Refused, next to the field, with the input kept.
        expect(page.locator("#id_experience_new_end_date_error")).to_be_visible()
        expect(page.locator("#id_experience_new_organization_name")).to_have_value("Acme")
        assert not Position.objects.exists()
        page.locator("#id_experience_new_end_date").fill("2023-01")
        page.locator("#section-experience form.edit-form").get_by_role(
            "button", name="Save"
        ).click()
        assert page.url.endswith("/profile/edit/#section-experience")
        expect(page.locator("#section-experience")).to_contain_text("Acme")
        # The audience select has its own submit button.
        page.locator("#section-experience select[name=audience]").select_option("members")
        page.locator("#section-experience").get_by_role("button", name="Save").click()
        profile.refresh_from_db()
        assert profile.experience_audience == "members"
        # Delete goes through a confirmation page.
        page.locator("#section-experience").get_by_role("link", name="Delete Analyst").click()
        expect(page.locator("#section-experience")).to_contain_text("Delete “Analyst — Acme”?")
        assert Position.objects.count() == 1
        page.locator("#section-experience").get_by_role("button", name="Delete").click()
        assert page.url.endswith("/profile/edit/#section-experience")
        assert Position.objects.count() == 0
    finally:
        context.close()
