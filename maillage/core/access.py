"""Fetch-and-check helpers: get an object only if the viewer may see it.

An object the viewer may not see answers exactly like one that does not exist (404), so
nobody can probe for private content by guessing ids.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from .audience import Viewer, filter_visible


def get_visible_or_404(viewer: Viewer, queryset: QuerySet, **lookup: Any) -> Model:
    try:
        return filter_visible(viewer, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        # ValueError/TypeError: a malformed id (e.g. not a UUID) is just as missing.
        raise Http404 from exc
