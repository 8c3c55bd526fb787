"""Live feed events (owner: feed helper — replace this first version)."""

from __future__ import annotations


def post_published(*, post) -> None:
    pass


def post_deleted(*, post_public_id, author_id) -> None:
    pass


def comment_changed(*, comment) -> None:
    pass
