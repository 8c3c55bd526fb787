"""The search page and the top bar's autocomplete: members only, escaped output, degree badges,
locations only for those allowed, and query counts that do not grow with the results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.core.audience import Audience
from maillage.network.tests.factories import connect, member, session_read_queries
from maillage.search import services

from .factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client):
    me = member()
    client.force_login(me)
    return me


@pytest.mark.parametrize("name", ["search", "search_suggest"])
def test_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name), {"q": "anyone"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_search_page_lists_people_with_degree_and_location(client, viewer):
    friend = person("Héloïse", "Barbier", headline="Data engineer", city="Nantes")
    connect(viewer, friend)
    response = client.get(reverse("search"), {"q": "heloise"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Héloïse Barbier" in html
    assert "Data engineer" in html
    assert "Nantes" in html
    assert "1st-degree connection" in html
    assert f'href="{reverse("profile", args=[friend.profile.address])}"' in html
    assert "1 member found" in html


def test_a_hidden_location_is_not_shown_in_results(client, viewer):
    secret = person("Gaspard", "Lemoine", city="Quimperlé")
    secret.profile.location_audience = Audience.CONNECTIONS
    secret.profile.save()
    services.member_index(member_id=secret.pk)
    html = client.get(reverse("search"), {"q": "gaspard"}).content.decode()
    assert "Gaspard Lemoine" in html
    assert "Quimperlé" not in html
    html = client.get(reverse("search"), {"location": "quimperle"}).content.decode()
    assert "Gaspard Lemoine" not in html
    assert "Nobody matches this search" in html
    connect(viewer, secret)
    html = client.get(reverse("search"), {"q": "gaspard"}).content.decode()
    assert "Quimperlé" in html


def test_user_text_is_escaped(client, viewer):
    person("Ève", "<b>Bold</b>", headline='<script>alert("x")</script> Designer')
    for name in ("search", "search_suggest"):
        html = client.get(reverse(name), {"q": "eve designer"}).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html
        assert "<b>Bold</b>" not in html
    for name in ("search", "search_suggest"):
        html = client.get(reverse(name), {"q": '<img src=x onerror="y">'}).content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x" in html


def test_empty_page_invites_to_search(client, viewer):
    html = client.get(reverse("search")).content.decode()
    assert "Who are you looking for?" in html


def test_bad_filters_change_nothing_and_say_so(client, viewer):
    person("Inès", "Colin")
    response = client.get(reverse("search"), {"q": "ines", "degree": "7", "page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some search options are not valid" in html
    assert "Inès Colin" not in html


def test_filters_from_the_address(client, viewer):
    friend = person("Lou", "Picard", orgs=["Airbus"], city="Toulouse")
    stranger = person("Lou", "Picard", orgs=["Thales"], city="Toulouse")
    connect(viewer, friend)
    response = client.get(reverse("search"), {"q": "lou", "degree": ["1"]})
    assert [m.pk for m in response.context["page"].results] == [friend.pk]
    response = client.get(reverse("search"), {"q": "lou", "org": "thal", "location": "toul"})
    assert [m.pk for m in response.context["page"].results] == [stranger.pk]
    html = response.content.decode()
    assert 'value="thal"' in html and 'value="toul"' in html


def test_pagination_keeps_the_query(client, viewer):
    for i in range(25):
        person("Mael", f"Rivière{i}")
    response = client.get(reverse("search"), {"q": "mael", "location": ""})
    page = response.context["page"]
    assert len(page.results) == 20 and page.has_more
    html = response.content.decode()
    assert "?q=mael&amp;location=&amp;page=2" in html
    response = client.get(reverse("search"), {"q": "mael", "page": "2"})
    assert len(response.context["page"].results) == 5
    assert not response.context["page"].has_more


def test_suggestions_fragment(client, viewer):
    friend = person("Anaïs", "Roche", headline="Product manager at Acme")
    person("Anaïs", "Roche", headline="Baker in Lyon")  # a homonym: told apart by the headline
    for i in range(10):
        person("Anaïs", f"Other{i}")
    connect(viewer, friend)
    response = client.get(reverse("search_suggest"), {"q": "anais"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment
    assert html.count('role="option"') == 9  # eight people and "see all results"
    assert html.index("Product manager at Acme") < html.index("Baker in Lyon")
    assert "1st-degree connection" in html
    assert "3rd-degree connection or beyond" in html
    assert 'id="search-suggest-1"' in html
    assert f'{reverse("search")}?q=anais' in html
    assert 'class="avatar' in html


def test_suggestions_for_nothing(client, viewer):
    assert client.get(reverse("search_suggest"), {"q": " "}).content.decode().strip() == ""
    html = client.get(reverse("search_suggest"), {"q": "zzzz"}).content.decode()
    assert "No quick match" in html


def test_top_bar_form_points_to_the_search(client, viewer):
    html = client.get(reverse("search")).content.decode()
    assert f'action="{reverse("search")}" data-search-suggest="{reverse("search_suggest")}"' in html
    assert 'role="combobox"' in html and 'aria-expanded="false"' in html
    assert 'aria-controls="topbar-search-listbox"' in html and 'role="listbox"' in html


def _queries(client, url, params) -> int:
    client.get(url, params)  # warm the degree caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


# With warm degree caches, a search costs four queries on top of the page itself: the typo
# vocabulary, the matching members' ids, their matching entries for the ranking, and the
# page's members with their profiles. Degrees, mutual counts and blocks come from the cache.
SEARCH_QUERIES = 4


@pytest.mark.parametrize("name", ["search", "search_suggest"])
def test_query_count_does_not_grow_with_results(client, viewer, name, django_assert_num_queries):
    url = reverse(name)
    # The page around the results (session, user, top bar...) is measured, not assumed: other
    # parts of the top bar may change their own costs.
    base = _queries(client, url, {} if name == "search" else {"q": ""})
    people = [person("Rosalie", f"Dumas{i}", headline="Nurse", city="Lille") for i in range(3)]
    connect(viewer, people[0])
    few = _queries(client, url, {"q": "rosalie"})
    for i in range(12):
        friend = person("Rosalie", f"Morel{i}", headline="Teacher", city="Lille")
        if i % 2:
            connect(viewer, friend)
    many = _queries(client, url, {"q": "rosalie"})
    assert few == many == base + SEARCH_QUERIES
    if name == "search_suggest":
        # session (unless read from the cache) and user, then the search
        with django_assert_num_queries(1 + session_read_queries() + SEARCH_QUERIES):
            client.get(url, {"q": "rosalie"})
