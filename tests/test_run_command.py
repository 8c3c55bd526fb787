"""`maillage run` as an operator uses it: a real server process and its worker, then Ctrl-C."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from maillage.demo import DEMO_LOGINS

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout}s")


class Browser:
    """Just enough of a browser: cookies, CSRF tokens from forms, same-origin Referer."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.status, response.url, response.read().decode()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        _, _, html = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.url, response.read().decode()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


@pytest.fixture
def running_maillage(tmp_path):
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAILLAGE_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env["MAILLAGE_DATA_DIR"] = str(tmp_path / "data")
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "maillage.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # First start: migrations, then the demo network with its feed and conversations; on a
        # busy two-core machine (CI runs two suites side by side) that takes a while.
        wait_for(base + "/healthz", timeout=240)
        yield process, base, tmp_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def worker_pids(data_dir: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"worker" in cmdline and f"MAILLAGE_DATA_DIR={data_dir}".encode() in environ:
            found.append(int(proc.name))
    return found


def test_run_serves_demo_works_tasks_and_stops_on_ctrl_c(running_maillage):
    process, base, tmp_path = running_maillage
    data_dir = tmp_path / "data"
    output = (tmp_path / "run.log").read_text()
    assert f"Maillage is running at {base}/" in output
    for login in DEMO_LOGINS:
        assert login["email"] in output
    assert (data_dir / "maillage.sqlite3").exists()

    with urllib.request.urlopen(base + "/readyz", timeout=10) as response:  # noqa: S310
        assert json.load(response)["status"] == "ok"

    # The demo member logs in and sees the shell.
    member = Browser(base)
    demo = DEMO_LOGINS[0]
    status, url, html = member.post_form(
        "/accounts/login/", {"login": demo["email"], "password": demo["password"]}
    )
    assert url.endswith("/home/")
    assert "Camille" in html

    # The WebSocket answers a logged-in member over the same server.
    session = member.cookie("sessionid")
    reply = subprocess.run(  # noqa: S603
        [sys.executable, "-c", WS_CLIENT, base.replace("http", "ws") + "/ws/", session, base],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert reply.stdout.strip() == '{"type": "pong"}', reply.stderr

    # A visitor signs up; the worker started beside the server delivers the mail.
    visitor = Browser(base)
    visitor.post_form(
        "/accounts/signup/",
        {
            "first_name": "Anne",
            "last_name": "Morel",
            "email": "anne.morel@example.org",
            "password1": "Tilleul-Ardoise-42!",
            "password2": "Tilleul-Ardoise-42!",
        },
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list((data_dir / "outbox").glob("*.eml")):
        time.sleep(0.3)
    assert list((data_dir / "outbox").glob("*.eml")), "the worker did not deliver the mail"
    assert worker_pids(data_dir)

    # Ctrl-C stops the server and its worker.
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and worker_pids(data_dir):
        time.sleep(0.2)
    assert worker_pids(data_dir) == []


WS_CLIENT = """
import asyncio, sys
import websockets

async def main(url, session, origin):
    async with websockets.connect(
        url, additional_headers={"Cookie": f"sessionid={session}"}, origin=origin
    ) as ws:
        await ws.send('{"type": "ping"}')
        print(await asyncio.wait_for(ws.recv(), 10))

asyncio.run(main(*sys.argv[1:]))
"""
