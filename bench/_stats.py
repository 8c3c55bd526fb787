"""Percentiles and the per-benchmark series the suite reports (`bench/suite.py`)."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

# `db;dur=12.34;desc="14 queries", app;dur=40.10` (maillage/core/server_timing.py)
SERVER_TIMING = re.compile(r'db;dur=([\d.]+);desc="(\d+) queries"(?:, app;dur=([\d.]+))?')


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def parse_server_timing(header: str | None) -> tuple[int, float, float | None] | None:
    """(queries, SQL ms, the server's own time for the request in ms) from a Server-Timing
    header, or None when the server does not send it."""
    if not header:
        return None
    match = SERVER_TIMING.search(header)
    if not match:
        return None
    return int(match[2]), float(match[1]), float(match[3]) if match[3] else None


@dataclass
class Series:
    """One benchmark's measurements in one state (cold or warm)."""

    name: str
    state: str  # "cold", "warm" or "" (no such distinction: message delivery)
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    # Time inside Django's middleware stack (Server-Timing "app"): the rest of the latency is
    # the server's ASGI layer, the loopback and the client.
    app_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    budget_ms: float | None = None
    budget_on: str = "p95"  # the statistic the budget applies to
    note: str = ""

    def add(self, elapsed_ms: float, timing: tuple | None = None) -> None:
        self.latencies.append(elapsed_ms)
        if timing is not None:
            self.queries.append(timing[0])
            self.sql_ms.append(timing[1])
            if len(timing) > 2 and timing[2] is not None:
                self.app_ms.append(timing[2])

    def summary(self) -> dict:
        row: dict = {
            "page": self.name,
            "state": self.state,
            "n": len(self.latencies),
            "errors": len(self.errors),
            "error_samples": self.errors[:5],
            "budget_ms": self.budget_ms,
            "budget_on": self.budget_on if self.budget_ms is not None else None,
            "note": self.note,
        }
        if self.latencies:
            row.update(
                median=statistics.median(self.latencies),
                p95=percentile(self.latencies, 0.95),
                p99=percentile(self.latencies, 0.99),
                max=max(self.latencies),
            )
        else:
            row.update(median=None, p95=None, p99=None, max=None)
        row["sql_queries_median"] = statistics.median(self.queries) if self.queries else None
        row["sql_queries_max"] = max(self.queries) if self.queries else None
        row["sql_ms_median"] = statistics.median(self.sql_ms) if self.sql_ms else None
        row["app_ms_median"] = statistics.median(self.app_ms) if self.app_ms else None
        row["app_ms_p95"] = percentile(self.app_ms, 0.95) if self.app_ms else None
        met = None
        if self.budget_ms is not None and self.latencies:
            met = row[self.budget_on] <= self.budget_ms
        row["met"] = met
        return row
