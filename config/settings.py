"""Maillage settings.

Everything comes from the environment, with embedded defaults that run on one machine with no
server to install (SQLite in WAL mode, in-memory channel layer, local-memory cache, database task
queue, local files). `docs/configuration.md` lists every variable; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = BASE_DIR / "maillage"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Mode and data folder -------------------------------------------------------------------

# "production" turns on every transport-security setting and refuses unsafe defaults.
PRODUCTION = env_str("MAILLAGE_ENV", "local").lower() == "production"
DEBUG = env_bool("MAILLAGE_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MAILLAGE_DEBUG cannot be on when MAILLAGE_ENV=production.")

DATA_DIR = Path(env_str("MAILLAGE_DATA_DIR", str(BASE_DIR / "data"))).expanduser().resolve()


def _secret_key() -> str:
    given = env_str("MAILLAGE_SECRET_KEY")
    if given:
        if PRODUCTION and (len(given) < 50 or len(set(given)) < 5):
            raise ImproperlyConfigured(
                "MAILLAGE_SECRET_KEY is too weak for production: use at least 50 random characters."
            )
        return given
    if PRODUCTION:
        raise ImproperlyConfigured(
            "MAILLAGE_SECRET_KEY must be set when MAILLAGE_ENV=production "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    # Embedded default: generate once and keep it in the data folder so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "MAILLAGE_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MAILLAGE_ALLOWED_HOSTS must list the host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("MAILLAGE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("MAILLAGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "maillage.core",
    "maillage.accounts",
    "maillage.profiles",
    "maillage.network",
    "maillage.feed",
    "maillage.messaging",
    "maillage.notifications",
    "maillage.search",
    "maillage.api",
    "maillage.core.admin_apps.MaillageAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maillage.accounts.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "maillage.core.middleware.PrivateCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                        # Last: only names no template has (core/template_loaders.py)
                        "maillage.core.template_loaders.ElementLayoutLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maillage.core.context_processors.instance",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "maillage.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; IMMEDIATE transactions take
    # the write lock up front, so concurrent writers wait (busy timeout) instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool per process (psycopg_pool): under ASGI each request's synchronous code runs in a
    # thread of its own, and with persistent connections every such thread kept one open — one
    # web process under 50 simulated members held 83, past PostgreSQL's default limit of 100
    # ("too many clients already"). The pool caps a process and reuses connections; a request
    # waits up to `timeout` seconds for one. Size it so that processes × max_size stays under
    # the server's max_connections (docs/scaling.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("MAILLAGE_DB_POOL_MIN", 2),
        "max_size": env_int("MAILLAGE_DB_POOL_MAX", 20),
        "timeout": env_int("MAILLAGE_DB_POOL_TIMEOUT", 30),
    }
    # Parallel query off for the application's own connections: its queries are short index
    # reads where starting workers costs more than it saves (a feed's candidate query at 100,000
    # members: 116 -> 72 ms without), and workers taken by one request are missing for the
    # others. `MAILLAGE_DB_PARALLEL_WORKERS` gives them back (e.g. for reporting on a big server).
    _parallel = env_int("MAILLAGE_DB_PARALLEL_WORKERS", 0)
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = (
        f"{_options.get('options', '')} -c max_parallel_workers_per_gather={_parallel}".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Seconds `maillage run` keeps an idle HTTP connection open: above the idle timeout of the proxy
# in front (nginx 60 s, most load balancers 60 s), so the proxy, not the server, closes it.
KEEP_ALIVE_SECONDS = env_int("MAILLAGE_KEEP_ALIVE", 75)

# --- Cache, channel layer, task queue ---------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # One Redis connection pool per process, not per request (core/cache.py)
            "BACKEND": "maillage.core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("MAILLAGE_REDIS_PREFIX", "maillage"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis whose bursts wait their turn instead of emptying its pool (realtime.py)
            "BACKEND": "maillage.core.realtime.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("MAILLAGE_REDIS_PREFIX", "maillage") + ":asgi",
            },
        }
    }
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # The task queue's connections come from the cache's pool (core/cache.py), not one per task.
    RQ_QUEUES = {"default": {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "maillage",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# People search keeps the matches every searcher shares (through public and members-only
# entries) this many seconds, under a token any change to the index replaces (search/selectors.py).
# Only with Redis: a per-process cache would not learn of a change made by another process.
MAILLAGE_SEARCH_CACHE_SECONDS = env_int("MAILLAGE_SEARCH_CACHE_SECONDS", 300 if REDIS_URL else 0)

# --- Accounts (django-allauth) ----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["maillage.accounts.backends.MemberBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

ACCOUNT_ADAPTER = "maillage.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "maillage.accounts.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_MAX_EMAIL_ADDRESSES = 5
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_REQUIRED = False
# Login throttling and other limits live in the shared cache (Redis when configured), so every
# server process counts the same failures.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("MAILLAGE_LOGIN_FAILED_LIMIT", "5/5m/ip,5/5m/key"),
    "signup": env_str("MAILLAGE_SIGNUP_LIMIT", "20/h/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MAILLAGE_INSTANCE_NAME", "Maillage")
MFA_RATE_LIMITS = {"totp_failed": "5/5m/user"}
# Off: tracking "last seen" costs a read and a write on every request.
USERSESSIONS_TRACK_ACTIVITY = False

# Staff must have two-factor authentication before the admin opens (default on in production).
# Invitations to connect a member may send per rolling week.
MAILLAGE_INVITATIONS_PER_WEEK = env_int("MAILLAGE_INVITATIONS_PER_WEEK", 100)
# Message requests (first messages to someone who is not a connection) a member may send a week.
MAILLAGE_MESSAGE_REQUESTS_PER_WEEK = env_int("MAILLAGE_MESSAGE_REQUESTS_PER_WEEK", 20)
# Messages a member may send per minute, all conversations together.
MAILLAGE_MESSAGES_PER_MINUTE = env_int("MAILLAGE_MESSAGES_PER_MINUTE", 30)
# Feed impressions are buffered per process: flushed as one task every N keys or N seconds.
MAILLAGE_IMPRESSIONS_BATCH = env_int("MAILLAGE_IMPRESSIONS_BATCH", 500)
MAILLAGE_IMPRESSIONS_MAX_AGE = env_int("MAILLAGE_IMPRESSIONS_MAX_AGE", 30)
MAILLAGE_STAFF_REQUIRE_2FA = env_bool("MAILLAGE_STAFF_REQUIRE_2FA", PRODUCTION)
# SQL queries and time per request in a `Server-Timing` header (bench/suite.py reads it). Off by
# default: it tells anyone how much work a page costs. First, so every query is counted.
MAILLAGE_SERVER_TIMING = env_bool("MAILLAGE_SERVER_TIMING", False)
if MAILLAGE_SERVER_TIMING:
    MIDDLEWARE.insert(0, "maillage.core.server_timing.ServerTimingMiddleware")

# --- Sessions, cookies, transport security ----------------------------------------------------

# With Redis, sessions are read from the shared cache (one query less on every request) and still
# written to the database, so a flushed cache logs nobody out. Not with the per-process memory
# cache: a session ended in one process would live on in the others' copies.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_FAILURE_VIEW = "maillage.core.views.csrf_failure"
LANGUAGE_COOKIE_NAME = "maillage_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    # The __Host- prefix pins the cookie to this exact host, over HTTPS, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("MAILLAGE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("MAILLAGE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MAILLAGE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("MAILLAGE_HSTS_PRELOAD", True)
    if env_bool("MAILLAGE_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalization ---------------------------------------------------------------------

LANGUAGE_CODE = env_str("MAILLAGE_DEFAULT_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("MAILLAGE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("MAILLAGE_STATIC_ROOT", str(DATA_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MAILLAGE_MEDIA_ROOT", str(DATA_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("MAILLAGE_PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files only a view that checks the viewer's rights may serve (post images and documents).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the files are served straight from the apps, so no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("MAILLAGE_FROM_EMAIL", "Maillage <no-reply@maillage.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_OUTBOX_DIR = DATA_DIR / "outbox"
if env_str("MAILLAGE_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("MAILLAGE_EMAIL_HOST")
    EMAIL_PORT = env_int("MAILLAGE_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("MAILLAGE_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("MAILLAGE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("MAILLAGE_EMAIL_TLS", True)
    EMAIL_USE_SSL = env_bool("MAILLAGE_EMAIL_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    # Embedded default: every message is a file in the data folder, readable by staff on the
    # outbox page, so a local operator can complete sign-ups without an SMTP server.
    EMAIL_BACKEND = "maillage.core.mail.OutboxEmailBackend"

# --- Instance ---------------------------------------------------------------------------------

MAILLAGE_INSTANCE_NAME = env_str("MAILLAGE_INSTANCE_NAME", "Maillage")
# Sign-up policy used until staff change it in the admin ("open", "invitation" or "domains").
MAILLAGE_SIGNUP_MODE = env_str("MAILLAGE_SIGNUP_MODE", "open")
MAILLAGE_SIGNUP_DOMAINS = env_list("MAILLAGE_SIGNUP_DOMAINS", [])

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MAILLAGE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
