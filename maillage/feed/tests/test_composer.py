"""The composer page: a plain multipart POST publishes, drafts or schedules a post; bad input
comes back next to the fields with nothing created; htmx gets the form fragment; mention
suggestions only offer people the author may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from maillage.feed.models import Poll, Post, PostImage, PostStatus
from maillage.search.services import member_index

from .composer_files import fake_pdf, jpeg, pdf, stored_files
from .factories import block, connect, member

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def rows():
    return (Post.objects.count(), PostImage.objects.count(), Poll.objects.count(), len(stored_files()))


def when(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def author(client):
    who = member()
    client.force_login(who)
    return who


def test_compose_needs_login(client):
    response = client.get(reverse("compose"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    before = rows()
    assert client.post(reverse("compose"), {"body": "Hi"}).status_code == 302
    assert rows() == before


def test_the_page_shows_every_part_of_the_composer(client, author):
    html = client.get(reverse("compose") + "?with=poll").content.decode()
    for text in ["Who can see this post", "Anyone, on or off Maillage", "Connections only",
                 'name="images"', 'name="alt_9"', 'name="document"', 'name="poll_option_4"',
                 'name="publish_at"', "Save as draft", 'enctype="multipart/form-data"']:
        assert text in html
    assert '<details class="composer__section" data-section="poll" open>' in html


def test_publish_a_post_with_images_without_javascript(client, author):
    response = client.post(
        reverse("compose"),
        {"body": "Our new office #teletravail", "audience": "members", "action": "publish",
         "images": [jpeg(size=(60, 40)), jpeg(size=(40, 60))], "alt_1": "The front door", "alt_2": "The garden"},
    )
    assert response.status_code == 302
    post = Post.objects.get(author=author)
    assert post.status == PostStatus.PUBLISHED and post.audience == "members"
    assert [i.alt_text for i in post.images.all()] == ["The front door", "The garden"]


def test_publish_with_a_document_and_with_a_poll(client, author):
    client.post(reverse("compose"), {"body": "Read this", "document": pdf(), "document_title": "Plan", "action": "publish"})
    assert Post.objects.get(author=author).document_name == "Plan.pdf"
    client.post(
        reverse("compose"),
        {"poll_question": "Tea or coffee?", "poll_option_1": "Tea", "poll_option_2": "Coffee",
         "poll_option_3": "", "poll_option_4": "", "poll_duration": "3", "action": "publish"},
    )
    poll = Poll.objects.get(post__author=author)
    assert [o.label for o in poll.options.all()] == ["Tea", "Coffee"]


def test_save_as_draft_and_schedule(client, author):
    response = client.post(reverse("compose"), {"body": "Later", "action": "draft"})
    assert response["Location"] == reverse("drafts")
    assert Post.objects.get(author=author).status == PostStatus.DRAFT
    response = client.post(reverse("compose"), {"body": "Tomorrow", "publish_at": when(timedelta(days=1)), "action": "publish"})
    assert response["Location"] == reverse("drafts")
    scheduled = Post.objects.get(author=author, body="Tomorrow")
    assert scheduled.status == PostStatus.SCHEDULED and scheduled.published_at is None


BAD = {
    "empty": ({"body": "   "}, "body", "Write something"),
    "too-long": ({"body": "x" * 3001}, "body", "at most 3000 characters"),
    "ten-images": ({"body": "x", "images": "10"}, "images", "at most 9 images"),
    "not-a-pdf": ({"body": "x", "document": "fake"}, "document", "not a PDF document"),
    "one-option": ({"poll_question": "Q?", "poll_option_1": "Only"}, "poll_option_2", "at least 2 options"),
    "duplicates": ({"poll_question": "Q?", "poll_option_1": "Yes", "poll_option_2": "YES"}, "poll_option_2", "same as option 1"),
    "past": ({"body": "x", "publish_at": "past"}, "publish_at", "at least five minutes from now"),
    "bad-audience": ({"body": "x", "audience": "only_me"}, "audience", "Select a valid choice"),
}


def _data(values):
    data = {"action": "publish", **values}
    if data.get("images") == "10":
        data["images"] = [jpeg(size=(20, 20)) for _ in range(10)]
    if data.get("document") == "fake":
        data["document"] = fake_pdf()
    if data.get("publish_at") == "past":
        data["publish_at"] = when(-timedelta(hours=1))
    return data


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_shown_next_to_the_field_and_creates_nothing(client, author, case):
    values, field, message = BAD[case]
    before = rows()
    response = client.post(reverse("compose"), _data(values))
    assert response.status_code == 400
    assert rows() == before
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    html = response.content.decode()
    assert "Your post was not published" in html
    assert f'id="id_{field}_error"' in html or 'class="field__error"' in html
    # The member's text is kept.
    if values.get("body", "").strip():
        assert values["body"][:50] in html


def test_htmx_errors_come_back_as_the_form_fragment_and_success_redirects(client, author):
    response = client.post(reverse("compose"), {"body": "", "action": "publish"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert "Write something" in html
    assert 'hx-preserve' in html  # chosen files survive the swap
    response = client.post(reverse("compose"), {"body": "Hello", "action": "publish"}, **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"]


def test_the_home_box_opens_the_composer():
    who = member()
    request = RequestFactory().get("/home/")
    request.user = who
    html = render_to_string("feed/composer.html", {"request": request})
    assert "Start a post" in html
    assert f'href="{reverse("compose")}"' in html
    assert 'data-composer-open' in html and "<dialog" in html
    request.user = type("Anon", (), {"is_authenticated": False})()
    assert render_to_string("feed/composer.html", {"request": request}).strip() == ""


# --- Mentions ---------------------------------------------------------------------------------


def test_mention_suggestions_offer_only_people_the_author_may_see(client):
    me = member(member__first_name="Alix", member__last_name="Martin")
    friend = member(member__first_name="Camille", member__last_name="Durand")
    stranger = member(member__first_name="Camille", member__last_name="Petit")
    blocked = member(member__first_name="Camille", member__last_name="Bloquée")
    blocker = member(member__first_name="Camille", member__last_name="Bloqueuse")
    connect(me, friend)
    block(me, blocked)
    block(blocker, me)
    for person in (me, friend, stranger, blocked, blocker):
        member_index(member_id=person.pk)
    client.force_login(me)
    response = client.get(reverse("mention_suggest"), {"q": "cami"})
    assert response.status_code == 200
    results = response.json()["results"]
    names = [r["name"] for r in results]
    assert names[0] == "Camille Durand"  # 1st degree first, as in the top bar's search
    assert "Camille Petit" in names
    assert not any("Bloqu" in n for n in names)
    assert results[0]["id"] == str(friend.public_id)
    assert client.get(reverse("mention_suggest"), {"q": ""}).json() == {"results": []}


def test_mention_suggestions_need_login(client):
    assert client.get(reverse("mention_suggest"), {"q": "a"}).status_code == 302


def test_a_mention_token_from_the_composer_becomes_a_link(client, author):
    friend = member(member__first_name="Camille", member__last_name="Durand")
    connect(author, friend)
    client.post(reverse("compose"), {"body": f"Thanks @[Camille Durand]({friend.public_id})!", "action": "publish"})
    post = Post.objects.get(author=author)
    assert "@Camille Durand" in post.body_html and "<a " in post.body_html


def test_a_mention_of_someone_blocked_is_refused(client, author):
    other = member(member__first_name="Sam", member__last_name="Blocked")
    block(other, author)
    before = rows()
    response = client.post(reverse("compose"), {"body": f"Hi @[Sam]({other.public_id})", "action": "publish"})
    assert response.status_code == 400
    assert "You cannot mention" in response.content.decode()
    assert rows() == before
