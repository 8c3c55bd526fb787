"""Impressions: who was shown which post in their feed, for the author's reach numbers.

An impression is one viewer shown one post in their home feed on one day (`PostImpression`,
unique per post, viewer and day, in the site's time zone). The author's own posts and
anonymous visitors are never counted; a plain repost counts for the post it shows, a repost with
a comment for itself and for the post it quotes.

Why a buffer in the process, flushed as one task
------------------------------------------------
Rendering a feed page must not pay a write per post, nor even one write per page. The home feed
calls `record_shown()`, which only adds (post, viewer, day) keys to a set in this process's
memory, under a lock (the server may run threads). When the set holds `BATCH` keys, or its oldest
key is `MAX_AGE` seconds old at the next call, the whole batch leaves as ONE enqueued task
(`impressions_store_task`), after the request's transaction commits; at process exit what is
left is enqueued too when the queue is a real one (best effort). The worker then inserts the
batch with `bulk_create(ignore_conflicts=True)` — the unique constraint de-duplicates across
batches, processes and retries — and recounts `Post.impression_count` and `Post.viewer_count` from the rows, so running
the same task twice changes nothing.

The alternative, a buffer in the cache drained by the worker's ticker, only works when the cache
is shared by the web and worker processes (Redis); with the default per-process memory cache the
worker would never see what the web process buffered. The process buffer works with every
deployment and every task queue (database, Redis, in-process), at the cost of losing at most one
unflushed batch if a process is killed hard — acceptable for statistics. The numbers therefore
lag by up to `MAX_AGE` seconds plus the queue's delay.

Settings (read when used): `MAILLAGE_IMPRESSIONS_BATCH` (default 500 keys) and
`MAILLAGE_IMPRESSIONS_MAX_AGE` (default 30 seconds; 0 flushes on every call).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from maillage.core.tasks import enqueue_on_commit

from .models import Post, PostImpression, PostKind, PostStatus

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 500
DEFAULT_MAX_AGE = 30.0  # seconds

Key = tuple[int, int, str]  # post id, viewer id, ISO day


def batch_size() -> int:
    return int(getattr(settings, "MAILLAGE_IMPRESSIONS_BATCH", DEFAULT_BATCH))


def max_age() -> float:
    return float(getattr(settings, "MAILLAGE_IMPRESSIONS_MAX_AGE", DEFAULT_MAX_AGE))


class ImpressionBuffer:
    """A thread-safe set of impression keys waiting to be written, with the time the oldest
    arrived. `add` returns the batch to flush when one is due (and empties the buffer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: set[Key] = set()
        self._since: float | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)

    def add(self, keys: Iterable[Key], *, limit: int, age: float, now: float | None = None) -> list[Key] | None:
        now = time.monotonic() if now is None else now
        with self._lock:
            before = len(self._keys)
            self._keys.update(keys)
            if not self._keys:
                return None
            if before == 0:
                self._since = now
            if len(self._keys) >= limit or now - (self._since or now) >= age:
                return self._take()
        return None

    def take(self) -> list[Key]:
        with self._lock:
            return self._take()

    def _take(self) -> list[Key]:
        keys = sorted(self._keys)
        self._keys = set()
        self._since = None
        return keys


BUFFER = ImpressionBuffer()


def _viewer_id(viewer) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    if not getattr(viewer, "is_active", True):
        return None
    return viewer.pk


def impression_keys(viewer_id: int, posts: Iterable[Post], day: date) -> set[Key]:
    """The keys for the posts shown to `viewer_id` (without the viewer's own posts)."""
    iso = day.isoformat()
    keys: set[Key] = set()
    for post in posts:
        if post.status != PostStatus.PUBLISHED:
            continue
        if post.kind != PostKind.REPOST and post.author_id != viewer_id:
            keys.add((post.pk, viewer_id, iso))
        # The quoted or reposted original is shown too. Only read when the feed loaded it:
        # counting must never cost a query.
        if post.repost_of_id and Post.repost_of.is_cached(post):
            original = post.repost_of
            if original is not None and original.author_id != viewer_id and original.status == PostStatus.PUBLISHED:
                keys.add((original.pk, viewer_id, iso))
    return keys


def record_shown(viewer, posts: Iterable[Post]) -> None:
    """The home feed showed `posts` to `viewer`: buffer their impressions (no query, no write;
    at most one task enqueued when a batch is due). Never raises: counting must not break the
    feed."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return
    try:
        keys = impression_keys(viewer_id, posts, timezone.localdate())
        batch = BUFFER.add(keys, limit=batch_size(), age=max_age())
        if batch:
            enqueue_on_commit(impressions_store_task, rows=[list(key) for key in batch])
    except Exception:  # noqa: BLE001 — statistics are never worth a failed page
        logger.exception("Could not record impressions")


def flush_now() -> int:
    """Enqueue whatever is buffered now (process exit, tests, a management command)."""
    batch = BUFFER.take()
    if batch:
        impressions_store_task.enqueue(rows=[list(key) for key in batch])
    return len(batch)


def _flush_at_exit() -> None:
    try:
        from django_tasks.backends.immediate import ImmediateBackend

        if isinstance(impressions_store_task.get_backend(), ImmediateBackend):
            # An in-process backend would run the store during interpreter shutdown, when the
            # database connection and the log streams may already be gone (tests, a bare dev
            # server): only a real queue takes the leftovers.
            return
        flush_now()
    except Exception as exc:  # noqa: BLE001 — best effort: the process is going away
        logger.warning("Impressions not flushed at exit: %s", exc)


atexit.register(_flush_at_exit)


# --- The worker's side ---------------------------------------------------------------------------


def impressions_store(*, rows: Iterable[Iterable]) -> int:
    """Write a batch of impressions and recount the posts they touch. Idempotent: rows already
    there are ignored and the counters are recomputed from the rows, never incremented. Posts or
    viewers deleted since the page was shown are skipped. Returns the rows inserted or kept."""
    from maillage.accounts.models import User

    parsed: set[tuple[int, int, date]] = set()
    for post_id, viewer_id, day in rows:
        parsed.add((int(post_id), int(viewer_id), date.fromisoformat(str(day))))
    if not parsed:
        return 0
    post_ids = set(Post.objects.filter(pk__in={p for p, _v, _d in parsed}).values_list("pk", flat=True))
    viewer_ids = set(User.objects.filter(pk__in={v for _p, v, _d in parsed}).values_list("pk", flat=True))
    keep = [
        PostImpression(post_id=p, viewer_id=v, day=d)
        for p, v, d in sorted(parsed)
        if p in post_ids and v in viewer_ids
    ]
    with transaction.atomic():
        PostImpression.objects.bulk_create(keep, ignore_conflicts=True, batch_size=500)
        impressions_recount(post_ids={i.post_id for i in keep})
    return len(keep)


def impressions_recount(*, post_ids: Iterable[int]) -> None:
    """Set each post's impression and unique-viewer counts from its rows. The posts are locked
    first, so two batches counting the same post at once cannot leave the older count."""
    post_ids = sorted(set(post_ids))
    if not post_ids:
        return
    posts = list(Post.objects.select_for_update().filter(pk__in=post_ids).order_by("pk").only("pk"))
    counts = {
        row["post_id"]: row
        for row in PostImpression.objects.filter(post_id__in=post_ids)
        .values("post_id")
        .annotate(n=Count("pk"), viewers=Count("viewer_id", distinct=True))
    }
    for post in posts:
        row = counts.get(post.pk, {})
        post.impression_count = row.get("n", 0)
        post.viewer_count = row.get("viewers", 0)
    Post.objects.bulk_update(posts, ["impression_count", "viewer_count"], batch_size=500)


@task()
def impressions_store_task(rows: list[list]) -> int:
    """One buffered batch of impressions (see the module docstring)."""
    return impressions_store(rows=rows)
