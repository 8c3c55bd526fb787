"""Benchmark: the network pages and the degree sets on the demo network.

Run with `.venv/bin/python bench/network_page.py [--requests N]`. Like `profile_page.py`, it
builds the demo network in a throw-away data folder (SQLite) and renders pages through Django's
full request stack (test client, same middleware as production), as demo members drawn at
random, warm. It measures:

* `/network/` (my network) and `/network/connections/` (my connections, first page);
* the profile of someone at the 2nd degree of the viewer (degree badge, mutual connections);
* `degrees.degrees_for` for a page of 20 people, warm (cached sets), without HTTP.

A page that answers 404 (not built yet) is reported as such, not measured. Exits 1 when a
budget is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BUDGET_P95_MS = {
    "my network": 100,
    "my connections": 100,
    "2nd-degree profile": 60,
    "degrees_for (20 people)": 5,
}


def summary(name: str, timings: list[float], queries: list[int] | None) -> dict:
    timings = sorted(timings)
    return {
        "page": name,
        "median": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "p99": timings[max(0, int(len(timings) * 0.99) - 1)],
        "queries": max(queries) if queries else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.accounts.models import User
    from maillage.network import degrees
    from maillage.profiles.models import Profile

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", verbosity=0)
    demo_seconds = time.perf_counter() - started
    rng = random.Random(args.seed)
    members = list(User.objects.filter(is_active=True))
    ids = [m.pk for m in members]
    address_of = dict(Profile.objects.values_list("member_id", "address"))

    viewers = rng.sample(members, 20)
    clients = {}
    second_of = {}
    for viewer in viewers:
        client = Client()
        client.force_login(viewer)
        clients[viewer.pk] = client
        second_of[viewer.pk] = sorted(degrees.second_degree_ids(viewer.pk) & set(address_of))

    def measure(name: str, path_for) -> dict | str:
        viewer = viewers[0]
        first = clients[viewer.pk].get(path_for(viewer), HTTP_HOST="127.0.0.1")
        if first.status_code == 404:
            return f"{name}: 404 (not built yet)"
        if first.status_code != 200:
            return f"{name}: HTTP {first.status_code}"
        for _ in range(20):  # warm-up
            v = rng.choice(viewers)
            clients[v.pk].get(path_for(v), HTTP_HOST="127.0.0.1")
        timings, queries = [], []
        for _ in range(args.requests):
            v = rng.choice(viewers)
            client, path = clients[v.pk], path_for(v)
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (path, response.status_code)
            timings.append(elapsed)
            queries.append(len(captured))
        return summary(name, timings, queries)

    def second_degree_profile(viewer) -> str:
        pool = second_of[viewer.pk] or [m for m in ids if m != viewer.pk]
        return f"/in/{address_of[rng.choice(pool)]}/"

    results = [
        measure("my network", lambda v: "/network/"),
        measure("my connections", lambda v: "/network/connections/"),
        measure("2nd-degree profile", second_degree_profile),
    ]

    # degrees_for on a page of 20 people, warm: the viewer's sets are cached.
    pages = [(v.pk, rng.sample(ids, 20)) for v in viewers]
    for viewer_id, page in pages:
        degrees.degrees_for(viewer_id, page)
    timings, queries = [], []
    for _ in range(args.requests * 5):
        viewer_id, page = rng.choice(pages)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            degrees.degrees_for(viewer_id, page)
            timings.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    results.append(summary("degrees_for (20 people)", timings, queries))

    connections = sum(len(degrees.first_degree_ids(m)) for m in ids) / len(ids)
    print(
        f"{len(members)} members, {connections:.0f} connections each on average, SQLite, "
        f"{args.requests} requests per page, warm; `maillage demo` took {demo_seconds:.1f} s"
    )
    print("| page | median ms | p95 ms | p99 ms | queries | budget p95 |")
    print("|---|---|---|---|---|---|")
    missed = False
    for r in results:
        if isinstance(r, str):
            print(f"| {r} | | | | | |")
            continue
        budget = BUDGET_P95_MS[r["page"]]
        missed |= r["p95"] > budget
        print(
            f"| {r['page']} | {r['median']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | "
            f"{r['queries']} | {budget} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
