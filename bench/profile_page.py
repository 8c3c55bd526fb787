"""Benchmark: profile pages and the network directory on the demo network.

Run with `.venv/bin/python bench/profile_page.py [--requests N]`. It builds the demo network in a
throw-away data folder (SQLite) and renders pages through Django's full request stack (test
client, same middleware as production), as a logged-in member drawn at random and as a visitor.
It prints median, p95 and p99 latency and queries per page, and fails (exit 1) when a budget is
missed. The budgets are those of the performance issue, on this 2-core machine; the full
HTTP benchmark against generated PostgreSQL data comes with it.
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

BUDGET_P95_MS = {"profile (member)": 60, "profile (visitor)": 60, "members directory": 100}


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
    from maillage.profiles.models import Profile

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    rng = random.Random(args.seed)
    addresses = list(Profile.objects.values_list("address", flat=True))
    members = list(User.objects.filter(is_active=True))

    def measure(name: str, client_for, path_for) -> dict:
        timings, queries = [], []
        for _ in range(20):  # warm-up
            client_for().get(path_for(), HTTP_HOST="127.0.0.1")
        for _ in range(args.requests):
            client, path = client_for(), path_for()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (path, response.status_code)
            timings.append(elapsed)
            queries.append(len(captured))
        timings.sort()
        return {
            "page": name,
            "median": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "p99": timings[int(len(timings) * 0.99) - 1],
            "queries": max(queries),
        }

    member_clients = []
    for member in rng.sample(members, 20):
        client = Client()
        client.force_login(member)
        member_clients.append(client)
    visitor = Client()

    results = [
        measure(
            "profile (member)",
            lambda: rng.choice(member_clients),
            lambda: f"/in/{rng.choice(addresses)}/",
        ),
        measure("profile (visitor)", lambda: visitor, lambda: f"/in/{rng.choice(addresses)}/"),
        measure("members directory", lambda: rng.choice(member_clients), lambda: "/members/"),
    ]
    print(f"{len(members)} members, SQLite, {args.requests} requests per page, warm")
    print("| page | median ms | p95 ms | p99 ms | queries | budget p95 |")
    print("|---|---|---|---|---|---|")
    missed = False
    for r in results:
        budget = BUDGET_P95_MS[r["page"]]
        missed |= r["p95"] > budget
        print(
            f"| {r['page']} | {r['median']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['queries']} | {budget} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
