"""Link previews: SSRF rules at post time and at fetch time, limits, metadata, the card.

No test touches the network beyond 127.0.0.1: the module's one resolver (`_resolve`) is replaced
for every test, and the happy paths talk to a tiny HTTP server on 127.0.0.1 which only these
tests let in (by replacing `_is_public`, the module-level check — nothing in production can).
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from PIL import Image

from maillage.feed import link_preview, services
from maillage.feed.models import LinkPreview, Post

from .factories import member, post

pytestmark = pytest.mark.django_db

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Names resolve only as a test says (`dns` dict); anything else fails like NXDOMAIN."""
    table: dict[str, list[str]] = {}
    calls: list[str] = []

    def resolve(host, port):
        calls.append(host)
        answer = table.get(host)
        if callable(answer):
            return answer()
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "not in the test's table")
        return list(answer)

    monkeypatch.setattr(link_preview, "_resolve", resolve)
    resolve.table = table
    resolve.calls = calls
    return resolve


class Site:
    """A local web server: `routes` maps a path to a function(handler) writing the answer."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0) -> None:
        self.routes = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — http.server's naming
                site.hits.append(f"{self.headers.get('Host')} {self.path}")
                route = site.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "preview.test") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(
    handler,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    headers=(),
):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(to: str):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def png_bytes(size=(640, 335), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(buffer, "PNG", pnginfo=_png_text())
    return buffer.getvalue()


def _png_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret metadata")
    return info


@pytest.fixture
def fetches(monkeypatch):
    """The preview fetches enqueued (after commit) by link_attach."""
    enqueued: list[int] = []
    real = link_preview.enqueue_on_commit

    def record(task_obj, *args, **kwargs):
        if task_obj is link_preview.link_preview_fetch_task:
            enqueued.extend(args)
        return real(task_obj, *args, **kwargs)

    monkeypatch.setattr(link_preview, "enqueue_on_commit", record)
    return enqueued


@pytest.fixture
def site(monkeypatch, no_dns):
    """The local server, reachable as preview.test:<port> — loopback allowed for this test only."""
    server = Site()
    real_is_public = link_preview._is_public
    monkeypatch.setattr(link_preview, "_is_public", lambda a: a == LOOPBACK or real_is_public(a))
    monkeypatch.setattr(link_preview, "ALLOWED_PORTS", frozenset({80, 443, server.port}))
    no_dns.table["preview.test"] = ["127.0.0.1"]
    yield server
    server.close()


def article(
    title="Hello from the test site", description="A page about testing.", image="/og.png"
) -> bytes:
    return f"""<!doctype html><html><head>
<meta charset="utf-8">
<title>Plain title</title>
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:site_name" content="Test Site">
{f'<meta property="og:image" content="{image}">' if image else ""}
</head><body><p>Hi</p></body></html>""".encode()


def create(author, body, **kw):
    return services.post_create(author=author, data=services.PostInput(body=body, **kw))


# --- Refused at post time ----------------------------------------------------------------------


PRIVATE_LINKS = [
    "http://127.0.0.1/",
    "http://127.0.0.1:8000/admin/",
    "https://localhost/",
    "Look http://localhost:3000 now",
    "http://169.254.169.254/latest/meta-data/",
    "[docs](http://[fd00::1]/)",
    "<http://[::ffff:127.0.0.1]/>",
    "[x](http://[::ffff:a9fe:a9fe]/)",
    "http://[::1]/",
    "[x](http://[fe80::1]/)",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://10.0.0.5/",
    "http://172.16.4.2/",
    "http://192.168.1.1/router",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://[2002:7f00:1::]/",
    "http://printer.local/",
    "http://db.internal/",
    "http://1.2.3.999999/",
    "First https://example.org then http://10.1.2.3/ second",
]


@pytest.mark.parametrize("body", PRIVATE_LINKS)
def test_link_to_a_private_address_refuses_the_post(body):
    author = member()
    with pytest.raises(ValidationError) as caught:
        create(author, body)
    assert "body" in caught.value.error_dict
    assert "private or local network address" in caught.value.error_dict["body"][0].messages[0]
    assert Post.objects.count() == 0
    assert LinkPreview.objects.count() == 0


def test_link_with_credentials_refuses_the_post():
    with pytest.raises(ValidationError) as caught:
        create(member(), "Login at https://admin:hunter2@example.org/")
    assert "user name or password" in caught.value.error_dict["body"][0].messages[0]
    assert Post.objects.count() == 0


def test_a_name_resolving_only_to_private_addresses_refuses_the_post(no_dns):
    no_dns.table["intranet.example.com"] = ["10.0.0.7", "fd12::7"]
    with pytest.raises(ValidationError) as caught:
        create(member(), "Our wiki https://intranet.example.com/home")
    assert "intranet.example.com" in caught.value.error_dict["body"][0].messages[0]
    assert Post.objects.count() == 0
    assert no_dns.calls == ["intranet.example.com"]


def test_a_name_with_one_private_address_passes_at_post_time_but_is_never_fetched(
    no_dns, django_capture_on_commit_callbacks
):
    no_dns.table["mixed.example.com"] = ["93.184.216.34", "10.0.0.7"]
    with django_capture_on_commit_callbacks(execute=True):
        created = create(member(), "Read https://mixed.example.com/a")
    preview = LinkPreview.objects.get()
    assert created.link_preview == preview
    # The fetch refused before connecting anywhere (any non-public address is enough).
    assert preview.status == LinkPreview.Status.FAILED
    assert preview.error == "private address"


def test_public_ip_literals_and_other_ports_get_no_preview_but_the_post_is_published():
    created = create(member(), "See http://93.184.216.34/ and https://example.org:8443/")
    assert created.link_preview is None
    assert LinkPreview.objects.count() == 0


def test_mentions_hashtags_and_code_are_not_links_to_preview(no_dns):
    author = member()
    other = member()
    body = f"Hi @[{other.get_full_name()}]({other.public_id}) #python `not a link`"
    created = create(author, body)
    assert created.link_preview is None
    assert no_dns.calls == []


def test_the_first_link_is_previewed_and_a_name_that_does_not_resolve_yet_is_kept(
    no_dns, fetches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        created = create(
            member(), "[first](https://news.example.org/a#top) and https://second.example.org/"
        )
    assert created.link_preview.url == "https://news.example.org/a"
    assert no_dns.calls == ["news.example.org"]
    assert fetches == [created.link_preview.pk]  # the fetch, after commit


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0", "0.0.0.0"),  # noqa: S104 — an address read, not bound
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
        ("example.org", None),
        ("1.example.org", None),
    ],
)
def test_ip_literals_are_read_as_browsers_read_them(host, expected):
    value = link_preview.ip_literal(host)
    assert (str(value) if value is not None else None) == expected


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 — an address checked, not bound
        "224.0.0.1",
        "100.64.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:a00:1::",
        "::",
        "ff02::1",
        "fec0::1",
        "192.0.2.1",
        "198.18.0.1",
    ],
)
def test_non_public_addresses(address):
    assert not link_preview._is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"]
)
def test_public_addresses(address):
    assert link_preview._is_public(ipaddress.ip_address(address))


# --- The fetch ---------------------------------------------------------------------------------


def test_happy_path_fetches_metadata_and_reencodes_the_image(
    site, django_capture_on_commit_callbacks
):
    site.routes["/article"] = lambda h: send(h, article())
    site.routes["/og.png"] = lambda h: send(h, png_bytes(), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        created = create(member(), f"Worth reading: {site.url('/article')}")
    preview = LinkPreview.objects.get()
    assert created.link_preview_id == preview.pk
    assert preview.status == LinkPreview.Status.READY
    assert preview.title == "Hello from the test site"
    assert preview.description == "A page about testing."
    assert preview.site_name == "Test Site"
    assert preview.fetched_at is not None
    # The image was re-encoded: a JPEG without the PNG's text chunk, in the private storage.
    with preview.image.open("rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (640, 335)
    assert b"secret metadata" not in data
    assert preview.image.storage is LinkPreview._meta.get_field("image").storage
    assert f"preview.test:{site.port} /article" in site.hits  # the Host header named the site


def test_a_link_fetched_recently_is_not_fetched_again(
    site, fetches, django_capture_on_commit_callbacks
):
    site.routes["/article"] = lambda h: send(h, article(image=None))
    author = member()
    with django_capture_on_commit_callbacks(execute=True):
        first = create(author, f"One {site.url('/article')}")
    assert fetches == [first.link_preview_id]
    with django_capture_on_commit_callbacks(execute=True):
        second = create(author, f"Two {site.url('/article')}")
    assert fetches == [first.link_preview_id]  # not enqueued again
    assert LinkPreview.objects.count() == 1
    assert second.link_preview.status == LinkPreview.Status.READY
    assert len([h for h in site.hits if h.endswith("/article")]) == 1


def test_redirect_to_a_private_address_is_refused(site, no_dns):
    evil = Site()
    try:
        no_dns.table["evil.test"] = ["10.0.0.1"]
        site.routes["/to-literal"] = redirect(f"http://127.0.0.2:{evil.port}/secret")
        site.routes["/to-name"] = redirect(f"http://evil.test:{site.port}/secret")
        site.routes["/secret"] = lambda h: send(h, article(title="Internal secret"))
        for path in ("/to-literal", "/to-name"):
            preview = LinkPreview.objects.create(url=site.url(path), url_hash=path)
            link_preview.link_preview_fetch(preview_id=preview.pk)
            preview.refresh_from_db()
            assert preview.status == LinkPreview.Status.FAILED
            assert preview.error == "private address"
            assert preview.title == ""
        assert evil.hits == []
        assert not [h for h in site.hits if "/secret" in h]
    finally:
        evil.close()


def test_redirects_are_followed_three_times_at_most(site):
    site.routes["/r1"] = redirect("/r2")
    site.routes["/r2"] = redirect("/r3")
    site.routes["/r3"] = redirect("/article")
    site.routes["/r0"] = redirect("/r1")
    site.routes["/article"] = lambda h: send(h, article(image=None))
    ok = link_preview.fetch(site.url("/r1"), accept={"text/html"}, max_bytes=1000)
    assert ok.url.endswith("/article")
    with pytest.raises(link_preview.LinkRefused, match="too many redirects"):
        link_preview.fetch(site.url("/r0"), accept={"text/html"}, max_bytes=1000)


def test_dns_rebinding_the_fetch_connects_to_the_address_it_verified(site, no_dns, monkeypatch):
    """The resolver answers the (allowed) test address first, then an address the check refuses.
    The fetch must connect to the first answer and never ask again: any second lookup — ours or
    the system's through socket.create_connection(name) — would reach the other server or fail."""
    evil = Site("127.0.0.2", site.port)  # where a second lookup would lead
    evil.routes["/page"] = lambda h: send(h, article(title="Rebound to the inside", image=None))
    evil_answer = ipaddress.ip_address("127.0.0.2")
    answers = iter([["127.0.0.1"]])
    no_dns.table["rebind.test"] = lambda: next(answers, ["127.0.0.2"])
    system_lookups = []
    real_getaddrinfo = socket.getaddrinfo

    def watched_getaddrinfo(host, *args, **kwargs):
        system_lookups.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", watched_getaddrinfo)
    site.routes["/page"] = lambda h: send(h, article(title="The verified site", image=None))
    try:
        assert not link_preview._is_public(evil_answer)
        fetched = link_preview.fetch(
            site.url("/page", host="rebind.test"), accept={"text/html"}, max_bytes=10_000
        )
    finally:
        evil.close()
    assert b"The verified site" in fetched.body
    assert no_dns.calls == ["rebind.test"]  # resolved once, at the check
    assert all(host in ("127.0.0.1",) for host in system_lookups)  # only the pinned address
    assert evil.hits == []
    assert f"rebind.test:{site.port} /page" in site.hits


def test_at_most_one_megabyte_of_html_is_read(site):
    padding = b"<p>" + b"x" * (2 * 1024 * 1024) + b"</p>"
    page = (
        b"<html><head><title>Big page</title></head><body>"
        + padding
        + b'<meta property="og:description" content="after two megabytes"></body></html>'
    )
    site.routes["/big"] = lambda h: send(h, page)
    fetched = link_preview.fetch(
        site.url("/big"), accept={"text/html"}, max_bytes=link_preview.MAX_HTML_BYTES
    )
    assert fetched.truncated
    assert len(fetched.body) == link_preview.MAX_HTML_BYTES
    preview = LinkPreview.objects.create(url=site.url("/big"), url_hash="big")
    link_preview.link_preview_fetch(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == LinkPreview.Status.READY
    assert preview.title == "Big page"
    assert preview.description == ""  # it came after the first megabyte


def test_an_image_over_five_megabytes_is_left_out(site, monkeypatch):
    monkeypatch.setattr(link_preview, "MAX_IMAGE_BYTES", 50_000)
    noise = Image.effect_noise((600, 600), 100).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    big = buffer.getvalue()
    assert len(big) > 50_000
    site.routes["/article"] = lambda h: send(h, article())
    site.routes["/og.png"] = lambda h: send(h, big, "image/png")
    preview = LinkPreview.objects.create(url=site.url("/article"), url_hash="img")
    link_preview.link_preview_fetch(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == LinkPreview.Status.READY
    assert not preview.image


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (
            "image/svg+xml",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("image/png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),  # lying content type
        ("image/gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_svg_and_other_formats_are_never_stored_as_the_image(site, content_type, body):
    site.routes["/article"] = lambda h: send(h, article())
    site.routes["/og.png"] = lambda h: send(h, body, content_type)
    preview = LinkPreview.objects.create(url=site.url("/article"), url_hash=content_type)
    link_preview.link_preview_fetch(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == LinkPreview.Status.READY
    assert not preview.image


def test_a_slow_server_times_out(site, monkeypatch):
    monkeypatch.setattr(link_preview, "TOTAL_TIMEOUT", 1.0)

    def sleepy(handler):
        time.sleep(3)
        send(handler, article())

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b"<p>")
            handler.wfile.flush()
            time.sleep(0.1)

    site.routes["/sleep"] = sleepy
    site.routes["/trickle"] = trickle
    for path in ("/sleep", "/trickle"):
        started = time.monotonic()
        with pytest.raises(link_preview.LinkRefused, match="timeout"):
            link_preview.fetch(
                site.url(path), accept={"text/html"}, max_bytes=link_preview.MAX_HTML_BYTES
            )
        assert time.monotonic() - started < 2.0


def test_only_html_pages_are_read(site):
    site.routes["/file"] = lambda h: send(h, b"%PDF-1.4", "application/pdf")
    site.routes["/missing"] = lambda h: send(h, b"gone", "text/html", status=404)
    for path, reason in (("/file", "content type"), ("/missing", "status 404")):
        preview = LinkPreview.objects.create(url=site.url(path), url_hash=path)
        link_preview.link_preview_fetch(preview_id=preview.pk)
        preview.refresh_from_db()
        assert preview.status == LinkPreview.Status.FAILED
        assert preview.error == reason


def test_metadata_falls_back_to_twitter_and_title_and_is_cut_to_size(site):
    long_title = "T" * 400
    page = f"""<html><head><meta charset="windows-1252"><title>  {long_title}  </title>
<meta name="twitter:description" content="Caf\xe9 &amp; cr\xe8me\n  on   two lines">
<svg><title>icon</title></svg></head></html>""".encode("cp1252")
    site.routes["/p"] = lambda h: send(h, page, "text/html")
    preview = LinkPreview.objects.create(url=site.url("/p"), url_hash="p")
    link_preview.link_preview_fetch(preview_id=preview.pk)
    preview.refresh_from_db()
    assert preview.status == LinkPreview.Status.READY
    assert len(preview.title) == 300 and preview.title.endswith("…")
    assert preview.description == "Café & crème on two lines"


XSS_TITLE = '<script>alert("t")</script>'
XSS_DESCRIPTION = '"><img src=x onerror=alert(1)>'
XSS_SITE = "</span><iframe src=javascript:alert(1)>"


def test_metadata_with_markup_is_stored_as_text_and_rendered_escaped(
    site, django_capture_on_commit_callbacks
):
    from html import escape

    page = f"""<html><head>
<meta property="og:title" content="{escape(XSS_TITLE)}">
<meta property="og:description" content="{escape(XSS_DESCRIPTION)}">
<meta property="og:site_name" content="{escape(XSS_SITE)}">
</head></html>""".encode()
    site.routes["/xss"] = lambda h: send(h, page)
    with django_capture_on_commit_callbacks(execute=True):
        created = create(member(), f"Look {site.url('/xss')}")
    preview = LinkPreview.objects.get()
    assert preview.title == XSS_TITLE
    assert preview.description == XSS_DESCRIPTION
    created.refresh_from_db()
    html = render_to_string("feed/_link_preview.html", {"post": created})
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert escape(XSS_TITLE, quote=False) in html or "&lt;script&gt;" in html
    assert 'rel="nofollow ugc noopener"' in html
    assert f'href="http://preview.test:{site.port}/xss"' in html


# --- The card and editing -----------------------------------------------------------------------


def test_the_card_is_shown_only_when_ready(site):
    author = member()
    created = post(author, "No link here")
    preview = LinkPreview.objects.create(
        url="https://www.example.org/a", url_hash="x", title="A title"
    )
    created.link_preview = preview
    for status, shown in (("pending", False), ("failed", False), ("ready", True)):
        preview.status = status
        html = render_to_string("feed/_link_preview.html", {"post": created})
        assert ("A title" in html) is shown
    assert "example.org" in html and "www.example.org" not in html.replace(
        'href="https://www.example.org/a"', ""
    )


def test_editing_a_post_changes_or_removes_its_preview_and_refuses_private_links(no_dns):
    no_dns.table["a.example.org"] = ["93.184.216.34"]
    no_dns.table["b.example.org"] = ["93.184.216.35"]
    author = member()
    created = create(author, "https://a.example.org/")
    first = created.link_preview
    updated = services.post_update(post=created, editor=author, body="Now https://b.example.org/")
    assert updated.link_preview.url == "https://b.example.org/"
    assert updated.link_preview != first
    with pytest.raises(ValidationError):
        services.post_update(post=updated, editor=author, body="Now http://169.254.169.254/")
    updated.refresh_from_db()
    assert updated.body == "Now https://b.example.org/"
    updated = services.post_update(post=updated, editor=author, body="No link any more")
    assert Post.objects.get(pk=updated.pk).link_preview is None


@pytest.fixture
def tls_site(site, tmp_path, monkeypatch):
    """The local server behind TLS with a certificate for secure.test only (made with openssl),
    trusted by the fetcher for this test."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=secure.test", "-addext", "subjectAltName=DNS:secure.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    site.server.socket = server_context.wrap_socket(site.server.socket, server_side=True)
    monkeypatch.setattr(
        link_preview, "_tls_context", lambda: ssl.create_default_context(cafile=str(cert))
    )
    return site


def test_https_checks_the_certificate_for_the_name_while_connecting_to_the_verified_address(
    tls_site, no_dns
):
    no_dns.table["secure.test"] = ["127.0.0.1"]
    no_dns.table["other.test"] = ["127.0.0.1"]
    tls_site.routes["/page"] = lambda h: send(h, article(title="Over TLS", image=None))
    fetched = link_preview.fetch(
        f"https://secure.test:{tls_site.port}/page", accept={"text/html"}, max_bytes=10_000
    )
    assert b"Over TLS" in fetched.body
    assert f"secure.test:{tls_site.port} /page" in tls_site.hits
    # The same address under a name the certificate does not carry: refused by the TLS check.
    with pytest.raises(link_preview.LinkRefused, match="unreachable"):
        link_preview.fetch(
            f"https://other.test:{tls_site.port}/page", accept={"text/html"}, max_bytes=10_000
        )


def test_the_host_header_leaves_out_the_default_port():
    connection = link_preview._PinnedConnection(
        "example.org", 443, address="93.184.216.34", tls=True, deadline=0
    )
    connection.putrequest("GET", "/")
    assert b"Host: example.org" in connection._buffer


def test_a_failed_link_is_tried_again_after_an_hour_and_a_ready_one_after_a_week(no_dns, fetches):
    from datetime import timedelta

    from django.utils import timezone

    no_dns.table["flaky.example.org"] = ["93.184.216.34"]
    author = member()
    url = "https://flaky.example.org/"
    preview = LinkPreview.objects.create(
        url=url, url_hash=link_preview.url_hash(url), status="failed", error="status 503",
        fetched_at=timezone.now() - timedelta(minutes=10),
    )  # fmt: skip
    create(author, url)
    assert fetches == []
    LinkPreview.objects.filter(pk=preview.pk).update(fetched_at=timezone.now() - timedelta(hours=2))
    create(author, url)
    assert fetches == [preview.pk]
    LinkPreview.objects.filter(pk=preview.pk).update(
        status="ready", fetched_at=timezone.now() - timedelta(days=2)
    )
    create(author, url)
    assert fetches == [preview.pk]
    LinkPreview.objects.filter(pk=preview.pk).update(fetched_at=timezone.now() - timedelta(days=8))
    create(author, url)
    assert fetches == [preview.pk, preview.pk]


def test_editing_a_post_resolves_its_link_before_taking_the_row_lock(no_dns, monkeypatch):
    """The name lookup can take seconds: holding the post's row lock meanwhile would stall every
    reaction, comment and counter update on that post."""
    from django.db import connection

    author = member()
    created = services.post_create(author=author, data=services.PostInput(body="Nothing yet"))
    no_dns.table["news.example.org"] = ["93.184.216.34"]
    inside = []
    real = link_preview._resolve_with_timeout

    def spy(host, port, timeout):
        inside.append(len(connection.atomic_blocks))
        return real(host, port, timeout)

    monkeypatch.setattr(link_preview, "_resolve_with_timeout", spy)
    outside = len(connection.atomic_blocks)  # the test's own transaction
    updated = services.post_update(post=created, editor=author, body="Read https://news.example.org/a")
    assert inside == [outside]
    assert updated.link_preview.url == "https://news.example.org/a"
    # A refused link still changes nothing.
    no_dns.table["evil.example.org"] = ["10.0.0.1"]
    with pytest.raises(ValidationError):
        services.post_update(post=updated, editor=author, body="Now https://evil.example.org/")
    updated.refresh_from_db()
    assert updated.body == "Read https://news.example.org/a"
