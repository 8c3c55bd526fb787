"""Link previews: the card (title, description, site, image) under a post that links somewhere.

Fetching a URL a member typed is a server-side request forgery risk: the server would knock on
doors the member cannot reach (the cloud metadata service at 169.254.169.254, an admin page on
localhost, a database on the private network). The rules, all checked here:

- Only http and https, no user name or password in the URL (a classic trick to confuse parsers:
  `http://example.org@127.0.0.1/`), a real host name (IP literals get no preview), and the
  default ports only (80/443: other ports are how internal services are reached).
- The post itself is refused (nothing created) when one of its links names a private, loopback,
  link-local, multicast, reserved or unspecified address — in any spelling browsers accept
  (`http://2130706433/`, `http://0x7f.1/`, `http://0177.0.0.1/`, `::ffff:127.0.0.1`…) — or a
  local name (`localhost`, `*.local`…), or when the link that would be previewed resolves only
  to such addresses.
- The fetch (a background task, never the request) resolves the name once, refuses if ANY
  address is not public, then connects to that verified address itself, sending the name only as
  the Host header and the TLS server name. The name is never resolved again, so a DNS server that
  answers "public" to the check and "127.0.0.1" to the connection (DNS rebinding) gains nothing.
- Redirects are not followed automatically: at most three, each checked like the first link.
- Connect timeout 3 s, 5 s in all; at most 1 MB of HTML read; `text/html` only. The image: the
  same rules, at most 5 MB, JPEG/PNG/WebP only, decoded under a pixel limit and re-encoded like
  profile photos (no SVG ever), stored in the private storage.

Title, description and site name are stored as plain text and escaped by the template.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from maillage.core.tasks import enqueue_on_commit

from .models import LinkPreview, Post

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 5.0
RESOLVE_TIMEOUT = 2.0  # at post time: a slow DNS server must not hold the composer long
MAX_HTML_BYTES = 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
REFRESH_AFTER = timedelta(days=7)
RETRY_FAILED_AFTER = timedelta(hours=1)  # a site that was down gets another chance soon
ALLOWED_PORTS = frozenset({80, 443})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
PREVIEW_IMAGE_BOX = (1200, 1200)  # fits LinkedIn's 1200×627 cards and square logos alike
USER_AGENT = "MaillageLinkPreview/1.0 (+link previews for posts)"

# Names that only ever mean "this machine" or "this network" (RFC 6761, 6762, 8375).
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")

_BARE_URL_RE = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_HOST_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class LinkRefused(Exception):
    """A URL the fetcher will not touch (the reason is short and stored on the preview)."""


# --- Addresses ---------------------------------------------------------------------------------


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `address` is on the public internet. Tests replace this to let their own server
    on 127.0.0.1 in; nothing else (no setting, no environment variable) can."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None:
            return _is_public(embedded)
        if address in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 reaches IPv4 inside
            return _is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local:
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _parse_ipv4_number(part: str) -> int | None:
    """One part of an IPv4 address as browsers and inet_aton read it: 0x… hex, 0… octal."""
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part[1:], 8)
        return int(part, 10)
    except ValueError:
        return None


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None | bool:
    """The address `host` spells, or None for a name. `False` for something that looks like an
    address but is not a valid one (refused like a private address: never guess)."""
    host = host.strip("[]").rstrip(".")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return False
    parts = host.split(".")
    if not parts or _parse_ipv4_number(parts[-1]) is None:
        return None  # the last label is not a number: a name (WHATWG URL host parsing)
    numbers = [_parse_ipv4_number(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        return False
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return False
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _is_local_name(host: str) -> bool:
    host = host.rstrip(".").lower()
    return host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host


def _resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (the one resolver this module uses: tests replace it).
    Raises OSError when the name does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _resolve_with_timeout(host: str, port: int, timeout: float) -> list[str] | None:
    """`_resolve` given at most `timeout` seconds (getaddrinfo has no timeout of its own); None
    when it did not answer in time or failed."""
    outcome: dict[str, list[str]] = {}

    def run() -> None:
        try:
            outcome["addresses"] = _resolve(host, port)
        except (OSError, UnicodeError):
            outcome["addresses"] = []

    thread = threading.Thread(target=run, daemon=True, name="link-preview-resolve")
    thread.start()
    thread.join(timeout)
    return outcome.get("addresses") if not thread.is_alive() else None


def _addresses_public(addresses: list[str]) -> bool:
    try:
        return bool(addresses) and all(
            _is_public(ipaddress.ip_address(a.split("%", 1)[0])) for a in addresses
        )
    except ValueError:
        return False


# --- URLs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A checked URL, ready to fetch: `url` is normalized, `host` ASCII (IDNA), lower case."""

    url: str
    scheme: str
    host: str
    port: int
    path: str  # with the query


def _host_ascii(host: str) -> str:
    host = host.rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise LinkRefused("bad host") from exc
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL_RE.match(label) for label in labels):
        raise LinkRefused("bad host")
    return host


def check_url(url: str) -> Target:
    """Check a URL against every rule that needs no DNS; raise LinkRefused saying why."""
    if len(url) > MAX_URL_LENGTH or _CONTROL_RE.search(url):
        raise LinkRefused("bad url")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise LinkRefused("bad url") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise LinkRefused("scheme")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise LinkRefused("credentials")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise LinkRefused("no host")
    literal = ip_literal(raw_host)
    if literal is False or (literal is not None and not _is_public(literal)):
        raise LinkRefused("private address")
    if literal is not None:
        raise LinkRefused("address, not a name")
    host = _host_ascii(raw_host)
    if _is_local_name(host):
        raise LinkRefused("private address")
    port = port or (443 if scheme == "https" else 80)
    if port not in ALLOWED_PORTS:
        raise LinkRefused("port")
    # Keep existing %-escapes; encode anything else http.client would refuse.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    netloc = host if port == {"http": 80, "https": 443}[scheme] else f"{host}:{port}"
    normalized = urlunsplit((scheme, netloc, path, query, ""))
    return Target(
        url=normalized,
        scheme=scheme,
        host=host,
        port=port,
        path=path + (f"?{query}" if query else ""),
    )


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.lower().startswith(("http://", "https://")):
                self.hrefs.append(href)


def links_in(body: str) -> tuple[list[str], list[str]]:
    """The http(s) links of a post: those readers see as links (in order; mention and hashtag
    links are relative, so never among them), and every `http(s)://…` written in the text (some,
    like bare IPv6 addresses, are not turned into links but are still refused when private)."""
    from maillage.core.text import render_markdown

    parser = _AnchorParser()
    parser.feed(str(render_markdown(body or "")))
    parser.close()
    written = [m.group(0).rstrip(".,;:!?)]") for m in _BARE_URL_RE.finditer(body or "")]
    return list(dict.fromkeys(parser.hrefs)), list(dict.fromkeys(written))


def _refusal(host: str, code: str) -> ValidationError:
    if code == "credentials":
        message = _(
            "The link to %(host)s contains a user name or password. Remove them before sharing it."
        )
    else:
        message = _(
            "The link to %(host)s points to a private or local network address. "
            "Only links to public websites can be shared."
        )
    return ValidationError(
        {"body": ValidationError(message % {"host": host[:100]}, code=f"link_{code}")}
    )


def link_prepare(body: str) -> str | None:
    """The URL to preview for a post's text (normalized), or None. Raises a ValidationError on
    `body` for a link to a private address or with credentials (see the module docstring)."""
    anchors, written = links_in(body)
    previewable: list[Target] = []
    for url in [*anchors, *written]:
        try:
            target = check_url(url)
        except LinkRefused as refused:
            reason = str(refused)
            if reason in ("private address", "credentials"):
                try:
                    host = urlsplit(url).hostname or url
                except ValueError:
                    host = url
                raise _refusal(
                    host, "credentials" if reason == "credentials" else "private"
                ) from None
            continue
        if url in anchors:
            previewable.append(target)
    if not previewable:
        return None
    target = previewable[0]
    addresses = _resolve_with_timeout(target.host, target.port, RESOLVE_TIMEOUT)
    # A name that does not resolve (yet) is not refused: the fetch checks it again anyway.
    if addresses and not any(_is_public_str(a) for a in addresses):
        raise _refusal(target.host, "private")
    return target.url


def _is_public_str(address: str) -> bool:
    return _addresses_public([address])


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def link_attach(post: Post, url: str) -> LinkPreview:
    """Attach the preview of `url` to `post` (inside the post's transaction) and fetch it after
    commit unless it was fetched recently."""
    digest = url_hash(url)
    preview = LinkPreview.objects.filter(url_hash=digest).first()
    if preview is None:
        try:
            with transaction.atomic():
                preview = LinkPreview.objects.create(url=url, url_hash=digest)
        except IntegrityError:  # the same link posted at the same moment by someone else
            preview = LinkPreview.objects.get(url_hash=digest)
    if post.link_preview_id != preview.pk:
        Post.objects.filter(pk=post.pk).update(link_preview=preview)
        post.link_preview = preview
    if needs_fetch(preview):
        enqueue_on_commit(link_preview_fetch_task, preview.pk)
    return preview


def needs_fetch(preview: LinkPreview) -> bool:
    """Never fetched, fetched more than a week ago, or failed more than an hour ago."""
    if preview.fetched_at is None:
        return True
    age = timezone.now() - preview.fetched_at
    if preview.status == LinkPreview.Status.FAILED:
        return age > RETRY_FAILED_AFTER
    return age > REFRESH_AFTER


# --- Fetching ----------------------------------------------------------------------------------


def _tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's authorities and the site's name."""
    return ssl.create_default_context()


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address checked beforehand. `host` (the name) is only sent as
    the Host header and as the TLS server name (SNI and certificate check): the name is never
    looked up again, whatever DNS says by now."""

    def __init__(self, host: str, port: int, *, address: str, tls: bool, deadline: float):
        # The Host header leaves out the scheme's own port ("example.org", not "…:443").
        self.default_port = 443 if tls else 80
        super().__init__(host, port, timeout=CONNECT_TIMEOUT)
        self._address = address
        self._tls = tls
        self._deadline = deadline

    def connect(self) -> None:
        timeout = max(0.05, min(CONNECT_TIMEOUT, self._deadline - time.monotonic()))
        sock = socket.create_connection((self._address, self.port), timeout=timeout)
        try:
            if self._tls:
                sock = _tls_context().wrap_socket(sock, server_hostname=self.host)
            sock.settimeout(max(0.05, self._deadline - time.monotonic()))
        except BaseException:
            sock.close()
            raise
        self.sock = sock


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool


def _connection_for(target: Target, *, deadline: float) -> _PinnedConnection:
    """Resolve the name once, refuse unless every address is public, pin the first one."""
    addresses = _resolve(target.host, target.port)
    if not _addresses_public(addresses):
        raise LinkRefused("private address")
    return _PinnedConnection(
        target.host,
        target.port,
        address=addresses[0],
        tls=target.scheme == "https",
        deadline=deadline,
    )


def fetch(url: str, *, accept: set[str] | frozenset[str], max_bytes: int) -> Fetched:
    """GET `url` under the rules of the module docstring; raise LinkRefused saying why not."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(current)
        try:
            connection = _connection_for(target, deadline=deadline)
        except OSError as exc:
            raise LinkRefused("unresolved") from exc
        # A watchdog closes the socket at the deadline: a server trickling bytes one at a time
        # would otherwise keep every single read under its timeout for ever.
        watchdog = threading.Timer(
            max(0.0, deadline - time.monotonic()), _abort, args=(connection,)
        )
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                connection.request(
                    "GET",
                    target.path,
                    headers={
                        "User-Agent": USER_AGENT,
                        "Accept": ", ".join(sorted(accept)),
                        "Accept-Encoding": "identity",
                    },
                )
                response = connection.getresponse()
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise LinkRefused(
                    "unreachable" if time.monotonic() < deadline else "timeout"
                ) from exc
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise LinkRefused("redirect without location")
                current = urljoin(target.url, location.strip())
                continue
            if response.status != 200:
                raise LinkRefused(f"status {response.status}")
            content_type = response.headers.get_content_type()
            if content_type not in accept:
                raise LinkRefused("content type")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes and accept == IMAGE_TYPES:
                raise LinkRefused("too large")
            chunks: list[bytes] = []
            size = 0
            truncated = False
            while True:
                if time.monotonic() >= deadline:
                    raise LinkRefused("timeout")
                try:
                    chunk = response.read1(64 * 1024)
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    raise LinkRefused(
                        "timeout" if time.monotonic() >= deadline - 0.05 else "read error"
                    ) from exc
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    truncated = True
                    break
            if time.monotonic() >= deadline:
                raise LinkRefused("timeout")
            body = b"".join(chunks)[:max_bytes]
            return Fetched(
                url=target.url,
                content_type=content_type,
                charset=response.headers.get_content_charset(),
                body=body,
                truncated=truncated,
            )
        finally:
            watchdog.cancel()
            connection.close()
    raise LinkRefused("too many redirects")


def _abort(connection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


# --- Metadata ----------------------------------------------------------------------------------


class _MetaParser(HTMLParser):
    """OpenGraph, Twitter card and plain <title>/<meta name=description> values, as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.charset: str | None = None
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            if values.get("charset"):
                self.charset = self.charset or values["charset"].strip()
            if values.get("http-equiv", "").lower() == "content-type" and "charset=" in values.get(
                "content", ""
            ):
                self.charset = (
                    self.charset or values["content"].split("charset=", 1)[1].split(";")[0].strip()
                )
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "title" and not self._title_done:
            self._in_title = True
        elif tag in ("svg", "math"):
            self._in_title = False  # an icon's <title> is not the page's

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _clean(text: str | None, limit: int) -> str:
    text = " ".join(_CONTROL_RE.sub(" ", text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


@dataclass
class Metadata:
    title: str = ""
    description: str = ""
    site_name: str = ""
    image_url: str = ""


def _parse(data: bytes, charset: str | None) -> _MetaParser:
    parser = _MetaParser()
    parser.feed(data.decode(_codec(charset) or "utf-8", errors="replace"))
    parser.close()
    return parser


def _codec(charset: str | None) -> str | None:
    import codecs

    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None


def parse_metadata(data: bytes, *, charset: str | None, base_url: str) -> Metadata:
    parser = _parse(data, charset)
    declared = _codec(parser.charset)
    if not charset and declared and declared != "utf-8":
        parser = _parse(data, declared)  # the page names its own encoding: read it again
    meta = parser.meta

    def first(*keys: str) -> str:
        for key in keys:
            value = (meta.get(key) or "").strip()
            if value:
                return value
        return ""

    image = first(
        "og:image:secure_url", "og:image:url", "og:image", "twitter:image", "twitter:image:src"
    )
    return Metadata(
        title=_clean(
            first("og:title", "twitter:title") or parser.title,
            LinkPreview._meta.get_field("title").max_length,
        ),
        description=_clean(
            first("og:description", "twitter:description", "description"),
            LinkPreview._meta.get_field("description").max_length,
        ),
        site_name=_clean(
            first("og:site_name", "application-name"),
            LinkPreview._meta.get_field("site_name").max_length,
        ),
        image_url=urljoin(base_url, image) if image else "",
    )


def _image_bytes(url: str) -> bytes | None:
    """The re-encoded JPEG of a page's image, or None (a preview without a picture is fine)."""
    from maillage.profiles.images import _decode, _encode_jpeg

    try:
        fetched = fetch(url, accept=IMAGE_TYPES, max_bytes=MAX_IMAGE_BYTES)
    except LinkRefused as refused:
        logger.info("Link preview image not fetched: %s", refused)
        return None
    if fetched.truncated:
        return None
    try:
        image = _decode(fetched.body, target=PREVIEW_IMAGE_BOX)
    except ValidationError:
        return None
    image.thumbnail(PREVIEW_IMAGE_BOX)
    return _encode_jpeg(image)


def link_preview_fetch(*, preview_id: int, force: bool = False) -> LinkPreview | None:
    """Fetch a preview's page (and image) and store what it says. Idempotent: a preview fetched
    recently is left alone unless `force`."""
    preview = LinkPreview.objects.filter(pk=preview_id).first()
    if preview is None:
        return None
    if not force and not needs_fetch(preview):
        return preview
    old_image = preview.image.name
    try:
        page = fetch(preview.url, accept={"text/html"}, max_bytes=MAX_HTML_BYTES)
        meta = parse_metadata(page.body, charset=page.charset, base_url=page.url)
        if not (meta.title or meta.description):
            raise LinkRefused("no title")
    except LinkRefused as refused:
        LinkPreview.objects.filter(pk=preview.pk).update(
            status=LinkPreview.Status.FAILED,
            error=str(refused)[:200],
            fetched_at=timezone.now(),
            updated_at=timezone.now(),
        )
        preview.refresh_from_db()
        return preview
    image = _image_bytes(meta.image_url) if meta.image_url else None
    preview.title = meta.title
    preview.description = meta.description
    preview.site_name = meta.site_name
    preview.status = LinkPreview.Status.READY
    preview.error = ""
    preview.fetched_at = timezone.now()
    preview.image = ""
    if image:
        preview.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(image), save=False)
    preview.save(
        update_fields=[
            "title",
            "description",
            "site_name",
            "status",
            "error",
            "fetched_at",
            "image",
            "updated_at",
        ]
    )
    if old_image and old_image != preview.image.name:
        storage = preview.image.storage
        transaction.on_commit(lambda: storage.delete(old_image))
    return preview


@task()
def link_preview_fetch_task(preview_id: int) -> None:
    link_preview_fetch(preview_id=preview_id)


def display_domain(url: str) -> str:
    """The domain a card shows ("lemonde.fr" for https://www.lemonde.fr/…)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host
