"""Load test: real server processes, real task workers, Locust driving members' visits.

    .venv/bin/python bench/loadtest.py --database-url postgres://… --redis-url redis://…/12 \\
        --users 50,200 --time 60 --web-processes 2 --task-workers 1
    .venv/bin/python bench/loadtest.py … --scale-out     # two servers + two workers, proof
    .venv/bin/python bench/loadtest.py --smoke            # 5 users, 15 s, one process (CI)

What it does, in order: migrates the database, picks members to log in as (generated members
`member<N>@synth.maillage.test` / `maillage-bench` when there are any, else the demo network's),
starts the task workers (`maillage worker`) and the web processes (`maillage run --no-worker`,
one port each), waits until every one answers `/readyz`, then for each number of users runs
Locust headless (`bench/locustfile.py`, bounded in users and time) against all the web processes
at once — each simulated member sends each request to the next process in turn, so the session
made on one is used on the others. With `--scale-out`, after the load it checks across
processes that a message posted through server A reaches a WebSocket held on server B, and that
a notification caused through A shows in B's badge and on B's socket. Every process it started
is stopped at the end, whatever happens (each has its own process group).

Results: `bench/results/load-<timestamp>.md` and `.json` (`--out` to write elsewhere; `--smoke`
writes to a temporary folder): requests/s, errors and error rate, p50/p95/p99 per request name,
the home feed's p95, users, hosts, processes and the CPU seconds each used, the load average.
Exits 1 when a request failed, a process died, or the scale-out proof did not hold.

Without `--database-url`, a temporary SQLite database is created and loaded with the demo
network (`maillage demo`); one web process only then, since more need PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
RESULTS = ROOT / "bench" / "results"
FEED_NAME = "/home/"
SYNTH_PASSWORD = "maillage-bench"  # noqa: S105 — the generated members' documented password
DELIVERY_TIMEOUT = 10

# Run inside `maillage shell -c`: the members to log in as, one connected pair for the proof and
# the size of the data. Generated members first; the demo network's otherwise.
MEMBERS_CODE = """
import json
from django.db.models import Q
from maillage.accounts.models import User
from maillage.demo import DEMO_PASSWORD
from maillage.feed.models import Post
from maillage.network.models import Connection
limit = {limit}
people = User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
synth = people.filter(email__endswith="@synth.maillage.test")
if synth.exists():
    chosen, password, source = synth, "{synth_password}", "synth"
else:
    chosen, password, source = people.filter(email__endswith="@demo.maillage.test"), DEMO_PASSWORD, "demo"
emails = list(chosen.order_by("?").values_list("email", flat=True)[:limit])
pair = (
    Connection.objects.filter(member__email__in=emails[:200], other__email__in=emails[:200])
    .values_list("member__email", "member__public_id", "other__email", "other__public_id")
    .first()
)
print("MEMBERS-JSON " + json.dumps({{
    "source": source,
    "password": password,
    "emails": emails,
    "pair": [str(v) for v in pair] if pair else None,
    "size": {{
        "members": User.objects.filter(is_active=True).count(),
        "connections": Connection.objects.count() // 2,
        "posts": Post.objects.count(),
    }},
}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redacted(url: str) -> str:
    """The URL without its password, for the report."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


# --- processes ----------------------------------------------------------------------------------


@dataclass
class Started:
    """One process this runner started, in its own process group (its children die with it)."""

    role: str
    args: list[str]
    env: dict[str, str]
    log_dir: Path
    port: int | None = None
    process: subprocess.Popen | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.log_dir / f"{self.role}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            self.args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def cpu_seconds(self) -> float:
        """CPU used so far by the process and its children (uvicorn's workers)."""
        try:
            import psutil
        except ImportError:
            return float("nan")
        if not self.alive():
            return float("nan")
        try:
            root = psutil.Process(self.process.pid)
            total = 0.0
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    # children_*: children already ended (RQ runs each job in a forked child).
                    total += times.user + times.system + times.children_user + times.children_system
            return total
        except psutil.Error:
            return float("nan")

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid  # start_new_session: the group id is the process id
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.process.wait()
        # Stragglers of the group (a uvicorn worker outliving its parent).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


def maillage(*args: str) -> list[str]:
    return [sys.executable, "-m", "maillage.cli", *args]


def run_command(args: list[str], env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[2:])} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done.stdout


def wait_ready(server: Started, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.role} exited:\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.base}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"/readyz answered {error.code}: {error.read()[:300]!r}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last = str(error)
        time.sleep(0.3)
    raise RuntimeError(f"{server.role} not ready after {timeout}s ({last}):\n{server.output()}")


# --- Locust -------------------------------------------------------------------------------------


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_locust_csv(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["Name"] if row["Type"] else "Aggregated"
            key = name if name == "Aggregated" else f"{row['Type']} {name}"
            rows[key] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p95": _number(row["95%"]),
                "p99": _number(row["99%"]),
                "max": _number(row["Max Response Time"]),
                "avg": _number(row["Average Response Time"]),
            }
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                failures.append(
                    {
                        "request": f"{row['Method']} {row['Name']}",
                        "error": row["Error"],
                        "occurrences": int(row["Occurrences"]),
                    }
                )
    return {"requests": rows, "failures": failures}


def run_locust(*, users: int, spawn_rate: float, seconds: int, hosts: list[str], members: Path,
               wait: str, work_dir: Path) -> dict:
    prefix = work_dir / f"locust-{users}"
    env = dict(os.environ)
    env.update(
        MAILLAGE_LOAD_MEMBERS=str(members),
        MAILLAGE_LOAD_HOSTS=",".join(hosts),
        MAILLAGE_LOAD_WAIT=wait,
    )
    args = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "30",
        "--csv", str(prefix), "--only-summary", "--host", hosts[0], "--loglevel", "WARNING",
    ]
    log = work_dir / f"locust-{users}.log"
    started = time.monotonic()
    with log.open("wb") as out:
        # Bounded: the run time, the ramp-up, the stop timeout (30 s: requests in flight at the end
        # finish instead of being cut and counted as failures), and a margin.
        subprocess.run(  # noqa: S603 — our own interpreter and arguments
            args, cwd=work_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
            timeout=seconds + users / spawn_rate + 120, check=False,
        )
    result = read_locust_csv(prefix)
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    result["log_tail"] = log.read_text(errors="replace")[-1500:]
    return result


# --- the scale-out proof ------------------------------------------------------------------------


class Browser:
    """A logged-in member over plain HTTP (requests), on whichever server each call names."""

    def __init__(self, email: str, password: str, base: str) -> None:
        import requests

        self.session = requests.Session()
        self.session.get(f"{base}/accounts/login/", timeout=20).raise_for_status()
        response = self.session.post(
            f"{base}/accounts/login/",
            data={"csrfmiddlewaretoken": self.csrf(), "login": email, "password": password},
            allow_redirects=False,
            timeout=20,
        )
        if response.status_code != 302 or "/accounts/" in response.headers.get("Location", ""):
            raise RuntimeError(f"login of {email} on {base} failed: HTTP {response.status_code}")

    def csrf(self) -> str:
        cookies = self.session.cookies
        return cookies.get("__Host-csrftoken") or cookies.get("csrftoken") or ""

    def session_cookie(self) -> str:
        for name in ("__Host-sessionid", "sessionid"):
            value = self.session.cookies.get(name)
            if value:
                return f"{name}={value}"
        raise RuntimeError("no session cookie after login")

    def get(self, url: str, **kwargs):
        return self.session.get(url, timeout=20, **kwargs)

    def post(self, url: str, data: dict, **kwargs):
        return self.session.post(
            url, data={"csrfmiddlewaretoken": self.csrf(), **data}, allow_redirects=False,
            timeout=20, **kwargs,
        )


def badge_count(browser: Browser, base: str) -> int:
    response = browser.get(f"{base}/notifications/badge/")
    response.raise_for_status()
    found = re.search(r'class="nav-badge"[^>]*>(\d+)\+?<', response.text)
    return int(found.group(1)) if found else 0


def scale_out_proof(a: str, b: str, pair: list[str], password: str) -> dict:
    """Member X holds a socket on server B; member Y acts through server A."""
    x_email, x_id, y_email, y_id = pair
    checks: list[dict] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": bool(ok), "detail": detail})

    x = Browser(x_email, password, b)
    y = Browser(y_email, password, a)
    response = x.post(f"{b}/notifications/read/", {})
    check("X marks notifications read on B", response.status_code == 302, f"HTTP {response.status_code}")
    before = badge_count(x, b)
    check("X's badge on B is 0 before", before == 0, f"badge {before}")

    token = uuid.uuid4().hex[:12]

    def send_message() -> str:
        """Y writes to X through A with the page's forms; returns the conversation id."""
        response = y.get(f"{a}/messaging/new/", params={"to": x_id}, allow_redirects=False)
        body = f"Scale-out check {token}"
        if response.status_code == 302:
            conversation = re.search(r"/messaging/([0-9a-f-]{36})/", response.headers["Location"])
            sent = y.post(
                f"{a}/messaging/{conversation.group(1)}/send/",
                {"body": body, "client_id": str(uuid.uuid4())},
            )
        else:
            sent = y.post(
                f"{a}/messaging/new/", {"to": x_id, "body": body, "client_id": str(uuid.uuid4())}
            )
            conversation = re.search(r"/messaging/([0-9a-f-]{36})/", sent.headers.get("Location", ""))
        if sent.status_code != 302 or conversation is None:
            raise RuntimeError(f"Y's message through A: HTTP {sent.status_code}")
        return conversation.group(1)

    def post_and_comment() -> str:
        """X posts through B; Y comments through A (X is notified)."""
        created = x.post(
            f"{b}/posts/new/",
            {"body": f"Scale-out post {token}", "audience": "public", "action": "publish"},
        )
        post = re.search(r"/posts/([0-9a-f-]{36})/", created.headers.get("Location", ""))
        if created.status_code != 302 or post is None:
            raise RuntimeError(f"X's post through B: HTTP {created.status_code}")
        commented = y.post(f"{a}/posts/{post.group(1)}/comment/", {"body": f"Comment {token}"})
        if commented.status_code != 302:
            raise RuntimeError(f"Y's comment through A: HTTP {commented.status_code}")
        return post.group(1)

    async def next_event(ws, event_type: str) -> tuple[dict, float]:
        started = time.monotonic()

        async def wait():
            while True:
                event = json.loads(await ws.recv())
                if event.get("type") == event_type:
                    return event

        event = await asyncio.wait_for(wait(), DELIVERY_TIMEOUT)
        return event, (time.monotonic() - started) * 1000

    async def scenario() -> dict:
        from websockets.asyncio.client import connect

        ws = await connect(
            f"ws://{b.removeprefix('http://')}/ws/",
            additional_headers={"Cookie": x.session_cookie(), "Origin": b},
            open_timeout=DELIVERY_TIMEOUT,
        )
        seen: dict = {}
        waiting = None
        try:
            waiting = asyncio.create_task(next_event(ws, "message.new"))
            await asyncio.sleep(0.2)  # the socket has joined its group before Y sends
            seen["conversation"] = await asyncio.to_thread(send_message)
            seen["message_event"], seen["message_ms"] = await waiting
            waiting = asyncio.create_task(next_event(ws, "notification"))
            seen["post"] = await asyncio.to_thread(post_and_comment)
            seen["notification_event"], seen["notification_ms"] = await waiting
        finally:
            if waiting is not None and not waiting.done():
                waiting.cancel()
            await ws.close()
        return seen

    try:
        seen = asyncio.run(scenario())
    except (TimeoutError, RuntimeError, OSError) as error:
        check("events across processes", False, f"{type(error).__name__}: {error}")
        return {"ok": False, "checks": checks}

    event = seen["message_event"]["data"]
    check(
        "message posted through A reaches X's socket on B",
        event.get("sender") == y_id and event.get("conversation") == seen["conversation"],
        f"message.new after {seen['message_ms']:.0f} ms, data {event}",
    )
    page = x.get(f"{b}/messaging/{seen['conversation']}/")
    check(
        "the message shows on B's conversation page",
        page.status_code == 200 and token in page.text,
        f"HTTP {page.status_code}",
    )
    unread = seen["notification_event"]["data"].get("unread")
    after = badge_count(x, b)
    check(
        "notification caused through A reaches X's socket on B",
        isinstance(unread, int) and unread >= 1,
        f"notification event after {seen['notification_ms']:.0f} ms, data "
        f"{seen['notification_event']['data']}",
    )
    check("X's badge on B counts it", after >= 1 and after == unread, f"badge {before} -> {after}")
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def task_worker_stats(redis_url: str, pids: set[int]) -> dict:
    """What each of our RQ workers did (jobs done and failed), and what is left in the queue."""
    try:
        from redis import Redis
        from rq import Queue, Worker
        from rq.registry import FailedJobRegistry
    except ImportError:
        return {}
    connection = Redis.from_url(redis_url)
    workers = [w for w in Worker.all(connection=connection) if w.pid in pids]
    return {
        "workers": [
            {"name": w.name, "pid": w.pid, "done": w.successful_job_count, "failed": w.failed_job_count}
            for w in workers
        ],
        "queued": Queue("default", connection=connection).count,
        "failed_registry": FailedJobRegistry("default", connection=connection).count,
    }


# --- the report ---------------------------------------------------------------------------------


def fmt(value, digits: int = 0) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.{digits}f}"


def write_report(report: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = report["started_at"].replace(":", "").replace("-", "")[:15]
    json_path = out_dir / f"load-{stamp}.json"
    md_path = out_dir / f"load-{stamp}.md"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    c = report["conditions"]
    lines = [
        f"# Load test, {report['started_at']}",
        "",
        f"- database: `{c['database']}` ({c['size']['members']} members, "
        f"{c['size']['connections']} connections, {c['size']['posts']} posts; logins from the "
        f"{c['members_source']} members, {c['members_used']} listed)",
        f"- Redis: `{c['redis'] or 'none (in-memory layer, database task queue)'}`",
        f"- web processes: {len(c['hosts'])} × {c['web_workers']} uvicorn worker(s) "
        f"({', '.join(c['hosts'])}); task workers: {c['task_workers']}; settings "
        f"`{c['settings']}`",
        f"- think time {c['wait'].replace(',', '–')} s between actions; spawn rate {c['spawn_rate']}/s; "
        f"Locust {c['locust_version']}; {c['cpus']} CPUs" + ("; scale-out run" if c["scale_out"] else ""),
        "- every request goes to the next web process in turn (no sticky sessions)",
        "- times in ms are Locust's, rounded to two significant digits above 100 ms; a POST is "
        "timed without following its redirect",
        "",
    ]
    for level in report["levels"]:
        total = level["requests"].get("Aggregated", {})
        lines += [
            f"## {level['users']} users, {level['seconds']} s",
            "",
            f"{fmt(total.get('rps'), 1)} requests/s; {total.get('requests', 0)} requests, "
            f"{total.get('failures', 0)} errors ({fmt(level['error_rate'] * 100, 2)} %); "
            f"home feed p95 {fmt(level['feed_p95'])} ms; load average (1, 5, 15 min) "
            f"{' '.join(map(str, level['load_before']))} before, "
            f"{' '.join(map(str, level['load_after']))} after.",
            "",
            "| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, row in level["requests"].items():
            lines.append(
                f"| {name} | {row['requests']} | {row['failures']} | {fmt(row['p50'])} | "
                f"{fmt(row['p95'])} | {fmt(row['p99'])} | {fmt(row['max'])} |"
            )
        if level["failures"]:
            lines += ["", "Errors:", ""]
            lines += [f"- {f['occurrences']} × {f['request']}: {f['error']}" for f in level["failures"]]
        lines += ["", "CPU seconds used during the run: " + ", ".join(
            f"{role} {fmt(sec, 1)}" for role, sec in level["cpu_seconds"].items()
        ), ""]
    if report.get("task_workers"):
        t = report["task_workers"]
        lines += [
            "## Task workers",
            "",
            ("; ".join(f"worker pid {w['pid']}: {w['done']} jobs done, {w['failed']} failed"
                       for w in t["workers"]) or "no RQ worker of this run found")
            + f"; left in the queue: {t['queued']}; failed registry: {t['failed_registry']} "
            f"({t['failed_registry_new']} new during this run).",
            "",
        ]
    if report.get("scale_out"):
        proof = report["scale_out"]
        lines += [f"## Scale-out proof: {'held' if proof['ok'] else 'FAILED'}", ""]
        lines += [f"- {'ok' if ch['ok'] else 'FAILED'} — {ch['check']}: {ch['detail']}"
                  for ch in proof["checks"]]
        lines.append("")
    if report["problems"]:
        lines += ["## Problems", ""] + [f"- {p}" for p in report["problems"]] + [""]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    return md_path, json_path


# --- the run ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="Default: a temporary SQLite database with the demo network.")
    parser.add_argument("--redis-url", help="Required for more than one web process.")
    parser.add_argument("--users", default="50,200", help="Simulated members, one run each (default 50,200).")
    parser.add_argument("--time", type=int, default=60, help="Seconds per run (default 60).")
    parser.add_argument("--spawn-rate", type=float, default=10, help="New members per second (default 10).")
    parser.add_argument("--wait", default="1,5", help="Think time between actions, min,max seconds.")
    parser.add_argument("--web-processes", type=int, default=2, help="Server processes (default 2).")
    parser.add_argument("--web-workers", type=int, default=1, help="uvicorn workers per server (default 1).")
    parser.add_argument("--task-workers", type=int, default=1, help="`maillage worker` processes (default 1).")
    parser.add_argument("--members", type=int, default=2000, help="Members to log in as, at most.")
    parser.add_argument("--scale-out", action="store_true",
                        help="Two servers and two task workers sharing the database and Redis, then the cross-process checks.")
    parser.add_argument("--smoke", action="store_true", help="5 users, 15 s, one process: that it works.")
    parser.add_argument("--out", type=Path, help=f"Where the report goes (default {RESULTS}).")
    parser.add_argument("--settings", default="config.settings",
                        help="DJANGO_SETTINGS_MODULE of the started processes (to measure a variant).")
    args = parser.parse_args(argv)
    if args.smoke:
        args.users, args.time, args.spawn_rate = "5", 15, 5
        args.web_processes, args.web_workers, args.task_workers = 1, 1, 1
    if args.scale_out:
        args.web_processes, args.task_workers = 2, 2
        if not args.redis_url:
            parser.error("--scale-out needs --redis-url (processes share the channel layer and cache)")
    if args.web_processes * args.web_workers > 1 and not args.redis_url:
        parser.error("more than one web process needs --redis-url (see docs/scaling.md)")
    if not args.database_url and args.web_processes * args.web_workers > 1:
        parser.error("more than one web process needs --database-url (PostgreSQL)")
    args.user_levels = [int(u) for u in str(args.users).split(",") if u.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="maillage-load-"))
    data_dir = work_dir / "data"
    data_dir.mkdir()
    database_url = args.database_url or f"sqlite:///{data_dir / 'maillage.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAILLAGE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE=args.settings,
        DATABASE_URL=database_url,
        MAILLAGE_DATA_DIR=str(data_dir),
        # One key for every process: a session made on one is valid on the others.
        MAILLAGE_SECRET_KEY=secrets.token_urlsafe(64),
        # Our own cache keys and channel groups in the given Redis database.
        MAILLAGE_REDIS_PREFIX=f"maillage-load-{os.getpid()}",
        PYTHONUNBUFFERED="1",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url

    started: list[Started] = []

    def stop_all(*_signal_args) -> None:
        for proc in reversed(started):
            proc.stop()

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    report: dict = {
        "started_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "levels": [],
        "problems": [],
    }
    try:
        print(f"Work folder: {work_dir}", flush=True)
        run_command(maillage("migrate", "--no-input", "-v0"), env, timeout=600)
        if not args.database_url:
            print("Loading the demo network into a temporary SQLite database…", flush=True)
            run_command(maillage("demo", "-v0"), env, timeout=600)
        code = MEMBERS_CODE.format(limit=args.members, synth_password=SYNTH_PASSWORD)
        output = run_command(maillage("shell", "-c", code), env, timeout=600)
        found = json.loads(output.split("MEMBERS-JSON ", 1)[1])
        if not found["emails"]:
            raise SystemExit("No member to log in as: load `maillage demo` or generate members first.")
        members_path = work_dir / "members.json"
        members_path.write_text(
            json.dumps([{"email": e, "password": found["password"]} for e in found["emails"]])
        )

        for number in range(args.task_workers):
            worker = Started(f"task-worker-{number + 1}", maillage("worker"), env, work_dir)
            worker.start()
            started.append(worker)
        servers = []
        for number in range(args.web_processes):
            port = free_port()
            server = Started(
                f"web-{number + 1}",
                maillage("run", "--no-worker", "--no-demo", "--port", str(port),
                         "--workers", str(args.web_workers)),
                env, work_dir, port=port,
            )
            server.start()
            started.append(server)
            servers.append(server)
        for server in servers:
            wait_ready(server)
        hosts = [s.base for s in servers]
        print(f"Ready: {', '.join(hosts)}; {args.task_workers} task worker(s)", flush=True)

        from importlib.metadata import version

        report["conditions"] = {
            "database": redacted(database_url),
            "redis": redacted(args.redis_url) if args.redis_url else None,
            "size": found["size"],
            "members_source": found["source"],
            "members_used": len(found["emails"]),
            "hosts": hosts,
            "web_workers": args.web_workers,
            "task_workers": args.task_workers,
            "wait": args.wait,
            "spawn_rate": args.spawn_rate,
            "locust_version": version("locust"),
            "cpus": os.cpu_count(),
            "scale_out": args.scale_out,
            "settings": args.settings,
        }
        rq_pids = {w.process.pid for w in started if w.role.startswith("task-worker")}
        failed_before = (
            task_worker_stats(args.redis_url, rq_pids).get("failed_registry", 0) if args.redis_url else 0
        )

        for users in args.user_levels:
            print(f"Locust: {users} users for {args.time} s…", flush=True)
            cpu_before = {p.role: p.cpu_seconds() for p in started}
            load_before = [round(x, 2) for x in os.getloadavg()]
            result = run_locust(
                users=users, spawn_rate=args.spawn_rate, seconds=args.time, hosts=hosts,
                members=members_path, wait=args.wait, work_dir=work_dir,
            )
            total = result["requests"].get("Aggregated", {"requests": 0, "failures": 0})
            feed = result["requests"].get(f"GET {FEED_NAME}", {})
            level = {
                "users": users,
                "seconds": args.time,
                "load_before": load_before,
                "load_after": [round(x, 2) for x in os.getloadavg()],
                "error_rate": total["failures"] / total["requests"] if total["requests"] else 0.0,
                "feed_p95": feed.get("p95"),
                "cpu_seconds": {
                    p.role: round(p.cpu_seconds() - cpu_before[p.role], 1) for p in started
                },
                **result,
            }
            report["levels"].append(level)
            print(
                f"  {fmt(total.get('rps'), 1)} req/s, {total['requests']} requests, "
                f"{total['failures']} errors, home feed p95 {fmt(level['feed_p95'])} ms",
                flush=True,
            )
            if not total["requests"]:
                report["problems"].append(f"{users} users: no request made; Locust said:\n{result['log_tail']}")
            if total["failures"]:
                report["problems"].append(f"{users} users: {total['failures']} failed requests")
            for proc in started:
                if not proc.alive():
                    report["problems"].append(f"{proc.role} died:\n{proc.output()}")

        if args.scale_out:
            if found["pair"] is None:
                report["problems"].append("scale-out proof: no two connected members to use")
            else:
                a, b = servers[0].base, servers[1].base
                report["scale_out"] = scale_out_proof(a, b, found["pair"], found["password"])
                if not report["scale_out"]["ok"]:
                    report["problems"].append("scale-out proof failed")
        if args.redis_url:
            time.sleep(2)  # the last queued tasks (the proof's e-mail, impressions) get worked
            stats = task_worker_stats(args.redis_url, rq_pids)
            if stats:
                stats["failed_registry_new"] = stats["failed_registry"] - failed_before
                report["task_workers"] = stats
                if stats["failed_registry_new"]:
                    report["problems"].append(f"{stats['failed_registry_new']} task(s) failed")
                if args.scale_out and len([w for w in stats["workers"] if w["done"]]) < 2:
                    report["problems"].append("scale-out: not every task worker took work")
    except (RuntimeError, subprocess.TimeoutExpired, KeyboardInterrupt) as error:
        report["problems"].append(f"{type(error).__name__}: {error}")
    finally:
        stop_all()

    if "conditions" not in report:
        for problem in report["problems"]:
            print(problem, file=sys.stderr)
        for proc in started:
            print(f"--- {proc.role}\n{proc.output()}", file=sys.stderr)
        return 1
    out_dir = args.out or (work_dir / "results" if args.smoke else RESULTS)
    md_path, json_path = write_report(report, out_dir)
    print(md_path.read_text(encoding="utf-8"))
    print(f"Written: {md_path} and {json_path}")
    if not report["problems"]:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
