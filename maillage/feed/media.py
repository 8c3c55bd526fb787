"""Post images and documents (owner: composer helper — replace this first version)."""

from __future__ import annotations


def images_prepare(images):
    raise NotImplementedError


def images_store(post, prepared) -> None:
    raise NotImplementedError


def document_prepare(upload, *, title: str = ""):
    raise NotImplementedError


def document_store(post, prepared) -> None:
    raise NotImplementedError
