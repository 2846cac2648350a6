"""BookIT settings: one module, driven by environment variables, safe embedded defaults.

Nothing set -> SQLite, local media files, local-memory cache, DEBUG on, a dev secret kept in a
git-ignored file. Every production part switches on when its variable is set; see .env.example.
"""

import os
import secrets
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """A variable, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def _dev_secret_key() -> str:
    """Generated once and kept in a git-ignored file, so every local process agrees."""
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def database_from_url(url: str | None) -> dict:
    if not url:
        return sqlite_database(BASE_DIR / "db.sqlite3")
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db
        return sqlite_database(unquote(parsed.path[1:]) or BASE_DIR / "db.sqlite3")
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options: dict = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # Hand-written statements are prepared after this many runs on a connection
        # (bookit.db.postgresql); "off" behind a pooler that cannot keep prepared statements.
        threshold = env("DB_PREPARE_THRESHOLD")
        if threshold not in (None, ""):
            options["prepare_threshold"] = None if threshold == "off" else int(threshold)
        return {
            "ENGINE": "bookit.db.postgresql",
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": parsed.port or "",
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def sqlite_database(path) -> dict:
    # IMMEDIATE makes every atomic() take the write lock up front, which serializes the booking
    # check-and-insert on SQLite (select_for_update is a no-op there); see reservations/services.py.
    return {
        "ENGINE": "bookit.db.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or (_dev_secret_key() if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public origin for absolute links; empty: the host each request came to (bookit/links.py).
SITE_URL = (env("SITE_URL", "") or "").rstrip("/")

INSTALLED_APPS = [
    "integrations.console.apps.BookitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "social_django",
    "storages",
    "accounts",
    "seats",
    "reservations",
    "tickets",
    "integrations",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "bookit.middleware.ReleaseOnCloseMiddleware",
    "bookit.middleware.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, not reading a language from paths that cannot carry one.
    "bookit.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, without a reference cycle per request.
    "bookit.middleware.AuthenticationMiddleware",
    # Django's MessageMiddleware, building the message storage only when a view uses it.
    "bookit.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bookit.unavailable.DatabaseUnavailableMiddleware",
    "bookit.middleware.SecurityHeadersMiddleware",
    "bookit.middleware.ApiJsonErrorsMiddleware",
    # django-prometheus', each labelled child looked up once (bookit/prometheus.py).
    "bookit.prometheus.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "bookit.urls"
WSGI_APPLICATION = "bookit.wsgi.application"

TEMPLATES = [
    {
        # Django's engine, freeing each rendered context at once (bookit/templating.py).
        "BACKEND": "bookit.templating.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bookit.context_processors.features",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHE_SOCKET_TIMEOUT = float(env("CACHE_SOCKET_TIMEOUT", "0.25") or 0.25)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis is an optimisation: a hung server may cost one caller this much, then
                # the circuit breaker (bookit/cache.py) skips it for a few seconds.
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "CONNECTION_POOL_CLASS": "bookit.cache.BreakerConnectionPool",
                # A Redis outage degrades to cache misses instead of failing requests.
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "bookit"),
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # The breaker logs once per outage; a traceback per failed operation flooded the logs.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django_prometheus.cache.backends.locmem.LocMemCache",
            "LOCATION": "bookit",
        }
    }
# Process-local memory: where the throttles count while the shared cache does not answer.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "integrations.yandex.backend.YandexOAuth2",
    # Django's ModelBackend, the session's user read with one prepared statement.
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve app and package static files straight from their finders too (no collectstatic needed
# for local runs and tests); production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "access_key": env("S3_ACCESS_KEY"),
            "secret_key": env("S3_SECRET_KEY"),
            "region_name": env("S3_REGION", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            # Browsers cannot reach the internal endpoint: public URLs go through this host.
            "custom_domain": env("S3_PUBLIC_DOMAIN") or None,
            "url_protocol": env("S3_PUBLIC_PROTOCOL", "http:"),
            "querystring_auth": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: Django refuses bodies larger than this before reading them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)
AVATAR_MAX_PIXELS = env_int("AVATAR_MAX_PIXELS", 40_000_000)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.CookieJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "bookit.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "bookit.exceptions.api_exception_handler",
    # JSON bodies only; views that take a file add the multipart parser themselves. The schema
    # then advertises one media type per body, which generated clients need.
    "DEFAULT_PARSER_CLASSES": ["bookit.parsers.JSONParser"],
    # DRF's, answering the usual Accept (none, */*, JSON) without parsing it.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "bookit.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "bookit.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        # Atomic counters: DRF's own keep a list that concurrent requests overwrite.
        "bookit.throttling.AnonRateThrottle",
        "bookit.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", "120/min"),
        "user": env("THROTTLE_USER", "600/min"),
        "auth": env("THROTTLE_AUTH", "120/min"),
        "booking": env("THROTTLE_BOOKING", "60/min"),
        # Password reset and email change requests per client IP (each also sends an email).
        "account_email": env("THROTTLE_ACCOUNT_EMAIL", "10/hour"),
        # Wall displays poll every few seconds, often several behind one office IP.
        "kiosk": env("THROTTLE_KIOSK", "600/min"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0) if env("NUM_PROXIES") else None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
}
JWT_ACCESS_COOKIE = "bookit_access"
JWT_REFRESH_COOKIE = "bookit_refresh"
JWT_REFRESH_COOKIE_PATH = "/api/auth/"

# Login lockout (DB-backed, so it holds while Redis is down): failures per account and per IP
# within the window. The IP budget is generous: a whole office can sit behind one NAT address.
LOGIN_FAILURE_WINDOW = timedelta(minutes=env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15))
LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 100)

SPECTACULAR_SETTINGS = {
    "TITLE": "BookIT API",
    "DESCRIPTION": "Coworking seat booking in a couple of clicks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status": name each choice set once in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ReservationStatusEnum": "reservations.models.Reservation.Status",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "TicketCategoryEnum": "tickets.models.Ticket.Category",
        "SeatKindEnum": "seats.models.Seat.Kind",
    },
}

# Yandex ID (docs/yandex.md): off unless both are set.
YANDEX_CLIENT_ID = env("YANDEX_CLIENT_ID", "")
YANDEX_CLIENT_SECRET = env("YANDEX_CLIENT_SECRET", "")
YANDEX_ENABLED = bool(YANDEX_CLIENT_ID and YANDEX_CLIENT_SECRET)
SOCIAL_AUTH_YANDEX_KEY = YANDEX_CLIENT_ID
SOCIAL_AUTH_YANDEX_SECRET = YANDEX_CLIENT_SECRET
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_USERNAME_IS_FULL_EMAIL = True
SOCIAL_AUTH_USER_FIELDS = ["email", "first_name", "last_name"]
# The callback (integrations/yandex/views.py) adds the API's JWT cookies to this redirect.
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/login/"
# social-core's DEFAULT_AUTH_PIPELINE plus our steps (integrations/yandex/pipeline.py): a
# lower-cased, required email, and linking to an existing account by email, which is safe only
# because Yandex verifies emails.
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_names",
    "integrations.yandex.pipeline.normalize_email",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "integrations.yandex.pipeline.require_email",
    "integrations.yandex.pipeline.associate_by_email",
    "integrations.yandex.pipeline.reject_inactive",
    "social_core.pipeline.user.get_username",
    "social_core.pipeline.user.create_user",
    "integrations.yandex.pipeline.announce_new_member",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
)
# Names from Yandex fill empty fields only; names a member edited in the profile stay.
SOCIAL_AUTH_IMMUTABLE_USER_FIELDS = ["first_name", "last_name"]
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", not DEBUG)

# Email (docs/email.md): SMTP when EMAIL_HOST is set; otherwise the console, or files in
# EMAIL_FILE_PATH. Notifications go through the outbox (integrations/notifications/).
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds per SMTP operation; a batch of 20 stays well inside the outbox's 10-minute lease.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "BookIT <bookit@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password reset link works once, for this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2) * 3600
# Password reset / email change messages per account per hour (on top of the IP throttle).
ACCOUNT_EMAILS_PER_HOUR = env_int("ACCOUNT_EMAILS_PER_HOUR", 3)
# Deliver notifications right after the event's commit, in the same process, as well as from
# the scheduler: on for local runs (`make run` has no scheduler, so a password reset email shows
# in the console at once), off in production and tests, where the scheduler and bot deliver.
NOTIFICATIONS_INLINE = env_bool("NOTIFICATIONS_INLINE", DEBUG and not TESTING)

# Telegram (docs/telegram.md): off unless the token is set.
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = env("TELEGRAM_BOT_USERNAME", "")
TELEGRAM_BOT_SECRET = env("TELEGRAM_BOT_SECRET", "")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot")
TELEGRAM_ENABLED = bool(TELEGRAM_BOT_TOKEN)

# The scheduler process (manage.py scheduler) runs these periodically: (dotted path, seconds).
# Every task is safe to run from several scheduler instances at once.
SCHEDULER_TASKS = [
    ("reservations.services.release_no_shows", 60),
    ("reservations.waitlist.waitlist_tick", 15),
    ("integrations.notifications.outbox.enqueue_due_reminders", 60),
    ("integrations.notifications.outbox.send_pending", 10),
    ("accounts.services.cleanup_expired_tokens", 3600),
    ("accounts.idempotency.idempotency_cleanup", 3600),
    ("integrations.yandex.services.oauth_state_cleanup", 3600),
    ("integrations.webhooks.delivery.deliver_pending", 5),
    ("integrations.webhooks.services.webhook_deliveries_prune", 3600),
    ("integrations.simulation.services.simulation_tick", 5),
]

# Outbound webhooks (docs/webhooks.md). Endpoints on private, loopback or link-local addresses are
# refused unless this is set (receivers on the internal network; the loopback tests).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)  # seconds per request
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 10)
WEBHOOKS_BACKOFF_BASE = env_int("WEBHOOKS_BACKOFF_BASE", 30)  # seconds; doubles per attempt
WEBHOOKS_BACKOFF_MAX = env_int("WEBHOOKS_BACKOFF_MAX", 6 * 3600)
WEBHOOKS_ROTATION_GRACE = env_int("WEBHOOKS_ROTATION_GRACE", 24 * 3600)  # old secret still signs
WEBHOOKS_KEEP_DAYS = env_int("WEBHOOKS_KEEP_DAYS", 30)  # delivered/failed rows are then deleted

# Kiosk wall displays (docs/kiosk.md): how often the page polls its state (seconds), and how
# often it reloads itself without JavaScript.
KIOSK_POLL_SECONDS = env_int("KIOSK_POLL_SECONDS", 5)
KIOSK_REFRESH_SECONDS = env_int("KIOSK_REFRESH_SECONDS", 30)

# Demo activity (docs/simulation.md): generated bookings for demos. Never on unless set.
SIMULATION_ENABLED = env_bool("SIMULATION_ENABLED", False)

# Metrics (docs/metrics.md): /metrics requires this bearer token when set.
METRICS_TOKEN = env("METRICS_TOKEN", "")
# Worker processes (scheduler, bot) count events too (no-shows, bot cancellations): with this
# set they serve their own /metrics on this port for Prometheus's "bookit-workers" job.
METRICS_PORT = env_int("METRICS_PORT", 0)
PROMETHEUS_EXPORT_MIGRATIONS = False

# Worker heartbeats (docs/deployment.md): the scheduler and the bot write the time of their last
# successful loop here; `manage.py healthcheck <worker>` (the compose healthcheck) fails when it
# is older than HEARTBEAT_MAX_AGE seconds. Per container, so the temp dir is the right place.
HEARTBEAT_DIR = env("HEARTBEAT_DIR", "") or os.path.join(tempfile.gettempdir(), "bookit-heartbeat")
HEARTBEAT_MAX_AGE = env_int("HEARTBEAT_MAX_AGE", 120)

# Security. Secure-by-default when DEBUG is off; the headers Django does not set itself
# (Content-Security-Policy with frame-ancestors, Permissions-Policy) come from
# bookit.middleware.SecurityHeadersMiddleware. docs/deployment.md explains every switch.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes and the Prometheus scrape talk plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$", r"^metrics/?$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Only behind a TLS-terminating proxy that overwrites X-Forwarded-Proto from clients: otherwise a
# client could claim "https" and get secure-only behaviour over plain HTTP.
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _internal_addresses() -> list[str]:
    import socket

    try:
        addresses = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        addresses = []
    return ["127.0.0.1", "localhost", *addresses]


# In a container, probes reach a replica by its own address, not the public host name: the
# healthcheck by 127.0.0.1 and Prometheus, which finds every web replica by DNS and scrapes it
# by IP. Without these in ALLOWED_HOSTS both would get 400 (DisallowedHost).
if env_bool("ALLOW_INTERNAL_HOSTS", False) and ALLOWED_HOSTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, *_internal_addresses()]
JWT_COOKIE_SECURE = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler redacts secrets (bookit/logredact.py): httpx logs Bot API URLs with the token.
    "filters": {"redact_secrets": {"()": "bookit.logredact.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per HTTP call (Bot API polls, webhooks) is noise, and it names URLs.
        "httpx": {"level": "WARNING"},
    },
}

if not DEBUG:
    # Refuse to start an unsafe production configuration, with a message that says what to set.
    # The key rules are Django's own deploy check (security.W009), enforced at startup.
    _problems = []
    if (
        not SECRET_KEY
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        _problems.append(
            "SECRET_KEY must be set to a random value of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if not ALLOWED_HOSTS:
        _problems.append("ALLOWED_HOSTS must list the host names the site is served on")
    elif "*" in ALLOWED_HOSTS:
        _problems.append("ALLOWED_HOSTS must not contain '*': list the real host names")
    if _problems:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Unsafe production settings (DEBUG=0): " + "; ".join(_problems))

# Waitlist (docs/recurring-and-desk.md): how long a seat freed for the first in line is held.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 10)
