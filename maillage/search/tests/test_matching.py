"""What a query finds: names (accents, case, prefixes, one typo), headline, organization,
location, skills — on whichever database the suite runs (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from maillage.network.tests.factories import member
from maillage.search.backends import PostgresBackend, SqliteBackend, get_backend
from maillage.search.selectors import PeopleQuery, people_search
from maillage.search.text import deletions, within_one_edit, words

from .factories import person

pytestmark = pytest.mark.django_db


def found(viewer, **query) -> list[int]:
    return [m.pk for m in people_search(viewer=viewer, query=PeopleQuery(**query)).results]


@pytest.fixture
def jerome():
    return person(
        "Jérôme",
        "Lefèvre",
        headline="Chef de projet numérique",
        orgs=["Société Générale"],
        skills=["Gestion de projet", "Kubernetes"],
        city="Besançon",
        region="Bourgogne-Franche-Comté",
        country="France",
    )


@pytest.fixture
def viewer():
    return member()


@pytest.mark.parametrize(
    "query",
    [
        "Jérôme",
        "jerome",
        "JEROME",
        "jer",  # prefix
        "j",
        "jerme",  # one letter missing
        "jerôm",  # prefix with an accent
        "jerone",  # one letter wrong
        "jeorme",  # two letters swapped
        "jeromme",  # one letter too many
        "lefevre",
        "Lefèvre Jérôme",  # any order
        "jerome lef",
        "chef",  # headline
        "numerique",
        "societe",  # organization
        "générale",
        "engineer",  # job title
        "besancon",  # location
        "franche",
        "france",
        "kubernetes",  # skill
        "kubernets",  # skill with a typo
        "gestion projet",
    ],
)
def test_query_finds_the_member(viewer, jerome, query):
    assert found(viewer, q=query) == [jerome.pk]


@pytest.mark.parametrize(
    "query",
    [
        "jrme",  # two edits away
        "xerome dupont",  # every word must match
        "jerome dupont",
        "rome",  # not a prefix of a word, and two edits away
    ],
)
def test_query_does_not_find_the_member(viewer, jerome, query):
    assert found(viewer, q=query) == []


def test_one_typo_in_each_word(viewer, jerome):
    assert found(viewer, q="projets numeriques") == [jerome.pk]


def test_a_missing_first_letter_is_one_typo(viewer, jerome):
    assert found(viewer, q="erome") == [jerome.pk]


def test_short_words_get_no_typo_tolerance(viewer):
    marc = person("Marc", "Petit")
    assert found(viewer, q="marx") == [marc.pk]  # 4 letters: one typo allowed
    assert found(viewer, q="mrc") == []  # 3 letters: exact or prefix only
    assert found(viewer, q="mar") == [marc.pk]


def test_filters_alone_and_combined(viewer, jerome):
    other = person("Jérôme", "Martin", orgs=["Orange"], city="Lyon", country="France")
    assert set(found(viewer, q="jerome")) == {jerome.pk, other.pk}
    assert found(viewer, q="jerome", org="societe generale") == [jerome.pk]
    assert found(viewer, q="jerome", org="orange") == [other.pk]
    assert found(viewer, org="soc gen") == [jerome.pk]  # prefixes of every word
    assert found(viewer, location="lyon") == [other.pk]
    assert set(found(viewer, location="France")) == {jerome.pk, other.pk}
    assert found(viewer, q="jerome", location="besan") == [jerome.pk]
    assert found(viewer, q="jerome", org="orange", location="besancon") == []
    # The filters search their own field only: a headline word is not an organization.
    assert found(viewer, org="chef") == []


def test_empty_query_finds_nobody(viewer, jerome):
    assert found(viewer) == []
    assert found(viewer, q="  , ; ") == []


def test_query_text_is_data_not_syntax(viewer, jerome):
    # FTS5 and tsquery operators in the query are just punctuation to the search.
    for query in ['jer*', '"jerome"', "jerome:*", "jerome & !", "(jerome)", "jer' |", "^jerome-"]:
        assert found(viewer, q=query) == [jerome.pk], query
    assert found(viewer, q="jerome OR x") == []  # "or" and "x" are words to match too


def test_backend_follows_the_database():
    backend = get_backend()
    expected = {"sqlite": SqliteBackend, "postgresql": PostgresBackend}[connection.vendor]
    assert isinstance(backend, expected)


def test_text_helpers():
    assert words("Jérôme Lefèvre-Dupont, O'Neil") == ["jerome", "lefevre", "dupont", "o", "neil"]
    assert deletions("abc") == {"abc", "bc", "ac", "ab"}
    assert within_one_edit("jerome", "jerme")
    assert within_one_edit("jerome", "jeorme")
    assert within_one_edit("jerome", "jerone")
    assert within_one_edit("jerome", "jeromes")
    assert not within_one_edit("jerome", "jrme")
    assert not within_one_edit("jerome", "ejorme")
    assert not within_one_edit("abcd", "badc")
