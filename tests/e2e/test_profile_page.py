"""The profile page in a real browser: the owner's view, "view as a visitor", the anonymous
visitor's view, sharing (QR code), accessibility and no sideways scrolling on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from maillage.accounts.tests.factories import ProfileFactory
from maillage.profiles.models import (
    ContactEntry,
    Education,
    Position,
    ProfileSkill,
    Skill,
    skill_key,
)

from .conftest import run_axe
from .test_account_journey import logged_in_context_cookie

MEMBERS_ABOUT = "Texte réservé aux membres du réseau"


def demo_profile():
    profile = ProfileFactory(
        address="helene-dupre",
        member__first_name="Hélène",
        member__last_name="Dupré",
        headline="Cheffe de projet numérique",
        about=MEMBERS_ABOUT,
        about_audience="members",
        city="Nantes",
    )
    Position.objects.create(
        profile=profile,
        title="Cheffe de projet",
        organization_name="Ville de Nantes",
        start_date=date(2021, 9, 1),
    )
    Position.objects.create(
        profile=profile,
        title="Chargée de mission",
        organization_name="Ville de Nantes",
        start_date=date(2018, 1, 1),
        end_date=date(2021, 8, 1),
    )
    Education.objects.create(profile=profile, school="Université de Nantes", degree="Master")
    for i, name in enumerate(["Gestion de projet", "Accessibilité", "Agilité", "UX", "RGAA"]):
        skill = Skill.objects.create(name=name, key=skill_key(name))
        ProfileSkill.objects.create(profile=profile, skill=skill, position=i, pinned=i == 0)
    ContactEntry.objects.create(
        profile=profile, kind="email", value="helene@ville.example", audience="connections"
    )
    return profile


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.django_db(transaction=True)
def test_owner_previews_as_visitor_and_visitors_see_only_public_sections(live_server, new_page):
    profile = demo_profile()
    url = f"{live_server.url}/in/{profile.address}/"

    # The owner: everything, the strength meter, audience badges, the preview links.
    owner = new_page(locale="fr-FR")
    owner.context.add_cookies([logged_in_context_cookie(profile.member, live_server.url)])
    owner.goto(url)
    assert owner.locator("h1").inner_text() == "Hélène Dupré"
    assert owner.locator(".strength .meter").count() == 1
    assert MEMBERS_ABOUT in owner.locator("main").inner_text()
    assert "helene@ville.example" in owner.locator("main").inner_text()
    # Two positions at one employer, grouped under it.
    assert owner.locator(".timeline__roles .timeline__role").count() == 2

    # "See your profile as: a visitor".
    owner.locator(f"a[href='/in/{profile.address}/?view_as=public']").first.click()
    owner.wait_for_load_state("load")
    assert owner.locator(".profile-preview").count() == 1
    main = owner.locator("main").inner_text()
    assert MEMBERS_ABOUT not in main and "helene@ville.example" not in main
    assert owner.locator(".strength").count() == 0

    # The avatar menu leads back to one's own page.
    owner.goto(live_server.url + "/home/")
    owner.locator("[data-menu-button]").first.click()
    owner.locator("#account-menu a[href='/in/me/']").click()
    owner.wait_for_load_state("load")
    assert owner.url == url

    # A visitor who is not logged in: public sections only, a head for search engines.
    visitor = new_page(locale="fr-FR")
    visitor.goto(url)
    main = visitor.locator("main").inner_text()
    assert "Cheffe de projet numérique" in main and "Ville de Nantes" in main and "Nantes" in main
    assert MEMBERS_ABOUT not in main and "helene@ville.example" not in main
    assert visitor.locator(".strength").count() == 0
    assert visitor.locator("script[type='application/ld+json']").count() == 1
    assert MEMBERS_ABOUT not in visitor.content()

    # Share: the disclosure opens without JavaScript help and the QR code is drawn.
    visitor.locator(".profile-share > summary").click()
    qr = visitor.locator(".profile-share__qr")
    qr.wait_for(state="visible")
    visitor.wait_for_function(
        "() => { const i = document.querySelector('.profile-share__qr');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert visitor.locator("#profile-share-url").input_value().endswith(f"/in/{profile.address}/")
    assert owner.js_errors == [] and visitor.js_errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("who", ["owner", "visitor"])
def test_profile_page_accessibility(live_server, new_page, width, who):
    profile = demo_profile()
    page = new_page(locale="fr-FR", width=width, height=800)
    if who == "owner":
        page.context.add_cookies([logged_in_context_cookie(profile.member, live_server.url)])
    page.goto(f"{live_server.url}/in/{profile.address}/")
    page.locator(".profile-share > summary").click()  # the open panel must fit too
    violations = run_axe(page)
    assert violations == [], violations
    no_sideways_scroll(page)
