"""Benchmark: send → `message.new` delivery latency with hundreds of open sockets.

Run with `.venv/bin/python bench/message_delivery.py [--members 200] [--messages 600]
[--concurrency 1,4] [--database-url postgres://postgres@127.0.0.1:5432/postgres]`.

It builds a throw-away instance (SQLite in a temporary data folder, or a new database on the
PostgreSQL server of `--database-url`, dropped at the end; Redis for the cache and channel layer
when REDIS_URL is set), creates `--members` members paired in one-to-one
conversations, starts one real uvicorn server on 127.0.0.1, and opens one WebSocket per member
(so at least 200 concurrent sockets, each a logged-in member). Then, for each value of
`--concurrency` (a run each, on the same server), that many senders send `--messages` messages
in all, one in flight per conversation, and the recipient's socket times the arrival of
`message.new`:

* `--via http` (default): a form post to the messaging page's send URL (`message_send`) on the
  server — the whole path a browser's message takes (view, service, commit, fan-out);
* `--via service`: `services.message_send` called in this process, the event crossing to the
  server through Redis (needs REDIS_URL) — the same path as a message sent by another process.

The latency is from the moment the send starts to the moment the recipient's socket has the
event. Prints median, p95 and p99 per run and the load average before and after; exits 1 when
a p99 misses the budget (100 ms). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import secrets
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
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


def cpu_seconds(pid: int) -> float | None:
    """Processor time (user + system, all threads) a process has used so far; None where
    /proc does not exist. Unlike the latencies it hardly depends on what else the machine
    runs, so it compares two versions of the code measured under different loads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(env: dict[str, str], port: int, log=None) -> subprocess.Popen:
    """One uvicorn process on 127.0.0.1:`port`; its errors go to `log` (a file) if given."""
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
        stderr=log,
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


def throwaway_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """A new, empty database on the PostgreSQL server of `server_url` (named after it and this
    process), and how to drop it: the benchmark writes its own members and conversations."""
    import psycopg

    parts = urllib.parse.urlsplit(server_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("--database-url must be a postgres:// URL")
    base = parts.path.lstrip("/") or "postgres"
    name = f"{base}_delivery_{os.getpid()}"
    conninfo = urllib.parse.urlunsplit(parts._replace(path=f"/{base}"))
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200, help="members = open sockets")
    parser.add_argument("--messages", type=int, default=600, help="messages per run")
    parser.add_argument(
        "--concurrency",
        default="1,4",
        help="senders at the same time; several comma-separated values make one run each",
    )
    parser.add_argument(
        "--pause", type=float, default=20, help="ms each sender waits between sends"
    )
    parser.add_argument("--via", choices=["http", "service"], default="http")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgres://user@host:port/db): the benchmark creates a "
        "throw-away database next to `db` and drops it at the end (default: SQLite in a "
        "temporary folder, or DATABASE_URL as it is, which must then be empty)",
    )
    args = parser.parse_args()
    concurrencies = [int(c) for c in str(args.concurrency).split(",") if c.strip()]
    if args.via == "service" and not os.environ.get("REDIS_URL"):
        print(
            "--via service needs REDIS_URL: without Redis the channel layer lives in the server process"
        )
        return 2

    drop_database = None
    if args.database_url:
        os.environ["DATABASE_URL"], drop_database = throwaway_database(args.database_url)
    os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MAILLAGE_MESSAGES_PER_MINUTE"] = "100000"  # the limit is not what is measured
    os.environ.setdefault("MAILLAGE_REDIS_PREFIX", f"maillage-bench-{os.getpid()}")
    sys.path.insert(0, str(ROOT))
    try:
        return measure(args, concurrencies)
    finally:
        if drop_database is not None:
            drop_database()


def measure(args, concurrencies: list[int]) -> int:
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
    layer = "Redis" if settings.REDIS_URL else "in-memory"
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryFile(mode="w+") as server_log:
        server = start_server(env, port, log=server_log)
        missed = False
        try:
            for concurrency in concurrencies:
                options = argparse.Namespace(**{**vars(args), "concurrency": concurrency})
                cpu_before = cpu_seconds(server.pid)
                try:
                    latencies = asyncio.run(run(options, users, sessions, pairs, port))
                except SystemExit as stop:  # an error answer: the server's log says why
                    print(stop)
                    missed = True
                    break
                cpu_after = cpu_seconds(server.pid)
                if not latencies:
                    print("nothing was delivered")
                    return 1
                latencies.sort()
                median, p95, p99 = (
                    statistics.median(latencies),
                    percentile(latencies, 0.95),
                    percentile(latencies, 0.99),
                )
                print(
                    f"{len(users)} sockets, {len(latencies)} messages via {args.via}, "
                    f"{concurrency} senders, {database} + {layer} channel layer"
                )
                print(
                    f"send → message.new: median {median:.1f} ms, p95 {p95:.1f} ms, "
                    f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms",
                    flush=True,
                )
                if cpu_before is not None and cpu_after is not None:
                    # The run's whole server work: sockets opening and closing included.
                    print(
                        "server processor time per message (sockets opened and closed "
                        f"included): {(cpu_after - cpu_before) * 1000 / len(latencies):.1f} ms"
                    )
                if p99 > BUDGET_P99_MS:
                    print(f"p99 over budget ({BUDGET_P99_MS:.0f} ms)")
                    missed = True
        finally:
            server.terminate()
            stopping = time.monotonic()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            # A server that cannot stop in time holds up a deploy; print it, but keep the
            # run's figures and the server's log.
            stop_seconds = time.monotonic() - stopping
            print(f"server stopped in {stop_seconds:.1f} s")
            if stop_seconds > 10:
                print("the server took more than 10 s to stop")
                missed = True
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        # Errors of the server (the Redis pool running out as the sockets close…) show only
        # in its log.
        server_log.seek(0)
        log = server_log.read()
    tracebacks = log.count("Traceback")
    if tracebacks:
        missed = True
        print(f"the server logged {tracebacks} tracebacks:")
        exceptions = re.findall(r"^([\w.]+(?:Error|Exception)\b.*)$", log, re.MULTILINE)
        for line, count in collections.Counter(exceptions).most_common(5):
            print(f"  {count} × {line}")
        print("the last one:\n" + log[log.rindex("Traceback") :][-3000:])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
