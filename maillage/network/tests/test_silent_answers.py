"""Ignoring is silent: an ignored introduction still reads as forwarded to the requester and the
intermediary (on the list, the detail page and after an htmx action), never to the target."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maillage.network import introductions as intro
from maillage.network.models import Introduction

from .factories import connect, member

pytestmark = pytest.mark.django_db


def ignored_introduction():
    requester, intermediary, target = member(), member(), member()
    connect(requester, intermediary)
    connect(intermediary, target)
    item = intro.introduction_request(
        requester=requester, intermediary=intermediary, target=target, note="Open data in Lyon."
    )
    item = intro.introduction_forward(member=intermediary, introduction=item)
    intro.introduction_ignore(member=target, introduction=item)
    return requester, intermediary, target, item


def page_for(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["requester", "intermediary"])
def test_the_requester_and_intermediary_never_learn_of_an_ignore(who):
    requester, intermediary, _target, item = ignored_introduction()
    viewer = requester if who == "requester" else intermediary
    tab = "asked" if who == "requester" else "forward"
    for url in (
        reverse("introductions") + f"?tab={tab}",
        reverse("introduction_detail", args=[item.public_id]),
    ):
        html = page_for(viewer, url)
        assert "intro--forwarded" in html
        assert "intro--ignored" not in html
        assert "Ignored" not in html


def test_the_target_sees_what_they_did():
    _requester, _intermediary, target, item = ignored_introduction()
    html = page_for(target, reverse("introduction_detail", args=[item.public_id]))
    assert "intro--ignored" in html


def test_the_requester_may_still_withdraw_an_ignored_introduction():
    requester, _intermediary, _target, item = ignored_introduction()
    intro.introduction_withdraw(member=requester, introduction=item)
    item.refresh_from_db()
    assert item.status == Introduction.Status.WITHDRAWN
