"""Settings for the CRM, read from the environment (see README "Configuration")."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG")
# DJANGO_DEBUG as the environment set it: the test runner turns DEBUG off, but a
# development machine stays one (load_demo_data asks for --force elsewhere).
DEVELOPMENT = DEBUG

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = (
        "django-insecure-development-only-key-never-use-in-production-0123456789"
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "web.apps.AxesConfig",  # django-axes, its admin in Dutch
    "import_export",
    "django_tasks",
    "web.apps.TasksDatabaseConfig",  # django-tasks-db, its admin in Dutch
    "web",
    "audit",
    "jobs",
    "crm",
    "interactions",
    "segments",
    "tasks",
    "privacy",
    "api",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "web.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "web.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "jobs.context_processors.finished_jobs",
            ],
        },
    },
]

# Django's, with a select's empty choice in words instead of "---------".
FORM_RENDERER = "web.renderers.FormRenderer"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # for each other instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# Attachments (templates, entries, segments) may be at most this big.
ATTACHMENT_MAX_SIZE = int(os.environ.get("DJANGO_ATTACHMENT_MAX_MB", "10")) * 2**20

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "web.storage.GzipManifestStaticFilesStorage"},
    # Uploaded contact files waiting for their import to be confirmed (in the media
    # folder, which every app process shares): readable by the app's user alone.
    "import_export": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# Uploaded attachments live outside static/ and are only served through views that
# check the login; MEDIA_URL is never routed publicly.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# E-mail: EMAIL_URL (e.g. smtp://user:password@mail.example.com:587/?tls=True, or
# console:// / locmem://) or Django's usual EMAIL_* variables; the console otherwise.
if os.environ.get("EMAIL_URL"):
    globals().update(dj_email_url.parse(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crm@localhost")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Background jobs (django-tasks; README "Background jobs"). TASKS_BACKEND=db keeps the
# queue in our own database, worked by `manage.py db_worker`; rq puts it on Redis
# (REDIS_URL), worked by `manage.py rqworker default --job-class
# django_tasks_rq.backend.Job` on any number of machines. Tests use the immediate one.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    # django_rq for its `rqworker` command (and its queue pages in the admin).
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be db or rq.")
# What `manage.py clock` enqueues, and how often (seconds).
JOBS_SCHEDULE = [
    {"task": "crm.tasks.cleanup", "every": 60 * 60},
    {"task": "jobs.tasks.cleanup", "every": 60 * 60},
    {"task": "segments.tasks.recover_deliveries", "every": 5 * 60},
    {"task": "interactions.tasks.cleanup", "every": 24 * 60 * 60},
    {"task": "jobs.tasks.sweep", "every": 60},
    # Hourly, so a missed hour or a refused message is caught up; each salesperson
    # gets one a day (tasks.models.DigestSent).
    {"task": "tasks.tasks.send_digests", "every": 60 * 60},
    {"task": "privacy.tasks.remove_expired_exports", "every": 60 * 60},
    # The retention rules (Bewaartermijnen), in batches as a job without an owner.
    {"task": "privacy.tasks.apply_retention", "every": 24 * 60 * 60},
]
# The site's address as users reach it, for links in e-mails and calendar feeds.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a job's file (a large export, an import's report) can be downloaded.
JOB_FILE_MAX_AGE = timedelta(hours=24)
# A contact with more entries than this has its data-subject export written by a
# background job (privacy app); the download link then expires after
# JOB_FILE_MAX_AGE.
PRIVACY_EXPORT_JOB_THRESHOLD = int(
    os.environ.get("DJANGO_PRIVACY_EXPORT_JOB_THRESHOLD", "2000")
)
# A running job whose worker gave no sign of life for this long is failed by the
# sweep (the worker was killed); a batch must report progress more often than this.
JOB_STALE_AFTER = timedelta(
    minutes=int(os.environ.get("DJANGO_JOB_STALE_MINUTES", "10"))
)
# The jobs page warns that no worker seems to run when a job has waited this long
# while none runs.
JOB_WORKER_MISSING_AFTER = timedelta(minutes=2)
# How long django-tasks-db keeps the row of a finished task (the Job stays).
TASK_RESULT_MAX_AGE = timedelta(days=7)
# Above these row counts an export, and a bulk cancel/evaluate/delete of entries,
# runs as a background job instead of inside the request.
EXPORT_JOB_THRESHOLD = int(os.environ.get("DJANGO_EXPORT_JOB_THRESHOLD", "10000"))
BULK_JOB_THRESHOLD = int(os.environ.get("DJANGO_BULK_JOB_THRESHOLD", "5000"))

# Segment delivery (README "Inhoud verzenden"). A segment with more lines is logged
# by the worker; e-mails go out this many per SMTP connection; the salesperson's
# address is the sender only in these domains (DEFAULT_FROM_EMAIL's always); a
# claimed message not confirmed after this long is "unknown whether sent".
SEGMENT_LOG_JOB_THRESHOLD = int(
    os.environ.get("DJANGO_SEGMENT_LOG_JOB_THRESHOLD", "5000")
)
DELIVERY_BATCH_SIZE = int(os.environ.get("DJANGO_DELIVERY_BATCH_SIZE", "100"))
DELIVERY_SENDER_DOMAINS = [
    domain.strip().lower()
    for domain in os.environ.get("DJANGO_DELIVERY_SENDER_DOMAINS", "").split(",")
    if domain.strip()
]
DELIVERY_CLAIM_TIMEOUT = timedelta(
    seconds=int(os.environ.get("DJANGO_DELIVERY_CLAIM_TIMEOUT", "900"))
)

# HTTP API (README "HTTP API"): a token per integration user, managed in the admin,
# or the browser session; the user's Django permissions apply as on the pages.
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes anonymous requests a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in as well as out: a form body cannot say null, and an empty form field
    # read as null turned schema-valid requests into 400s (issue 16, finding 16).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Amounts are JSON numbers (2.5), the same whatever the request's language.
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM interactions API",
    "DESCRIPTION": (
        "Log documents and interactions, list contacts and interaction log entries. "
        "Authenticate with `Authorization: Token <key>` (tokens are managed in the "
        "admin) or a logged-in session; the user's permissions apply."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are for logged-in users, like every page.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Tasks and contacts both have a "type".
    "ENUM_NAME_OVERRIDES": {"TaskTypeEnum": "tasks.models.TaskType"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.query_parameters",
        "api.schema.text_without_nul",
    ],
}

# django-import-export: contact import and export in the admin and on the import page.
# An uploaded file waits for its confirmation in the media storage, which every app
# process shares, not in one machine's /tmp; the admin reads only that folder's files.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# The admin's import and export need the same permissions as the pages.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# Bounds of every contact import, so that no file can exhaust a worker's memory: the
# upload's size, the rows and columns read (streamed, blank rows counted) and what an
# .xlsx (a zip archive) unpacks to. The import page also stops at 1,000 data rows.
IMPORT_MAX_UPLOAD_SIZE = (
    int(os.environ.get("DJANGO_IMPORT_MAX_UPLOAD_MB", "50")) * 2**20
)
# An upload waiting for its import to be confirmed is removed after this long, by the
# next upload or by `manage.py cleanup`.
IMPORT_PREVIEW_MAX_AGE = timedelta(hours=1)
IMPORT_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", "1000000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("DJANGO_IMPORT_MAX_COLUMNS", "100"))
IMPORT_MAX_UNPACKED_SIZE = (
    int(os.environ.get("DJANGO_IMPORT_MAX_UNPACKED_MB", "200")) * 2**20
)
# The largest request body accepted: the largest upload and the form around it. A
# longer declared body is refused (413) before it is read; nginx refuses it first in
# production (client_max_body_size in deploy/nginx/crm.conf, kept equal). Form fields
# without files may hold 2.5 MB (Django's limit, kept), files over that go to disk.
MAX_REQUEST_BODY = max(ATTACHMENT_MAX_SIZE, IMPORT_MAX_UPLOAD_SIZE) + 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# Production hardening; relaxed only while debugging locally over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A login lasts a working day unless the browser is closed first (when configured).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE")
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def networks(text):
    """Comma-separated addresses or networks, as ip_network objects."""
    try:
        return [
            ipaddress.ip_network(network.strip(), strict=False)
            for network in text.split(",")
            if network.strip()
        ]
    except ValueError as error:
        raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}") from None


# The proxies whose X-Forwarded-For is believed: web.middleware.client_ip takes the
# client's address from that header only when the request comes straight from one of
# them. Behind a proxy the default is this machine (nginx in front of gunicorn).
TRUSTED_PROXIES = networks(
    os.environ.get(
        "DJANGO_TRUSTED_PROXIES",
        "127.0.0.1,::1" if env_bool("DJANGO_BEHIND_PROXY") else "",
    )
)

# Content-Security-Policy (web.middleware): our own origin only, no inline script or
# style anywhere; Bootstrap's CSS draws its icons from data: URIs. The format is that of
# Django 6's SECURE_CSP, which can take over on an upgrade.
SECURE_CSP = {
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
# Views (by URL name) with a policy of their own. The vendored Swagger UI page of
# drf-spectacular starts itself with an inline <script> and <style>.
SECURE_CSP_VIEWS = {
    "api:docs": {
        **SECURE_CSP,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
    },
}

# Login rate limiting (django-axes): a user name is locked out from one address after
# DJANGO_LOGIN_FAILURE_LIMIT failures in a row, for DJANGO_LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out do not restart the cool-off: it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "web.middleware.login_locked_out"
AXES_USERNAME_CALLABLE = "web.middleware.client_username"
# Only the failures needed for the lockout are stored, not a log of every login.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_CLIENT_IP_CALLABLE = "web.middleware.client_ip"
# Password reset (crm.accounts): requests from one client and mails to one address in
# the window; the password change page is limited like the login.
PASSWORD_RESET_WINDOW = timedelta(hours=1)
PASSWORD_RESET_CLIENT_LIMIT = int(
    os.environ.get("DJANGO_PASSWORD_RESET_CLIENT_LIMIT", "10")
)
PASSWORD_RESET_ADDRESS_LIMIT = int(
    os.environ.get("DJANGO_PASSWORD_RESET_ADDRESS_LIMIT", "3")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}
