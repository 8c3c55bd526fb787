"""Browser test of the composer: "Start a post" opens the dialog; an @mention picked from the
suggestions, two images with descriptions and the character counter; the post is published and
shows its images; a poll is voted on in place; the drafts page lists a scheduled post. In English
and French, at desktop and phone widths, without sideways scrolling or script errors.

Set MAILLAGE_SHOTS_DIR to keep screenshots of each step.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from maillage.feed import polls, services
from maillage.feed.models import Post
from maillage.feed.tests.factories import connect, member
from maillage.search.services import member_index

from .test_account_journey import logged_in_context_cookie

SHOTS = os.environ.get("MAILLAGE_SHOTS_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def image_file(tmp_path, name: str, color) -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), color).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_compose_with_mention_and_images_vote_and_drafts(live_server, new_page, tmp_path):
    me = member(member__first_name="Alix", member__last_name="Martin")
    friend = member(member__first_name="Camille", member__last_name="Durand")
    connect(me, friend)
    for person in (me, friend):
        member_index(member_id=person.pk)
    poll_post = services.post_create(
        author=friend,
        data=services.PostInput(
            body="Quick survey for the team #mobility",
            poll=polls.PollInput(question="How do you get to work?", options=["Train", "Bike", "Car", "Remote"]),
        ),
    )
    services.post_create(
        author=me,
        data=services.PostInput(body="Our quarterly results are out", publish_at=timezone.now() + timedelta(days=2)),
    )
    services.post_create(author=me, data=services.PostInput(body="An idea for later", draft=True))
    red = image_file(tmp_path, "red.jpg", (190, 40, 50))
    green = image_file(tmp_path, "green.jpg", (20, 120, 90))
    cookie = logged_in_context_cookie(me, live_server.url)

    for locale, language in (("en-US", "en"), ("fr-FR", "fr")):
        me.language = language
        me.save(update_fields=["language"])
        for width in (1280, 375):
            tag = f"{language}-{width}"
            page = new_page(locale=locale, width=width, height=900)
            page.context.add_cookies([cookie])
            page.goto(f"{live_server.url}/home/")
            shot(page, f"home-composer-closed-{tag}")
            page.locator(".composer-box__start").click()
            dialog = page.locator("#composer-dialog")
            body = dialog.locator("textarea[data-composer-body]")
            body.wait_for()
            body.click()
            page.keyboard.type("Great meeting with @Cami")
            option = dialog.locator(".composer__mention").first
            option.wait_for()
            assert "Camille Durand" in option.inner_text()
            page.keyboard.press("Enter")
            page.keyboard.type("today!")
            assert body.input_value() == "Great meeting with @Camille Durand today!"
            counter = dialog.locator("[data-composer-counter]").inner_text()
            assert "/" in counter
            dialog.locator("[data-section='images'] > summary").click()
            dialog.locator("input[name='images']").set_input_files([red, green])
            dialog.locator("[data-alt-row='2'] [data-alt-thumb] img").wait_for()
            assert dialog.locator("[data-alt-row='3']").is_hidden()
            dialog.locator("input[name='alt_1']").fill("A red wall")
            dialog.locator("input[name='alt_2']").fill("A green garden")
            assert no_sideways_scroll(page)
            shot(page, f"composer-open-images-{tag}")
            dialog.locator("[data-section='images'] > summary").click()
            dialog.locator("[data-section='poll'] > summary").click()
            dialog.locator("input[name='poll_question']").fill("Which city next?")
            dialog.locator("input[name='poll_option_1']").fill("Lyon")
            dialog.locator("input[name='poll_option_2']").fill("Nantes")
            dialog.locator("[data-add-option]").click()
            assert dialog.locator("input[name='poll_option_3']").is_visible()
            shot(page, f"composer-open-poll-{tag}")
            # Images and a poll together: the server says so next to the field, files are kept.
            dialog.locator("[data-publish-button]").click()
            dialog.locator("[data-composer-errors]").wait_for()
            assert dialog.locator("input[name='images']").evaluate("el => el.files.length") == 2
            shot(page, f"composer-error-{tag}")
            for n in (1, 2):
                dialog.locator(f"input[name='poll_option_{n}']").fill("")
            dialog.locator("input[name='poll_question']").fill("")
            before = Post.objects.filter(author=me).count()
            with page.expect_navigation():
                dialog.locator("[data-publish-button]").click()
            page.wait_for_load_state("networkidle")
            assert Post.objects.filter(author=me).count() == before + 1
            post = Post.objects.filter(author=me, status="published").latest("pk")
            assert post.body == f"Great meeting with @[Camille Durand]({friend.public_id}) today!"
            assert [i.alt_text for i in post.images.all()] == ["A red wall", "A green garden"]

            page.goto(f"{live_server.url}/posts/{post.public_id}/")
            page.locator(".post-images img").first.wait_for()
            assert page.locator(".post-images img[alt='A red wall']").count() == 1
            shot(page, f"post-with-images-{tag}")

            page.goto(f"{live_server.url}/posts/{poll_post.public_id}/")
            poll = page.locator(f"#poll-{poll_post.public_id}")
            poll.wait_for()
            shot(page, f"post-with-poll-{tag}")
            if not poll.locator(".poll__results").count():
                poll.locator(".poll__option").nth(1).click()
                page.locator(f"#poll-{poll_post.public_id} .poll__results").wait_for()
                shot(page, f"post-with-poll-voted-{tag}")
            assert page.locator(f"#poll-{poll_post.public_id} .poll__result--mine").count() == 1

            page.goto(f"{live_server.url}/posts/drafts/")
            assert page.locator(".draft").count() == 2
            assert no_sideways_scroll(page)
            shot(page, f"drafts-{tag}")

            page.goto(f"{live_server.url}/posts/new/?with=poll")
            assert no_sideways_scroll(page)
            shot(page, f"compose-page-{tag}")
            assert page.js_errors == []
            page.context.close()
