"""Settings for the test suite: the real settings, with a throw-away data folder and test apps.

The database, cache, channel layer and task queue stay what the environment says (SQLite and
in-memory by default; PostgreSQL and Redis in CI's second run), so both stacks pass one suite.
"""

import os
import tempfile

os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-test-"))


def _redis_url_for_this_worker(url: str, worker: str) -> str:
    """With pytest-xdist, each worker gets its own Redis database (the next ones after the one
    configured): clearing the cache between tests empties the whole database, which would
    otherwise wipe the other worker's cache, throttles and channel groups mid-test."""
    from urllib.parse import urlsplit, urlunsplit

    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 1 + int(worker[2:])) % 16}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_url_for_this_worker(
        os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", "")
    )

from config.settings import *  # noqa: E402,F403
from config.settings import INSTALLED_APPS, REDIS_URL  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.audience_app"]

# Hashing with Argon2 costs ~50 ms a password; tests create hundreds. Production keeps Argon2
# (tests/test_settings.py checks the real settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run at once in tests unless a test switches to a real queue and worker on purpose
# (maillage/core/tests/test_tasks.py does, for the database queue and for Redis).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if REDIS_URL:
    # Each test run uses its own key prefix so parallel runs never share throttles or layers.
    _prefix = f"maillage-test-{os.getpid()}"
    CACHES["default"]["KEY_PREFIX"] = _prefix  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _prefix + ":asgi"  # noqa: F405

# Rate limits stay on, but generous: tests that check throttling set their own.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "signup": "1000/m/ip"}  # noqa: F405

# Tests read English unless they ask for French (Accept-Language, a member's language or a
# browser locale): assertions on wording then don't depend on how complete the catalogue is.
LANGUAGE_CODE = "en"

# Sessions in the database on both stacks, so pinned query counts (which include the session
# read) are the same with and without Redis; maillage/accounts/tests/test_cached_sessions.py
# checks the cache-backed sessions used in production with Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server used by browser tests answers in several threads, and
    # each needs its own connection (an in-memory database shares one between threads, so
    # concurrent requests would interleave their transactions). WAL and the busy timeout then
    # work as in production.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["MAILLAGE_DATA_DIR"], "test.sqlite3")
    }
