"""Fixtures for every feed test."""

import socket

import pytest


@pytest.fixture(autouse=True)
def _no_dns_for_link_previews(monkeypatch):
    # A post with a link resolves its host (link_preview.py); tests never touch the network
    # beyond 127.0.0.1, so every name fails to resolve unless a test answers it itself
    # (test_link_preview.py does). Unresolved names are accepted and simply get no preview.
    from maillage.feed import link_preview

    def resolve(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "no DNS in tests")

    monkeypatch.setattr(link_preview, "_resolve", resolve)
