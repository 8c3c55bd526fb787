"""Benchmark: send → `message.new` delivery latency with hundreds of open sockets.

Run with `.venv/bin/python bench/message_delivery.py [--members 200] [--messages 600]`.

It builds a throw-away instance (SQLite in a temporary data folder; Redis for the cache and
channel layer when REDIS_URL is set), creates `--members` members paired in one-to-one
conversations, starts one real uvicorn server on 127.0.0.1, and opens one WebSocket per member
(so at least 200 concurrent sockets, each a logged-in member). Then `--concurrency` senders send
`--messages` messages in all, one in flight per conversation, and the recipient's socket
times the arrival of `message.new`:

* `--via http` (default): a form post to the messaging page's send URL (`message_send`) on the
  server — the whole path a browser's message takes (view, service, commit, fan-out);
* `--via service`: `services.message_send` called in this process, the event crossing to the
  server through Redis (needs REDIS_URL) — the same path as a message sent by another process.

The latency is from the moment the send starts to the moment the recipient's socket has the
event. Prints median, p95 and p99; exits 1 when p99 misses the budget (100 ms). Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_P99_MS = 100.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[
        max(0, min(len(sorted_values) - 1, round(len(sorted_values) * fraction) - 1))
    ]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_instance(member_count: int):
    """Members, sessions and one-to-one conversations (pairs of members), written directly:
    the benchmark is about delivery, not about starting conversations."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from maillage.accounts.models import User
    from maillage.messaging.models import Conversation, ConversationKind, Participant

    call_command("migrate", verbosity=0)
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.org", first_name="Bench", last_name=str(i), password="!")  # noqa: S106 (unusable: sessions are made directly)
            for i in range(member_count)
        ]
    )
    users = list(User.objects.filter(email__startswith="bench").order_by("pk"))
    sessions = {}
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "maillage.accounts.backends.MemberBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[user.pk] = store.session_key
    pairs = []
    for a, b in zip(users[0::2], users[1::2], strict=False):
        low, high = sorted((a.pk, b.pk))
        conversation = Conversation.objects.create(
            kind=ConversationKind.DIRECT, created_by=a, direct_key=f"{low}:{high}"
        )
        Participant.objects.bulk_create(
            [
                Participant(conversation=conversation, member=a),
                Participant(conversation=conversation, member=b),
            ]
        )
        pairs.append((conversation, a, b))
    return users, sessions, pairs


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")


async def http_post(port: int, path: str, cookies: str, token: str, form: dict) -> int:
    """A form post over a fresh loopback connection (what a browser's send does)."""
    body = urllib.parse.urlencode(form).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookies}\r\n"
        f"X-CSRFToken: {token}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1])


async def run(args, users, sessions, pairs, port: int) -> list[float]:
    from asgiref.sync import sync_to_async
    from django.conf import settings
    from django.urls import reverse
    from websockets.asyncio.client import connect

    from maillage.messaging import services

    waiting: dict[str, asyncio.Future] = {}  # conversation public id → arrival future
    cookie_name, csrf_name = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME

    async def open_socket(user):
        return await connect(
            f"ws://127.0.0.1:{port}/ws/",
            additional_headers={
                "Cookie": f"{cookie_name}={sessions[user.pk]}",
                "Origin": f"http://127.0.0.1:{port}",
            },
            open_timeout=30,
            max_queue=None,
        )

    sockets = {}
    for start in range(0, len(users), 50):  # connect in waves, not 200 handshakes at once
        batch = users[start : start + 50]
        for user, ws in zip(
            batch, await asyncio.gather(*(open_socket(u) for u in batch)), strict=True
        ):
            sockets[user.pk] = ws
    print(f"{len(sockets)} sockets open", flush=True)

    recipient_of = {str(c.public_id): b.pk for c, a, b in pairs}

    async def listen(member_id: int, ws):
        async for raw in ws:
            event = json.loads(raw)
            if event.get("type") != "message.new":
                continue
            conversation = event["data"]["conversation"]
            future = waiting.get(conversation)
            if (
                future is not None
                and recipient_of.get(conversation) == member_id
                and not future.done()
            ):
                future.set_result(time.perf_counter())

    listeners = [asyncio.create_task(listen(pk, ws)) for pk, ws in sockets.items()]
    latencies: list[float] = []
    after_send: list[float] = []  # from the end of the send call (commit done) to arrival
    missing = 0
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    send_service = sync_to_async(services.message_send, thread_sensitive=False)
    per_sender = max(1, args.messages // args.concurrency)

    async def sender(worker: int):
        nonlocal missing
        mine = pairs[worker :: args.concurrency]
        for n in range(per_sender):
            conversation, a, _b = mine[n % len(mine)]
            key = str(conversation.public_id)
            loop = asyncio.get_running_loop()
            waiting[key] = loop.create_future()
            body = f"Message {worker}-{n}"
            started = time.perf_counter()
            if args.via == "service":
                await send_service(sender=a, conversation=conversation, body=body)
            else:
                path = reverse("message_send", args=[conversation.public_id])
                cookies = f"{cookie_name}={sessions[a.pk]}; {csrf_name}={token}"
                status = await http_post(port, path, cookies, token, {"body": body})
                if status >= 400:
                    raise SystemExit(f"send answered {status}")
            sent = time.perf_counter()
            try:
                arrived = await asyncio.wait_for(waiting[key], 5)
                latencies.append((arrived - started) * 1000)
                after_send.append(max(0.0, arrived - sent) * 1000)
            except TimeoutError:
                missing += 1
            await asyncio.sleep(args.pause / 1000)

    await asyncio.gather(*(sender(w) for w in range(args.concurrency)))
    for task in listeners:
        task.cancel()
    open_sockets = list(sockets.values())
    for start in range(0, len(open_sockets), 50):
        await asyncio.gather(*(ws.close() for ws in open_sockets[start : start + 50]))
    if missing:
        print(f"{missing} messages never arrived within 5 s")
    after_send.sort()
    if after_send:
        print(
            f"after the send call returned: median {statistics.median(after_send):.1f} ms, "
            f"p99 {percentile(after_send, 0.99):.1f} ms (the event usually arrives before it returns)"
        )
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200, help="members = open sockets")
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4, help="senders at the same time")
    parser.add_argument(
        "--pause", type=float, default=20, help="ms each sender waits between sends"
    )
    parser.add_argument("--via", choices=["http", "service"], default="http")
    args = parser.parse_args()
    if args.via == "service" and not os.environ.get("REDIS_URL"):
        print(
            "--via service needs REDIS_URL: without Redis the channel layer lives in the server process"
        )
        return 2

    os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAILLAGE_MESSAGES_PER_MINUTE"] = "100000"  # the limit is not what is measured
    os.environ.setdefault("MAILLAGE_REDIS_PREFIX", f"maillage-bench-{os.getpid()}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse

    if args.via == "http":
        try:
            reverse("message_send", args=["00000000-0000-0000-0000-000000000000"])
        except NoReverseMatch:
            print(
                "The messaging page's send URL (message_send) does not exist yet; try --via service"
            )
            return 2

    users, sessions, pairs = build_instance(args.members)
    env = dict(os.environ)
    env["MAILLAGE_SECRET_KEY"] = settings.SECRET_KEY
    port = free_port()
    server = start_server(env, port)
    try:
        latencies = asyncio.run(run(args, users, sessions, pairs, port))
    finally:
        server.terminate()
        server.wait(timeout=10)

    if not latencies:
        print("nothing was delivered")
        return 1
    latencies.sort()
    layer = "Redis" if settings.REDIS_URL else "in-memory"
    median, p95, p99 = (
        statistics.median(latencies),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
    )
    print(
        f"{len(users)} sockets, {len(latencies)} messages via {args.via}, {args.concurrency} senders, "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} + {layer} channel layer"
    )
    print(
        f"send → message.new: median {median:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms"
    )
    if p99 > BUDGET_P99_MS:
        print(f"p99 over budget ({BUDGET_P99_MS:.0f} ms)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
