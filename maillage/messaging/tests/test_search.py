"""Search your messages: finds what the member may read — and only that — whatever the case and
accents, on the database's full-text index (SQLite FTS5 here; PostgreSQL in the CI's second pass)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.network.tests.factories import block, connect, member

from .. import services
from ..models import Message, MessageKind
from ..search import excerpt, messages_search, query_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return member(member__first_name="Alice", member__last_name="Martin")


@pytest.fixture
def bob():
    return member(member__first_name="Bob", member__last_name="Durand")


@pytest.fixture
def carol():
    return member(member__first_name="Carol", member__last_name="Petit")


@pytest.fixture
def direct(alice, bob):
    connect(alice, bob)
    return services.conversation_direct(member=alice, other=bob)


@pytest.fixture
def group(alice, bob, carol):
    connect(alice, bob)
    connect(alice, carol)
    return services.conversation_group_create(
        creator=alice, others=[bob, carol], name="Projet Lyon"
    )


def say(sender, conversation, body):
    return services.message_send(sender=sender, conversation=conversation, body=body)


def found(member_, query, **kw) -> list[Message]:
    return [r.message for r in messages_search(member_, query, **kw).results]


# --- Matching -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["réunion", "REUNION", "Reunion genève", "GENEVE", "gen", "réu GEN", "demain"]
)
def test_finds_own_messages_whatever_the_case_and_accents(alice, bob, direct, query):
    message = say(bob, direct, "Réunion à Genève demain, 10 h")
    assert found(alice, query) == [message]
    assert found(bob, query) == [message]


def test_every_word_must_match_and_only_word_starts_count(alice, bob, direct):
    say(bob, direct, "Recrutement en cours pour l'équipe data")
    assert len(found(alice, "recrut")) == 1
    assert len(found(alice, "l'équipe")) == 1
    assert found(alice, "recrutement lyon") == []
    assert found(alice, "crutement") == []  # the middle of a word is not a match


def test_full_text_syntax_in_the_query_is_just_text(alice, bob, direct):
    say(bob, direct, "Le devis NEAR la fin OR pas")
    for query in [
        '"devis',
        "devis*",
        "NEAR(devis",
        "devis OR",
        "'devis':*",
        "devis & | ! :",
        "-devis",
        "^devis",
    ]:
        assert len(found(alice, query)) == 1, query
    assert found(alice, '"" * : & | ! ( )') == []
    assert query_terms("  ") == []


def test_newest_first_with_keyset_paging(alice, bob, direct):
    sent = [say(bob if i % 2 else alice, direct, f"Point budget numéro {i}") for i in range(25)]
    first = messages_search(alice, "budget", limit=20)
    assert [r.message for r in first.results] == list(reversed(sent))[:20]
    assert first.next_before == sent[5].pk
    second = messages_search(alice, "budget", limit=20, before=first.next_before)
    assert [r.message for r in second.results] == list(reversed(sent))[20:]
    assert second.next_before is None


def test_an_edited_message_is_found_by_its_new_words_only(alice, bob, direct):
    message = say(alice, direct, "Rendez-vous mardi")
    services.message_edit(member=alice, message=message, body="Rendez-vous jeudi")
    assert found(bob, "mardi") == []
    assert found(bob, "jeudi") == [message]


# --- Who finds what -------------------------------------------------------------------------------


def test_never_finds_other_peoples_conversations(alice, bob, carol, direct):
    connect(bob, carol)
    theirs = services.conversation_direct(member=bob, other=carol)
    say(bob, theirs, "Confidentiel : salaire de Alice")
    mine = say(bob, direct, "Pas confidentiel")
    assert found(alice, "confidentiel") == [mine]
    assert len(found(carol, "confidentiel")) == 1


def test_deleted_messages_are_not_found(alice, bob, direct):
    message = say(alice, direct, "Mot de passe provisoire")
    services.message_delete(member=alice, message=message)
    assert found(alice, "provisoire") == []
    assert found(bob, "provisoire") == []


def test_conversation_events_are_not_found(alice, bob, direct):
    Message.objects.create(
        conversation=direct, sender=alice, kind=MessageKind.EVENT, body="événement spécial"
    )
    assert found(alice, "evenement") == []


def test_after_leaving_only_earlier_messages_are_found_without_a_link(alice, bob, carol, group):
    before = say(bob, group, "Budget validé")
    services.conversation_leave(member=carol, conversation=group)
    say(bob, group, "Budget révisé après ton départ")
    results = messages_search(carol, "budget").results
    assert [r.message for r in results] == [before]
    assert results[0].left and results[0].url is None
    assert len(found(alice, "budget")) == 2
    # Added back: everything again, with a link.
    services.participants_add(member=alice, conversation=group, others=[carol])
    results = messages_search(carol, "budget").results
    assert len(results) == 2 and all(r.url for r in results)


def test_a_blocked_members_direct_conversation_is_gone_for_both(alice, bob, direct):
    say(alice, direct, "Contrat signé")
    say(bob, direct, "Contrat reçu")
    block(alice, bob)
    assert found(alice, "contrat") == []
    assert found(bob, "contrat") == []


def test_in_a_group_a_blocked_members_messages_are_hidden(alice, bob, carol, group):
    say(bob, group, "Planning de Bob")
    mine = say(alice, group, "Planning d'Alice")
    block(carol, bob)
    assert found(carol, "planning") == [mine]
    assert len(found(alice, "planning")) == 2


def test_a_declined_request_is_not_found_by_who_declined(alice):
    stranger = member()
    message = services.message_send_to(
        sender=stranger, recipient=alice, body="Offre de mission freelance"
    )
    assert found(alice, "mission") == [message]
    services.request_decline(member=alice, conversation=message.conversation)
    assert found(alice, "mission") == []
    assert found(stranger, "mission") == [message]


def test_anonymous_finds_nothing(alice, bob, direct):
    from django.contrib.auth.models import AnonymousUser

    say(alice, direct, "Bonjour")
    assert found(AnonymousUser(), "bonjour") == []


# --- Excerpts -------------------------------------------------------------------------------------


def test_excerpts_are_escaped_then_marked():
    html = excerpt('<script>alert("x")</script> Réunion & <b>café</b>', ["reunion", "cafe"])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Réunion</mark> &amp; &lt;b&gt;<mark>café</mark>&lt;/b&gt;" in html


def test_a_long_message_is_cut_around_the_first_match():
    body = " ".join(["avant"] * 60) + " le mot Genève ici " + " ".join(["après"] * 60)
    html = excerpt(body, ["geneve"])
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Genève</mark>" in html
    assert len(html) < 260


# --- The page -------------------------------------------------------------------------------------


def url(**query) -> str:
    from urllib.parse import urlencode

    return reverse("messaging_search") + ("?" + urlencode(query) if query else "")


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(url(q="bonjour"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_an_empty_query_shows_a_hint(client, alice):
    client.force_login(alice)
    for query in ({}, {"q": "   "}):
        response = client.get(url(**query))
        assert response.status_code == 200
        assert "Type a few words from the message" in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"


def test_results_name_the_conversation_and_sender_and_link_to_the_message(
    client, alice, bob, direct, group
):
    one = say(bob, direct, 'Réunion <img src=x onerror="alert(1)"> demain')
    two = say(alice, group, "La réunion de lundi")
    client.force_login(alice)
    html = client.get(url(q="reunion")).content.decode()
    assert html.index(f"#m{two.pk}") < html.index(f"#m{one.pk}")  # newest first
    assert reverse("conversation", args=[direct.public_id]) + f"?before={one.pk + 1}#m{one.pk}" in html
    assert "Projet Lyon" in html  # the group's name
    assert "Bob Durand" in html  # the one-to-one's other person, and the sender
    assert "<mark>Réunion</mark>" in html and "<mark>réunion</mark>" in html
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_no_result_says_so(client, alice, bob, direct):
    say(bob, direct, "Bonjour")
    client.force_login(alice)
    html = client.get(url(q="introuvable")).content.decode()
    assert "No message contains" in html


def test_the_next_page_link_and_a_bad_cursor(client, alice, bob, direct):
    sent = [say(bob, direct, f"Facture {i}") for i in range(22)]
    client.force_login(alice)
    html = client.get(url(q="facture")).content.decode()
    assert f"before={sent[2].pk}" in html
    page_two = client.get(url(q="facture", before=sent[2].pk)).content.decode()
    assert f"#m{sent[0].pk}" in page_two and f"#m{sent[5].pk}" not in page_two
    assert client.get(url(q="facture", before="nope")).status_code == 200


def test_the_page_query_count_does_not_grow_with_results(
    client, alice, bob, carol, direct, group, django_assert_max_num_queries
):
    connect(alice, member())
    for i in range(10):
        say(bob, direct, f"Projet numéro {i}")
        say(carol, group, f"Projet du groupe {i}")
    block(alice, member())
    client.force_login(alice)
    client.get(url(q="projet"))  # warm the session and caches
    with django_assert_max_num_queries(5) as captured:
        response = client.get(url(q="projet"))
    assert response.status_code == 200
    assert response.content.decode().count("msg-found__item") == 20
    print(f"search page: {len(captured)} queries")
