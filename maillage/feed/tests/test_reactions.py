"""Reactions on posts (toggle, change, htmx swap) and the list of who reacted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.feed import selectors
from maillage.feed.models import Post, Reaction
from maillage.network.tests.factories import block

from .factories import SEES, cast, comment, member, post, react

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_who_may_react_follows_who_may_see(client, post_audience):
    people = cast()
    p = post(people["author"], "React", audience=post_audience)
    url = reverse("post_react", args=[p.public_id])
    for role, who in people.items():
        client.logout()
        if who is None:
            response = client.post(url, {"kind": "like"})
            assert response.status_code == 302 and "login" in response.url
            continue
        client.force_login(who)
        response = client.post(url, {"kind": "like"})
        assert response.status_code == (302 if role in SEES[post_audience] else 404), role
    expected = len(SEES[post_audience] - {"anonymous"})
    assert Reaction.objects.filter(post=p).count() == expected


def test_react_change_and_take_back(client):
    p = post(member(), "Toggle")
    client.force_login(member())
    url = reverse("post_react", args=[p.public_id])
    client.post(url, {"kind": "like"})
    assert Post.objects.get(pk=p.pk).reaction_counts == {"like": 1}
    client.post(url, {"kind": "funny"})
    assert Post.objects.get(pk=p.pk).reaction_counts == {"funny": 1}
    client.post(url, {"kind": "funny"})  # the same kind again removes it
    assert Post.objects.get(pk=p.pk).reaction_count == 0
    assert not Reaction.objects.exists()


def test_unknown_kind_is_refused_with_a_message(client):
    p = post(member(), "Kinds")
    client.force_login(member())
    response = client.post(reverse("post_react", args=[p.public_id]), {"kind": "angry"}, follow=True)
    assert "Choose a reaction." in response.content.decode()
    assert not Reaction.objects.exists()


def test_htmx_react_returns_the_action_bar_only(client):
    p = post(member(), "Swap")
    client.force_login(member())
    response = client.post(reverse("post_react", args=[p.public_id]), {"kind": "love"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div class="post__actions" id="post-actions-')
    assert 'aria-pressed="true"' in html and "reaction-text--love" in html
    assert "1 reaction" in html


def test_no_js_react_redirects_back_to_next(client):
    p = post(member(), "Back")
    client.force_login(member())
    response = client.post(reverse("post_react", args=[p.public_id]), {"kind": "like", "next": "/saved/"})
    assert response.url == "/saved/"
    response = client.post(reverse("post_react", args=[p.public_id]), {"kind": "like", "next": "https://evil.test/"})
    assert response.url == reverse("post", args=[p.public_id])


def test_picker_offers_six_labelled_kinds(client):
    p = post(member(), "Picker")
    client.force_login(member())
    html = client.get(reverse("post", args=[p.public_id])).content.decode()
    for label in ("Like", "Celebrate", "Support", "Love", "Insightful", "Funny"):
        assert f'title="{label}"' in html


# --- Who reacted ---------------------------------------------------------------------------------


def test_reactors_list_has_tabs_by_kind_with_counts(client):
    author = member()
    p = post(author, "Tabs")
    likers = [member() for _ in range(2)]
    for m in likers:
        react(m, "like", post=p)
    lover = member()
    react(lover, "love", post=p)
    client.force_login(author)
    html = client.get(reverse("post_reactions", args=[p.public_id])).content.decode()
    assert "All 3" in html and "?kind=like" in html and "?kind=love" in html
    assert lover.get_full_name() in html
    html = client.get(reverse("post_reactions", args=[p.public_id]) + "?kind=love").content.decode()
    assert lover.get_full_name() in html
    assert likers[0].get_full_name() not in html


def test_reactors_never_include_someone_on_either_side_of_a_block():
    author, viewer, blocked, blocker = member(), member(), member(), member()
    p = post(author, "Blocks")
    for m in (blocked, blocker, member()):
        react(m, post=p)
    block(viewer, blocked)
    block(blocker, viewer)
    p.refresh_from_db()
    names = {r.member_id for r in selectors.reactors_for(viewer, p).reactions}
    assert blocked.pk not in names and blocker.pk not in names and len(names) == 1


def test_reactors_page_counts_leave_out_people_on_either_side_of_a_block(client):
    author, viewer, blocked, blocker = member(), member(), member(), member()
    p = post(author, "Counted")
    react(blocked, "love", post=p)
    react(blocker, "like", post=p)
    react(member(), "like", post=p)
    react(member(), "celebrate", post=p)
    block(viewer, blocked)
    block(blocker, viewer)
    p.refresh_from_db()
    page = selectors.reactors_for(viewer, p)
    assert page.total == 2 and page.counts == {"like": 1, "celebrate": 1}
    client.force_login(viewer)
    html = client.get(reverse("post_reactions", args=[p.public_id])).content.decode()
    assert "All 2" in html and "?kind=love" not in html
    # The author blocked nobody: the full counts.
    assert selectors.reactors_for(author, p).total == 4


def test_anonymous_visitors_see_counts_only(client):
    p = post(member(), "Public reactions")
    reactor = member()
    react(reactor, "celebrate", post=p)
    response = client.get(reverse("post_reactions", args=[p.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reactor.get_full_name() not in html
    assert "to see who reacted" in html and "All 1" in html


@pytest.mark.parametrize("post_audience", ["public", "members", "connections"])
def test_reactions_page_answers_like_the_post(client, post_audience):
    people = cast()
    p = post(people["author"], "Who", audience=post_audience)
    for role, who in people.items():
        client.logout()
        if who is not None:
            client.force_login(who)
        response = client.get(reverse("post_reactions", args=[p.public_id]))
        assert response.status_code == (200 if role in SEES[post_audience] else 404), role


def test_comment_reactors_page(client):
    author = member()
    p = post(author, "Comment reactors")
    c = comment(author, p, "Nice")
    fan = member()
    react(fan, "support", comment=c)
    client.force_login(author)
    html = client.get(reverse("comment_reactions", args=[c.public_id])).content.decode()
    assert fan.get_full_name() in html and "Reactions to the comment" in html


def test_reactors_page_query_count_is_constant(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author = member()
    few, many = post(author, "Few"), post(author, "Many")
    react(member(), post=few)
    for _ in range(12):
        react(member(), "love", post=many)
    client.force_login(author)
    counts = []
    for p in (few, many):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("post_reactions", args=[p.public_id])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == 9  # pinned (one for the counts net of blocks)
