"""Small helpers for stored files."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)


def delete_stored_files(files: Iterable[tuple[Any, str]]) -> None:
    """Delete (storage, name) pairs; a file that cannot be deleted is logged, not raised —
    a leftover file is not worth failing the request that no longer needs it."""
    for storage, name in files:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete stored file %s", name, exc_info=True)
