"""Polls (owner: composer helper — replace this first version)."""

from __future__ import annotations


def poll_prepare(data):
    raise NotImplementedError


def poll_store(post, prepared) -> None:
    raise NotImplementedError


def poll_restart(poll, *, now) -> None:
    raise NotImplementedError
