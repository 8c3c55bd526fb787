"""A member's visit, for Locust: log in, read the feed and scroll it, open profiles and posts,
search people, react, comment, post, and write to a connection.

Run through `bench/loadtest.py`, which starts the servers and writes the member list; by hand:

    MAILLAGE_LOAD_MEMBERS=members.json MAILLAGE_LOAD_HOSTS=http://127.0.0.1:8000 \\
        locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s

Environment:
  MAILLAGE_LOAD_MEMBERS  a JSON file: a list of {"email": ..., "password": ...} (required)
  MAILLAGE_LOAD_HOSTS    server base URLs, comma-separated (default: Locust's --host). With more
                         than one, every request goes to the next host in turn, so the session
                         made on one process is used on the others (no sticky sessions).
  MAILLAGE_LOAD_WAIT     think time between two actions, "min,max" seconds (default 1,5)
  MAILLAGE_LOAD_ONE_IP   set to 1 to send every user's requests from 127.0.0.1 (see below)

Against servers on loopback, each simulated member connects from its own address
(127.1.x.y: all of 127.0.0.0/8 is the loopback interface), as real members come from their own
addresses: allauth allows 30 logins a minute per IP address, which one address would exceed
(with MAILLAGE_LOAD_ONE_IP=1 the logins beyond that are refused and counted as failures).

Every request is named by its route ("/posts/[id]/react/"), never by its URL with ids, so Locust
groups them; any answer that is not 2xx or 3xx is a failure, and so is a form sent back with
errors (a redirect to the login page, the login form shown again, a 400).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task
from locust.clients import LocustHttpAdapter

WORDS = (
    "réseau projet équipe données produit client marché idée retour atelier conférence "
    "recrutement mentorat design architecture sécurité performance qualité formation "
    "network project team data product customer market idea feedback workshop talk hiring "
    "mentoring security performance quality learning roadmap launch"
).split()

SEARCH_FALLBACK = ["martin", "bernard", "petit", "durand", "dubois", "moreau", "laurent", "garcia"]

POST_RE = re.compile(r'/posts/([0-9a-f-]{36})/react/')
PROFILE_RE = re.compile(r'href="/in/([a-z0-9-]+)/"')
CURSOR_RE = re.compile(r'hx-get="/feed/page/\?cursor=([^"]+)"')
MESSAGE_TO_RE = re.compile(r'/messaging/new/\?to=([0-9a-f-]{36})')
CONVERSATION_RE = re.compile(r'/messaging/([0-9a-f-]{36})/')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

REACTION_KINDS = ["like", "like", "like", "celebrate", "support", "love", "insightful", "funny"]


def _load_members() -> list[dict]:
    path = os.environ.get("MAILLAGE_LOAD_MEMBERS")
    if not path:
        raise SystemExit("MAILLAGE_LOAD_MEMBERS must name a JSON file of members (see the docstring)")
    with open(path, encoding="utf-8") as f:
        members = json.load(f)
    if not members:
        raise SystemExit(f"{path} lists no members")
    return members


def _wait_range() -> tuple[float, float]:
    low, _, high = os.environ.get("MAILLAGE_LOAD_WAIT", "1,5").partition(",")
    return float(low), float(high or low)


MEMBERS: list[dict] = []
# One member per simulated user, in turn: two users of one Locust process never share a login.
_next_member = itertools.count()


@events.init.add_listener
def _on_init(environment, **_kwargs):
    MEMBERS.extend(_load_members())


class SourceAddressAdapter(LocustHttpAdapter):
    """Connections made from one given local address."""

    def __init__(self, source_ip: str) -> None:
        self.source_ip = source_ip
        super().__init__(pool_manager=None)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


def _source_ip(number: int) -> str:
    """A loopback address of its own for the n-th simulated member (up to 62,500 of them)."""
    return f"127.1.{number // 250 % 250}.{number % 250 + 1}"


def _text(words: int) -> str:
    return " ".join(random.choice(WORDS) for _ in range(words)).capitalize() + "."


class Member(HttpUser):
    wait_time = between(*_wait_range())
    # Only used when MAILLAGE_LOAD_HOSTS is not set and --host is not given.
    host = "http://127.0.0.1:8000"

    def on_start(self):
        hosts = [h.strip().rstrip("/") for h in os.environ.get("MAILLAGE_LOAD_HOSTS", "").split(",")]
        self.hosts = [h for h in hosts if h] or [self.host.rstrip("/")]
        self._host_turn = itertools.cycle(range(len(self.hosts)))
        # Start each user on a different host, so that with two hosts half log in on each.
        for _ in range(random.randrange(len(self.hosts))):
            next(self._host_turn)
        number = next(_next_member)
        self.member = MEMBERS[number % len(MEMBERS)]
        on_loopback = all(h.split("://", 1)[-1].startswith("127.") for h in self.hosts)
        if on_loopback and os.environ.get("MAILLAGE_LOAD_ONE_IP") != "1":
            self.client.mount("http://", SourceAddressAdapter(_source_ip(number)))
        self.posts: list[str] = []
        self.profiles: list[str] = []
        self.connections: list[str] = []
        self.cursor: str | None = None
        self.login()

    # --- helpers --------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The next host in turn, then the path."""
        return self.hosts[next(self._host_turn)] + path

    def csrf(self) -> str:
        cookies = self.client.cookies
        # `__Host-` names in production (MAILLAGE_ENV=production), plain ones otherwise.
        return cookies.get("__Host-csrftoken") or cookies.get("csrftoken") or ""

    def get(self, path: str, name: str, *, htmx: bool = False, redirects: bool = True, **kwargs):
        headers = {"HX-Request": "true"} if htmx else {}
        with self.client.get(
            self.url(path), name=name, headers=headers, allow_redirects=redirects,
            catch_response=True, **kwargs,
        ) as response:
            self._judge(response)
        return response

    def post(self, path: str, name: str, data: dict, *, htmx: bool = False):
        """A form post as the browser sends it: the CSRF token in the form, no redirect
        followed (the write is what is measured)."""
        headers = {"HX-Request": "true"} if htmx else {}
        headers["X-CSRFToken"] = self.csrf()
        with self.client.post(
            self.url(path), name=name, data={"csrfmiddlewaretoken": self.csrf(), **data},
            headers=headers, allow_redirects=False, catch_response=True,
        ) as response:
            self._judge(response)
        return response

    @staticmethod
    def _judge(response) -> None:
        status = response.status_code
        location = response.headers.get("Location", "")
        if status == 0:  # no answer: the connection failed or was cut
            response.failure(f"no answer: {response.error!r}")
        elif not 200 <= status < 400:
            response.failure(f"HTTP {status}")
        elif "/accounts/login/" in location:
            response.failure("sent to the login page (session lost)")
        else:
            response.success()

    def remember(self, page: str) -> None:
        """Keep what a page shows: posts to react to, people to visit."""
        posts = POST_RE.findall(page)
        if posts:
            self.posts = list(dict.fromkeys(posts + self.posts))[:60]
        me = {"me"}
        profiles = [p for p in PROFILE_RE.findall(page) if p not in me]
        if profiles:
            self.profiles = list(dict.fromkeys(profiles + self.profiles))[:60]

    # --- the visit ------------------------------------------------------------------------------

    def login(self) -> None:
        self.get("/accounts/login/", "/accounts/login/ (form)")
        with self.client.post(
            self.url("/accounts/login/"),
            name="/accounts/login/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "login": self.member["email"],
                "password": self.member["password"],
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/" in response.headers.get("Location", ""):
                response.failure(
                    f"login refused for {self.member['email']}: HTTP {response.status_code} "
                    f"-> {response.headers.get('Location', '')}"
                )
            else:
                response.success()
        self.home()

    @task(30)
    def home(self):
        response = self.get("/home/", "/home/")
        if response.ok:
            self.remember(response.text)
            found = CURSOR_RE.search(response.text)
            self.cursor = html.unescape(found.group(1)) if found else None

    @task(12)
    def scroll(self):
        if not self.cursor:
            return self.home()
        # The cursor is already URL-encoded in the page: sent as it is, not encoded again.
        response = self.get(f"/feed/page/?cursor={self.cursor}", "/feed/page/?cursor=", htmx=True)
        if response.ok:
            self.remember(response.text)
            found = CURSOR_RE.search(response.text)
            self.cursor = html.unescape(found.group(1)) if found else None

    @task(15)
    def profile(self):
        if not self.profiles:
            return self.search()
        address = random.choice(self.profiles)
        response = self.get(f"/in/{address}/", "/in/[address]/")
        if response.ok:
            self.remember(response.text)

    @task(10)
    def search(self):
        words = [p.split("-")[-1] for p in self.profiles if not p.split("-")[-1].isdigit()]
        query = random.choice(words or SEARCH_FALLBACK)
        response = self.get("/search/", "/search/?q=", params={"q": query})
        if response.ok:
            self.remember(response.text)

    @task(5)
    def open_post(self):
        if not self.posts:
            return self.home()
        self.get(f"/posts/{random.choice(self.posts)}/", "/posts/[id]/")

    @task(8)
    def react(self):
        if not self.posts:
            return self.home()
        self.post(
            f"/posts/{random.choice(self.posts)}/react/",
            "/posts/[id]/react/",
            {"kind": random.choice(REACTION_KINDS), "next": "/home/"},
            htmx=True,
        )

    @task(3)
    def comment(self):
        if not self.posts:
            return self.home()
        self.post(
            f"/posts/{random.choice(self.posts)}/comment/",
            "/posts/[id]/comment/",
            {"body": _text(random.randint(5, 25))},
        )

    @task(2)
    def write_post(self):
        self.post(
            "/posts/new/",
            "/posts/new/",
            {
                "body": _text(random.randint(10, 60)),
                "audience": random.choice(["public", "public", "members", "connections"]),
                "action": "publish",
            },
        )

    @task(4)
    def notifications(self):
        self.get("/notifications/", "/notifications/")

    @task(4)
    def inbox(self):
        self.get("/messaging/", "/messaging/")

    @task(3)
    def my_connections(self):
        response = self.get("/network/connections/", "/network/connections/")
        if response.ok:
            self.connections = list(dict.fromkeys(MESSAGE_TO_RE.findall(response.text)))
            self.remember(response.text)

    @task(3)
    def message(self):
        """Write to a connection: the existing conversation, or a new one."""
        if not self.connections:
            return self.my_connections()
        to = random.choice(self.connections)
        response = self.get(
            "/messaging/new/", "/messaging/new/?to=", params={"to": to}, redirects=False
        )
        if not response.ok:
            return
        body = _text(random.randint(3, 20))
        if response.status_code == 302:
            found = CONVERSATION_RE.search(response.headers.get("Location", ""))
            if not found:
                return
            self.post(
                f"/messaging/{found.group(1)}/send/",
                "/messaging/[id]/send/",
                {"body": body, "client_id": str(uuid.uuid4())},
                htmx=True,
            )
        else:
            self.post(
                "/messaging/new/",
                "/messaging/new/ (start)",
                {"to": to, "body": body, "client_id": str(uuid.uuid4())},
            )
