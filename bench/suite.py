"""The HTTP benchmark suite: the main pages through the real ASGI server, cold and warm.

Run with

    .venv/bin/python bench/suite.py --database-url postgres://postgres@127.0.0.1:5432/<db> \\
        [--redis-url redis://127.0.0.1:6379/11] [--requests 200] [--members-sample 50] \\
        [--smoke] [--only home,profile,...] [--workers 1] [--out bench/results]

It starts `maillage run --no-worker` on a free port of 127.0.0.1 with `MAILLAGE_SERVER_TIMING=1`
(or attaches to `--url`), logs each sampled member in once through the real login page, and
measures each page over real HTTP: the latency until the body is read, and — from the
`Server-Timing` header (`maillage/core/server_timing.py`) — the SQL queries and SQL time of each
request. Members are drawn with a seeded RNG from the database: active, not staff, no second
factor, a verified primary address and a known password (generated members
`member<N>@synth.maillage.test` / `maillage-bench`, demo members / the demo password, or any
member with `--password`).

Cold and warm are two series: before each benchmark the cache is emptied (FLUSHDB of the
`--redis-url` database — use only your own —, or, without Redis, a restart of the server it
started), the first request of each sampled member is "cold", the `--requests` that follow
(members at random) are "warm". Template and code caches inside the server process stay warm
with a flush; `--cold restart` also restarts the server.

Writes it makes are undone at the end: the posts it published are deleted, the members' feed
order is put back, the message-delivery members (`bench<N>@example.org`, made by
`bench/message_delivery.py`) and their conversations are deleted.

Writes `<out>/<dataset>-<UTC timestamp>.md` and `.json`. Exit status 0 even when a budget is
missed (they are printed); 1 when anything errored (a non-2xx/3xx answer, an exception).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _http import Browser  # noqa: E402
from _stats import Series, parse_server_timing  # noqa: E402

BENCHMARKS = [
    "home",
    "deep",
    "profile",
    "search",
    "suggestions",
    "network",
    "hashtag",
    "post",
    "messages",
    "degrees",
]
# Budgets in ms: p95 of the warm series, except message delivery (p99).
BUDGETS = {
    "home": 100,
    "deep": 100,
    "profile": 60,
    "search": 100,
    "suggestions": 100,
    "post": 80,
    "degrees": 5,
    "messages": 100,
}
DEEP_PAGES = 5  # /feed/page/ links followed from the home page
LOGIN_PATH = "/accounts/login/"
POST_MARK = "suite-bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- The server ---------------------------------------------------------------------------------


class Server:
    """`maillage run --no-worker` in a child process (or a server already running at --url)."""

    def __init__(self, args, env: dict[str, str], log_path: Path) -> None:
        self.args, self.env, self.log_path = args, env, log_path
        self.process: subprocess.Popen | None = None
        if args.url:
            parts = urllib.parse.urlsplit(args.url)
            self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        else:
            self.host, self.port = "127.0.0.1", free_port()

    @property
    def owned(self) -> bool:
        return not self.args.url

    def start(self) -> None:
        if self.owned:
            log = self.log_path.open("ab")
            self.process = subprocess.Popen(  # noqa: S603 (our interpreter, our arguments)
                [
                    sys.executable, "-m", "maillage.cli", "run", "--no-worker", "--no-demo",
                    "--host", self.host, "--port", str(self.port),
                    "--workers", str(self.args.workers),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped as a group: uvicorn's worker processes too
            )
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://{self.host}:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited; its log: {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


# --- The data: members, targets --------------------------------------------------------------


def known_passwords() -> dict[str, str]:
    """The shared passwords of generated and demo members, by the end of their address."""
    from maillage.demo import DEMO_PASSWORD

    try:  # the generated network (`maillage generate`, maillage/synth)
        from maillage.synth import EMAIL_DOMAIN as SYNTH_DOMAIN
        from maillage.synth import SYNTH_PASSWORD
    except ImportError:  # a checkout without the generator: the values it documents
        SYNTH_DOMAIN, SYNTH_PASSWORD = "synth.maillage.test", "maillage-bench"  # noqa: S105
    return {f"@{SYNTH_DOMAIN}": SYNTH_PASSWORD, "@demo.maillage.test": DEMO_PASSWORD}


def password_for(email: str, given: str | None) -> str | None:
    if given:
        return given
    for domain, password in known_passwords().items():
        if email.endswith(domain):
            return password
    return None


def sample_members(rng: random.Random, count: int, given_password: str | None) -> list:
    """Members who can log in with a password we know, drawn with the seeded RNG."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.db.models import Exists, OuterRef, Q

    from maillage.accounts.models import User

    candidates = (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(Q(password__startswith="!") | Q(password=""))  # noqa: S106 (unusable ones)
        .filter(
            Exists(
                EmailAddress.objects.filter(
                    user=OuterRef("pk"), verified=True, primary=True, email__iexact=OuterRef("email")
                )
            )
        )
        .exclude(Exists(Authenticator.objects.filter(user=OuterRef("pk"))))
    )
    if not given_password:
        domains = Q()
        for domain in known_passwords():
            domains |= Q(email__endswith=domain)
        candidates = candidates.filter(domains)
    ids = sorted(candidates.values_list("pk", flat=True))
    if not ids:
        raise RuntimeError("no member to log in (verified address, known password) in this database")
    chosen = rng.sample(ids, min(count, len(ids)))
    by_id = User.objects.in_bulk(chosen)
    return [by_id[pk] for pk in chosen]


def second_degree_target(rng: random.Random, viewer) -> str | None:
    """The public address of someone at the viewer's 2nd degree, chosen by SQL (not the cache)."""
    from django.db.models import Q

    from maillage.network.models import Block, Connection
    from maillage.profiles.models import Profile

    first = Connection.objects.filter(member_id=viewer.pk).values("other_id")
    blocked = Block.objects.filter(Q(blocker_id=viewer.pk) | Q(blocked_id=viewer.pk))
    second = (
        Connection.objects.filter(member_id__in=first)
        .exclude(other_id=viewer.pk)
        .exclude(other_id__in=first)
        .exclude(other_id__in=blocked.values("blocker_id"))
        .exclude(other_id__in=blocked.values("blocked_id"))
        .values("other_id")
    )
    # The first 200 by id, not all: a big network's 2nd degree has hundreds of thousands.
    addresses = list(
        Profile.objects.filter(member_id__in=second, member__is_active=True, address__isnull=False)
        .order_by("member_id")
        .values_list("address", flat=True)[:200]
    )
    return rng.choice(addresses) if addresses else None


def search_terms(rng: random.Random) -> dict[str, str]:
    """A common last name, a rare one (one or two members; else a full name that rare) and a
    common organization."""
    from django.db.models import Count

    from maillage.accounts.models import User
    from maillage.profiles.models import Position

    names = (
        User.objects.filter(is_active=True)
        .exclude(last_name="")
        .values("last_name")
        .annotate(n=Count("pk"))
    )
    common = names.order_by("-n", "last_name").first()
    rare = sorted(row["last_name"] for row in names.filter(n__lte=2).order_by("last_name")[:200])
    if not rare:
        # Generated networks draw last names from a catalogue, so none is rare at 10,000
        # members: look someone up by full name instead, as one does for a specific person.
        pairs = (
            User.objects.filter(is_active=True)
            .exclude(last_name="")
            .values("first_name", "last_name")
            .annotate(n=Count("pk"))
            .filter(n__lte=2)
            .order_by("last_name", "first_name")[:200]
        )
        rare = sorted(f"{row['first_name']} {row['last_name']}" for row in pairs)
    org = (
        Position.objects.filter(end_date__isnull=True)
        .values("organization_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization_name")
        .first()
    )
    return {
        "common": common["last_name"] if common else "",
        "common_count": common["n"] if common else 0,
        "rare": rng.choice(rare) if rare else "",
        "org": org["organization_name"] if org else "",
        "org_count": org["n"] if org else 0,
    }


def dataset_counts() -> dict[str, int]:
    from maillage.accounts.models import User
    from maillage.feed.models import Post
    from maillage.network.models import Connection

    return {
        "members": User.objects.filter(is_active=True).count(),
        "connections": Connection.objects.count() // 2,  # two directed rows each
        "posts": Post.objects.count(),
    }


def git_state() -> tuple[str | None, list[str]]:
    """The commit, and the tracked files changed since it: the server runs the working tree."""

    def git(*arguments: str) -> str:
        return subprocess.run(  # noqa: S603 (fixed arguments)
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True  # noqa: S607
        ).stdout

    try:
        changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
        return git("rev-parse", "HEAD").strip(), [line[3:] for line in changed]
    except (OSError, subprocess.CalledProcessError):
        return None, []


def calibrate() -> dict:
    """How fast this machine runs fixed work, to compare results taken on different machines:
    the same code measured 109 and 235 ms for the home feed on two machines of the same kind on
    the same day. Best of five runs each: a fixed Python workload (string formatting, dicts,
    sorting: what rendering and the ORM do) and a fixed SQL one (the database's own CPU)."""
    from django.db import connection

    def python_work() -> None:
        rows = [{"id": i, "name": f"member {i}", "score": (i * 7919) % 1000} for i in range(60_000)]
        rows.sort(key=lambda r: (r["score"], r["id"]))
        "".join(f"<li>{r['name']}</li>" for r in rows)

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        python_work()
        timings.append((time.perf_counter() - started) * 1000)
    result = {"python_ms": round(min(timings), 1)}
    if connection.vendor == "postgresql":
        timings = []
        with connection.cursor() as cursor:
            for _ in range(5):
                started = time.perf_counter()
                cursor.execute("SELECT sum(i::bigint * 7919 % 1000) FROM generate_series(1, 1000000) AS i")
                cursor.fetchone()
                timings.append((time.perf_counter() - started) * 1000)
        result["sql_ms"] = round(min(timings), 1)
    return result


def machine() -> dict:
    import django
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8", errors="replace")
    mem = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = "PostgreSQL " + cursor.fetchone()[0]
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "cpu_model": models[0] if models else platform.processor(),
        "cpu_count": len(models) or os.cpu_count(),
        "ram_gb": round(int(mem[1]) / 1024 / 1024, 1) if mem else None,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "calibration": calibrate(),
    }


# --- The suite ------------------------------------------------------------------------------------


class Suite:
    def __init__(self, args, server: Server) -> None:
        self.args, self.server = args, server
        self.rng = random.Random(args.seed)
        self.results: list[Series] = []
        self.notes: list[str] = []
        self.viewers: list = []
        self.browsers: dict[int, Browser] = {}
        self.errors = 0
        self.run_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S")  # marks the posts it publishes

    # How a cache becomes cold: our own Redis database emptied, and/or the server restarted.
    def make_cold(self) -> str:
        done = []
        if self.args.redis_url:
            import redis

            redis.Redis.from_url(self.args.redis_url).flushdb()
            done.append("Redis database flushed")
        if self.server.owned and (self.args.cold == "restart" or not self.args.redis_url):
            self.server.restart()
            done.append("server restarted")
        return " and ".join(done) or "NOT emptied (attached server without --redis-url)"

    def login_all(self, members: list) -> None:
        started = time.perf_counter()
        loopback = self.server.host.startswith("127.")
        for number, member in enumerate(members):
            source = f"127.1.{number // 250}.{number % 250 + 1}" if loopback else None
            browser = Browser(self.server.host, self.server.port, source_address=source)
            answer = browser.login(LOGIN_PATH, member.email, password_for(member.email, self.args.password))
            location = answer.header("Location") or ""
            if answer.status != 302 or not location.rstrip("/").endswith("/home"):
                self.errors += 1
                self.notes.append(
                    f"login of member {member.pk} failed: HTTP {answer.status} → {location or '-'}"
                )
                continue
            self.viewers.append(member)
            self.browsers[member.pk] = browser
        self.notes.append(
            f"{len(self.viewers)} of {len(members)} sampled members logged in through {LOGIN_PATH} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        if not self.viewers:
            raise RuntimeError("no member could log in")

    def _measure(self, series: Series, viewer, action, check=None) -> None:
        try:
            response = action(viewer)
        except Exception as exc:  # noqa: BLE001 (counted and reported, the suite goes on)
            series.errors.append(f"{type(exc).__name__}: {exc}")
            return
        problem = None
        if not 200 <= response.status < 400:
            problem = f"HTTP {response.status}"
        elif check is not None:
            problem = check(response)
        if problem:
            series.errors.append(f"member {viewer.pk}: {problem}")
            return
        series.add(response.elapsed_ms, parse_server_timing(response.header("Server-Timing")))

    def page(self, key: str, name: str, action, check=None, viewers=None) -> None:
        """A cold series (the first request of each member after the cache is emptied), then a
        warm one (`--requests` requests, members at random)."""
        viewers = viewers if viewers is not None else self.viewers
        if not viewers:
            self.notes.append(f"{name}: no sampled member has what it needs; not measured")
            return
        cold = Series(name, "cold", note=self.make_cold())
        for viewer in viewers:
            self._measure(cold, viewer, action, check)
        warm = Series(name, "warm", budget_ms=BUDGETS.get(key))
        for _ in range(self.args.requests):
            self._measure(warm, self.rng.choice(viewers), action, check)
        self.results += [cold, warm]
        self._print(cold)
        self._print(warm)

    def _print(self, series: Series) -> None:
        row = series.summary()
        if row["n"]:
            print(
                f"  {row['page']} ({row['state'] or '-'}): n={row['n']} median {row['median']:.1f} ms, "
                f"p95 {row['p95']:.1f}, p99 {row['p99']:.1f}, queries {row['sql_queries_median']}, "
                f"errors {row['errors']}",
                flush=True,
            )
        else:
            print(f"  {row['page']} ({row['state']}): nothing measured, errors {row['errors']}", flush=True)
        for sample in row["error_samples"]:
            print(f"    error: {sample}", flush=True)

    # --- the benchmarks ---

    def bench_home(self) -> None:
        for order, label in (("ranked", "ranked"), ("recent", "most recent")):
            self.set_feed_order(order)
            self.page("home", f"home feed, first page ({label})", lambda v: self.browsers[v.pk].get("/home/"))
            self.home_computed_in_full(label)

    def home_computed_in_full(self, label: str) -> None:
        """The first page again, every other cache warm but the member's last feed computation
        forgotten before each request: what a first page costs when it cannot start from one
        (`feed.REUSE_SECONDS`: the first visit, ten minutes later, or after a change to the
        member's follows). Its own seeded draws, so the other benchmarks draw the same members
        with or without it."""
        if not self.args.redis_url:
            self.notes.append(f"home feed ({label}), computed in full: needs --redis-url; not measured")
            return
        from django.core.cache import cache

        from maillage.feed.feed import latest_cache_key

        series = Series(f"home feed, first page ({label}), computed in full", "warm")
        draws = random.Random(self.args.seed + 1)
        for _ in range(self.args.requests):
            viewer = draws.choice(self.viewers)
            cache.delete(latest_cache_key(viewer.pk))
            self._measure(series, viewer, lambda v: self.browsers[v.pk].get("/home/"))
        self.results.append(series)
        self._print(series)

    def bench_deep(self) -> None:
        for order, label in (("ranked", "ranked"), ("recent", "most recent")):
            self.set_feed_order(order)
            deep: dict[int, str] = {}
            depths = []
            for viewer in self.viewers:
                path, depth = self.walk_feed(viewer)
                if path:
                    deep[viewer.pk] = path
                    depths.append(depth)
            reached = [v for v in self.viewers if v.pk in deep]
            if depths:
                self.notes.append(
                    f"deep feed ({label}): {len(reached)} of {len(self.viewers)} members have a next "
                    f"page; depth reached: median {statistics.median(depths)}, min {min(depths)} "
                    f"(of {DEEP_PAGES} /feed/page/ links)"
                )
            self.page(
                "deep",
                f"home feed, deep page ({label})",
                lambda v, deep=deep: self.browsers[v.pk].get(
                    deep[v.pk], headers={"HX-Request": "true"}
                ),
                viewers=reached,
            )

    def walk_feed(self, viewer) -> tuple[str | None, int]:
        """Follow the infinite scroll's `/feed/page/?cursor=` link down to DEEP_PAGES."""
        browser = self.browsers[viewer.pk]
        body = browser.get("/home/").body
        path, depth = None, 0
        while depth < DEEP_PAGES:
            match = re.search(r'hx-get="(/feed/page/\?cursor=[^"]+)"', body)
            if not match:
                break
            path, depth = html.unescape(match[1]), depth + 1
            answer = browser.get(path, headers={"HX-Request": "true"})
            if answer.status != 200:
                self.errors += 1
                self.notes.append(f"deep feed walk of member {viewer.pk}: HTTP {answer.status} for {path}")
                return None, depth
            body = answer.body
        return path, depth

    def set_feed_order(self, order: str) -> None:
        for viewer in self.viewers:
            answer = self.browsers[viewer.pk].post("/feed/order/", {"order": order})
            if answer.status != 302:
                self.errors += 1
                self.notes.append(f"setting the feed order of member {viewer.pk}: HTTP {answer.status}")

    def bench_profile(self) -> None:
        targets = {}
        for viewer in self.viewers:
            address = second_degree_target(self.rng, viewer)
            if address:
                targets[viewer.pk] = f"/in/{urllib.parse.quote(address)}/"
        with_target = [v for v in self.viewers if v.pk in targets]
        self.notes.append(f"2nd-degree profile: {len(with_target)} of {len(self.viewers)} members have a 2nd degree")
        self.page(
            "profile",
            "profile at 2nd degree",
            lambda v: self.browsers[v.pk].get(targets[v.pk]),
            viewers=with_target,
        )

    def bench_search(self) -> None:
        terms = search_terms(self.rng)
        self.notes.append(
            f"people search: common last name {terms['common']!r} ({terms['common_count']} members), "
            f"rare {terms['rare']!r}, organization {terms['org']!r} ({terms['org_count']} current positions)"
        )
        for label, params in (
            ("common last name", {"q": terms["common"]}),
            ("rare name", {"q": terms["rare"]}),
            ("organization filter", {"org": terms["org"]}),
        ):
            if not next(iter(params.values())):
                self.notes.append(f"people search, {label}: nothing in the data to search for")
                continue
            path = "/search/?" + urllib.parse.urlencode(params)
            self.page("search", f"people search, {label}", lambda v, p=path: self.browsers[v.pk].get(p))

    def bench_suggestions(self) -> None:
        self.page(
            "suggestions",
            "people you may know",
            lambda v: self.browsers[v.pk].get("/network/suggestions/"),
        )

    def bench_network(self) -> None:
        self.page("network", "my network", lambda v: self.browsers[v.pk].get("/network/"))

    def bench_hashtag(self) -> None:
        from maillage.feed.models import Hashtag

        tag = Hashtag.objects.filter(post_count__gt=0).order_by("-post_count", "key").first()
        if tag is None:
            self.notes.append("hashtag page: no hashtag with posts in the data")
            return
        self.notes.append(f"hashtag page: #{tag.name} ({tag.post_count} posts)")
        path = f"/hashtag/{urllib.parse.quote(tag.key)}/"
        self.page("hashtag", "hashtag page (most used tag)", lambda v: self.browsers[v.pk].get(path))

    def bench_post(self) -> None:
        counter = iter(range(10**9))

        def create(viewer):
            body = f"Benchmark {POST_MARK} {self.run_id} no. {next(counter)}: measuring the composer."
            return self.browsers[viewer.pk].post("/posts/new/", {"body": body, "audience": "public"})

        def published(response) -> str | None:
            # Success is a redirect to the new post; the form with errors comes back as 400.
            location = response.header("Location") or ""
            if response.status != 302 or "/posts/new/" in location or "/drafts/" in location:
                return f"not published: HTTP {response.status} → {location or '-'}"
            return None

        self.page("post", "post creation (composer form)", create, check=published)

    def bench_messages(self) -> None:
        """Send → `message.new` at the recipient's socket, with bench/message_delivery.py."""
        import asyncio

        import message_delivery
        from django.contrib.sessions.models import Session
        from django.core.management import call_command  # noqa: F401 (build_instance migrates)

        from maillage.accounts.models import User

        sockets = 20 if self.args.smoke else self.args.sockets
        messages = 20 if self.args.smoke else self.args.messages
        self.remove_delivery_members()
        if User.objects.filter(email__startswith="bench").exists():
            raise RuntimeError(
                "members whose address starts with 'bench' exist and are not the suite's: "
                "message_delivery.build_instance would take them as its own"
            )
        series = Series("message delivery (send → socket)", "", budget_ms=BUDGETS["messages"], budget_on="p99")
        users, sessions, pairs = message_delivery.build_instance(sockets)
        try:
            options = SimpleNamespace(via="http", concurrency=min(4, len(pairs)), messages=messages, pause=20)
            try:
                latencies = asyncio.run(message_delivery.run(options, users, sessions, pairs, self.server.port))
            except SystemExit as exc:  # message_delivery stops on an error answer
                series.errors.append(str(exc))
                latencies = []
            for value in latencies:
                series.add(value)
            missing = options.messages // options.concurrency * options.concurrency - len(latencies)
            if missing > 0 and not series.errors:
                series.errors.append(f"{missing} messages not delivered within 5 s")
            series.note = (
                f"{len(users)} sockets, {len(latencies)} messages, {options.concurrency} senders, "
                "via the send form (bench/message_delivery.py)"
            )
        finally:
            Session.objects.filter(session_key__in=list(sessions.values())).delete()
            self.remove_delivery_members()
        self.results.append(series)
        self._print(series)

    @staticmethod
    def remove_delivery_members() -> None:
        from maillage.accounts.models import User
        from maillage.messaging.models import Conversation

        members = User.objects.filter(email__regex=r"^bench[0-9]+@example\.org$")
        Conversation.objects.filter(participants__member__in=members).delete()
        members.delete()

    def bench_degrees(self) -> None:
        """`degrees_for` for a page of 20 people, in this process (like bench/network_page.py)."""
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from maillage.accounts.models import User
        from maillage.network import degrees

        ids = list(User.objects.filter(is_active=True).order_by("?").values_list("pk", flat=True)[:2000])
        pages = [(viewer.pk, self.rng.sample(ids, min(20, len(ids)))) for viewer in self.viewers]
        name = "degree badges, 20 people (in-process)"

        def call(series: Series, viewer_id: int, page: list[int]) -> None:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                degrees.degrees_for(viewer_id, page)
                elapsed = (time.perf_counter() - started) * 1000
            sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            series.add(elapsed, (len(captured), sql_ms))

        # The sets live in this process's cache (Redis: the same database the server uses).
        cache.clear()
        cold = Series(name, "cold", note="cache cleared from this process")
        for viewer_id, page in pages:
            call(cold, viewer_id, page)
        warm = Series(name, "warm", budget_ms=BUDGETS["degrees"])
        for _ in range(self.args.requests * 5):
            call(warm, *self.rng.choice(pages))
        self.results += [cold, warm]
        self._print(cold)
        self._print(warm)

    # --- clean-up ---

    def undo_writes(self, orders: dict[int, str]) -> None:
        from maillage.feed import services
        from maillage.feed.models import Post

        deleted = 0
        for post in Post.objects.filter(body__contains=f"{POST_MARK} {self.run_id} ").select_related("author"):
            services.post_delete(post=post, member=post.author)
            deleted += 1
        if deleted:
            self.notes.append(f"{deleted} benchmark posts deleted")
        from maillage.accounts.models import User

        for member in User.objects.filter(pk__in=list(orders)):
            services.feed_order_set(member=member, order=orders[member.pk])


# --- Output ---------------------------------------------------------------------------------------


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def markdown(report: dict) -> str:
    m, d, o = report["machine"], report["dataset"], report["options"]
    lines = [
        f"# Benchmark suite — {report['dataset_name']}, {report['started_at']}",
        "",
        f"{m['cpu_count']} × {m['cpu_model']}, {m['ram_gb']} GB RAM; Python {m['python']}, "
        f"Django {m['django']}, {m['database']}; Redis: {'yes' if o['redis_url'] else 'no'}; "
        f"server processes: {o['workers']}; commit {(report['commit'] or '?')[:10]}"
        + (
            f" with {len(report['working_tree_changes'])} tracked files changed in the working tree."
            if report["working_tree_changes"]
            else "."
        ),
        "Machine speed (best of 5, lower is faster; compare results across machines with it): "
        f"fixed Python work {m.get('calibration', {}).get('python_ms', '?')} ms, fixed SQL work "
        f"{m.get('calibration', {}).get('sql_ms', '–')} ms.",
        f"Data: {d['members']:,} members, {d['connections']:,} connections, {d['posts']:,} posts. "
        f"Load average before {report['load_before']}, after {report['load_after']}.",
        f"{o['members_sample']} members sampled (seed {o['seed']}), {o['requests']} warm requests per "
        f"page{' (smoke)' if o['smoke'] else ''}. Times are until the body is read, over HTTP on "
        "loopback; SQL and the server's own time (inside Django, median / p95) from its "
        "Server-Timing header.",
        "",
        "| page | state | n | median ms | p95 ms | p99 ms | SQL queries | SQL ms | server ms | budget | met? | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["results"]:
        budget = f"{row['budget_on']} < {row['budget_ms']:g} ms" if row["budget_ms"] is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        server = (
            f"{fmt(row['app_ms_median'])} / {fmt(row['app_ms_p95'])}"
            if row.get("app_ms_median") is not None
            else ""
        )
        lines.append(
            f"| {row['page']} | {row['state'] or '–'} | {row['n']} | {fmt(row['median'])} | "
            f"{fmt(row['p95'])} | {fmt(row['p99'])} | {fmt(row['sql_queries_median'])} | "
            f"{fmt(row['sql_ms_median'])} | {server} | {budget} | {met} | {row['errors'] or ''} |"
        )
    lines += ["", "Notes:", ""]
    lines += [f"- {note}" for note in report["notes"]]
    cold_how = sorted({r["note"] for r in report["results"] if r["state"] == "cold" and r["note"]})
    lines.append(
        "- cold = the first request of each sampled member right after the cache was emptied "
        f"({'; '.join(cold_how) or 'no cold series'}); warm = the requests that follow"
    )
    for row in report["results"]:
        if row["note"] and row["state"] == "":
            lines.append(f"- {row['page']}: {row['note']}")
        for sample in row["error_samples"]:
            lines.append(f"- error in {row['page']} ({row['state']}): {sample}")
    return "\n".join(lines) + "\n"


# --- Main -------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="", help="cache, channels and queue (FLUSHDB'd for cold runs)")
    parser.add_argument("--url", default="", help="attach to a running server instead of starting one")
    parser.add_argument("--requests", type=int, default=200, help="warm requests per page")
    parser.add_argument("--members-sample", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="~5 requests a page, 20 sockets (CI)")
    parser.add_argument("--only", default="", help="comma-separated: " + ",".join(BENCHMARKS))
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--password", default="", help="the sampled members' password, if not known")
    parser.add_argument("--sockets", type=int, default=200, help="open sockets for message delivery")
    parser.add_argument("--messages", type=int, default=600, help="messages sent for message delivery")
    parser.add_argument("--cold", choices=["flush", "restart"], default="flush")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests = min(args.requests, 5)
        args.members_sample = min(args.members_sample, 5)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    args.only = only or list(BENCHMARKS)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started_at = datetime.now(UTC)
    load_before = load_average()
    data_dir = Path(tempfile.mkdtemp(prefix="maillage-suite-"))
    env = os.environ
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    env.setdefault("MAILLAGE_DATA_DIR", str(data_dir))
    # The suite's process makes the message-delivery sessions: the server must sign with the same key.
    env.setdefault("MAILLAGE_SECRET_KEY", secrets.token_urlsafe(64))
    env["MAILLAGE_SERVER_TIMING"] = "1"
    env.setdefault("MAILLAGE_MESSAGES_PER_MINUTE", "100000")  # the limit is not what is measured
    import django

    django.setup()

    from maillage.feed.feed import feed_order_of

    commit, changed_files = git_state()
    dataset_name = (urllib.parse.urlsplit(args.database_url).path.strip("/") or "database").replace("/", "_")
    report: dict = {
        "dataset_name": dataset_name,
        "started_at": started_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "commit": commit,
        "working_tree_changes": changed_files,
        "dataset": dataset_counts(),
        "load_before": load_before,
        "options": {
            key: getattr(args, key)
            for key in ("requests", "members_sample", "smoke", "only", "workers", "seed", "cold",
                        "sockets", "messages", "url")
        }
        | {"redis_url": args.redis_url, "database_url": args.database_url},
    }
    print(
        f"{dataset_name}: {report['dataset']['members']:,} members, {report['dataset']['connections']:,} "
        f"connections, {report['dataset']['posts']:,} posts; load average {load_before}",
        flush=True,
    )
    server = Server(args, dict(env), data_dir / "server.log")
    suite = Suite(args, server)
    orders: dict[int, str] = {}
    server.start()
    try:
        members = sample_members(suite.rng, args.members_sample, args.password or None)
        orders = {member.pk: feed_order_of(member) for member in members}
        suite.login_all(members)
        for name in args.only:
            print(f"{name}…", flush=True)
            try:
                getattr(suite, f"bench_{name}")()
            except Exception as exc:  # noqa: BLE001 (reported; the other benchmarks still run)
                suite.errors += 1
                suite.notes.append(f"{name}: {type(exc).__name__}: {exc}")
                traceback.print_exc()
    finally:
        try:
            suite.undo_writes(orders)
        finally:
            for browser in suite.browsers.values():
                browser.close()
            server.stop()

    report["load_after"] = load_average()
    report["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    report["results"] = [series.summary() for series in suite.results]
    report["notes"] = suite.notes
    errors = suite.errors + sum(row["errors"] for row in report["results"])
    report["errors"] = errors

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{dataset_name}-{started_at.strftime('%Y%m%dT%H%M%SZ')}"
    text = markdown(report)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print()
    print(text)
    print(f"Written: {stem}.md and .json")
    missed = [f"{r['page']} ({r['state'] or '-'})" for r in report["results"] if r["met"] is False]
    if missed:
        print("Budgets missed: " + "; ".join(missed))
    if errors:
        print(f"{errors} error(s): see the table and the notes; server log kept: {server.log_path}")
        return 1
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
