"""Link previews (owner: link-preview helper — replace this first version)."""

from __future__ import annotations


def link_prepare(body: str) -> str | None:
    return None


def link_attach(post, url: str) -> None:
    raise NotImplementedError
