"""
Settings for the R2P self-assessment site, read from environment variables.

With no variable set, the site runs locally in development mode on SQLite in
the checkout. `DJANGO_ENV=production` switches on every deployment safeguard and
refuses to start with an unsafe configuration. `.env.example` lists every
variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-use-in-production"


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "yes", "true", "on"):
        return True
    if value in ("0", "no", "false", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be yes or no, not {value!r}.")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = envbool("DEBUG", "no" if PRODUCTION else "yes")
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (DJANGO_ENV=production).")
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set to a secret value in production.")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must not contain '*' in production.")

INSTALLED_APPS = [
    # Django's admin, with a site that lets in only staff verified by a second factor.
    "accounts.apps.SecretariatAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is operations' worker, which
    # beats, recovers the tasks of a dead worker and rides out a database outage.
    "operations",
    "django_tasks_db",
    "accounts",
    "catalogue",
    "delegations",
    "assessments",
    "opendata",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "django_filters",
    "corsheaders",
]
# Benchmarks and benchmark data write to the database they run on: development only.
if not PRODUCTION:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "r2p_site.request_id.RequestIdMiddleware",
    # As high as it can be (django-cors-headers' documentation): before any middleware
    # that may answer on its own, so that such answers carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "r2p_site.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads the body of every POST.
    "r2p_site.middleware.RequestChecksMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # Inside the language middlewares: the notice is in the language the page is in.
    "catalogue.original_texts.OriginalTextsNoticeMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "r2p_site.urls"
WSGI_APPLICATION = "r2p_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.session_timing",
                "assessments.context_processors.delegation",
            ],
        },
    },
]

# SQLite in the checkout unless DATABASE_URL names another database
# (postgres://user:password@host:5432/name; psycopg 3 is used automatically).
if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must name the PostgreSQL database in production.")
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make concurrent writers wait for the lock instead of
    # failing with "database is locked" when a read transaction upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# One cache shared by every worker process (the throttles count in it), in a table that
# `manage.py createcachetable` creates; the test database gets it too.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "r2p_cache",
    },
    # Rendered answer cards, under a key made of everything they show (so never stale):
    # in each process's memory, so that a page shown again runs no more queries and writes
    # nothing. About 5 kB a card (tens of kB with the longest evidence); the least
    # recently shown go first.
    "cards": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "answer-cards",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Each role lands on its own start page (r2p_site.views.start).
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address pair is refused before any
    # password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserWithDelegationBackend",
]
# Argon2 for new and changed passwords; the others only verify older hashes, which
# are rehashed with Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The six official languages of the United Nations, in the UN's (English alphabetical) order.
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["r2p_site.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence files are private: there is no MEDIA_URL route; they are served by a
# permission-checked view only.
MEDIA_URL = "/media-not-served/"

# Uploaded evidence and country reports: MEDIA_ROOT by default; an S3-compatible object
# store when S3_BUCKET is set, so that several web and worker machines share the files.
S3_SETTINGS = {
    "bucket_name": "S3_BUCKET",
    "access_key": "S3_ACCESS_KEY_ID",
    "secret_key": "S3_SECRET_ACCESS_KEY",
    "endpoint_url": "S3_ENDPOINT_URL",
    "region_name": "S3_REGION",
}
S3_REQUIRED = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
_s3 = {option: os.environ.get(name, "") for option, name in S3_SETTINGS.items()}
if any(_s3.values()):
    # A half-configured store would put files on the local disk of one machine,
    # where the other machines never find them.
    _missing = [name for name in S3_REQUIRED if not os.environ.get(name)]
    if _missing:
        raise ImproperlyConfigured(
            f"S3 storage is half-configured: set {', '.join(_missing)} as well, or none of "
            "the S3_ variables."
        )
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **{option: value for option, value in _s3.items() if value},
            # Private files: no public ACL, never an overwritten name, no signed URL ever
            # handed out (downloads go through the permission-checked views).
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background work (PDF rendering, ZIP exports, later e-mails) goes to a queue in the
# database, run by `manage.py db_worker` (`make run` starts one beside the web server;
# docker-compose.yml has a `worker` service). The tests run tasks immediately.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "no")
# Seconds a mail server may take to answer: a worker sending a notice holds its record's
# lock meanwhile, and one that never answers must not hold a worker for ever.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "r2p-assessment@localhost")
# The address that receives a copy of every submission notice (none when empty). Set in
# development, so that a local walk shows the copy on the console too.
SECRETARIAT_EMAIL = os.environ.get(
    "SECRETARIAT_EMAIL", "" if PRODUCTION else "r2p-secretariat@example.org"
)
# The site's address, for links in e-mails (no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address in production.")
# Days before a cycle's deadline on which States that have not submitted are reminded.
try:
    REMINDER_DAYS_BEFORE = [int(day) for day in envlist("REMINDER_DAYS_BEFORE", "14,7,1")]
except ValueError:
    raise ImproperlyConfigured("REMINDER_DAYS_BEFORE must be whole numbers, e.g. 14,7,1.") from None
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Site administrators", address) for address in envlist("ADMIN_EMAILS")]

SESSION_COOKIE_HTTPONLY = True
# The longest a sign-in lasts, however active (accounts.middleware enforces it).
SESSION_COOKIE_AGE = 8 * 60 * 60
# Signed out after this long without a request; the page warns a few minutes before.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_MINUTES", 30) * 60
# How long an e-mailed invitation to join a delegation stays valid.
INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", 7)

# Sign-in throttling (django-axes): failures count per username AND address
# together, so one person's typos do not lock out a mission sharing one address.
AXES_FAILURE_LIMIT = envint("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGNIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts and lockouts are recorded in the database (the admin's sign-in records);
# verbose mode would also log a banner at every start of every command.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "r2p_site.throttle.client_ip"

# Two-factor sign-in (django-otp): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = "R2P self-assessment"
# Admins see that a device exists, never its key or recovery codes: with them they could
# pass someone else's second step.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Every script and style comes from /static/; templates hold no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "yes")
    # Behind the TLS-terminating proxy the original scheme arrives in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True

# Request limits (docs/deployment.md). Bodies are refused from their Content-Length
# before anything reads them: REQUEST_MAX_BYTES for every view but the two below.
# Size limit of one evidence attachment, in bytes.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# The form fields and multipart headers sent beside the file.
ATTACHMENT_REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES + 64 * 1024
# The largest country report is a few MiB; the verification page accepts any PDF up to this.
VERIFY_MAX_BYTES = envint("VERIFY_MAX_BYTES", 30 * 1024 * 1024)
# An offline workbook of an assessment (docs/workbooks.md) is about 30 KB; evidence
# typed at every limit makes it a few MiB.
WORKBOOK_MAX_BYTES = envint("WORKBOOK_MAX_BYTES", 5 * 1024 * 1024)
WORKBOOK_REQUEST_MAX_BYTES = WORKBOOK_MAX_BYTES + 64 * 1024
# Workbook uploads per user per 10 minutes.
WORKBOOK_RATE_LIMIT = envint("WORKBOOK_RATE_LIMIT", 20)
REQUEST_MAX_BYTES = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Verifications per client address per 10 minutes; draft PDF previews per user per minute
# (and one at a time).
VERIFY_RATE_LIMIT = envint("VERIFY_RATE_LIMIT", 20)
PREVIEW_RATE_LIMIT = envint("PREVIEW_RATE_LIMIT", 4)
# PDFs rendered in a web request (draft previews, reports in another language) at once,
# site-wide: keep it below gunicorn's worker count, so that other pages still answer.
PREVIEW_CONCURRENCY = envint("PREVIEW_CONCURRENCY", 2)
# The synthesis across States (docs/synthesis.md) shows no figure from fewer States than
# this; below 2 a figure would be one State's answers.
SYNTHESIS_MIN_STATES = envint("SYNTHESIS_MIN_STATES", 3)
if SYNTHESIS_MIN_STATES < 2:
    raise ImproperlyConfigured(
        f"SYNTHESIS_MIN_STATES must be 2 or more, not {SYNTHESIS_MIN_STATES}."
    )
# What /healthz/ready (operations.health) counts as late (docs/deployment.md): a task
# waiting longer than this for a worker; scheduled jobs (docker/jobs.sh, every
# JOBS_INTERVAL seconds) that have not started for three intervals (a running task whose
# worker stopped beating: operations.heartbeat.ORPHANED_AFTER). A report is reused for a
# few seconds: the page is public and each report writes a probe file.
JOBS_INTERVAL = envint("JOBS_INTERVAL", 300)
HEALTH_QUEUE_MAX_WAIT_SECONDS = envint("HEALTH_QUEUE_MAX_WAIT_SECONDS", 5 * 60)
HEALTH_JOBS_MAX_AGE_SECONDS = envint("HEALTH_JOBS_MAX_AGE_SECONDS", 3 * JOBS_INTERVAL)
HEALTH_REPORT_REUSE_SECONDS = 5

# How many proxies in front of the site append to X-Forwarded-For; 0 trusts none and
# takes the client address from the connection (docs/deployment.md). Sign-in throttling
# and the rate limits count by this address.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# The public API of the catalogue and the secretariat's token API (opendata/api/,
# docs/api.md). No session authentication anywhere: the public endpoints take no
# credentials at all, the secretariat's an API key. JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "R2P recommendations: open data API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKey": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Api-Key <key>",
            }
        }
    },
}
# Requests per client address to the public API; per key to the secretariat's: a
# number per s, min, hour or day.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
API_KEY_RATE = os.environ.get("API_KEY_RATE", "600/min")
# Requests refused for their key (none, unknown, revoked, expired) per client address to
# the secretariat's API: past it, 429 before any key is looked at.
API_KEY_REFUSALS_RATE = os.environ.get("API_KEY_REFUSALS_RATE", "20/hour")
for _rate in (API_ANON_RATE, API_KEY_RATE, API_KEY_REFUSALS_RATE):
    _count, _slash, _period = _rate.partition("/")
    if not (_count.isdigit() and _period in ("s", "sec", "m", "min", "h", "hour", "d", "day")):
        raise ImproperlyConfigured(
            f"An API rate is a number per s, min, hour or day, not {_rate!r}."
        )
# Seconds a client or a shared cache may keep an answer of the public API without
# asking again (it may always ask with If-None-Match: 304 until the catalogue changes).
API_CACHE_MAX_AGE = envint("API_CACHE_MAX_AGE", 300)
# Cross-origin reads of the public API from any site's scripts: GET only, never with
# cookies or credentials. Not the secretariat's API, whose keys are not for browsers.
CORS_URLS_REGEX = r"^/api/(?!v1/secretariat/).*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "accept-language", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After", "Link")
# The licence of the catalogue as a data set (the /data/ page, the downloads, the API),
# for the secretariat to choose; the texts themselves are the UN's documents
# (templates/opendata/licence_note.html says so).
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = os.environ.get(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
OPEN_DATA_ATTRIBUTION = os.environ.get(
    "OPEN_DATA_ATTRIBUTION",
    "United Nations Office on Genocide Prevention and the Responsibility to Protect",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "r2p_site.request_id.RequestIdFilter"},
    },
    # Production writes one JSON object per line (time, level, logger, message, request
    # id, exception) for a log collector; development keeps the plain message.
    "formatters": {"json": {"()": "r2p_site.log_format.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if PRODUCTION else {}),
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default logging gives "django" a console handler of its own, so each
        # of its lines was printed twice (there and by the root); it only mails errors.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # A request for a host not in ALLOWED_HOSTS gets 400; anyone can send thousands:
        # a line on the console, never an e-mail.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each rendering step at INFO; its warnings still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Errors to Sentry when SENTRY_DSN is set (off by default), without personal data, request
# bodies or local variables (r2p_site/error_reports.py). Performance tracing only when
# SENTRY_TRACES_SAMPLE_RATE is set (0.0 to 1.0).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from r2p_site.error_reports import sentry_init

    _traces = os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "").strip()
    try:
        _traces_rate = float(_traces) if _traces else None
        if _traces_rate is not None and not 0 <= _traces_rate <= 1:
            raise ValueError(_traces)
    except ValueError:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {_traces!r}."
        ) from None
    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", DJANGO_ENV),
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=_traces_rate,
    )
