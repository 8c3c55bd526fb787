"""The Redis cache keeps one connection pool per process (core/cache.py): requests served through
the ASGI application reuse its connections instead of opening one each. Runs when REDIS_URL is
set (CI's PostgreSQL + Redis pass)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.cache import cache

from config.asgi import application

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")


@pytest.fixture
def sockets_opened(monkeypatch):
    """The Redis connections that open a socket from now on (in this process)."""
    import redis.connection

    opened = []
    # What a connection's connect() calls when it has no socket yet.
    new_socket = redis.connection.Connection._connect

    def counting(self, *args, **kwargs):
        opened.append(self)
        return new_socket(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting)
    return opened


@pytest.mark.django_db(transaction=True)
def test_requests_through_asgi_reuse_the_process_redis_connections(sockets_opened):
    async def get(path: str) -> int:
        scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": path,
                 "raw_path": path.encode(), "query_string": b"", "root_path": "", "scheme": "http",
                 "headers": [(b"host", b"testserver")], "server": ("testserver", 80),
                 "client": ("127.0.0.1", 12345)}
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        await communicator.receive_output(10)  # the body
        await communicator.wait(10)
        return start["status"]

    def login_page() -> int:
        # The login page reads the cache (the instance's settings, the rate limits).
        return async_to_sync(get)("/accounts/login/")

    assert login_page() == 200
    sockets_opened.clear()
    statuses = [login_page() for _ in range(10)]
    assert statuses == [200] * 10
    # Ten requests, each with a cache object of its own (Django makes one per request under
    # ASGI): at most one connection more, where a pool per cache object opened ten.
    assert len(sockets_opened) <= 1, f"{len(sockets_opened)} Redis connections opened for 10 requests"


def test_the_cache_still_reads_and_writes():
    cache.set("shared-pool-check", {"a": 1}, 30)
    assert cache.get("shared-pool-check") == {"a": 1}
    assert cache.add("shared-pool-check", 2, 30) is False
    assert cache.add("shared-pool-check-count", 0, 30) is True
    assert cache.incr("shared-pool-check-count") == 1
    cache.delete_many(["shared-pool-check", "shared-pool-check-count"])
    assert cache.get("shared-pool-check") is None


@pytest.mark.django_db(transaction=True)
def test_tasks_enqueued_on_redis_reuse_the_process_connections(settings, sockets_opened):
    import django_rq

    from maillage.core.tasks import send_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    send_email.enqueue(subject="s", body="b", to=["x@example.org"])
    sockets_opened.clear()
    for n in range(5):
        send_email.enqueue(subject=f"s{n}", body="b", to=["x@example.org"])
    assert django_rq.get_queue("default").count == 6
    assert sockets_opened == [], f"{len(sockets_opened)} Redis connections opened for 5 tasks"
    queue.empty()
