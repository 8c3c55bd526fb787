"""Impressions: counted for posts shown in someone else's feed, de-duplicated per viewer, post and
day, buffered so a feed render writes nothing, flushed as one task per batch, stored
idempotently with the post's counters recomputed from the rows."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.core.audience import Audience
from maillage.feed import impressions, services
from maillage.feed.impressions import ImpressionBuffer, impressions_store, record_shown
from maillage.feed.models import Post, PostImpression
from maillage.feed.services import PostInput
from maillage.network.tests.factories import connect, member

pytestmark = pytest.mark.django_db

WRITES = re.compile(r'^\s*(INSERT INTO|UPDATE)\s+"?(feed_postimpression|feed_post)"?\s', re.IGNORECASE)


@pytest.fixture(autouse=True)
def empty_buffer():
    impressions.BUFFER.take()
    yield
    impressions.BUFFER.take()


@pytest.fixture
def small_batches(settings):
    settings.MAILLAGE_IMPRESSIONS_BATCH = 3
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600


def publish(author, body="Hello", audience=Audience.PUBLIC) -> Post:
    return services.post_create(author=author, data=PostInput(body=body, audience=audience))


def today() -> str:
    return timezone.localdate().isoformat()


def counters(post) -> tuple[int, int]:
    post.refresh_from_db()
    return post.impression_count, post.viewer_count


# --- What counts ------------------------------------------------------------------------------------


def test_only_other_peoples_published_posts_for_a_logged_in_member(settings):
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600
    author, viewer = member(), member()
    post, own = publish(author), publish(viewer)
    draft = services.post_create(author=author, data=PostInput(body="Later", draft=True))
    record_shown(AnonymousUser(), [post])
    record_shown(None, [post])
    assert len(impressions.BUFFER) == 0
    record_shown(viewer, [post, own, draft])
    assert impressions.BUFFER.take() == [(post.pk, viewer.pk, today())]
    viewer.is_active = False
    record_shown(viewer, [post])
    assert len(impressions.BUFFER) == 0


def test_a_repost_counts_for_what_it_shows(settings):
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600
    author, reposter, viewer = member(), member(), member()
    original = publish(author)
    plain = services.repost_create(member=reposter, original=original)
    quote = services.repost_create(member=reposter, original=original, body="Read this")
    shown = list(Post.objects.filter(pk__in=[plain.pk, quote.pk]).select_related("repost_of"))
    record_shown(viewer, shown)
    assert impressions.BUFFER.take() == sorted(
        [(original.pk, viewer.pk, today()), (quote.pk, viewer.pk, today())]
    )
    # Seen by the original's author, a repost of their post counts for the repost only.
    record_shown(author, shown)
    assert impressions.BUFFER.take() == [(quote.pk, author.pk, today())]
    # A repost whose original was not loaded costs no query to count: only itself is counted.
    bare = list(Post.objects.filter(pk=quote.pk))
    with CaptureQueriesContext(connection) as queries:
        record_shown(viewer, bare)
    assert len(queries) == 0
    assert impressions.BUFFER.take() == [(quote.pk, viewer.pk, today())]


def test_de_duplicated_per_viewer_post_and_day(small_batches):
    author, viewer, other = member(), member(), member()
    post = publish(author)
    for _ in range(5):
        record_shown(viewer, [post])
    assert len(impressions.BUFFER) == 1
    record_shown(other, [post])
    impressions.flush_now()
    assert PostImpression.objects.count() == 2
    # The same again in another batch: the unique constraint keeps one row each.
    record_shown(viewer, [post])
    impressions.flush_now()
    assert PostImpression.objects.count() == 2
    assert counters(post) == (2, 2)
    # Another day counts again, for the same unique viewer.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    impressions_store(rows=[[post.pk, viewer.pk, tomorrow]])
    assert counters(post) == (3, 2)


# --- Buffered: the request writes nothing -----------------------------------------------------


def test_a_feed_render_writes_no_impression_nor_post(settings):
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600
    author, viewer = member(), member()
    connect(author, viewer)
    posts = [publish(author, f"Post {i}") for i in range(4)]
    client = Client()
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if WRITES.match(q["sql"])]
    assert writes == []
    assert not PostImpression.objects.exists()
    buffered = impressions.BUFFER.take()
    assert {key[0] for key in buffered} == {p.pk for p in posts}
    assert {key[1] for key in buffered} == {viewer.pk}


def test_a_full_batch_leaves_as_one_task_after_commit(small_batches, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    author, viewer = member(), member()
    posts = [publish(author, f"Post {i}") for i in range(4)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_shown(viewer, posts[:2])
    assert callbacks == [] and len(impressions.BUFFER) == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_shown(viewer, posts[2:])
    assert len(callbacks) == 1 and len(impressions.BUFFER) == 0
    [queued] = DBTaskResult.objects.filter(task_path__endswith="impressions_store_task")
    assert sorted(row[0] for row in queued.args_kwargs["kwargs"]["rows"]) == sorted(p.pk for p in posts)
    assert not PostImpression.objects.exists()  # the worker writes them, not the request


def test_an_old_buffer_is_flushed_at_the_next_call(settings, django_capture_on_commit_callbacks):
    settings.MAILLAGE_IMPRESSIONS_BATCH = 1000
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 0
    author, viewer = member(), member()
    post = publish(author)
    with django_capture_on_commit_callbacks(execute=True):
        record_shown(viewer, [post])  # the immediate task backend runs the store at once
    assert counters(post) == (1, 1)


def test_the_buffer_flushes_by_size_and_by_age():
    buffer = ImpressionBuffer()
    assert buffer.add([(1, 1, "2026-11-01")], limit=3, age=30, now=100.0) is None
    assert buffer.add([(1, 1, "2026-11-01"), (2, 1, "2026-11-01")], limit=3, age=30, now=101.0) is None
    assert buffer.add([(3, 1, "2026-11-01")], limit=3, age=30, now=102.0) == [
        (1, 1, "2026-11-01"), (2, 1, "2026-11-01"), (3, 1, "2026-11-01"),
    ]
    assert buffer.add([(4, 1, "2026-11-01")], limit=3, age=30, now=200.0) is None
    assert buffer.add([], limit=3, age=30, now=229.0) is None
    assert buffer.add([], limit=3, age=30, now=230.5) == [(4, 1, "2026-11-01")]
    assert buffer.add([], limit=3, age=30, now=500.0) is None  # nothing to send


def test_the_buffer_is_thread_safe():
    buffer = ImpressionBuffer()
    flushed: list[list] = []
    lock = threading.Lock()

    def work(viewer):
        for post in range(500):
            batch = buffer.add([(post, viewer, "2026-11-01")], limit=97, age=3600)
            if batch:
                with lock:
                    flushed.append(batch)

    threads = [threading.Thread(target=work, args=(v,)) for v in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flushed.append(buffer.take())
    keys = [key for batch in flushed for key in batch]
    assert len(keys) == len(set(keys)) == 8 * 500


# --- The worker's side ------------------------------------------------------------------------


def test_storing_twice_changes_nothing():
    author, a, b = member(), member(), member()
    post, other = publish(author), publish(author)
    rows = [[post.pk, a.pk, "2026-11-20"], [post.pk, b.pk, "2026-11-20"], [post.pk, a.pk, "2026-11-21"],
            [other.pk, a.pk, "2026-11-21"]]
    impressions_store(rows=rows)
    impressions_store(rows=rows)
    assert counters(post) == (3, 2)
    assert counters(other) == (1, 1)
    assert PostImpression.objects.filter(post=post, day=date(2026, 11, 21)).count() == 1


def test_rows_for_deleted_posts_or_members_are_skipped():
    author, viewer, gone = member(), member(), member()
    post, deleted = publish(author), publish(author)
    deleted_id, gone_id = deleted.pk, gone.pk
    services.post_delete(post=deleted, member=author)
    gone.delete()
    assert impressions_store(rows=[[post.pk, viewer.pk, today()], [deleted_id, viewer.pk, today()],
                                   [post.pk, gone_id, today()]]) == 1
    assert counters(post) == (1, 1)


def test_a_failure_to_buffer_never_breaks_the_feed(monkeypatch, settings):
    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 0
    def broken(*args, **kwargs):
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(impressions, "enqueue_on_commit", broken)
    author, viewer = member(), member()
    record_shown(viewer, [publish(author)])  # logs, does not raise
    assert not PostImpression.objects.exists()


def test_leftovers_go_to_a_real_queue_at_exit(settings):
    from django_tasks_db.models import DBTaskResult

    settings.MAILLAGE_IMPRESSIONS_MAX_AGE = 3600
    author, viewer = member(), member()
    record_shown(viewer, [publish(author)])
    impressions._flush_at_exit()  # the immediate backend of the tests: kept, not run at shutdown
    assert len(impressions.BUFFER) == 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    impressions._flush_at_exit()
    assert len(impressions.BUFFER) == 0
    assert DBTaskResult.objects.filter(task_path__endswith="impressions_store_task").count() == 1
