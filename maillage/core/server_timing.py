"""Opt-in `Server-Timing` header: SQL queries and time, and the whole request's time.

On only when `MAILLAGE_SERVER_TIMING` is true (env var, default off): the benchmark suite
(`bench/suite.py`) reads the header to report queries and SQL time per request through real
HTTP, and browsers' developer tools show it beside each request. Off in production by default
because it tells anyone how much work a page costs.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection


class _QueryTimer:
    """An `execute_wrapper` that counts the queries run and adds up their time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTimingMiddleware:
    """Put first in MIDDLEWARE, so the session, authentication and every later query count."""

    def __init__(self, get_response):
        # Listed but switched off (a settings override, a copied MIDDLEWARE): Django drops it.
        if not getattr(settings, "MAILLAGE_SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'db;dur={timer.seconds * 1000:.2f};desc="{timer.count} queries", app;dur={app_ms:.2f}'
        )
        return response
