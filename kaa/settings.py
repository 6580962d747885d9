"""Django settings for KAA, read from the environment (django-environ).

Every variable is listed in `.env.example` and the README. Defaults make the demo run on
SQLite without a broker; production sets DEBUG=False, which makes SECRET_KEY mandatory and
turns on the HTTPS-only settings that `manage.py check --deploy` asks for.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = env.str("KAA_ENV_FILE", default="")
if _env_file:
    environ.Env.read_env(_env_file)


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    file_name = env.str(f"{name}_FILE", default="")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


def _bad_env(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}: {problem}")


try:
    DEBUG = env.bool("DEBUG", default=False)
except ValueError as exc:  # environ raises ValueError on e.g. DEBUG=maybe
    raise _bad_env("DEBUG", "expected true/false") from exc


def _debug_secret_key(path: Path) -> str:
    """With DEBUG on and no SECRET_KEY (the demo): a random key, made once into `path` (mode
    0600) and read from there after, so that sessions survive a restart. Never a fixed key:
    one written in the source is everyone's, and signs any session or token for any
    installation that runs with it."""
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # 0600
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(secrets.token_urlsafe(64) + "\n")
                try:
                    os.link(temporary, path)  # atomic: the first of two starting processes wins
                except FileExistsError:
                    pass
            finally:
                os.unlink(temporary)
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise _bad_env(
            "SECRET_KEY", f"not set, and {path} cannot be made or read ({exc})"
        ) from exc
    if len(key) < 50:
        raise _bad_env("SECRET_KEY", f"not set, and {path} holds no usable key (delete it)")
    return key


SECRET_KEY = env_secret("SECRET_KEY", default=None)
if not SECRET_KEY:
    if not DEBUG:
        raise _bad_env(
            "SECRET_KEY", "must be set when DEBUG is off (at least 50 random characters)"
        )
    SECRET_KEY = _debug_secret_key(
        Path(env.str("KAA_DEMO_SECRET_KEY_FILE", default=str(BASE_DIR / "var" / "secret_key")))
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "kaa.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "kaa",
    "youth",
    "outreach",
    "plans",
    "records",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kaa.middleware.RequestContextMiddleware",
    # Inside the request's context (its id in the log line), around everything else: each
    # request's time, database queries and status into the metrics and one log line.
    "kaa.metrics.RequestMetricsMiddleware",
    # Before anything reads the body: a body longer than allowed is answered 413 unread.
    "kaa.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kaa.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaa.middleware.RequireSecondFactorMiddleware",
    "kaa.middleware.ReasonRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaa.middleware.NoStoreMiddleware",
    # Last, so that it sees the final answer of every other middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaa.urls"
WSGI_APPLICATION = "kaa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaa.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'kaa.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # A page must never hang on a stuck query: fail fast with a 503 instead.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    # PostgreSQL's JIT compiles expressions of queries it estimates as costly; for the
    # statistics' grouped queries that costs ~0.4 s per query and saves nothing
    # (bench/RESULTS.md). KAA's queries are short: turn it off for our sessions.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded database (the demo) is written by the web server and the worker at once.
    # WAL lets readers go on while one writes; a writing transaction takes the write lock at
    # BEGIN (IMMEDIATE), so a second writer waits for it (up to the busy timeout) instead of
    # failing with "database is locked" when it upgrades its read to a write mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault(
        "timeout", env.int("KAA_SQLITE_BUSY_TIMEOUT", default=20)
    )
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
# Two roles (kaa.dbroles): the web server and the workers connect as the application's role
# (DATABASE_URL), which may only read and append to the audit log; the commands that change
# the schema or the roles connect as the tables' owner (DATABASE_MIGRATE_URL), which only the
# process running them is given, never the web server or the workers.
KAA_DATABASE_APP_USER = DATABASES["default"].get("USER") or ""
KAA_DATABASE_APP_PASSWORD = DATABASES["default"].get("PASSWORD") or ""
KAA_OWNER_COMMANDS = ("migrate", "db_roles")
_migrate_url = env_secret("DATABASE_MIGRATE_URL", default="") or ""
if _migrate_url and sys.argv[1:2] and sys.argv[1] in KAA_OWNER_COMMANDS:
    _owner = environ.Env.db_url_config(_migrate_url)
    DATABASES["default"].update(
        {key: _owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT") if key in _owner}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# The cache is never the only store of anything: sessions live in the database.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kaa")}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "kaa.User"
AUTHENTICATION_BACKENDS = [
    # These two first, so that a slowed-down address or a locked-out user is refused before
    # the password is checked.
    "kaa.login_guard.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on: acts only on the provider's answer (kaa:oidc_callback), never on a
    # password; does nothing while KAA_OIDC_ISSUER is unset.
    "kaa.sso.OidcBackend",
]
LOGIN_URL = "kaa:login"
LOGIN_REDIRECT_URL = "kaa:home"
LOGOUT_REDIRECT_URL = "kaa:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaa.validators.ContextWordValidator"},
]

# django-axes: lock an account after repeated failed logins (ASVS 6.3.1).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
# Each entry locks on its own; "a+b" locks on the pair. An account is locked after N failures
# from anywhere (and from one address). An address alone is never locked: behind a proxy or a
# shared NAT that would lock every account; guessing from one address is slowed down instead
# (kaa.login_guard). `check --deploy` warns if an address alone is configured to lock.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env.list("AXES_LOCKOUT_PARAMETERS", default=["username", "username+ip_address"])
]
SILENCED_SYSTEM_CHECKS = (
    []
    if any(
        "ip_address" in (item if isinstance(item, list) else [item])
        for item in AXES_LOCKOUT_PARAMETERS
    )
    else ["axes.W006"]
)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The statistics' daily period sums (kept only by PostgreSQL's triggers) declare a unique
    # constraint with NULLS NOT DISTINCT, which SQLite cannot make; the demo counts live.
    SILENCED_SYSTEM_CHECKS.append("models.W047")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# The same client address as the audit log (TRUSTED_PROXY_COUNT), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "kaa.request_context.client_ip"
# The provider's answer to a single sign-on carries no password to guess: it is neither
# counted nor refused by the lockout (kaa.sso refuses an account that is locked out itself).
AXES_WHITELIST_CALLABLE = "kaa.login_guard.axes_exempt"
# Failed logins from one client address (any username) within the lockout's cool-off time
# after which that address is slowed down: a browser that has not logged in as the username
# typed before gets 429 with Retry-After until the window ends, without a password check.
KAA_LOGIN_ADDRESS_LIMIT = env.int("KAA_LOGIN_ADDRESS_LIMIT", default=20)
# How long a browser is remembered as one that logged in as a username (days).
KAA_LOGIN_DEVICE_DAYS = env.int("KAA_LOGIN_DEVICE_DAYS", default=90)

# Second factor (TOTP through django-otp) for the roles listed here: by default every role
# that reads personal data or statistics (check --deploy warns when one is left out).
KAA_OTP_REQUIRED_ROLES = env.list(
    "KAA_OTP_REQUIRED_ROLES", default=["coordinator", "coach", "manager", "admin"]
)
# How long a one-time link to choose a password and enrol an authenticator works.
KAA_ACCOUNT_LINK_HOURS = env.int("KAA_ACCOUNT_LINK_HOURS", default=72)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="KAA")

# --- Single sign-on (OpenID Connect, kaa/sso.py) --------------------------------------------
# Off unless KAA_OIDC_ISSUER is set. The municipality's identity provider (Entra ID, ADFS,
# Keycloak ...) authenticates; KAA keeps the account, its role and its municipality. The
# provider's endpoints are read from its discovery document (KAA_OIDC_DISCOVERY_URL, by default
# the issuer's /.well-known/openid-configuration).
KAA_OIDC_ISSUER = env.str("KAA_OIDC_ISSUER", default="").rstrip("/")
KAA_OIDC_DISCOVERY_URL = env.str("KAA_OIDC_DISCOVERY_URL", default="") or (
    f"{KAA_OIDC_ISSUER}/.well-known/openid-configuration" if KAA_OIDC_ISSUER else ""
)
# On the login page: "Logga in med <name>", e.g. "Askersunds kommuns konto".
KAA_OIDC_NAME = env.str("KAA_OIDC_NAME", default="") or _("kommunens inloggning")
OIDC_RP_CLIENT_ID = env.str("KAA_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env_secret("KAA_OIDC_CLIENT_SECRET", default="") or ""
OIDC_RP_SIGN_ALGO = env.str("KAA_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("KAA_OIDC_SCOPES", default="openid email profile")
# The client authenticates at the token endpoint with HTTP Basic ("basic", the usual) or with
# its secret in the form ("post").
OIDC_TOKEN_USE_BASIC_AUTH = env.str("KAA_OIDC_TOKEN_AUTH", default="basic") == "basic"
OIDC_TIMEOUT = env.int("KAA_OIDC_TIMEOUT", default=10)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "kaa:oidc_callback"
# Which claim names the account, and which field of the account it is compared with (case
# aside): "email" or "username".
KAA_OIDC_MATCH_CLAIM = env.str("KAA_OIDC_MATCH_CLAIM", default="email")
KAA_OIDC_MATCH_FIELD = env.str("KAA_OIDC_MATCH_FIELD", default="email")
# The provider's word that the person used more than a password: any of these in the ID
# token's `amr` (RFC 8176), or its `acr` one of KAA_OIDC_MFA_ACR. Then KAA asks for no code of
# its own; otherwise a role that needs the second factor enters a code from its authenticator.
KAA_OIDC_MFA_AMR = env.list("KAA_OIDC_MFA_AMR", default=["mfa", "otp", "hwk", "sc"])
KAA_OIDC_MFA_ACR = env.list("KAA_OIDC_MFA_ACR", default=[])
# acr_values asked for in the authentication request (space-separated; empty: none).
KAA_OIDC_ACR_VALUES = env.str("KAA_OIDC_ACR_VALUES", default="")
# Clock skew allowed when checking the ID token's times (seconds).
KAA_OIDC_LEEWAY = env.int("KAA_OIDC_LEEWAY", default=60)
# Optional: accounts created at the first login of a person the provider knows and KAA does
# not. Without KAA_OIDC_ROLE_MAP nobody is created: an unknown person is refused. With it, a
# value of the claim KAA_OIDC_ROLE_CLAIM (e.g. groups) names the role to ask for,
# "value=role" (the account in KAA_OIDC_MUNICIPALITY, a municipality code) or
# "value=role@code"; the account starts with no role and gets it only when a coordinator or
# admin confirms (kaa.accounts).
KAA_OIDC_ROLE_CLAIM = env.str("KAA_OIDC_ROLE_CLAIM", default="groups")
KAA_OIDC_MUNICIPALITY = env.str("KAA_OIDC_MUNICIPALITY", default="")
KAA_OIDC_ROLE_MAP: list[tuple[str, str, str]] = []
for _entry in env.list("KAA_OIDC_ROLE_MAP", default=[]):
    _value, _eq, _target = _entry.rpartition("=")
    _role, _at, _code = _target.partition("@")
    _code = _code or KAA_OIDC_MUNICIPALITY
    if not _value or _role not in ("coordinator", "coach", "manager", "admin") or not _code:
        raise _bad_env(
            "KAA_OIDC_ROLE_MAP",
            f"{_entry!r}: expected value=role or value=role@code "
            "(roles: coordinator, coach, manager, admin; "
            "without @code KAA_OIDC_MUNICIPALITY must be set)",
        )
    KAA_OIDC_ROLE_MAP.append((_value, _role, _code))
if KAA_OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise _bad_env(
        "KAA_OIDC_CLIENT_ID",
        "KAA_OIDC_ISSUER is set: set the client's id and "
        "KAA_OIDC_CLIENT_SECRET (or KAA_OIDC_CLIENT_SECRET_FILE)",
    )
if KAA_OIDC_MATCH_FIELD not in ("email", "username"):
    raise _bad_env("KAA_OIDC_MATCH_FIELD", "expected email or username")

# --- Sessions -------------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
KAA_SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
# Audit events that belong to no municipality (failed logins with unknown usernames, system
# events) fall under no municipality's gallring rule: they are deleted after this many months
# by a nightly job (0 = kept). At least 24, KAA's minimum for the log (records.retention).
KAA_AUDIT_UNATTRIBUTED_MONTHS = env.int("AUDIT_UNATTRIBUTED_MONTHS", default=36)
# A second, append-only copy of the audit log outside the database (kaa.audit_sink), sent by
# a job every 10 seconds: syslog+tcp://host:port, syslog+tls://host:port[?ca=/path],
# syslog+udp://host:port or file:///path/audit.jsonl, comma-separated. Empty: none.
KAA_AUDIT_SINK = env.list("KAA_AUDIT_SINK", default=[])
for _sink in KAA_AUDIT_SINK:
    if _sink.split("://", 1)[0] not in ("syslog+tcp", "syslog+tls", "syslog+udp", "file"):
        raise _bad_env(
            "KAA_AUDIT_SINK",
            f"{_sink!r}: expected syslog+tcp://, syslog+tls://, syslog+udp:// or file://",
        )
KAA_SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = KAA_SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The name of this web process among several behind the proxy (e.g. its host name), sent back
# as X-KAA-Node so that an operator sees which one answered. Empty: no such header.
KAA_NODE_NAME = env.str("KAA_NODE_NAME", default="")
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that overwrites this header from the client.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

HTTPS = env.bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host, HTTPS and path / (ASVS 3.3.3).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
# Monitoring reaches these on each node's own address, inside the network (README,
# "Övervakning / Monitoring"); /metrics still needs its token.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if KAA_OIDC_ISSUER:
    # Logging out goes on to the identity provider's end-session page (a redirect after the
    # logout form, which form-action governs).
    from urllib.parse import urlsplit as _urlsplit

    _idp = _urlsplit(KAA_OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idp.scheme}://{_idp.netloc}")

# Uploads (kaa/uploads.py): the fields of a form besides its files may take this much;
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# a file larger than this is written to a temporary file while it arrives, not kept in memory;
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# each view accepts files only up to its own maximum (@upload_limit; none without it), counted
# as they arrive; and no request body may be longer than this (answered 413 before reading;
# the proxy in front should refuse the same, e.g. nginx client_max_body_size 25m).
FILE_UPLOAD_HANDLERS = [
    "kaa.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
KAA_MAX_REQUEST_BYTES = env.int("KAA_MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
# ClamAV's clamd, which scans every upload: tcp://host:port, unix:///path or /path/to/socket.
# Empty: uploads are not scanned (check --deploy warns). Configured but not answering: uploads
# are refused.
KAA_CLAMD_URL = env.str("KAA_CLAMD_URL", default="")
KAA_CLAMD_TIMEOUT = env.float("KAA_CLAMD_TIMEOUT", default=30.0)
if KAA_CLAMD_URL:
    from kaa.lib.clamav import parse_url

    try:
        parse_url(KAA_CLAMD_URL)
    except ValueError as exc:
        raise _bad_env("KAA_CLAMD_URL", str(exc)) from exc

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))


def media_storage() -> dict[str, Any]:
    """Where stored files (consent scans, SCB files, board reports, register extracts) live:
    KAA_STORAGE=local, a directory (MEDIA_ROOT) that every web and worker process must share,
    or KAA_STORAGE=s3, a bucket of any S3-compatible object store. Either way the code reaches
    them only through Django's storage API, so a file a worker wrote is served by any web
    process. They are private: nothing is ever sent to a browser as a link to the store;
    downloads stream through KAA's own views, which check access and write the audit log."""
    kind = env.str("KAA_STORAGE", default="local").strip().lower()
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise _bad_env("KAA_STORAGE", f"expected local or s3, not {kind!r}")
    bucket = env.str("KAA_S3_BUCKET", default="").strip()
    if not bucket:
        raise _bad_env("KAA_S3_BUCKET", "must be set when KAA_STORAGE=s3")
    addressing = env.str("KAA_S3_ADDRESSING_STYLE", default="").strip() or None
    if addressing not in (None, "path", "virtual"):
        raise _bad_env("KAA_S3_ADDRESSING_STYLE", "expected path or virtual")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: AWS itself; a municipality's own store (MinIO, Ceph, a Swedish cloud
            # provider) is named by its URL.
            "endpoint_url": env.str("KAA_S3_ENDPOINT_URL", default="").strip() or None,
            "region_name": env.str("KAA_S3_REGION", default="").strip() or None,
            # Empty keys: boto3's own chain (AWS_* variables, an instance or pod role).
            "access_key": env_secret("KAA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env_secret("KAA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("KAA_S3_PREFIX", default="").strip("/ "),
            "addressing_style": addressing,
            "signature_version": "s3v4",
            # No ACL is sent: objects are as private as the bucket, which must block public
            # access. A store that refuses ACL headers (ACLs switched off) works the same.
            "default_acl": None,
            # url() would be an unsigned address that the store refuses: no link that grants
            # access on its own can leave KAA.
            "querystring_auth": False,
            # A name already taken gets a new one, as on disk: a file is never overwritten.
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's form renderer with selects written in Python (the same markup, kaa/renderers.py).
FORM_RENDERER = "kaa.renderers.FormRenderer"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kaa@localhost")
# The accessibility statement (/tillganglighet/): where users report barriers, and the date
# the statement was last reviewed (update it with each review, README "Accessibility").
KAA_ACCESSIBILITY_CONTACT = env.str("KAA_ACCESSIBILITY_CONTACT", default="")
KAA_ACCESSIBILITY_REVIEWED = env.str("KAA_ACCESSIBILITY_REVIEWED", default="2026-11-23")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)  # a stuck mail server must not hang tasks
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a request must fail fast when Redis is down (the outbox keeps the task).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A visibility timeout longer than the longest task, so a killed worker's task is redelivered
# once rather than twice.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {"visibility_timeout": 2 * 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The demo runs a real worker and beat without any broker service: kombu's file transport.
    _queue_dir = Path(env.str("KAA_FILE_BROKER_DIR", default=str(BASE_DIR / "var" / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        # Its exchange tables, which kombu otherwise writes to ./control in the working directory.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }

# --- Logging --------------------------------------------------------------------------------
# Application logs never carry personnummer, names or note text: those belong in the audit log.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "text" (the default: a line for people) or "json" (one JSON object a line with the request
# id, the user's id and the view, for a log collector; kaa.logging.JsonFormatter).
KAA_LOG_FORMAT = env.str("KAA_LOG_FORMAT", default="text")
if KAA_LOG_FORMAT not in ("text", "json"):
    raise _bad_env("KAA_LOG_FORMAT", f"{KAA_LOG_FORMAT!r}: expected text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_pii": {"()": "kaa.logging.ScrubPersonalDataFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kaa.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "filters": ["scrub_pii"],
            "formatter": KAA_LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- KAA ------------------------------------------------------------------------------------
KAA_DEMO = env.bool("KAA_DEMO", default=False)
# "Glömt lösenordet?" on the login page e-mails a one-time link to the account's own address:
# on where an e-mail server is configured (EMAIL_URL), and in the demo, whose web process
# prints its e-mail.
KAA_PASSWORD_RESET_EMAIL = env.bool(
    "KAA_PASSWORD_RESET_EMAIL", default="EMAIL_URL" in os.environ or KAA_DEMO
)
# A second "forgot password" for the same account within this many minutes sends nothing.
KAA_PASSWORD_RESET_MINUTES = env.int("KAA_PASSWORD_RESET_MINUTES", default=10)
KAA_BASE_URL = env.str("KAA_BASE_URL", default="http://127.0.0.1:8000")
# Follow-ups after a youth is reached (outreach.queue.services.follow_up_due): one who works or
# does something else is followed up after this many months; one who studies, at the end of
# the studies or else of the term.
KAA_FOLLOW_UP_OCCUPIED_MONTHS = env.int("KAA_FOLLOW_UP_OCCUPIED_MONTHS", default=3)
# A home visit not checked out this many minutes after its planned end alerts the coordinator
# on duty and the team; after the second margin, every coordinator of the municipality.
KAA_HOME_VISIT_ALERT_MINUTES = env.int("KAA_HOME_VISIT_ALERT_MINUTES", default=15)
KAA_HOME_VISIT_ESCALATE_MINUTES = env.int("KAA_HOME_VISIT_ESCALATE_MINUTES", default=30)
KAA_TERM_END_SPRING = (6, 15)  # (month, day): the spring term ends mid-June
KAA_TERM_END_AUTUMN = (12, 20)
KAA_TURNING_20_NOTICE_DAYS = env.int("KAA_TURNING_20_NOTICE_DAYS", default=60)
# A directory of SCB export profiles read before the shipped ones (reporting/scb/profiles).
KAA_SCB_PROFILE_DIR = env.str("KAA_SCB_PROFILE_DIR", default="")
# Counts below this are shown as "<N" on dashboards and board reports (reporting.stats.suppress).
KAA_SUPPRESS_BELOW = env.int("KAA_SUPPRESS_BELOW", default=5)
# How long the dashboard keeps its figures (seconds; 0 = always recount).
KAA_STATS_CACHE_SECONDS = env.int("KAA_STATS_CACHE_SECONDS", default=600)
# SMS: the file backend in development; the HTTP gateway adapter in production.
KAA_SMS_BACKEND = env.str("KAA_SMS_BACKEND", default="outreach.messaging.gateways.FileSmsBackend")
KAA_SMS_FILE_DIR = env.str("KAA_SMS_FILE_DIR", default=str(BASE_DIR / "var" / "sms"))
KAA_SMS_URL = env.str("KAA_SMS_URL", default="")
KAA_SMS_TOKEN = env_secret("KAA_SMS_TOKEN", default="") or ""
KAA_SMS_SENDER = env.str("KAA_SMS_SENDER", default="KAA")
# Monitoring presents this as `Authorization: Bearer ...` to see /healthz's parts and outbox
# counts; everyone else gets the status only. Empty: nobody sees them.
KAA_HEALTHZ_TOKEN = env_secret("KAA_HEALTHZ_TOKEN", default="") or ""
# Prometheus presents this as `Authorization: Bearer ...` to read /metrics (kaa.metrics); a
# wrong one gets 403. Empty: /metrics does not exist (404). At least 32 random characters
# (check --deploy warns).
KAA_METRICS_TOKEN = env_secret("KAA_METRICS_TOKEN", default="") or ""

from kaa.schedule import BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# Public e-forms: rate limits are counted in Redis (not in the demo, which has none: there
# Django's cache counts, in one process).
KAA_RATELIMIT_REDIS_URL = env.str(
    "KAA_RATELIMIT_REDIS_URL",
    default="" if CELERY_BROKER_URL.startswith("filesystem://") else REDIS_URL,
)
KAA_RATELIMIT_PREFIX = "kaa:rl"
# A stated reason to open a youth with protected identity holds this long.
KAA_PROTECTED_REASON_HOURS = env.int("KAA_PROTECTED_REASON_HOURS", default=4)
# A youth's code is locked after this many wrong birth dates, for this long.
KAA_ESERVICE_LOCK_AFTER = env.int("KAA_ESERVICE_LOCK_AFTER", default=5)
KAA_ESERVICE_LOCK_MINUTES = env.int("KAA_ESERVICE_LOCK_MINUTES", default=60)
# Requests per client address (all public forms) and per code, per window.
KAA_ESERVICE_LIMIT_IP = env.int("KAA_ESERVICE_LIMIT_IP", default=30)  # per 10 minutes
KAA_ESERVICE_LIMIT_CODE = env.int("KAA_ESERVICE_LIMIT_CODE", default=10)  # per hour
KAA_SCHOOL_LIMIT_IP = env.int("KAA_SCHOOL_LIMIT_IP", default=20)  # per hour
# Outcome re-checks after a KAA period ends with studies or work: after these many months
# (comma-separated), and how long after the last one the youth's code still answers them.
KAA_RECHECK_MONTHS = sorted({int(m) for m in env.list("KAA_RECHECK_MONTHS", default=["3", "6"])})
if not KAA_RECHECK_MONTHS or min(KAA_RECHECK_MONTHS) < 1:
    raise _bad_env("KAA_RECHECK_MONTHS", "expected whole months of 1 or more, e.g. 3,6")
KAA_RECHECK_ESERVICE_DAYS = env.int("KAA_RECHECK_ESERVICE_DAYS", default=30)
# How long a youth stays signed in to the e-form after entering code and birth date.
KAA_ESERVICE_SESSION_MINUTES = 20
