"""`maillage run`: what it hands to uvicorn."""

from __future__ import annotations

import pytest
import uvicorn
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def uvicorn_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    return calls


def test_idle_connections_outlive_a_proxys_idle_timeout(uvicorn_calls, capsys):
    call_command("run", "--no-demo", "--no-worker", "--port", "8123")
    [(app, options)] = uvicorn_calls
    assert app == "config.asgi:application"
    assert options["port"] == 8123
    # uvicorn's default is 5 s: a client pausing about that long between two requests on one
    # connection has the second refused ("connection reset"); nginx keeps idle upstream
    # connections 60 s.
    assert options["timeout_keep_alive"] == 75
    assert "Maillage is running at http://127.0.0.1:8123/" in capsys.readouterr().out


@override_settings(KEEP_ALIVE_SECONDS=120)
def test_keep_alive_is_a_setting(uvicorn_calls):
    call_command("run", "--no-demo", "--no-worker")
    assert uvicorn_calls[0][1]["timeout_keep_alive"] == 120
