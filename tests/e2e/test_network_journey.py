"""Three members build a network in the browser: an invitation with a note, its acceptance, an
endorsement, a recommendation asked for, written and approved, and an introduction through a
mutual connection — each member in their own browser context."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.accounts.tests.factories import UserFactory
from maillage.network.models import Connection, Introduction
from maillage.network.services import connection_create
from maillage.profiles.models import Endorsement, Recommendation
from maillage.profiles.services import profile_ensure, skill_add

from .conftest import htmx_settled, run_axe
from .test_account_journey import logged_in_context_cookie


def member_page(new_page, live_server, user):
    page = new_page(locale="en-US")
    page.context.add_cookies([logged_in_context_cookie(user, live_server.url)])
    return page


@pytest.mark.django_db(transaction=True)
def test_invite_accept_endorse_recommend_and_introduce(live_server, new_page):
    alice = UserFactory(first_name="Alice", last_name="Moreau", language="en")
    bruno = UserFactory(first_name="Bruno", last_name="Lefèvre", language="en")
    chloe = UserFactory(first_name="Chloé", last_name="Durand", language="en")
    alice_profile = profile_ensure(member=alice)
    bruno_profile = profile_ensure(member=bruno)
    profile_ensure(member=chloe)
    skill_add(profile=bruno_profile, name="Gestion de projet")
    # Alice and Chloé already know each other: Chloé will reach Bruno through Alice.
    connection_create(member_id=alice.pk, other_id=chloe.pk)

    alice_page = member_page(new_page, live_server, alice)
    bruno_page = member_page(new_page, live_server, bruno)
    chloe_page = member_page(new_page, live_server, chloe)

    # 1. Alice invites Bruno from his profile, with a note.
    alice_page.goto(f"{live_server.url}/in/{bruno_profile.address}/")
    expect(alice_page.locator(".profile-head .degree [aria-hidden=true]")).to_have_text("3rd+")
    alice_page.locator(".profile-head .person-actions__connect summary").click()
    alice_page.get_by_label("Add a note (optional)").fill("Nous nous sommes croisés au salon VivaTech.")
    alice_page.get_by_role("button", name="Send invitation").click()
    expect(alice_page.locator(".profile-head .person-actions")).to_contain_text("Pending")

    # 2. Bruno sees it with the note and accepts.
    bruno_page.goto(f"{live_server.url}/network/invitations/")
    expect(bruno_page.locator("main")).to_contain_text("salon VivaTech")
    bruno_page.get_by_role("button", name="Accept the invitation from Alice Moreau").click()
    htmx_settled(bruno_page)
    assert Connection.objects.filter(member=alice, other=bruno).exists()
    assert Connection.objects.filter(member=bruno, other=alice).exists()

    # 3. Alice, now a 1st-degree connection, endorses Bruno's skill.
    alice_page.goto(f"{live_server.url}/in/{bruno_profile.address}/")
    expect(alice_page.locator(".profile-head .degree [aria-hidden=true]")).to_have_text("1st")
    alice_page.get_by_role("button", name="Endorse Gestion de projet").click()
    htmx_settled(alice_page)
    expect(alice_page.locator("#skills")).to_contain_text("Endorsed by Alice Moreau")
    assert Endorsement.objects.filter(endorser=alice, profile_skill__profile=bruno_profile).exists()

    # 4. Bruno asks Alice for a recommendation; she writes it; he approves it.
    bruno_page.goto(f"{live_server.url}/in/{alice_profile.address}/recommend/request/")
    bruno_page.get_by_label("How do you know each other?").select_option(index=1)
    bruno_page.get_by_label("Message").fill("Pourrais-tu dire quelques mots sur notre projet ?")
    bruno_page.locator("form.rec-form [type=submit]").click()
    bruno_page.wait_for_load_state("networkidle")
    assert Recommendation.objects.filter(
        author=alice, recipient=bruno, status=Recommendation.Status.REQUESTED
    ).exists()

    alice_page.goto(f"{live_server.url}/recommendations/?tab=requests")
    alice_page.get_by_role("link", name="Write the recommendation").click()
    alice_page.get_by_label("Recommendation").fill(
        "Bruno a mené notre migration vers le cloud avec calme et méthode."
    )
    alice_page.locator("form.rec-form [type=submit]").click()
    alice_page.wait_for_load_state("networkidle")

    bruno_page.goto(f"{live_server.url}/recommendations/?tab=received")
    expect(bruno_page.locator("main")).to_contain_text("migration vers le cloud")
    bruno_page.get_by_role("button", name="Show on my profile").first.click()
    htmx_settled(bruno_page)
    assert Recommendation.objects.get(author=alice, recipient=bruno).status == "visible"

    # Chloé (2nd degree of Bruno through Alice) now reads it on his profile.
    chloe_page.goto(f"{live_server.url}/in/{bruno_profile.address}/")
    expect(chloe_page.locator(".profile-head .degree [aria-hidden=true]")).to_have_text("2nd")
    expect(chloe_page.locator("main")).to_contain_text("migration vers le cloud")
    expect(chloe_page.locator(".profile-network__mutual")).to_contain_text("Alice Moreau")

    # 5. Chloé asks Alice to introduce her to Bruno.
    chloe_page.goto(f"{live_server.url}/in/{bruno_profile.address}/introduce/")
    chloe_page.locator("#intro-note").fill("Je cherche un retour d'expérience sur une migration cloud.")
    chloe_page.get_by_role("button", name="Send the request").click()
    chloe_page.wait_for_load_state("networkidle")
    introduction = Introduction.objects.get(requester=chloe, target=bruno)
    assert introduction.intermediary_id == alice.pk

    # Alice forwards it with a word.
    alice_page.goto(f"{live_server.url}/network/introductions/")
    alice_page.get_by_label("A word for Bruno Lefèvre (optional)").fill("Chloé est une amie, fiable.")
    alice_page.get_by_role("button", name="Introduce to Bruno Lefèvre").click()
    alice_page.wait_for_load_state("networkidle")

    # Bruno sees who introduced whom and why, and connects.
    bruno_page.goto(f"{live_server.url}/network/introductions/?tab=received")
    main = bruno_page.locator("main")
    expect(main).to_contain_text("retour d'expérience")
    expect(main).to_contain_text("Chloé est une amie")
    bruno_page.get_by_role("button", name="Connect with Chloé Durand").click()
    bruno_page.wait_for_load_state("networkidle")
    assert Connection.objects.filter(member=bruno, other=chloe).exists()

    for page in (alice_page, bruno_page, chloe_page):
        assert page.js_errors == []
    bruno_page.goto(f"{live_server.url}/network/")
    assert run_axe(bruno_page) == []
