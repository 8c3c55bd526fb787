"""vCard 4.0 (RFC 6350) of a profile, built only from what the downloader may see."""

from __future__ import annotations

from collections.abc import Iterable

from .models import ContactKind
from .selectors import ProfileForViewer

CRLF = "\r\n"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, comma, semicolon and newlines (RFC 6350 §3.4)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def escape_uri(value: str) -> str:
    """URIs are not escaped, but they must never break a line (or add a property)."""
    return "".join(ch for ch in value if ch not in "\r\n")


def structured(*components: str) -> str:
    """A structured value (N, ADR, ORG): components escaped one by one, joined by `;`."""
    return ";".join(escape_text(component) for component in components)


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.2)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # continuation lines start with one space
            limit = MAX_LINE_OCTETS
        current += ch
        size += width
    out.append(current)
    return CRLF.join(out)


def _lines(view: ProfileForViewer, *, page_url: str, photo_url: str) -> Iterable[str]:
    member = view.member
    profile = view.profile
    yield "BEGIN:VCARD"
    yield "VERSION:4.0"
    yield "FN:" + escape_text(member.get_full_name() or str(member))
    yield "N:" + structured(member.last_name, member.first_name, "", "", "")
    current = view.current_positions[0] if view.current_positions else None
    if current is not None:
        yield "TITLE:" + escape_text(current.title)
        yield "ORG:" + structured(current.organization_name)
    if view.shows("location") and (profile.city or profile.region or profile.country):
        yield "ADR;TYPE=work:" + structured(
            "", "", "", profile.city, profile.region, "", profile.country
        )
    for entry in view.contacts:
        if entry.kind == ContactKind.EMAIL:
            yield "EMAIL:" + escape_text(entry.value)
        elif entry.kind == ContactKind.PHONE:
            yield "TEL;TYPE=voice:" + escape_text(entry.value)
        elif entry.kind == ContactKind.ADDRESS:
            # A free-text address: the whole of it as the street component.
            yield "ADR:" + structured("", "", entry.value, "", "", "", "")
    if photo_url:
        # The photo goes with the name: whoever may see the profile sees it.
        yield "PHOTO:" + escape_uri(photo_url)
    yield "URL:" + escape_uri(page_url)
    for link in view.links:
        yield "URL:" + escape_uri(link.url)
    yield "SOURCE:" + escape_uri(page_url + "vcard.vcf")
    yield "END:VCARD"


def vcard_for(view: ProfileForViewer, *, page_url: str, photo_url: str = "") -> str:
    """The vCard text for `view` (what one viewer may see); `page_url` is the profile page."""
    lines = _lines(view, page_url=page_url, photo_url=photo_url)
    return "".join(fold(line) + CRLF for line in lines)


def vcard_filename(view: ProfileForViewer) -> str:
    address = view.profile.address or "profile"
    return f"{address}.vcf"
