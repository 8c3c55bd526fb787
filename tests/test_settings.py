"""The real settings module, in the modes an operator runs it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "MAILLAGE_ENV": "production",
    "MAILLAGE_SECRET_KEY": "k3Jx9-pQ2_vR7sT1uW4yZ6aB8cD0eF3gH5iJ7kL9mN1oP3qR5sT7uV9wX1yZ3aB5cD7",
    "MAILLAGE_ALLOWED_HOSTS": "maillage.example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def run_manage(tmp_path, env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAILLAGE_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update({"MAILLAGE_DATA_DIR": str(tmp_path)}, **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_passwords_are_hashed_with_argon2():
    import config.settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_passes_the_deployment_check(tmp_path):
    result = run_manage(tmp_path, PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("MAILLAGE_SECRET_KEY", "MAILLAGE_SECRET_KEY must be set"),
        ("MAILLAGE_ALLOWED_HOSTS", "MAILLAGE_ALLOWED_HOSTS must list"),
    ],
)
def test_production_refuses_to_start_without(tmp_path, missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage(tmp_path, env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    result = run_manage(tmp_path, {**PRODUCTION_ENV, "MAILLAGE_SECRET_KEY": "changeme"}, "check")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_cookies_are_host_prefixed_and_secure(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_manage(tmp_path, PRODUCTION_ENV, "shell", "--no-imports", "-c", code)
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
    ], result.stderr


def test_embedded_default_generates_and_keeps_a_secret_key(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY); print(s.DATABASES['default']['NAME'])"
    first = run_manage(
        tmp_path, {"DJANGO_SETTINGS_MODULE": "config.settings"}, "shell", "--no-imports", "-c", code
    )
    second = run_manage(
        tmp_path, {"DJANGO_SETTINGS_MODULE": "config.settings"}, "shell", "--no-imports", "-c", code
    )
    key, db_name = first.stdout.split()
    assert len(key) > 50
    assert second.stdout.split()[0] == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert db_name == str(tmp_path / "maillage.sqlite3")


def test_embedded_sqlite_runs_in_wal_mode(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run_manage(
        tmp_path, {"DJANGO_SETTINGS_MODULE": "config.settings"}, "shell", "--no-imports", "-c", code
    )
    assert result.stdout.strip() == "wal", result.stderr


def test_postgresql_connections_come_from_a_bounded_pool(tmp_path):
    """Under ASGI each request runs its database work in a thread of its own: with persistent
    connections a busy process opened one per thread (83 for one process under load, past
    PostgreSQL's limit of 100). The pool caps what a process holds."""
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['OPTIONS']['pool']['max_size'], d['OPTIONS']['pool']['timeout'], "
        "d['OPTIONS']['options'])"
    )
    result = run_manage(
        tmp_path,
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            "MAILLAGE_DB_POOL_MAX": "7",
        },
        "shell",
        "--no-imports",
        "-c",
        code,
    )
    # Parallel query off for the application's short queries (see config/settings.py).
    assert result.stdout.split() == ["0", "7", "30", "-c", "max_parallel_workers_per_gather=0"], (
        result.stderr
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (runs in CI's PostgreSQL pass)",
)
def test_many_threads_share_at_most_the_pools_connections(tmp_path):
    code = (
        "import threading\n"
        "from django.db import connection\n"
        "pids = set(); lock = threading.Lock()\n"
        "def work():\n"
        "    with connection.cursor() as c:\n"
        "        c.execute('SELECT pg_backend_pid(), pg_sleep(0.3)')\n"
        "        pid = c.fetchone()[0]\n"
        "    with lock: pids.add(pid)\n"
        "    connection.close()\n"
        "threads = [threading.Thread(target=work) for _ in range(12)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "print(len(pids))\n"
    )
    result = run_manage(
        tmp_path,
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "MAILLAGE_DB_POOL_MAX": "3",
            "MAILLAGE_DB_POOL_MIN": "1",
        },
        "shell",
        "--no-imports",
        "-c",
        code,
    )
    assert result.returncode == 0, result.stderr
    assert 1 <= int(result.stdout.strip()) <= 3
