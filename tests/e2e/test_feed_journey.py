"""The feed's whole chain in two real browsers (issue 5, "Tests and evidence").

Member A publishes, through the composer, a post with an image and its description, then a post
with a poll (the composer takes images or a poll, not both in one post). Member B, A's
connection, has the home feed open in a second browser: each post arrives over B's WebSocket as
the "N new posts" pill, and clicking the pill shows it. B votes on the poll, comments on the
image post and reacts to it. A's open page hears the notifications over A's own socket, the top
bar's badge counts them, the notifications page names B, and the image post's analytics page
moves from zero to B's impression, viewer, reaction and comment.

Unlike tests/e2e/test_home_feed.py, nothing here fires a DOM event by hand: the pages talk to a
real ASGI server (uvicorn, in a thread of this process, serving `config.asgi.application` with
the test settings), so HTTP and the WebSocket go through the same code as in production, the
in-memory channel layer and the impressions buffer are the ones this test can see, and tasks
run at once (the test settings' immediate backend). Impressions are buffered in the process
(`maillage/feed/impressions.py`); the test checks they are NOT written while browsing, then
flushes the buffer the way the other impression tests do (`flush_now()`).
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time

import pytest
from django.db import connections
from PIL import Image

from maillage.feed import impressions, services
from maillage.feed.models import Comment, Post, PostImpression, Reaction
from maillage.network.tests.factories import connect, member
from maillage.notifications.models import Notification

from .test_account_journey import logged_in_context_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Events app.js re-dispatches from the socket, recorded for the test before any page script runs.
RECORD_EVENTS_JS = """
window.__events = [];
["socket-open", "feed.new_post", "notification"].forEach(function (type) {
  document.addEventListener("maillage:" + type, function (event) {
    window.__events.push({type: type, detail: event.detail || null});
  });
});
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db):
    """uvicorn serving the real ASGI application (HTTP + WebSocket) on a free port."""
    import uvicorn

    from config.asgi import application

    # The server's threads close their database connection after each request (as with
    # CONN_MAX_AGE=0), so none is left open when the test database is dropped (PostgreSQL).
    database = connections["default"].settings_dict
    kept_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    database["CONN_MAX_AGE"] = kept_age


def image_file(tmp_path, name: str, color) -> str:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), color).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def events(page, kind: str) -> list:
    return page.evaluate("type => window.__events.filter(e => e.type === type)", kind)


def wait_for_socket(page) -> None:
    page.wait_for_function("() => window.__events.some(e => e.type === 'socket-open')")


def open_composer(page):
    page.locator(".composer-box__start").click()
    dialog = page.locator("#composer-dialog")
    dialog.locator("textarea[data-composer-body]").wait_for()
    return dialog


def publish(page, dialog) -> None:
    with page.expect_navigation():
        dialog.locator("[data-publish-button]").click()
    page.wait_for_load_state("networkidle")


def stats(page) -> dict[str, int]:
    """The analytics page's numbers, by label ("Impressions": 1, ...)."""
    numbers = {}
    for item in page.locator(".stat").all():
        label = item.locator(".stat__label").inner_text().strip()
        numbers[label] = int(re.sub(r"\D", "", item.locator(".stat__value").inner_text()) or 0)
    return numbers


def see_pill_then_post(page, count_text: str, text: str):
    """B's open feed: the pill appears by itself (socket), and a click shows the new post first."""
    pill = page.locator("[data-feed-pill]")
    pill.wait_for(timeout=10_000)
    assert count_text in pill.inner_text()
    pill.click()
    page.wait_for_function("() => !document.querySelector('[data-feed-pill]')")
    first = page.locator("#feed-list article.post").first
    assert text in first.inner_text()
    return first


def off_the_loop(function):
    """Run `function` in a thread of its own: Playwright's sync API keeps an event loop in the
    test's thread, where the services' realtime pushes (async_to_sync) cannot run."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=function()))
    thread.start()
    thread.join()
    return result["value"]


def build(base: str):
    alix = member(member__first_name="Alix", member__last_name="Martin", member__language="en")
    basile = member(member__first_name="Basile", member__last_name="Renaud", member__language="en")
    connect(alix, basile)
    # B's feed is not empty when it opens (an empty feed has no list for the pill to fill).
    services.post_create(
        author=alix, data=services.PostInput(body="Hello network, first post here.")
    )
    cookies = [logged_in_context_cookie(who, base) for who in (alix, basile)]
    connections.close_all()
    return alix, basile, cookies


def test_publish_see_live_engage_and_reach(asgi_server, new_page, tmp_path, settings):
    # Impressions stay in the buffer while the browsers work, whatever the machine's speed.
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600
    impressions.BUFFER.take()
    base = asgi_server
    alix, basile, cookies = off_the_loop(lambda: build(base))
    photo = image_file(tmp_path, "harbour.jpg", (30, 90, 160))

    page_a = new_page(locale="en-GB")
    page_b = new_page(locale="en-GB")
    for page, cookie in ((page_a, cookies[0]), (page_b, cookies[1])):
        page.context.add_init_script(RECORD_EVENTS_JS)
        page.context.add_cookies([cookie])

    page_b.goto(base + "/home/")
    wait_for_socket(page_b)
    assert "Hello network" in page_b.locator("#feed-list").inner_text()
    assert page_b.locator("[data-feed-pill]").count() == 0

    # A: a post with an image and its description.
    page_a.goto(base + "/home/")
    dialog = open_composer(page_a)
    dialog.locator("textarea[data-composer-body]").fill("Our new office by the harbour #Nantes")
    dialog.locator("[data-section='images'] > summary").click()
    dialog.locator("input[name='images']").set_input_files([photo])
    dialog.locator("[data-alt-row='1'] [data-alt-thumb] img").wait_for()
    dialog.locator("input[name='alt_1']").fill("A blue harbour at dawn")
    publish(page_a, dialog)
    image_post = Post.objects.get(author=alix, body__startswith="Our new office")
    assert [i.alt_text for i in image_post.images.all()] == ["A blue harbour at dawn"]

    # B: the pill (over the socket), then the post with its image and description.
    card = see_pill_then_post(page_b, "1 new post", "Our new office by the harbour")
    assert [e["detail"] for e in events(page_b, "feed.new_post")] == [
        {"post": str(image_post.public_id)}
    ]
    assert card.locator("img[alt='A blue harbour at dawn']").count() == 1

    # A: a post with a poll.
    page_a.goto(base + "/home/")
    wait_for_socket(page_a)
    dialog = open_composer(page_a)
    dialog.locator("textarea[data-composer-body]").fill("Where should the next meetup be?")
    dialog.locator("[data-section='poll'] > summary").click()
    dialog.locator("input[name='poll_question']").fill("Which city?")
    dialog.locator("input[name='poll_option_1']").fill("Lyon")
    dialog.locator("input[name='poll_option_2']").fill("Nantes")
    publish(page_a, dialog)
    poll_post = Post.objects.get(author=alix, body__startswith="Where should")
    assert poll_post.poll.options.count() == 2

    # B: the pill again, then votes in the feed.
    card = see_pill_then_post(page_b, "1 new post", "Where should the next meetup be?")
    poll = page_b.locator(f"#poll-{poll_post.public_id}")
    assert poll.locator(".poll__results").count() == 0  # results only after voting
    poll.locator(".poll__option", has_text="Nantes").click()
    page_b.locator(f"#poll-{poll_post.public_id} .poll__result--mine").wait_for()
    assert (
        "Nantes" in page_b.locator(f"#poll-{poll_post.public_id} .poll__result--mine").inner_text()
    )

    # A's analytics before B engages: B has been shown the post, but nothing is written yet.
    analytics_url = f"{base}/posts/{image_post.public_id}/analytics/"
    page_a.goto(analytics_url)
    wait_for_socket(page_a)
    before = stats(page_a)
    assert before["Impressions"] == 0 and before["Unique viewers"] == 0
    assert before["Reactions"] == 0 and before["Comments"] == 0
    assert PostImpression.objects.filter(post=image_post).count() == 0
    assert len(impressions.BUFFER) > 0

    # B reacts to the image post from the feed, then comments on its page.
    page_b.goto(base + "/home/")
    image_card = page_b.locator(f"#post-{image_post.public_id}")
    image_card.locator(".post__react form button[name='kind']").first.click()
    page_b.wait_for_function(
        "id => document.querySelector(`#post-actions-${id} .post__react button[aria-pressed='true']`)",
        arg=str(image_post.public_id),
    )
    assert Reaction.objects.filter(post=image_post, member=basile).count() == 1
    page_b.goto(f"{base}/posts/{image_post.public_id}/")
    box = page_b.get_by_role("textbox", name="Add a comment")
    box.fill("Congratulations, it looks great!")
    with page_b.expect_navigation():
        page_b.get_by_role("button", name="Comment", exact=True).last.click()
    page_b.wait_for_load_state("networkidle")
    assert "Congratulations, it looks great!" in page_b.locator("#comments").inner_text()
    assert Comment.objects.filter(post=image_post, author=basile).count() == 1

    # A's open page heard both notifications over A's socket.
    page_a.wait_for_function(
        "() => window.__events.filter(e => e.type === 'notification').length >= 2"
    )
    kinds = sorted(e["detail"]["kind"] for e in events(page_a, "notification"))
    assert kinds == sorted(
        Notification.objects.filter(recipient=alix).values_list("kind", flat=True)
    ), kinds
    assert len(kinds) == 2

    # The badge counts them; the notifications page names B and what B did.
    page_a.goto(base + "/home/")
    bell = page_a.get_by_role("link", name="Notifications (2 unread)")
    assert bell.locator(".nav-badge").inner_text().strip() == "2"
    page_a.goto(base + "/notifications/")
    texts = " | ".join(page_a.locator(".notif__link").all_inner_texts())
    assert "Basile Renaud commented on your post." in texts, texts
    assert "Basile Renaud reacted to your post." in texts, texts

    # Reach: the buffered impressions are flushed (as a worker would), and the numbers move.
    assert impressions.flush_now() > 0
    page_a.goto(analytics_url)
    after = stats(page_a)
    assert after["Impressions"] == 1, after
    assert after["Unique viewers"] == 1, after
    assert after["Followers reached"] == 1, after
    assert after["Reactions"] == 1, after
    assert after["Comments"] == 1, after
    assert "100%" in page_a.locator(".analytics-reached").first.inner_text()

    for page in (page_a, page_b):
        assert page.js_errors == []
