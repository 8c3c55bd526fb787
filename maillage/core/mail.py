"""The embedded e-mail backend: one .eml file per message in the data folder's outbox.

Staff read them on the outbox page (`/outbox/`), so a local operator can complete sign-ups and
password resets without an SMTP server. Configure MAILLAGE_EMAIL_HOST to send real mail.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

OUTBOX_SUFFIX = ".eml"


def outbox_dir() -> Path:
    return Path(settings.EMAIL_OUTBOX_DIR)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            # Sortable names: the newest message lists first without reading the files.
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}{OUTBOX_SUFFIX}"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes())
            tmp.replace(path)  # atomic: the outbox never lists half-written messages
            sent += 1
        return sent


@dataclass
class OutboxMessage:
    name: str
    subject: str
    to: str
    sent_at: datetime
    text: str
    html: str | None


def _parse(path: Path) -> OutboxMessage:
    parsed: ParsedMessage = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[assignment]
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return OutboxMessage(
        name=path.stem,
        subject=str(parsed.get("Subject", "")),
        to=str(parsed.get("To", "")),
        sent_at=datetime.fromtimestamp(path.stat().st_mtime, tz=UTC),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else None,
    )


def outbox_list(limit: int = 100) -> list[OutboxMessage]:
    folder = outbox_dir()
    if not folder.exists():
        return []
    paths = sorted(folder.glob(f"*{OUTBOX_SUFFIX}"), reverse=True)[:limit]
    return [_parse(path) for path in paths]


def outbox_get(name: str) -> OutboxMessage | None:
    # Only names the backend itself produces: nothing can step outside the folder.
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = outbox_dir() / f"{name}{OUTBOX_SUFFIX}"
    if not path.is_file():
        return None
    return _parse(path)
