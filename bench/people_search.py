"""Benchmark: people search and its autocomplete on the demo network.

Run with `.venv/bin/python bench/people_search.py [--requests N]`. It builds the demo network in a
throw-away data folder (SQLite unless DATABASE_URL says otherwise), rebuilds the search index, and
renders the search page and the top bar's suggestions through Django's full request stack (test
client, same middleware as production) as members drawn at random, with queries drawn from the
members' own names, headlines, organizations, cities and skills — whole words, prefixes and words
with one typo — and with filters. It prints median, p95 and p99 latency and queries per page, and
fails (exit 1) when a budget is missed.
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
    "search page, no query (baseline)": 100,
    "search (name)": 100,
    "search (typo)": 100,
    "search (word + filters)": 100,
    "search (filters only)": 100,
    "suggest (prefix)": 60,
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
    from maillage.profiles.models import Position, Profile
    from maillage.search.services import search_reindex_all
    from maillage.search.text import words

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    indexed = search_reindex_all()
    rng = random.Random(args.seed)
    members = list(User.objects.filter(is_active=True))
    names = [w for m in members for w in words(m.get_full_name()) if len(w) >= 4]
    cities = [c for c in Profile.objects.values_list("city", flat=True).distinct() if c]
    # A word of someone's headline with their organization and city: a search that finds them.
    filtered = [
        {"q": words(p.profile.headline)[0], "org": p.organization_name.split()[0], "location": c}
        for p in Position.objects.select_related("profile")
        if (c := p.profile.city) and words(p.profile.headline)
    ]

    def typo(word: str) -> str:
        i = rng.randrange(1, len(word))
        return word[:i] + word[i + 1 :]  # one letter missing

    queries = {
        "search page, no query (baseline)": lambda: {},
        "search (name)": lambda: {"q": rng.choice(names)},
        "search (typo)": lambda: {"q": typo(rng.choice(names))},
        "search (word + filters)": lambda: rng.choice(filtered),
        "search (filters only)": lambda: {
            "location": rng.choice(cities),
            "degree": rng.choice(["1", "2", "3"]),
        },
        "suggest (prefix)": lambda: {"q": rng.choice(names)[:3]},
    }

    def measure(name: str, clients) -> dict:
        path = "/search/suggest/" if name.startswith("suggest") else "/search/"
        timings, queries_done, results = [], [], []
        for _ in range(20):  # warm-up
            rng.choice(clients).get(path, queries[name](), HTTP_HOST="127.0.0.1")
        for _ in range(args.requests):
            client, params = rng.choice(clients), queries[name]()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path, params, HTTP_HOST="127.0.0.1")
                elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (path, params, response.status_code)
            timings.append(elapsed)
            queries_done.append(len(captured))
            results.append(response.content.count(b'class="person"') + response.content.count(
                b'class="suggest__option" role="option"'
            ))
        timings.sort()
        return {
            "page": name,
            "median": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "p99": timings[int(len(timings) * 0.99) - 1],
            "queries": max(queries_done),
            "results": statistics.mean(results),
        }

    clients = []
    for member in rng.sample(members, 20):
        client = Client()
        client.force_login(member)
        clients.append(client)

    results = [measure(name, clients) for name in queries]
    print(
        f"{len(members)} members ({indexed} indexed), {connection.vendor}, "
        f"{args.requests} requests per page, warm"
    )
    print("| page | median ms | p95 ms | p99 ms | queries | mean results shown | budget p95 |")
    print("|---|---|---|---|---|---|---|")
    missed = False
    for r in results:
        budget = BUDGET_P95_MS[r["page"]]
        missed |= r["p95"] > budget
        print(
            f"| {r['page']} | {r['median']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['queries']} | {r['results']:.1f} | {budget} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
