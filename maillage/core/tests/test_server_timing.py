"""The opt-in Server-Timing header: SQL queries and time per request, for bench/suite.py."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from maillage.accounts.tests.factories import UserFactory

SERVER_TIMING = "maillage.core.server_timing.ServerTimingMiddleware"
HEADER = re.compile(r'^db;dur=(\d+\.\d+);desc="(\d+) queries", app;dur=(\d+\.\d+)$')


def timing_on():
    return override_settings(
        MAILLAGE_SERVER_TIMING=True, MIDDLEWARE=[SERVER_TIMING, *settings.MIDDLEWARE]
    )


def parsed(response) -> tuple[float, int, float]:
    match = HEADER.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return float(match[1]), int(match[2]), float(match[3])


def test_off_by_default_no_header(client):
    assert SERVER_TIMING not in settings.MIDDLEWARE
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Server-Timing" not in response


@override_settings(MAILLAGE_SERVER_TIMING=False)
def test_listed_but_switched_off_no_header(client):
    with override_settings(MIDDLEWARE=[SERVER_TIMING, *settings.MIDDLEWARE]):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert "Server-Timing" not in response


def test_on_a_view_without_queries_counts_zero(client):
    with timing_on():
        response = client.get("/healthz")
    db_ms, queries, app_ms = parsed(response)
    assert queries == 0
    assert db_ms == 0.0
    assert app_ms >= 0.0


@pytest.mark.django_db
def test_on_readiness_counts_its_one_query(client):
    # /readyz checks the database with exactly one `SELECT 1` (and the cache and queue, which
    # are not SQL unless the task queue is the database).
    with timing_on(), CaptureQueriesContext(connection) as captured:
        response = client.get("/readyz")
    _db_ms, queries, _app_ms = parsed(response)
    assert queries == len(captured) >= 1


@pytest.mark.django_db
def test_on_a_logged_in_page_counts_every_query(client):
    member = UserFactory()
    client.force_login(member)
    with timing_on(), CaptureQueriesContext(connection) as captured:
        response = client.get("/network/")
    assert response.status_code == 200
    db_ms, queries, app_ms = parsed(response)
    # Session, member, and the page's own queries: the same ones Django's test capture sees.
    assert queries == len(captured) > 3
    assert 0.0 < db_ms <= app_ms


@pytest.mark.django_db
def test_the_benchmark_suite_reads_what_the_header_says(client):
    import sys

    sys.path.insert(0, str(settings.BASE_DIR / "bench"))
    from _stats import Series, parse_server_timing

    client.force_login(UserFactory())
    with timing_on():
        response = client.get("/network/")
    db_ms, queries, app_ms = parsed(response)
    assert parse_server_timing(response["Server-Timing"]) == (queries, db_ms, app_ms)
    series = Series("network", "warm")
    series.add(120.0, parse_server_timing(response["Server-Timing"]))
    summary = series.summary()
    assert summary["app_ms_median"] == summary["app_ms_p95"] == app_ms
    assert summary["sql_ms_median"] == db_ms
