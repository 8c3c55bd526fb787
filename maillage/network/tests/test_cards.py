"""The buttons next to a person, rendered in Python (network/cards.py) rather than by the template
engine: the right actions for each relationship, escaping of names and of the page address, one
CSRF token per request, and both languages."""

from __future__ import annotations

import html
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from maillage.network.selectors import people_for_viewer
from maillage.network.tests.factories import block, connect, follow, invite, member, mute

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)>"\'&'


def _actions(viewer, person, **context) -> str:
    people_for_viewer(viewer, [person], relationships=True)
    request = RequestFactory().get("/network/")
    request.user = viewer
    return render_to_string(
        "includes/person_actions.html", {"member": person, "user": viewer, **context}, request=request
    )


def _buttons(fragment: str) -> list[str]:
    """The visible names of the buttons and links, without the screen-reader additions."""
    fragment = re.sub(r'<span class="sr-only">.*?</span>', "", fragment)
    fragment = re.sub(r'<span class="person-actions__hint">.*?</span>', "", fragment)
    found = re.findall(r"<(?:button|summary|a)[^>]*>(.*?)</(?:button|summary|a)>", fragment, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in found]


def test_a_stranger_can_be_invited_followed_and_written_to():
    viewer, person = member(), member()
    fragment = _actions(viewer, person)
    assert _buttons(fragment) == ["Connect", "Send invitation", "Message", "Follow", "•••", "Mute", "Block"]
    assert reverse("network_invite", args=[person.public_id]) in fragment
    assert f'{reverse("message_new")}?to={person.public_id}' in fragment


def test_a_connection_is_shown_connected_with_follow_and_remove_in_the_menu():
    viewer, person = member(), member()
    connect(viewer, person)
    fragment = _actions(viewer, person)
    assert _buttons(fragment) == ["Message", "•••", "Unfollow", "Remove connection", "Mute", "Block"]
    assert "person-actions__state--connected" in fragment
    assert reverse("connection_remove", args=[person.public_id]) in fragment


def test_invitations_either_way():
    viewer, person = member(), member()
    sent = invite(viewer, person)
    fragment = _actions(viewer, person)
    assert "Pending" in fragment
    assert reverse("invitation_withdraw", args=[sent.public_id]) in fragment
    received = _actions(person, viewer)
    assert _buttons(received)[:2] == ["Accept", "Ignore"]
    assert reverse("invitation_accept", args=[sent.public_id]) in received


def test_following_muted_and_blocked_states():
    viewer, person = member(), member()
    follow(viewer, person)
    mute(viewer, person)
    fragment = _actions(viewer, person)
    assert "Following" in _buttons(fragment)
    assert "Unmute" in _buttons(fragment)
    assert reverse("unfollow", args=[person.public_id]) in fragment
    block(viewer, person)
    blocked = _actions(viewer, person)
    assert _buttons(blocked) == ["Unblock"]
    assert reverse("unblock", args=[person.public_id]) in blocked


def test_names_the_page_address_and_messages_are_escaped():
    viewer = member()
    person = member(member__first_name=HOSTILE, member__last_name="Martin")
    fragment = _actions(viewer, person, actions_next='/x/?a=1&b="><script>', action_error="<b>no</b>")
    assert "<img src=x" not in fragment
    assert "<script>" not in fragment
    assert "<b>no</b>" not in fragment
    escaped = html.escape(HOSTILE)
    assert f"More actions for {escaped} Martin" in fragment
    assert f"Block {escaped} Martin? You will no longer see each other anywhere." in fragment
    assert 'name="next" value="/x/?a=1&amp;b=&quot;&gt;&lt;script&gt;"' in fragment
    assert "&lt;b&gt;no&lt;/b&gt;" in fragment


def test_one_csrf_token_for_every_form_of_a_page():
    viewer, first, second = member(), member(), member()
    people_for_viewer(viewer, [first, second], relationships=True)
    request = RequestFactory().get("/network/")
    request.user = viewer
    page = "".join(
        render_to_string("includes/person_actions.html", {"member": p, "user": viewer}, request=request)
        for p in (first, second)
    )
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 8
    assert len(set(tokens)) == 1


def test_texts_in_french():
    viewer, person = member(), member()
    with translation.override("fr"):
        fragment = _actions(viewer, person)
    assert _buttons(fragment) == ["Se connecter", "Envoyer l'invitation", "Message", "Suivre", "•••", "Masquer", "Bloquer"]
    assert "Bloquer" in fragment
