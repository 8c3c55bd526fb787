"""The search index's generation: a token that changes whenever any entry or the vocabulary
changes, so matches cached under it (selectors.py) are never read once the index moved on.

A random token, not a counter: a token evicted from the cache is replaced by a new one, never by
an earlier value some cached matches were kept under.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "search:generation"


def current() -> str:
    token = cache.get(KEY)
    if token is None:
        fresh = uuid.uuid4().hex
        token = fresh if cache.add(KEY, fresh, None) else cache.get(KEY, fresh)
    return token


def _bump() -> None:
    cache.set(KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """The index is changing: a new token now, and another once the transaction commits (a
    search running in between may cache what it read before the commit under the first)."""
    _bump()
    transaction.on_commit(_bump)
