"""The header and action bar of post cards, rendered in Python (cards.py) rather than by the
template engine: what they show for each viewer and state, escaping of everything that comes
from members or from the request, and texts in both languages."""

from __future__ import annotations

import html
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from maillage.feed import cards
from maillage.feed.models import Post
from maillage.feed.selectors import posts_for_display
from maillage.feed.tests.factories import connect, follow, member, post, react

pytestmark = pytest.mark.django_db

HOSTILE = '<img src=x onerror=alert(1)>"\'&'


def _view(viewer, p):
    return posts_for_display(viewer, [Post.objects.get(pk=p.pk)])[0]


def _request(viewer, path="/home/"):
    request = RequestFactory().get(path)
    request.user = viewer
    return request


def _home(client, viewer) -> str:
    client.force_login(viewer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_member_text_in_the_header_and_menus_is_escaped(client):
    author = member(member__first_name=HOSTILE, member__last_name="Martin", headline=HOSTILE)
    viewer = member()
    connect(author, viewer)
    post(author, "Hello")
    page = _home(client, viewer)
    assert "<img src=x" not in page
    escaped = html.escape(HOSTILE)
    assert f'<p class="post__headline">{escaped}</p>' in page
    # The name, in the heading, the "…" menu's label and the feed's "Unfollow" entry.
    assert page.count(f"{escaped} Martin") >= 3
    assert f"Unfollow {escaped} Martin" in page


def test_the_page_address_in_forms_is_escaped():
    author, viewer = member(), member()
    p = post(author, "Hello")
    request = _request(viewer, "/home/")
    request.META["QUERY_STRING"] = 'q="><script>alert(1)</script>&page=2'
    bar = str(cards.post_actions(_view(viewer, p), request))
    assert "<script>" not in bar
    assert 'name="next" value="/home/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&amp;page=2"' in bar
    # One masked CSRF token for the whole request, in every form of every card.
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', bar))
    other = str(cards.post_actions(_view(viewer, post(author, "Again")), request))
    assert len(tokens) == 1
    assert tokens == set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', other))


def test_action_bar_follows_the_viewers_state():
    author, viewer = member(), member()
    connect(author, viewer)
    p = post(author, "Hello")
    request = _request(viewer)
    bar = str(cards.post_actions(_view(viewer, p), request))
    assert 'value="like" class="post__action" aria-pressed="false"' in bar
    assert reverse("post_save", args=[p.public_id]) in bar
    assert reverse("post_repost", args=[p.public_id]) in bar

    react(viewer, "celebrate", post=p)
    react(author, "love", post=p)
    from maillage.feed import services

    services.post_save_for_later(member=viewer, post=p)
    bar = str(cards.post_actions(_view(viewer, p), _request(viewer)))
    assert 'value="celebrate" class="post__action post__action--on reaction-text--celebrate" aria-pressed="true"' in bar
    assert 'class="picker__kind picker__kind--on" title="Celebrate" aria-pressed="true"' in bar
    assert bar.count('aria-pressed="true"') == 3  # the button, its picker entry, "Saved"
    assert reverse("post_unsave", args=[p.public_id]) in bar
    assert "2 reactions" in bar
    assert reverse("post_reactions", args=[p.public_id]) in bar

    narrow = post(author, "Only for connections", audience="connections")
    bar = str(cards.post_actions(_view(viewer, narrow), _request(viewer)))
    assert "Posts shown only to connections cannot be reposted." in bar
    assert reverse("post_repost", args=[narrow.public_id]) not in bar


def test_visitors_get_a_sign_in_link_and_no_form():
    from django.contrib.auth.models import AnonymousUser

    p = post(member(), "Hello")
    request = RequestFactory().get("/posts/")
    request.user = AnonymousUser()
    view = posts_for_display(None, [Post.objects.get(pk=p.pk)])[0]
    bar = str(cards.post_actions(view, request))
    assert "<form" not in bar
    assert f'{reverse("account_login")}?next={view.url}' in bar
    header = str(cards.post_header(view, request, card_id=p.public_id))
    assert "Report post" not in header


def test_header_menu_for_the_author_and_for_others():
    author, reader = member(), member()
    follow(reader, author)
    p = post(author, "Hello")
    mine = str(cards.post_header(_view(author, p), _request(author), card_id=p.public_id))
    assert reverse("post_edit", args=[p.public_id]) in mine
    assert reverse("post_delete", args=[p.public_id]) in mine
    assert "Report post" not in mine

    view = _view(reader, p)
    view.feed_follows_author = True
    theirs = str(cards.post_header(view, _request(reader), card_id=p.public_id, feed_item=view))
    assert reverse("post_edit", args=[p.public_id]) not in theirs
    assert reverse("post_report", args=[p.public_id]) in theirs
    assert reverse("post_why", args=[p.public_id]) in theirs
    assert reverse("post_hide", args=[p.public_id]) in theirs
    assert reverse("unfollow", args=[author.public_id]) in theirs
    # Outside the feed (a hashtag page, a member's posts): no feed entries.
    plain = str(cards.post_header(view, _request(reader), card_id=p.public_id))
    assert reverse("post_why", args=[p.public_id]) not in plain
    # Inside another card (a quoted post): smaller, and no menu at all.
    nested = str(cards.post_header(view, _request(reader), card_id=p.public_id, nested=True))
    assert "post__menu" not in nested
    assert 'class="avatar avatar--sm' in nested


def test_texts_in_french():
    author, viewer = member(), member()
    p = post(author, "Bonjour")
    with translation.override("fr"):
        bar = str(cards.post_actions(_view(viewer, p), _request(viewer)))
        header = str(cards.post_header(_view(viewer, p), _request(viewer), card_id=p.public_id))
    assert "J'aime" in bar  # our own catalogue's text, as {% translate %} gave it
    assert "Enregistrer" in bar
    assert "Signaler la publication" in header
    with translation.override("en"):
        assert "Like" in str(cards.post_actions(_view(viewer, p), _request(viewer)))

