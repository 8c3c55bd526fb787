#!/usr/bin/env python
"""Screenshots of Maillage's main pages, in French and English, on a desktop and a phone.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only home,network]

Starts Maillage on a temporary data folder (the demo network is loaded on first start; when the
`demo` command is not available, one administrator is created instead), waits for /healthz,
logs in through the real login form with Playwright driving Debian's Chromium
(/usr/bin/chromium — never `playwright install`), switches language with the footer form, and
saves full-page PNGs as docs/screenshots/<page>-<lang>-<width>.png.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LANGUAGES = ["fr", "en"]
WIDTHS = {1280: 800, 375: 812}
ADMIN_EMAIL = "admin@demo.maillage.test"

# (name, path, needs a logged-in member)
PAGES = [
    ("landing", "/", False),
    ("login", "/accounts/login/", False),
    ("signup", "/accounts/signup/", False),
    ("home", "/home/", True),
    ("network", "/network/", True),
    ("members", "/members/", True),
    ("404", "/this-page-does-not-exist/", True),
    ("2fa", "/accounts/2fa/", True),
    # Profile pages: one's own, another member's, and the same one as an anonymous visitor.
    # "{other}" is another demo member's public address (see other_member_address()).
    ("profile", "/in/me/", True),
    ("profile-other", "/in/{other}/", True),
    ("profile-public", "/in/{other}/", False),
    # The network, as the demo member Camille sees it.
    ("invitations", "/network/invitations/", True),
    ("connections", "/network/connections/", True),
    ("suggestions", "/network/suggestions/", True),
    ("introductions", "/network/introductions/", True),
    ("recommendations", "/recommendations/", True),
    ("search", "/search/?q=jerome", True),
    ("notifications", "/notifications/", True),
    ("contacts", "/network/contacts/", True),
    ("relationship", "/in/{other}/relationship/", True),
    # The feed, as Camille sees it. "{post}" is a post by someone else with comments (images
    # when there are some), "{own_post}" one of Camille's with reactions, "{hashtag}" the
    # busiest hashtag (see feed_placeholders()).
    ("post", "/posts/{post}/", True),
    ("post-public", "/posts/{public_post}/", False),
    ("hashtag", "/hashtag/{hashtag}/", True),
    ("composer", "/posts/new/", True),
    ("composer-poll", "/posts/new/?with=poll", True),
    ("drafts", "/posts/drafts/", True),
    ("analytics", "/posts/{own_post}/analytics/", True),
    ("activity", "/activity/", True),
    ("saved", "/saved/", True),
    ("reactions", "/posts/{own_post}/reactions/", True),
    ("why", "/posts/{post}/why/", True),
    # Messaging and notification settings, as Camille sees them. "{conversation}" is her most
    # recent conversation with several messages.
    ("messaging", "/messaging/", True),
    ("conversation", "/messaging/{conversation}/", True),
    ("message-new", "/messaging/new/", True),
    ("messaging-search", "/messaging/search/?q=camille", True),
    ("notification-settings", "/notifications/settings/", True),
]

# Used when the address cannot be looked up (a server started elsewhere, with --base-url).
FALLBACK_OTHER_ADDRESS = "jean-martin"
OTHER_ADDRESS_CODE = """
from maillage.profiles.models import Profile
p = (Profile.objects.filter(public_page=True, address__isnull=False, positions__isnull=False)
     .exclude(member__email__in=%r).exclude(about="").order_by("pk").first())
print(p.address if p else "")
"""


FEED_CODE = """
import json
from django.db.models import Count
from maillage.accounts.models import User
from maillage.feed.models import Hashtag, Post
me = User.objects.filter(email=%r).first()
published = Post.objects.filter(status="published", kind="post", repost_of__isnull=True)
others = published.exclude(author=me).filter(comment_count__gt=1, audience__in=["public", "members"])
post = (others.annotate(n=Count("images")).filter(n__gt=0).order_by("-comment_count").first()
        or others.order_by("-comment_count").first())
public = published.filter(audience="public", comment_count__gt=0).order_by("-reaction_count").first()
own = published.filter(author=me).order_by("-reaction_count").first()
tag = Hashtag.objects.order_by("-post_count").first()
from maillage.messaging.models import Conversation
talk = (Conversation.objects.filter(participants__member=me, participants__left_at__isnull=True)
        .annotate(n=Count("messages")).filter(n__gt=2).order_by("-last_message_at").first())
print(json.dumps({"conversation": str(talk.public_id) if talk else "",
                  "post": str(post.public_id) if post else "",
                  "public_post": str(public.public_id) if public else "",
                  "own_post": str(own.public_id) if own else "",
                  "hashtag": tag.key if tag else ""}))
"""


def feed_placeholders(env: dict[str, str] | None, own_email: str) -> dict[str, str]:
    """Posts and a hashtag of the demo network for the feed shots (empty when unknown)."""
    import json

    if env is not None:
        result = manage("shell", "-c", FEED_CODE % (own_email,), env=env)
        lines = result.stdout.strip().splitlines() if result.returncode == 0 else []
        if lines:
            try:
                return json.loads(lines[-1])
            except ValueError:
                pass
    return {}


def log(message: str) -> None:
    print(f"[screenshots] {message}", flush=True)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_chromium(timeout: float = 900) -> None:
    """Chromium may still be installing in the background (apt-get install chromium)."""
    deadline = time.monotonic() + timeout
    announced = False
    while not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        if time.monotonic() > deadline:
            sys.exit(f"{CHROMIUM} did not appear: install it with `apt-get install chromium`.")
        if not announced:
            log(f"waiting for {CHROMIUM} to be installed…")
            announced = True
        time.sleep(5)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-m", "maillage.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def demo_available(env: dict[str, str]) -> bool:
    return manage("help", "demo", env=env).returncode == 0


def start_server(port: int, env: dict[str, str], *, demo: bool, log_file) -> subprocess.Popen:
    args = [sys.executable, "-m", "maillage.cli", "run", "--port", str(port), "--no-worker"]
    if not demo:
        args.append("--no-demo")
    return subprocess.Popen(  # noqa: S603
        args, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_healthy(base_url: str, proc: subprocess.Popen, timeout: float = 600) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=3) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def other_member_address(env: dict[str, str] | None, own_email: str) -> str:
    """A member with a public page other than the one we log in as, for the profile shots."""
    if env is not None:
        result = manage("shell", "-c", OTHER_ADDRESS_CODE % ([own_email],), env=env)
        address = result.stdout.strip().splitlines()[-1:] if result.returncode == 0 else []
        if address and address[0]:
            return address[0]
    return FALLBACK_OTHER_ADDRESS


def launch(data_dir: Path, log_path: Path) -> tuple[subprocess.Popen, str, tuple[str, str]]:
    """Start the server; returns (process, base URL, (login e-mail, password))."""
    env = os.environ.copy()
    env["MAILLAGE_DATA_DIR"] = str(data_dir)
    env.pop("MAILLAGE_ENV", None)
    env.setdefault("MAILLAGE_LOG_LEVEL", "WARNING")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_file = log_path.open("a", encoding="utf-8")

    if demo_available(env):
        from maillage.demo import DEMO_LOGINS

        log("starting Maillage with the demo network (first start takes a little while)…")
        proc = start_server(port, env, demo=True, log_file=log_file)
        if wait_healthy(base_url, proc):
            login = next((x for x in DEMO_LOGINS if x["role"] == "member"), DEMO_LOGINS[0])
            return proc, base_url, (login["email"], login["password"])
        stop_server(proc)
        log(f"the demo start failed (see {log_path}); falling back to a single administrator")
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)

    log("creating one administrator (no demo network)…")
    result = manage("migrate", "--no-input", "-v", "0", env=env)
    if result.returncode != 0:
        sys.exit(f"migrate failed:\n{result.stderr}")
    password = secrets.token_urlsafe(18)
    env_admin = {**env, "MAILLAGE_ADMIN_PASSWORD": password}
    result = manage("createadmin", "--email", ADMIN_EMAIL, env=env_admin)
    if result.returncode != 0 and "already exists" not in result.stderr:
        sys.exit(f"createadmin failed:\n{result.stderr}")
    proc = start_server(port, env, demo=False, log_file=log_file)
    if not wait_healthy(base_url, proc):
        stop_server(proc)
        sys.exit(f"Maillage did not become healthy; see {log_path}")
    return proc, base_url, (ADMIN_EMAIL, password)


def switch_language(page, language: str) -> None:
    """Use the footer's language form, as a person would."""
    page.select_option("#language-select", language)
    with page.expect_navigation():
        page.click(".language-form button[type=submit]")
    page.wait_for_load_state("load")
    current = page.get_attribute("html", "lang")
    if current != language:
        raise RuntimeError(f"language switch to {language} failed (page says {current})")


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        raise RuntimeError("logging in failed: still on the login page")


def shoot(page, base_url: str, path: str, target: Path) -> None:
    page.goto(f"{base_url}{path}")
    page.wait_for_load_state("load")
    page.evaluate("document.fonts && document.fonts.ready")
    # A full-page shot keeps fixed bars where the first screen had them (a phone's bottom bar
    # would float mid-page): stretch the viewport to the whole page instead, then restore it.
    viewport = page.viewport_size
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    page.set_viewport_size(viewport)
    log(f"saved {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")


def take_all(
    base_url: str,
    credentials: tuple[str, str],
    out: Path,
    only: set[str],
    other_address: str = FALLBACK_OTHER_ADDRESS,
    placeholders: dict[str, str] | None = None,
) -> int:
    from playwright.sync_api import sync_playwright

    values = {"other": other_address, **(placeholders or {})}
    pages = []
    for name, path, member in PAGES:
        for key, value in values.items():
            path = path.replace("{" + key + "}", value)
        if "{" in path or "//" in path:  # a page whose example could not be found
            log(f"skipping {name}: no example for {path}")
            continue
        pages.append((name, path, member))
    visitor_pages = [(n, p) for n, p, member in pages if not member and (not only or n in only)]
    member_pages = [(n, p) for n, p, member in pages if member and (not only or n in only)]
    count = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width, height in WIDTHS.items():
                for language in LANGUAGES:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=1,
                        color_scheme="light",
                        reduced_motion="reduce",
                        locale="fr-FR" if language == "fr" else "en-GB",
                    )
                    page = context.new_page()
                    page.goto(f"{base_url}/")
                    switch_language(page, language)
                    for name, path in visitor_pages:
                        shoot(page, base_url, path, out / f"{name}-{language}-{width}.png")
                        count += 1
                    if member_pages:
                        log_in(page, base_url, *credentials)
                        switch_language(page, language)  # the member's own choice wins
                        for name, path in member_pages:
                            shoot(page, base_url, path, out / f"{name}-{language}-{width}.png")
                            count += 1
                    context.close()
        finally:
            browser.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="Comma-separated page names to take.")
    parser.add_argument("--base-url", default="", help="Use a running server instead.")
    parser.add_argument("--login", default="", help="E-mail:password with --base-url.")
    parser.add_argument("--other", default="", help="Another member's address (profile shots).")
    options = parser.parse_args()
    only = {name.strip() for name in options.only.split(",") if name.strip()}
    out: Path = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    wait_for_chromium()
    if options.base_url:
        from maillage.demo import DEMO_LOGINS

        if options.login:
            email, _sep, password = options.login.partition(":")
        else:
            email, password = DEMO_LOGINS[0]["email"], DEMO_LOGINS[0]["password"]
        count = take_all(
            options.base_url.rstrip("/"),
            (email, password),
            out,
            only,
            options.other or FALLBACK_OTHER_ADDRESS,
        )
        log(f"{count} screenshots in {out}")
        return

    data_dir = Path(tempfile.mkdtemp(prefix="maillage-screens-"))
    log_path = data_dir.parent / f"{data_dir.name}.log"
    proc = None
    try:
        proc, base_url, credentials = launch(data_dir, log_path)
        log(f"Maillage is up at {base_url}, logging in as {credentials[0]}")
        env = {**os.environ, "MAILLAGE_DATA_DIR": str(data_dir)}
        env.pop("MAILLAGE_ENV", None)
        other = options.other or other_member_address(env, credentials[0])
        feed = feed_placeholders(env, credentials[0])
        count = take_all(base_url, credentials, out, only, other, feed)
        log(f"{count} screenshots in {out}")
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
