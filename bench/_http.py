"""A small keep-alive HTTP client with a cookie jar: one per logged-in member (`bench/suite.py`).

Standard library only (http.client), so the suite adds no dependency: one persistent connection
per member, like a browser tab, and the time of a request is until its body is fully read.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str
    elapsed_ms: float

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Browser:
    """One member's connection and cookies to one server."""

    def __init__(
        self, host: str, port: int, timeout: float = 60.0, source_address: str | None = None
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        # Each member from its own loopback address (all of 127.0.0.0/8 is loopback on Linux):
        # members are not behind one address, and allauth counts logins per address.
        self.source_address = source_address
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host,
                self.port,
                timeout=self.timeout,
                source_address=(self.source_address, 0) if self.source_address else None,
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        sent = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            connection = self._connect()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=sent)
                raw = connection.getresponse()
                data = raw.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if raw.getheader("Connection", "").lower() == "close":
                self.close()
            for value in raw.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(raw.status, raw.headers, data.decode("utf-8", "replace"), elapsed)
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, str], csrf_cookie: str = "csrftoken") -> Response:
        """A form post with the CSRF token Django's middleware checks (cookie + form field)."""
        token = self.cookies.get(csrf_cookie, "")
        return self.request("POST", path, form={**form, "csrfmiddlewaretoken": token})

    def login(self, path: str, email: str, password: str, retry_for: float = 120.0) -> Response:
        """Log in through the real login page: its form's CSRF token, then the post.

        allauth allows 30 logins a minute from one address: on 429 wait and try again (the
        logins are set-up, not measured)."""
        deadline = time.monotonic() + retry_for
        while True:
            page = self.get(path)
            match = CSRF_INPUT.search(page.body)
            if page.status != 200 or not match:
                raise RuntimeError(f"login page answered {page.status} without a CSRF token")
            answer = self.request(
                "POST",
                path,
                form={"login": email, "password": password, "csrfmiddlewaretoken": match[1]},
            )
            if answer.status == 429 and time.monotonic() < deadline:
                time.sleep(3)
                continue
            return answer
