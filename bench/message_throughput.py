"""Benchmark: how many messages a second the database takes — `services.message_send` from
several processes at once.

Run with `.venv/bin/python bench/message_throughput.py [--seconds 10] [--processes 1,2,4,8]`.
SQLite in a throw-away data folder, or PostgreSQL with DATABASE_URL pointing at a new, empty
database.

It writes 400 members paired in 200 one-to-one conversations (both sides accepted), then, for
each number of processes, forks that many senders; each calls `services.message_send` in a loop
for `--seconds` seconds, each process on its own conversations (no two senders share a row). A
send is the whole service as a page calls it: the checks, the transaction (the message, its
full-text index entry — FTS5 trigger or GIN —, the conversation's last message, both
participants' rows), the live events after commit (to this process's channel layer, no socket
listening) and the unread-message e-mail task queued for the recipient (a row in the default
database queue). HTTP is left out: this is the write path alone. The per-minute rate limit is
lifted for the run.

Prints, per number of processes, messages a second in all, the send's median and p99, and how
many sends failed (SQLite's "database is locked" after its 10 s busy timeout would show here).
Not part of the test suite; no budget: it shows where throughput stops growing.

Measured 2026-12-07 on this 2-core machine (figures in bench/README.md, "Message throughput").
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def build(pairs: int):
    from maillage.accounts.models import User
    from maillage.messaging.models import Conversation, ConversationKind, Participant

    User.objects.bulk_create(
        [
            User(email=f"mthr{i}@example.org", first_name="Bench", last_name=str(i), password="!")  # noqa: S106 (unusable)
            for i in range(pairs * 2)
        ]
    )
    users = list(User.objects.filter(email__startswith="mthr").order_by("pk"))
    Conversation.objects.bulk_create(
        [
            Conversation(
                kind=ConversationKind.DIRECT,
                created_by=a,
                direct_key=f"{min(a.pk, b.pk)}:{max(a.pk, b.pk)}",
            )
            for a, b in zip(users[0::2], users[1::2], strict=True)
        ]
    )
    conversations = list(Conversation.objects.order_by("pk"))
    Participant.objects.bulk_create(
        [
            Participant(conversation=c, member=m)
            for c, a, b in zip(conversations, users[0::2], users[1::2], strict=True)
            for m in (a, b)
        ]
    )
    return [c.pk for c in conversations]


def sender(conversation_ids: list[int], seconds: float, start_at: float, out) -> None:
    """One process: send in a loop over its own conversations, alternating sides."""
    from django.db import connections

    from maillage.messaging import services
    from maillage.messaging.models import Conversation, Participant

    connections.close_all()  # never share the parent's connection
    conversations = list(Conversation.objects.filter(pk__in=conversation_ids))
    sides = {
        c.pk: [
            p.member for p in Participant.objects.filter(conversation=c).select_related("member")
        ]
        for c in conversations
    }
    timings, failures, n = [], 0, 0
    while time.time() < start_at:
        time.sleep(0.005)
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        conversation = conversations[n % len(conversations)]
        member = sides[conversation.pk][(n // len(conversations)) % 2]
        n += 1
        began = time.perf_counter()
        try:
            services.message_send(
                sender=member, conversation=conversation, body=f"Message {n}: point sur le projet"
            )
        except Exception:  # noqa: BLE001 — counted, not hidden
            failures += 1
            continue
        timings.append((time.perf_counter() - began) * 1000)
    out.send((timings, failures))
    out.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", default="1,2,4,8")
    parser.add_argument("--pairs", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAILLAGE_MESSAGES_PER_MINUTE"] = str(10**9)  # the limit is not what we measure
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import django

    django.setup()
    import messaging_data as data
    from django.core.management import call_command
    from django.db import connection, connections

    from maillage.messaging.models import Message

    call_command("migrate", verbosity=0)
    data.check_empty_database()
    conversation_ids = build(args.pairs)
    levels = [int(x) for x in args.processes.split(",")]
    context = multiprocessing.get_context("fork")
    rows = []
    load = os.getloadavg()
    for level in levels:
        connections.close_all()
        start_at = time.time() + 1.0
        pipes, procs = [], []
        for i in range(level):
            mine = conversation_ids[i::level]
            receive, send = context.Pipe(duplex=False)
            proc = context.Process(target=sender, args=(mine, args.seconds, start_at, send))
            proc.start()
            pipes.append(receive)
            procs.append(proc)
        timings, failures = [], 0
        for pipe in pipes:
            t, f = pipe.recv()
            timings += t
            failures += f
        for proc in procs:
            proc.join()
        timings.sort()
        rows.append(
            (
                level,
                len(timings) / args.seconds,
                statistics.median(timings),
                data.percentile(timings, 0.99),
                failures,
            )
        )
    load_after = os.getloadavg()
    print(
        f"{connection.vendor}: {Message.objects.count()} messages sent in all; "
        f"{args.seconds:.0f} s per row; load average (1/5/15 min) "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start, "
        f"{load_after[0]:.1f} / {load_after[1]:.1f} / {load_after[2]:.1f} at the end"
    )
    print("| sending processes | messages/s | send median ms | send p99 ms | failed sends |")
    print("|---|---|---|---|---|")
    for level, rate, median, p99, failures in rows:
        print(f"| {level} | {rate:.0f} | {median:.1f} | {p99:.1f} | {failures} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
