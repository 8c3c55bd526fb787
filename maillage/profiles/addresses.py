"""Public profile addresses: /in/<address>/ — chosen by the member, unique, never reused."""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import fold_for_search

ADDRESS_MIN, ADDRESS_MAX = 3, 60
ADDRESS_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

# Words that look official or collide with the site's own pages.
RESERVED_ADDRESSES = frozenset(
    """
    about account accounts admin administrator api app apps help support contact privacy terms
    legal security settings profile profiles edit new me moi maillage staff moderator
    moderation root system official officiel team equipe jobs emplois network reseau messages
    messaging notifications search recherche home accueil login logout signup register join
    static media www mail email e-mail in company companies organization organizations groups
    group events files projects feed sitemap robots healthz readyz outbox null undefined
    """.split()  # noqa: SIM905 — a word list reads better as text
)


def address_validate(address: str) -> str:
    """Normalise and check a wished-for address; raise ValidationError with a clear message."""
    value = (address or "").strip().lower()
    if not ADDRESS_MIN <= len(value) <= ADDRESS_MAX:
        raise ValidationError(
            _("Your address must be %(min)d to %(max)d characters long.")
            % {"min": ADDRESS_MIN, "max": ADDRESS_MAX},
            code="length",
        )
    if not ADDRESS_PATTERN.match(value) or "--" in value:
        raise ValidationError(
            _("Use only lowercase letters, digits and single hyphens (not at either end)."),
            code="characters",
        )
    if value in RESERVED_ADDRESSES:
        raise ValidationError(_("This address is reserved. Please choose another."), code="reserved")
    return value


def address_is_taken(address: str, *, except_profile_id: int | None = None) -> bool:
    from .models import AddressHistory, Profile

    current = Profile.objects.filter(address=address)
    if except_profile_id is not None:
        current = current.exclude(pk=except_profile_id)
    old = AddressHistory.objects.filter(address=address)
    if except_profile_id is not None:
        old = old.exclude(profile_id=except_profile_id)
    return current.exists() or old.exists()


def address_suggest(first_name: str, last_name: str) -> str:
    """A free address from the name: "jerome-lefevre", then "jerome-lefevre-4f2a"…"""
    base = slugify(fold_for_search(f"{first_name} {last_name}"))[: ADDRESS_MAX - 6].strip("-")
    if len(base) < ADDRESS_MIN or base in RESERVED_ADDRESSES:
        base = f"membre-{base}".strip("-")[: ADDRESS_MAX - 6]
    candidate = base
    while address_is_taken(candidate):
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate
