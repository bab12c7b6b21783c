"""Django settings, driven by environment variables (12-factor).

``DATABASE_URL`` selects the database (PostgreSQL in CI and production); without it a SQLite
file under ``FASTKONTAKT_DATA_DIR`` (default ``var/`` at the project's root, found from this file,
never from the current folder) is used so that a fresh clone just runs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
#: The project's root (``src/fastkontakt/settings.py`` is two folders below it). The data's place
#: never depends on the current folder: a command run from elsewhere would otherwise create an
#: empty database there and fail on its missing tables.
PROJECT_ROOT = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("FASTKONTAKT_DATA_DIR") or PROJECT_ROOT / "var").resolve()


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# development (the default, for `make run` and the tests) or production.
ENVIRONMENT = os.environ.get("FASTKONTAKT_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        "FASTKONTAKT_ENV ska vara development eller production. / "
        "FASTKONTAKT_ENV must be 'development' or 'production'."
    )
PRODUCTION = ENVIRONMENT == "production"
DEBUG = _flag("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        # One line on the command line (cli.main), not a traceback.
        raise ImproperlyConfigured(
            "Ange DJANGO_SECRET_KEY i produktion. / Set DJANGO_SECRET_KEY in production."
        )
    SECRET_KEY = "development-only-" + "k" * 50  # noqa: S105 - never used in production

_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
ALLOWED_HOSTS = [host for host in _HOSTS.split(",") if host]

INSTALLED_APPS = [
    # First, so that its templates override the admin's and django-otp's (ADR 0016).
    "fastkontakt.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # django-otp's, django-axes' and django-tasks-db's apps with Swedish names (web/apps.py).
    "fastkontakt.web.apps.SwedishTOTPConfig",
    "fastkontakt.web.apps.SwedishAxesConfig",
    "mozilla_django_oidc",
    "django_htmx",
    "django_tasks",
    "fastkontakt.web.apps.SwedishTasksConfig",
    "fastkontakt.registry",
    "fastkontakt.compliance",
    "fastkontakt.access",
    "fastkontakt.letters",
    "fastkontakt.planning",
    "fastkontakt.fhir",
    "fastkontakt.runtime",
    "fastkontakt.reminders",
    "fastkontakt.citizen",
]

MIDDLEWARE = [
    # Outermost: every request is counted and timed, and every log line carries its id.
    "fastkontakt.runtime.metrics.MetricsMiddleware",
    "fastkontakt.runtime.logs.RequestContextMiddleware",
    # So that every answer has the headers, error pages included.
    "fastkontakt.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the web process, compressed and with hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # One access-log action per request; everything that reads person data runs inside it.
    "fastkontakt.access.middleware.AccessScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the pages are written in Swedish, so a browser asking for English
    # would get Swedish pages with English form errors and admin (ADR 0013).
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Swedish 404/400/500 pages under DEBUG too (Django's technical pages are English).
    "fastkontakt.web.middleware.SwedishErrorPagesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "fastkontakt.access.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A page whose database is down or busy answers 503 (errors elsewhere: urls.handler500).
    "fastkontakt.web.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lockout signalled by its backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fastkontakt.urls"
CSRF_FAILURE_VIEW = "fastkontakt.web.views.errors.csrf_failure"
WSGI_APPLICATION = "fastkontakt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's templates that speak English whatever the language (web/admin_templates).
        "DIRS": [Path(__file__).resolve().parent / "web" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fastkontakt.web.context_processors.emergency_access",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The default SQLite file lives under DATA_DIR, which a fresh clone does not have yet.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'fastkontakt.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction begins, so that two writers queue for it (up
        # to the timeout, in seconds) instead of one failing at once with "database is locked"
        # when both try to turn a read lock into a write lock. WAL: readers never wait.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# A database that is down or still busy after that answers 503 with this Retry-After (seconds),
# on the pages and in the FHIR API alike (web.views.errors, fhir.outcomes).
FASTKONTAKT_RETRY_AFTER_SECONDS = int(os.environ.get("FASTKONTAKT_RETRY_AFTER_SECONDS", 30))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("FASTKONTAKT_STATIC_ROOT", DATA_DIR / "static"))
# Production serves what `fastkontakt manage collectstatic` wrote: gzip and brotli copies and
# names with a content hash, cached for a year. Development serves the sources as they are.
_STATIC_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if not DEBUG
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
if DEBUG:
    # WhiteNoise serves the sources through the finders and only warns about a missing root.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}

# --- Background work: Django's tasks API (django-tasks) on the database (ADR 0017).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker renews its lease this often (a third of it); a running job whose worker has not
# renewed for this long is put back on the queue.
FASTKONTAKT_WORKER_LEASE_SECONDS = float(os.environ.get("FASTKONTAKT_WORKER_LEASE_SECONDS", 30))
# A job is tried this many times (database errors, lost workers) before it fails for good.
FASTKONTAKT_JOB_MAX_ATTEMPTS = int(os.environ.get("FASTKONTAKT_JOB_MAX_ATTEMPTS", 5))
# Processes the everyone refresh of the findings store uses on PostgreSQL (ADR 0021); 0 means
# one per core.
FASTKONTAKT_REFRESH_WORKERS = int(os.environ.get("FASTKONTAKT_REFRESH_WORKERS", 0))
# Emergency accesses are kept this long after they lapse, for review; the access log keeps
# every read made under them for its own period.
FASTKONTAKT_EMERGENCY_RETENTION_DAYS = int(
    os.environ.get("FASTKONTAKT_EMERGENCY_RETENTION_DAYS", 730)
)

# --- Mail (reminder digests, ADR 0017). FASTKONTAKT_SMTP_URL, e.g.
# smtp://user:password@mail.region.se:587?starttls or smtps://...:465; without it Django's
# EMAIL_* variables apply (and in development mail is written to the console).
_SMTP_URL = os.environ.get("FASTKONTAKT_SMTP_URL", "")
if _SMTP_URL:
    from urllib.parse import parse_qs, unquote, urlsplit

    _smtp = urlsplit(_SMTP_URL)
    if _smtp.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("FASTKONTAKT_SMTP_URL ska börja med smtp:// eller smtps://")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "localhost"
    EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = "starttls" in parse_qs(_smtp.query, keep_blank_values=True)
else:
    EMAIL_BACKEND = os.environ.get(
        "DJANGO_EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", 25))
EMAIL_TIMEOUT = int(os.environ.get("FASTKONTAKT_SMTP_TIMEOUT", 20))
DEFAULT_FROM_EMAIL = os.environ.get("FASTKONTAKT_MAIL_FROM", "Fast kontakt <noreply@localhost>")
# Links in mail point here (no request to take the host from).
FASTKONTAKT_BASE_URL = os.environ.get("FASTKONTAKT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The hour (0-23, local time) a digest goes out unless the user chose another.
FASTKONTAKT_DIGEST_DEFAULT_HOUR = int(os.environ.get("FASTKONTAKT_DIGEST_DEFAULT_HOUR", 7))

# --- Health and metrics (ADR 0018). /metrics answers these addresses (a direct connection,
# not through a proxy) or a request with "Authorization: Bearer <token>".
FASTKONTAKT_METRICS_TOKEN = os.environ.get("FASTKONTAKT_METRICS_TOKEN", "")
FASTKONTAKT_METRICS_ADDRESSES = [
    a for a in os.environ.get("FASTKONTAKT_METRICS_ADDRESSES", "127.0.0.1,::1").split(",") if a
]

# --- Login: password, then a second factor (TOTP); or the region's OpenID Connect provider.
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses locked-out usernames before checking a password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OTP_TOTP_ISSUER = "Fast kontakt"
# The admin never shows a second factor's secret key (django-otp shows it by default).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# An enrolment code (access.enrolment) lets a user without a code app set one up; it is issued
# by a system administrator and lapses after this many hours.
FASTKONTAKT_ENROLMENT_CODE_HOURS = float(os.environ.get("FASTKONTAKT_ENROLMENT_CODE_HOURS", 72))
# Lock a username, and a username at one address, after repeated failures. Never an address
# alone: behind the TLS proxy, or one office's NAT, everyone shares one, and a flood of made-up
# usernames from it would lock everybody out.
AXES_FAILURE_LIMIT = int(os.environ.get("FASTKONTAKT_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("FASTKONTAKT_LOCKOUT_HOURS", 0.5))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
# How many reverse proxies in front of the site append to X-Forwarded-For; only their entries
# are believed (access/client_address.py). 0: the header is ignored.
FASTKONTAKT_TRUSTED_PROXIES = int(os.environ.get("FASTKONTAKT_TRUSTED_PROXIES", 0))
if FASTKONTAKT_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("FASTKONTAKT_TRUSTED_PROXIES must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "fastkontakt.access.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
AXES_VERBOSE = False

# OpenID Connect (mozilla-django-oidc) is offered when the region's provider is configured.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_URL = os.environ.get("OIDC_OP_LOGOUT_URL", "")
# The claim that carries the user's HSA-id, and the acr/amr values that mean the provider
# already checked a second factor (then no TOTP is asked for).
FASTKONTAKT_OIDC_HSA_CLAIM = os.environ.get("FASTKONTAKT_OIDC_HSA_CLAIM", "hsa_id")
FASTKONTAKT_OIDC_MFA_VALUES = [
    v for v in os.environ.get("FASTKONTAKT_OIDC_MFA_VALUES", "mfa,otp,hwk,swk").split(",") if v
]
OIDC_CREATE_USER = True
OIDC_STORE_ID_TOKEN = False
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("fastkontakt.access.oidc.RegionOIDCBackend")

# The citizen pages (/invanare/, ADR 0025): sign-in with e-legitimation through the region's
# OpenID Connect provider (the broker in front of BankID and Freja), matched by the Swedish eID
# profile's personnummer claim, at assurance level loa3 or higher.
FASTKONTAKT_CITIZEN_OIDC = {
    "client_id": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_CLIENT_ID", ""),
    "client_secret": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_CLIENT_SECRET", ""),
    "authorization_endpoint": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_AUTHORIZATION_ENDPOINT", ""),
    "token_endpoint": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_TOKEN_ENDPOINT", ""),
    "jwks_endpoint": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_JWKS_ENDPOINT", ""),
    "issuer": os.environ.get("FASTKONTAKT_CITIZEN_OIDC_ISSUER", ""),
    "scopes": os.environ.get(
        "FASTKONTAKT_CITIZEN_OIDC_SCOPES", "openid https://id.oidc.se/scope/naturalPersonNumber"
    ),
}
FASTKONTAKT_CITIZEN_PERSONAL_ID_CLAIM = os.environ.get(
    "FASTKONTAKT_CITIZEN_PERSONAL_ID_CLAIM", "https://id.oidc.se/claim/personalIdentityNumber"
)
FASTKONTAKT_CITIZEN_ACR_VALUES = [
    v
    for v in os.environ.get(
        "FASTKONTAKT_CITIZEN_ACR_VALUES",
        "http://id.elegnamnden.se/loa/1.0/loa3,http://id.elegnamnden.se/loa/1.0/loa4",
    ).split(",")
    if v
]
FASTKONTAKT_CITIZEN_IDLE_MINUTES = int(os.environ.get("FASTKONTAKT_CITIZEN_IDLE_MINUTES", 15))
# The region's choice: show staff names in "who has read about me" (default: unit and role only).
FASTKONTAKT_CITIZEN_SHOW_STAFF_NAMES = _flag("FASTKONTAKT_CITIZEN_SHOW_STAFF_NAMES", False)
# `make run` offers a demo citizen login; never in production, never without DEBUG.
FASTKONTAKT_CITIZEN_DEMO_LOGIN = DEBUG and not PRODUCTION

# FHIR API clients (ADR 0023): SMART Backend Services access tokens last this many seconds;
# static tokens (``fk1.``) are for development and the tests only, and refused in production.
FASTKONTAKT_SMART_TOKEN_SECONDS = int(os.environ.get("FASTKONTAKT_SMART_TOKEN_SECONDS", 300))
FASTKONTAKT_STATIC_API_TOKENS = _flag("FASTKONTAKT_STATIC_API_TOKENS", not PRODUCTION)
if PRODUCTION and FASTKONTAKT_STATIC_API_TOKENS:
    raise ImproperlyConfigured(
        "Statiska API-token är bara för utveckling. / "
        "FASTKONTAKT_STATIC_API_TOKENS cannot be on in production."
    )

# Nödåtkomst lasts this long.
FASTKONTAKT_EMERGENCY_MINUTES = int(os.environ.get("FASTKONTAKT_EMERGENCY_MINUTES", 120))

# The solver's time limit, in seconds, when a coordinator re-plans a unit (planning.jobs).
FASTKONTAKT_REPLAN_SECONDS = float(os.environ.get("FASTKONTAKT_REPLAN_SECONDS", 20))

# A handover of more people than this gets its letters from a worker, with progress on the
# page; smaller ones are written in the request, with the handover.
FASTKONTAKT_HANDOVER_LETTERS_AT_ONCE = int(
    os.environ.get("FASTKONTAKT_HANDOVER_LETTERS_AT_ONCE", 20)
)

# Sessions end after this many seconds without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("FASTKONTAKT_SESSION_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Sent with every response by web.middleware.SecurityHeadersMiddleware (ADR 0010). Scripts and
# styles only from our own static files: no inline code, no eval (htmx is told so in
# web/base.html), so an injected <script> or style="" does nothing.
FASTKONTAKT_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
# No page needs the camera, the microphone, the position or any other device.
FASTKONTAKT_PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if _flag("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One JSON object per line with the request id, user and unit (runtime.logs); "text" for
# reading by eye.
_LOG_FORMAT = os.environ.get("FASTKONTAKT_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "fastkontakt.runtime.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("FASTKONTAKT_LOG_LEVEL", "WARNING")},
}
