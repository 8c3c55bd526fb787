"""Benchmark: the messaging pages of a busy member — an inbox of 500 conversations and a
conversation of 5,000 messages.

Run with `.venv/bin/python bench/messaging_inbox.py [--requests 200]`. SQLite in a throw-away
data folder, or PostgreSQL with DATABASE_URL pointing at a new, empty database (the benchmark
refuses one that already holds messages).

It writes (in bulk, `messaging_data.py`) 700 members and one member's 500 conversations: 440
one-to-one (10 of them message requests waiting for their answer, 20 archived, 2 with members
they blocked) and 60 groups of 3 to 20 people, each with 1 to 12 messages, 40 of them unread;
plus a group of 8 with 5,000 messages (one in 50 with an attachment row, half of them images,
a few "added"/"renamed" events), and a short one-to-one conversation (10 messages) for
comparison. Bodies are rendered like the send service does (`render_markdown`). Attachment rows
point to files that are not written: rendering a page never opens them.

Then, logged in as that member, `--requests` requests per page (after 20 warm-up ones) through
Django's full request stack (test client, same middleware as production), timed and with their
SQL queries counted:

* the inbox (`/messaging/`: the 50 newest conversations), its "unread" filter, and the list
  fragment messaging.js fetches after each live event (htmx, `?fragment=list`);
* the conversation page (its 50 newest messages beside the inbox list) for the 5,000-message
  group and for the short conversation; "load older" deep in the group (`?before=` at its
  500th message) and the catch-up after a reconnect (`?after=`, the last 3 messages);
* the top bar's messaging badge (`/messaging/badge/`).

Opening a conversation marks it read: the first (warm-up) request writes, the measured ones
find it read already. Prints median, p95 and p99 and queries per page; exits 1 when a p95 misses
its budget.

Measured 2026-12-07 on this 2-core machine (figures in bench/README.md, "Messaging pages").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

BUDGET_P95_MS = {
    "inbox (500 conversations)": 100,
    "inbox, unread filter": 100,
    "inbox list fragment (htmx)": 60,
    "conversation, 5,000 messages": 100,
    "conversation, 10 messages": 100,
    "load older (5,000 messages, 500th)": 60,
    "catch-up after reconnect (?after=)": 60,
    "top-bar badge": 60,
}


def build(args, rng: random.Random):
    """The member, their 500 conversations, the long group and the short conversation."""
    import messaging_data as data
    from django.utils import timezone

    from maillage.messaging.models import (
        Attachment,
        Conversation,
        ConversationKind,
        Message,
        MessageKind,
        MessagingSettings,
        Participant,
    )
    from maillage.network.models import Block, Connection

    users = data.members(args.members, "minbox", rng)
    me, others = users[0], users[1:]
    now = timezone.now()
    sentences = data.Sentences(rng)

    directs = args.conversations - args.groups
    partners = rng.sample(others, directs + 1)
    layouts = [("direct", [me.pk, p.pk]) for p in partners[:directs]]
    layouts += [
        ("group", [me.pk, *(o.pk for o in rng.sample(others, rng.randint(2, 19)))])
        for _ in range(args.groups)
    ]
    rng.shuffle(layouts)
    long_group = [me.pk, *(o.pk for o in rng.sample(others, 7))]
    short_partner = partners[directs]
    layouts += [("group", long_group), ("direct", [me.pk, short_partner.pk])]

    Conversation.objects.bulk_create(
        [
            Conversation(
                kind=ConversationKind.DIRECT if kind == "direct" else ConversationKind.GROUP,
                name="" if kind == "direct" or rng.random() < 0.3 else f"Équipe {i}",
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
    Connection.objects.bulk_create(
        [
            Connection(member_id=a, other_id=b, created_at=now)
            for p in partners
            for a, b in ((me.pk, p.pk), (p.pk, me.pk))
        ],
        batch_size=1000,
    )
    MessagingSettings.objects.bulk_create(
        [MessagingSettings(member=o, read_receipts=False) for o in rng.sample(others, 30)]
    )

    # Messages: the 500 conversations' in random order over 60 days, then the long group's
    # (the newest, so it is at the top of the inbox) over the same days, then the short one.
    plan = []
    for i in range(args.conversations):
        people = layouts[i][1]
        plan += [
            (conversations[i], rng.choice(people), sentences.body())
            for _ in range(rng.randint(1, 12))
        ]
    rng.shuffle(plan)
    data.write_messages(plan, now=now - timedelta(hours=2), span=timedelta(days=60), html=True)
    long_conversation, short_conversation = conversations[-2], conversations[-1]
    data.write_messages(
        [(long_conversation, rng.choice(long_group), sentences.body()) for _ in range(5000)],
        now=now - timedelta(minutes=30),
        span=timedelta(days=60),
        html=True,
    )
    data.write_messages(
        [
            (short_conversation, rng.choice([me.pk, short_partner.pk]), sentences.body())
            for _ in range(10)
        ],
        now=now,
        span=timedelta(minutes=20),
        html=True,
    )
    long_ids = list(
        Message.objects.filter(conversation=long_conversation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # A few events in the long group: someone added, the group renamed.
    public_ids = {u.pk: str(u.public_id) for u in users}
    events = rng.sample(long_ids, 12)
    for n, pk in enumerate(events):
        event = (
            {"what": "renamed", "name": f"Projet {n}"}
            if n % 2
            else {"what": "added", "member": public_ids[rng.choice(long_group[1:])]}
        )
        Message.objects.filter(pk=pk).update(
            kind=MessageKind.EVENT, body="", body_html="", event=event, sender_id=long_group[0]
        )
    with data.own_timestamps(Attachment):
        Attachment.objects.bulk_create(
            [
                Attachment(
                    message_id=pk,
                    file=f"messaging/bench-{pk}.{'jpg' if n % 2 else 'pdf'}",
                    name=f"{'photo' if n % 2 else 'compte-rendu'}-{n}.{'jpg' if n % 2 else 'pdf'}",
                    size=rng.randint(20_000, 4_000_000),
                    content_type="image/jpeg" if n % 2 else "application/pdf",
                    is_image=bool(n % 2),
                    width=1200 if n % 2 else 0,
                    height=900 if n % 2 else 0,
                    created_at=now,
                    updated_at=now,
                )
                for n, pk in enumerate(long_ids[::50])
                if pk not in events
            ]
        )

    # Read state: everyone has read everything, except the member's 40 unread conversations.
    last = dict(Conversation.objects.values_list("pk", "last_message_id"))
    rows = list(Participant.objects.all())
    for row in rows:
        row.last_read_message_id = last[row.conversation_id] or 0
        row.last_read_at = now
    mine = [r for r in rows if r.member_id == me.pk]
    mine_by_conversation = {r.conversation_id: r for r in mine}
    first_500 = [c.pk for c in conversations[: args.conversations]]
    rng.shuffle(first_500)
    for pk in first_500[:40]:
        mine_by_conversation[pk].last_read_message_id = 0
    direct = [
        (c.pk, people[1])
        for c, (kind, people) in zip(conversations[: args.conversations], layouts, strict=False)
        if kind == "direct"
    ]
    direct_ids = [pk for pk, _other in direct]
    for pk in direct_ids[:10]:  # requests waiting for the member's answer
        mine_by_conversation[pk].request_state = "pending"
    for pk in direct_ids[10:30]:
        mine_by_conversation[pk].archived = True
    Participant.objects.bulk_update(
        rows,
        ["last_read_message_id", "last_read_at", "request_state", "archived"],
        batch_size=1000,
    )
    # Two one-to-one partners the member blocked (those conversations leave the inbox).
    Block.objects.bulk_create([Block(blocker=me, blocked_id=other) for _pk, other in direct[30:32]])
    return me, long_conversation, short_conversation, long_ids


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--groups", type=int, default=60)
    parser.add_argument("--members", type=int, default=700)
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

    call_command("migrate", verbosity=0)
    data.check_empty_database()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    me, long_conversation, short_conversation, long_ids = build(args, rng)
    built_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    client.force_login(me)
    long_url = f"/messaging/{long_conversation.public_id}/"
    htmx = {"HTTP_HX_REQUEST": "true"}
    pages = {
        "inbox (500 conversations)": ("/messaging/", {}, {}, b'class="convo-row"'),
        "inbox, unread filter": ("/messaging/", {"filter": "unread"}, {}, b'class="convo-row"'),
        "inbox list fragment (htmx)": (
            "/messaging/",
            {"fragment": "list"},
            htmx,
            b'class="convo-row"',
        ),
        "conversation, 5,000 messages": (long_url, {}, {}, b"data-message-id="),
        "conversation, 10 messages": (
            f"/messaging/{short_conversation.public_id}/",
            {},
            {},
            b"data-message-id=",
        ),
        "load older (5,000 messages, 500th)": (
            long_url + "messages/",
            {"before": long_ids[500]},
            htmx,
            b"data-message-id=",
        ),
        "catch-up after reconnect (?after=)": (
            long_url + "messages/",
            {"after": long_ids[-4]},
            htmx,
            b"data-message-id=",
        ),
        "top-bar badge": ("/messaging/badge/", {}, htmx, b""),
    }

    def measure(name: str) -> dict:
        path, params, headers, marker = pages[name]
        for _ in range(20):  # warm-up
            client.get(path, params, HTTP_HOST="127.0.0.1", **headers)
        timings, counts, items = [], [], []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path, params, HTTP_HOST="127.0.0.1", **headers)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            counts.append(len(captured))
            items.append(response.content.count(marker) if marker else 0)
        timings.sort()
        return {
            "page": name,
            "median": statistics.median(timings),
            "p95": data.percentile(timings, 0.95),
            "p99": data.percentile(timings, 0.99),
            "queries": max(counts),
            "items": statistics.mean(items),
            "bytes": len(response.content),
        }

    load = data.wait_for_quiet(args.wait_load)
    results = [measure(name) for name in pages]
    load_after = os.getloadavg()
    print(
        f"{connection.vendor}: {Message.objects.count()} messages (written in {built_s:.0f} s); "
        f"{args.requests} requests per page, warm; "
        f"load average (1/5/15 min) {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} when measuring "
        f"started, {load_after[0]:.1f} / {load_after[1]:.1f} / {load_after[2]:.1f} when it ended"
    )
    print("| page | median ms | p95 ms | p99 ms | queries | items shown | KB | budget p95 |")
    print("|---|---|---|---|---|---|---|---|")
    missed = False
    for r in results:
        budget = BUDGET_P95_MS[r["page"]]
        missed |= r["p95"] > budget
        print(
            f"| {r['page']} | {r['median']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['queries']} | {r['items']:.0f} | {r['bytes'] / 1024:.0f} | {budget} |"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
