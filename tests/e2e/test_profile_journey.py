"""From an empty profile to the top strength level, then what others see of it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from maillage.accounts.tests.factories import ProfileFactory, UserFactory
from maillage.profiles.services import profile_ensure

from .conftest import htmx_settled
from .test_account_journey import logged_in_context_cookie


def photo_file(tmp_path):
    image = Image.new("RGB", (600, 600), (20, 110, 95))
    for x in range(150, 450):
        for y in range(200, 260):
            image.putpixel((x, y), (240, 200, 80))
    path = tmp_path / "portrait.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def open_form(page, section: str, link_name: str) -> None:
    page.locator(f"#section-{section}").get_by_role("link", name=link_name).click()
    expect(page.locator(f"#section-{section} form.edit-form")).to_be_visible()
    htmx_settled(page)


def save_card(page, section: str) -> None:
    card = page.locator(f"#section-{section}")
    card.get_by_role("button", name="Save").click()
    expect(page.locator(f"#section-{section} form.edit-form")).to_have_count(0)


def strength_level(page) -> str:
    return page.locator(".strength .badge").inner_text().strip()


@pytest.mark.django_db(transaction=True)
def test_member_builds_a_full_profile_and_controls_who_sees_it(
    live_server, new_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = UserFactory(first_name="Inès", last_name="Garnier", language="en")
    profile = profile_ensure(member=member)
    page = new_page(locale="en-US")
    page.context.add_cookies([logged_in_context_cookie(member, live_server.url)])

    page.goto(f"{live_server.url}/in/{profile.address}/")
    assert strength_level(page) == "Beginner"

    # Photo.
    page.goto(live_server.url + "/profile/photo/")
    page.set_input_files("input[type=file]", str(photo_file(tmp_path)))
    page.locator("form.media-form [type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    profile.refresh_from_db()
    assert profile.photo

    page.goto(live_server.url + "/profile/edit/")
    htmx_settled(page)
    intro = page.locator("#section-intro")
    open_form(page, "intro", "Edit")
    intro.locator("input[name=headline]").fill("Responsable data chez Ardoise Conseil")
    intro.locator("input[name=city]").fill("Nantes")
    intro.locator("input[name=country]").fill("France")
    save_card(page, "intro")
    expect(page.locator("#section-intro")).to_contain_text("Responsable data chez Ardoise Conseil")

    about = page.locator("#section-about")
    open_form(page, "about", "Edit")
    about.locator("textarea[name=about]").fill("I build **data teams** that ship. ABOUT-MARKER")
    save_card(page, "about")

    experience = page.locator("#section-experience")
    open_form(page, "experience", "Add a position")
    experience.locator("input[name=title]").fill("Head of data")
    experience.locator("input[name=organization_name]").fill("Ardoise Conseil")
    experience.locator("input[name=start_date]").fill("2022-01")
    experience.locator("input[name=is_current]").check()
    save_card(page, "experience")

    education = page.locator("#section-education")
    open_form(page, "education", "Add education")
    education.locator("input[name=school]").fill("Université de Nantes")
    education.locator("input[name=start_year]").fill("2010")
    education.locator("input[name=end_year]").fill("2015")
    save_card(page, "education")

    for count, skill in enumerate(
        ["SQL", "Python", "Gestion de projet", "Data visualisation", "Management"], start=1
    ):
        htmx_settled(page)
        page.locator("#section-skills input[name=name]").fill(skill)
        page.locator("#section-skills").get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("#section-skills .edit-skill")).to_have_count(count)

    contact = page.locator("#section-contact")
    open_form(page, "contact", "Add contact info")
    contact.locator("select[name=kind]").select_option("phone")
    contact.locator("input[name=value]").fill("+33 2 40 00 00 00")
    contact.locator("select[name=audience]").select_option("connections")
    save_card(page, "contact")

    # "About" for me only.
    page.locator("#section-about select[name=audience]").select_option("only_me")
    expect(page.locator("#section-about")).to_contain_text("Audience saved.")

    page.goto(f"{live_server.url}/in/{profile.address}/")
    assert strength_level(page) == "All-star", page.locator(".strength").inner_text()
    expect(page.locator("main")).to_contain_text("ABOUT-MARKER")  # the owner sees it all
    assert page.js_errors == []

    # A visitor: public sections only, no "about", no phone.
    visitor = new_page(locale="en-US")
    visitor.goto(f"{live_server.url}/in/{profile.address}/")
    main = visitor.locator("main")
    expect(main).to_contain_text("Inès Garnier")
    expect(main).to_contain_text("Head of data")
    expect(main).to_contain_text("Université de Nantes")
    assert "ABOUT-MARKER" not in visitor.content()
    assert "+33 2 40 00 00 00" not in visitor.content()
    assert visitor.locator(".strength").count() == 0

    # Another member (not a connection): the same, plus what members see.
    other = ProfileFactory(member__language="en").member
    colleague = new_page(locale="en-US")
    colleague.context.add_cookies([logged_in_context_cookie(other, live_server.url)])
    colleague.goto(f"{live_server.url}/in/{profile.address}/")
    expect(colleague.locator("main")).to_contain_text("Python")
    assert "ABOUT-MARKER" not in colleague.content()
    assert "+33 2 40 00 00 00" not in colleague.content()
    assert colleague.locator(".strength").count() == 0
