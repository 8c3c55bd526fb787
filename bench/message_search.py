"""Benchmark: "search your messages" (`maillage.messaging.search.messages_search`) on a large
generated message base.

Run with `.venv/bin/python bench/message_search.py [--messages 100000] [--requests 200]`.
SQLite in a throw-away data folder, or PostgreSQL with DATABASE_URL pointing at a new, empty
database (the benchmark refuses one that already holds messages).

It writes (in bulk, `messaging_data.py`) 1,000 members and 2,000 conversations (four in five
one-to-one, the rest groups of 3 to 12) holding 100,000 messages, spread unevenly (a few long
conversations, many short ones), 1 % of them deleted. The searching member takes part in 200 of
those conversations, and, as in life, some of them are awkward: 4 groups they left half-way
(only what was said before they left may be found), a message request they declined, 3 waiting
for their answer, and 2 members they blocked (one-to-one conversation gone, their messages in
shared groups hidden). Bodies are short French and English sentences with a Zipf-like word
frequency; about one message in 60 holds one rare word (a tool, a place, a trade).

Then, as the searching member, for each kind of query, `--requests` searches drawn at random
(after 20 warm-up searches), timed and with their SQL queries counted:

* one rare word ("grafana"); one common word ("réunion", or "reunion": accents folded);
* two common words; a rare and a common word;
* a four-letter prefix of a common word ("recr" for "recrutement").

first `messages_search()` itself (the first page of 20 results, as the search page asks), then
the search page `/messaging/search/?q=` through Django's full request stack (test client, same
middleware as production). Prints median, p95 and p99, queries, and how many messages the
member may find for such a query; exits 1 when a p95 misses its budget.

Measured 2026-12-07 on this 2-core machine (figures in bench/README.md, "Message search").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import timedelta
from pathlib import Path

BUDGET_P95_MS = {"function": 50, "page": 100}
KINDS = (
    "1 word, rare",
    "1 word, common",
    "2 words, common + common",
    "2 words, rare + common",
    "prefix (4 letters)",
)


def unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def build(args, rng: random.Random):
    """Members, conversations, participants, blocks and messages; returns the searcher."""
    import messaging_data as data
    from django.utils import timezone

    from maillage.messaging.models import Conversation, ConversationKind, Message, Participant
    from maillage.network.models import Block

    users = data.members(args.members, "msearch", rng)
    me, others = users[0], users[1:]
    now = timezone.now()
    span = timedelta(days=365)

    # (kind, member ids): the searcher's conversations first.
    layouts: list[tuple[str, list[int]]] = []
    pairs: set[tuple[int, int]] = set()

    def direct(a: int, b: int) -> bool:
        key = (min(a, b), max(a, b))
        if a == b or key in pairs:
            return False
        pairs.add(key)
        layouts.append(("direct", [a, b]))
        return True

    def group(people: list[int]) -> None:
        layouts.append(("group", list(dict.fromkeys(people))))

    mine_direct = int(args.mine * 0.8)
    partners = rng.sample(others, mine_direct)
    for other in partners:
        direct(me.pk, other.pk)
    while len(layouts) < args.mine:
        group([me.pk, *(o.pk for o in rng.sample(others, rng.randint(2, 11)))])
    while len(layouts) < args.conversations:
        if rng.random() < 0.8:
            a, b = rng.sample(others, 2)
            direct(a.pk, b.pk)
        else:
            group([o.pk for o in rng.sample(others, rng.randint(3, 12))])

    conversations = Conversation.objects.bulk_create(
        [
            Conversation(
                kind=ConversationKind.DIRECT if kind == "direct" else ConversationKind.GROUP,
                name="" if kind == "direct" else f"Groupe {i}",
                created_by_id=people[0],
                direct_key=f"{min(people)}:{max(people)}" if kind == "direct" else None,
            )
            for i, (kind, people) in enumerate(layouts)
        ],
        batch_size=500,
    )
    conversations = list(Conversation.objects.order_by("pk"))
    Participant.objects.bulk_create(
        [
            Participant(conversation=c, member_id=m, is_admin=(j == 0))
            for c, (_kind, people) in zip(conversations, layouts, strict=True)
            for j, m in enumerate(people)
        ],
        batch_size=1000,
    )

    # Messages: conversation weights from a Pareto law (a few long threads, many short ones).
    weights = [rng.paretovariate(1.2) for _ in conversations]
    members_of = [people for _kind, people in layouts]
    sentences = data.Sentences(rng)
    chosen = rng.choices(range(len(conversations)), weights, k=args.messages)
    plan = [(conversations[i], rng.choice(members_of[i]), sentences.body()) for i in chosen]
    data.write_messages(plan, now=now, span=span, html=False)
    deleted = rng.sample(list(Message.objects.values_list("pk", flat=True)), args.messages // 100)
    Message.objects.filter(pk__in=deleted).update(body="", body_html="", deleted_at=now)

    # The awkward cases of the searcher's own conversations.
    my_groups = [c for c in conversations[: args.mine] if c.kind == ConversationKind.GROUP]
    my_directs = [c for c in conversations[: args.mine] if c.kind == ConversationKind.DIRECT]
    for c in my_groups[:4]:
        Participant.objects.filter(conversation=c, member=me).update(left_at=now - span / 2)
    Participant.objects.filter(conversation=my_directs[0], member=me).update(
        request_state="declined"
    )
    Participant.objects.filter(conversation__in=my_directs[1:4], member=me).update(
        request_state="pending"
    )
    # Two people the searcher blocked: a one-to-one partner, and someone in one of their groups.
    in_my_group = next(m for m in members_of[conversations.index(my_groups[5])] if m != me.pk)
    Block.objects.bulk_create(
        [Block(blocker=me, blocked=partners[10]), Block(blocker=me, blocked_id=in_my_group)]
    )
    return me


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--mine", type=int, default=200, help="the searcher's conversations")
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--wait-load",
        type=float,
        default=None,
        help="measure only once the 1-minute load average is under this (wait up to 10 min)",
    )
    args = parser.parse_args()

    os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import messaging_data as data
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from maillage.messaging.models import Message
    from maillage.messaging.search import messages_search, query_terms, searchable_messages

    call_command("migrate", verbosity=0)
    data.check_empty_database()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    me = build(args, rng)
    built_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    common = data.FRENCH[:16] + data.ENGLISH[:10]
    prefixable = [w for w in data.FRENCH[:40] + data.ENGLISH[:30] if len(w) >= 6]

    def folded(word: str) -> str:
        return unaccented(word) if rng.random() < 0.5 else word

    queries = {
        "1 word, rare": lambda: rng.choice(data.RARE_WORDS),
        "1 word, common": lambda: folded(rng.choice(common)),
        "2 words, common + common": lambda: " ".join(rng.sample(common, 2)),
        "2 words, rare + common": lambda: f"{rng.choice(data.RARE_WORDS)} {rng.choice(common)}",
        "prefix (4 letters)": lambda: folded(rng.choice(prefixable))[:4],
    }

    client = Client()
    client.force_login(me)

    def run(kind: str, how: str) -> dict:
        def once(q: str):
            if how == "function":
                return len(messages_search(me, q).results)
            response = client.get("/messaging/search/", {"q": q}, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (q, response.status_code)
            return response.content.count(b'class="msg-found__item"')

        for _ in range(20):  # warm-up
            once(queries[kind]())
        timings, counts, shown = [], [], []
        for _ in range(args.requests):
            q = queries[kind]()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                results = once(q)
                timings.append((time.perf_counter() - start) * 1000)
            counts.append(len(captured))
            shown.append(results)
        timings.sort()
        return {
            "kind": kind,
            "how": how,
            "median": statistics.median(timings),
            "p95": data.percentile(timings, 0.95),
            "p99": data.percentile(timings, 0.99),
            "queries": max(counts),
            "shown": statistics.mean(shown),
        }

    findable = {}
    for kind in KINDS:  # how many messages such a query may find (outside the timings)
        sample = [queries[kind]() for _ in range(20)]
        findable[kind] = statistics.mean(
            searchable_messages(me, query_terms(q)).count() for q in sample
        )
    load = data.wait_for_quiet(args.wait_load)
    results = [run(kind, how) for how in ("function", "page") for kind in KINDS]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM messaging_message")
        total = cursor.fetchone()[0]
    mine_total = Message.objects.filter(conversation__participants__member=me).count()
    load_after = os.getloadavg()
    print(
        f"{connection.vendor}: {total} messages in {args.conversations} conversations "
        f"(written in {built_s:.0f} s); the searcher is in {args.mine} of them "
        f"({mine_total} messages); {args.requests} searches per row, warm; "
        f"load average (1/5/15 min) {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} when measuring "
        f"started, {load_after[0]:.1f} / {load_after[1]:.1f} / {load_after[2]:.1f} when it ended"
    )
    print(
        "| query | measured | median ms | p95 ms | p99 ms | queries "
        "| mean results shown | mean messages findable | budget p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    missed = False
    for r in results:
        budget = BUDGET_P95_MS[r["how"]]
        missed |= r["p95"] > budget
        how = "messages_search()" if r["how"] == "function" else "search page"
        print(
            f"| {r['kind']} | {how} | {r['median']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
            f"| {r['queries']} | {r['shown']:.1f} | {findable[r['kind']]:.0f} | {budget} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
