"""SQLite gets table statistics from the worker's hourly `PRAGMA optimize` (PostgreSQL's
autovacuum keeps its own)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from maillage.core.management.commands.worker import periodic_tasks
from maillage.core.tasks import database_optimize

pytestmark = pytest.mark.django_db


def test_the_worker_runs_it_every_tick():
    assert database_optimize in periodic_tasks()


def test_statistics_on_sqlite_once_an_hour_and_left_to_autovacuum_on_postgresql():
    from maillage.network.tests.factories import member

    for _ in range(3):
        member()
    cache.delete("maillage:database-optimize")
    if connection.vendor != "sqlite":
        assert database_optimize.call() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert database_optimize.call() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1")
        assert cursor.fetchone()[0] > 0
    assert database_optimize.call() is False  # not again within the hour
