"""Fetch-and-check helpers: get an object only if the viewer may see it.

An object the viewer may not see answers exactly like one that does not exist (404), so
nobody can probe for private content by guessing ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from .audience import filter_visible

if TYPE_CHECKING:
    # Viewer is a type alias that exists only for type checkers (see audience.py).
    from .audience import Viewer


def get_visible_or_404(viewer: Viewer, queryset: QuerySet, **lookup: Any) -> Model:
    try:
        return filter_visible(viewer, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        # ValidationError (UUIDField), ValueError/TypeError (integer keys): a malformed id is
        # just as missing.
        raise Http404 from exc
