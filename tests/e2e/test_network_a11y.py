"""Every network page, in a real browser, in English and French, at 1280 px and 375 px wide:
no serious or critical axe violation, no sideways scroll on a phone, no JavaScript error, every
form control named; and the profile's "Connect" disclosure and "•••" menu work with the keyboard
alone."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.tests.factories import ProfileFactory
from maillage.network import crm, degrees, introductions, services
from maillage.notifications.models import Kind
from maillage.notifications.services import notification_create
from maillage.profiles import endorsements, recommendations
from maillage.profiles.models import ProfileSkill
from maillage.profiles.services import skill_add

from .conftest import AXE_JS
from .test_account_journey import logged_in_context_cookie

# Form controls without an accessible name (the browser's own computation, through the
# accessibility tree is not reachable from the page, so: label, aria-label(ledby), title).
UNNAMED_CONTROLS_JS = """() => {
  const out = [];
  const sel = 'input:not([type=hidden]), select, textarea, button';
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[hidden], template')) continue;
    let name = (el.getAttribute('aria-label') || '').trim();
    if (!name && el.getAttribute('aria-labelledby')) {
      name = el.getAttribute('aria-labelledby').split(/\\s+/)
        .map(id => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    }
    if (!name && el.labels) name = [...el.labels].map(l => l.textContent).join(' ').trim();
    if (!name && el.tagName === 'BUTTON') name = el.textContent.trim();
    if (!name && ['submit', 'button', 'reset'].includes(el.type)) name = (el.value || '').trim();
    if (!name) name = (el.getAttribute('title') || '').trim();
    if (!name) out.push(el.outerHTML.slice(0, 160));
  }
  return out;
}"""

# Elements sticking out past the right edge of the viewport (to name the culprit of a scroll).
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 1) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
        .trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""

LONG = "Marie-Bérangère"
SHOTS = os.environ.get("MAILLAGE_A11Y_SHOTS", "")


def member(**kwargs):
    return ProfileFactory(
        member__language="en", **{f"member__{k}": v for k, v in kwargs.items()}
    ).member


def build_network():
    """The viewer (Camille) with connections, invitations both ways, a follower, endorsements,
    recommendations in every tab, introductions, a CRM note and reminder, an outside contact
    and notifications."""
    me = member(first_name="Camille", last_name="Martin-Desrosiers")
    alice = member(first_name="Alice", last_name="Moreau-Vandenberghe")
    bruno = member(first_name="Bruno", last_name="Lefèvre")
    chloe = member(first_name="Chloé", last_name="Durand")
    david = member(first_name="David", last_name="Nguyen")
    emma = member(first_name="Emma", last_name="Rousseau")
    franck = member(first_name=LONG, last_name="Delacroix-Montmorency")
    for profile in (alice.profile, bruno.profile, franck.profile, me.profile):
        profile.headline = "Responsable de l'accompagnement des transformations organisationnelles"
        profile.save()

    services.connection_create(member_id=me.pk, other_id=alice.pk)
    services.connection_create(member_id=me.pk, other_id=franck.pk)
    services.connection_create(member_id=alice.pk, other_id=bruno.pk)  # Bruno: 2nd degree
    services.connection_create(member_id=franck.pk, other_id=bruno.pk)
    services.invitation_send(
        sender=chloe, recipient=me, note="Nous nous sommes croisés au salon VivaTech à Paris."
    )
    services.invitation_send(sender=me, recipient=david, note="Ravi de vous avoir rencontré.")
    services.follow_add(follower=emma, followed=me)
    degrees.invalidate_around(me.pk, alice.pk, bruno.pk, franck.pk)

    skill_add(profile=alice.profile, name="Conduite du changement")
    skill_add(profile=me.profile, name="Gestion de projet")
    skill_add(profile=bruno.profile, name="Accompagnement organisationnel")
    for endorser, profile in ((me, alice.profile), (alice, me.profile), (franck, me.profile)):
        skill = ProfileSkill.objects.filter(profile=profile).first()
        endorsements.skill_endorse(endorser=endorser, profile=profile, skill_id=skill.skill_id)

    relationship = "same_team"
    recommendations.recommendation_write(
        author=alice,
        recipient=me,
        relationship=relationship,
        body="Camille a mené notre réorganisation avec méthode, écoute et une grande rigueur.",
    )
    recommendations.recommendation_write(
        author=me, recipient=alice, relationship=relationship, body="Alice est remarquable."
    )
    recommendations.recommendation_request(
        recipient=franck, author=me, relationship=relationship, message="Quelques mots ?"
    )

    introductions.introduction_request(
        requester=me, intermediary=alice, target=bruno, note="Je cherche un retour d'expérience."
    )
    introductions.introduction_request(
        requester=alice, intermediary=me, target=franck, note="J'aimerais connaître Franck."
    )

    contact = crm.contact_for_member_ensure(owner=me, member=alice)
    crm.contact_note_add(owner=me, contact=contact, body="Rencontrée à Lyon ; parle de son projet.")
    crm.contact_tag_add(owner=me, contact=contact, name="Salon VivaTech")
    crm.reminder_add(
        owner=me, contact=contact, text="Relancer Alice", due_at=timezone.now() + timedelta(days=3)
    )
    crm.contact_create(
        owner=me,
        first_name="Hélène",
        last_name="Marchand-Beauregard",
        email="helene.marchand-beauregard@exemple-entreprise-internationale.fr",
        organization="Compagnie Générale des Établissements Interprofessionnels",
    )
    notification_create(recipient_id=me.pk, kind=Kind.NEW_FOLLOWER, actor_id=emma.pk)
    return me, alice, bruno


def page_urls(alice, bruno) -> list[str]:
    a, b = alice.profile.address, bruno.profile.address
    return [
        "/network/",
        "/network/invitations/",
        "/network/invitations/?tab=sent",
        "/network/connections/",
        "/network/followers/",
        "/network/settings/",
        "/network/suggestions/",
        "/network/introductions/",
        "/network/introductions/?tab=received",
        "/network/introductions/?tab=asked",
        "/recommendations/?tab=received",
        "/recommendations/?tab=given",
        "/recommendations/?tab=requests",
        "/notifications/",
        "/network/contacts/",
        "/network/contacts/import/",
        f"/in/{a}/relationship/",
        f"/in/{a}/",
        f"/in/{b}/",
        f"/in/{b}/mutual/",
        "/search/?q=Moreau",
    ]


AXE_RUN_JS = (
    "async () => { const r = await window.__axe.run(document, "
    "{resultTypes: ['violations']}); return r.violations.map(v => ({id: v.id, "
    "impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))"
    ".slice(0, 5)})); }"
)


def axe_serious(page) -> list[dict]:
    violations = page.evaluate(AXE_RUN_JS)
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def console_error(page, message) -> None:
    if message.type == "error" and "WebSocket connection" not in message.text:
        page.js_errors.append(message.text)


def check_pages(page, base: str, urls: list[str], *, phone: bool) -> list[str]:
    problems: list[str] = []
    for url in urls:
        response = page.goto(base + url)
        where = f"{url} @{page.viewport_size['width']}px {page.evaluate('document.documentElement.lang')}"
        if response is None or response.status != 200:
            problems.append(f"{where}: HTTP {response and response.status}")
            continue
        if SHOTS:  # to look at the pages: MAILLAGE_A11Y_SHOTS=/tmp/dir pytest ...
            name = f"{page.evaluate('document.documentElement.lang')}-{page.viewport_size['width']}"
            slug = url.strip("/").replace("/", "_").replace("?", "_") or "home"
            page.screenshot(path=f"{SHOTS}/{name}-{slug}.png", full_page=True)
        for violation in axe_serious(page):
            problems.append(
                f"{where}: axe {violation['id']} ({violation['help']}) {violation['nodes']}"
            )
        unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
        if unnamed:
            problems.append(f"{where}: unnamed controls {unnamed}")
        if phone and page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append(f"{where}: sideways scroll, {page.evaluate(OVERFLOW_JS)}")
        if page.js_errors:
            problems.append(f"{where}: JS errors {page.js_errors}")
            page.js_errors.clear()
    return problems


def keyboard_menus(page, base: str, address: str) -> None:
    """On a 2nd-degree profile: open "Connect" with Enter, Tab to the note and the send button,
    close it with Space; open "•••" with Space, Tab to its first item and press it (Mute)."""
    page.goto(f"{base}/in/{address}/")
    head = page.locator(".profile-head")
    connect = head.locator(".person-actions__connect")
    summary = connect.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(connect).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    note = connect.locator("textarea[name=note]")
    expect(note).to_be_focused()
    page.keyboard.type("Bonjour")
    page.keyboard.press("Tab")
    expect(connect.locator("[type=submit]")).to_be_focused()
    summary.focus()
    page.keyboard.press("Space")
    expect(connect).not_to_have_attribute("open", "")

    more = head.locator(".person-actions__more")
    more.locator("summary").focus()
    page.keyboard.press("Space")
    expect(more).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    first_item = more.locator(".menu__item").first
    expect(first_item).to_be_focused()
    expect(first_item).to_be_visible()
    page.keyboard.press("Enter")  # Mute, by the keyboard alone
    page.wait_for_load_state("networkidle")
    expect(head.locator(".person-actions__more")).to_be_attached()
    assert page.js_errors == []


@pytest.mark.django_db(transaction=True)
def test_network_pages_accessible_in_both_languages_on_desktop_and_phone(live_server, new_page):
    me, alice, bruno = build_network()
    urls = page_urls(alice, bruno)
    cookie = logged_in_context_cookie(me, live_server.url)
    problems: list[str] = []
    for locale, language in (("en-US", "en"), ("fr-FR", "fr")):
        me.language = language
        me.save(update_fields=["language"])
        for width in (1280, 375):
            page = new_page(locale=locale, width=width, height=800)
            page.context.add_cookies([cookie])
            # Console errors too: a script or style the CSP refuses, a failed request (not the
            # live-update socket: the test server speaks plain HTTP, without Channels).
            page.on("console", lambda msg, page=page: console_error(page, msg))
            page.context.add_init_script(
                script=AXE_JS.read_text(encoding="utf-8") + "\n;window.__axe = axe;"
            )
            problems += check_pages(page, live_server.url, urls, phone=width < 600)
            if width == 375:
                keyboard_menus(page, live_server.url, bruno.profile.address)
                # Undo the mute so the next language starts from the same state.
                services.mute_remove(muter=me, muted=bruno)
            page.context.close()
    assert problems == [], "\n".join(problems)
