"""Settings, read from the environment.

With nothing set the portal runs embedded: a SQLite file and Celery tasks executed eagerly. With DATABASE_URL
and CELERY_BROKER_URL it runs on PostgreSQL (psycopg 3, pooled) and Redis with real workers.
"""

import os
from importlib import import_module
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", True)
DEV_SECRET_KEY = "dev-only-insecure-key"
SECRET_KEY = os.environ.get("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")


def refuse_weak_secret_key(key: str) -> None:
    """In production a key anyone can read (the dev key, the .env.example placeholder) or guess is refused at start:
    it signs sessions, password-reset links and unsubscribe links."""
    weak = (not key or key == DEV_SECRET_KEY or "change-me" in key or len(key) < 50 or len(set(key)) < 5
            or key.startswith("django-insecure-"))
    if weak:
        raise RuntimeError("SECRET_KEY must be a random string of at least 50 characters when DEBUG is off "
                           "(not the example's placeholder); e.g. python -c 'import secrets; "
                           "print(secrets.token_urlsafe(64))'")


if not DEBUG:
    refuse_weak_secret_key(SECRET_KEY)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # django.contrib.admin with workflow fields read-only everywhere
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "criteria",
    "pool",
    "matching",
    "finance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "portal.middleware.RequestTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.tokens.SessionLifetimeMiddleware",
    "portal.security.otp.SecondFactorMiddleware",
    "portal.outbox.middleware.OutboxNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: sees the view's own answer (refusals, files, applications read) and sets the audit's address.
    "portal.access_audit.AccessAuditMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    }
]

# The commonest widgets written in Python, byte for byte as their templates write them (a filter bar's selects cost
# more through the templates than a page of rows).
FORM_RENDERER = "portal.form_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        # Server-side cursors (``.iterator()``: exports, batch scoring) are always read to the end; planned for
        # the first 10 % (PostgreSQL's default) an export walks a whole batch in ranking order instead of
        # sorting the few thousand rows it needs.
        options["options"] = f"{options.get('options', '')} -c cursor_tuple_fraction=1".strip()
        if env_bool("DB_POOL", True):
            DATABASES["default"]["OPTIONS"]["pool"] = {
                "min_size": 1,
                "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            }
    # The hot reads compiled once per process (``portal.precompiled``) run as prepared statements on PostgreSQL:
    # planning was most of their database time. Off behind a pooler in transaction mode that cannot keep them
    # (PgBouncer before 1.21, or without ``max_prepared_statements``).
    PREPARE_COMPILED_READS = env_bool("DB_PREPARE_READS", True)
    if os.environ.get("TEST_DB_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and sessions ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.security.backends.ModelBackend",  # Django's, with the organisation read with the person
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "portal.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A 忘记密码 link works once (it is bound to the password it replaces) and for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
SESSION_COOKIE_AGE = 30 * 60  # idle timeout: the cookie is renewed on every request
# However active, a session ends this long after its login (portal.security.tokens.SessionLifetimeMiddleware).
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME_HOURS", "12")) * 60 * 60
# An API token works this long after it was issued; a new one replaces it, logout and a new password end it.
API_TOKEN_LIFETIME_HOURS = int(os.environ.get("API_TOKEN_LIFETIME_HOURS", "24"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# The client's address (audit log, lock-out) behind a reverse proxy: X-Forwarded-For is believed only from these
# proxies (addresses or networks, comma-separated), or for NUM_PROXIES hops; with neither it is ignored.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
if TRUSTED_PROXIES or NUM_PROXIES:
    # Only our own proxy reaches the portal then, and it says whether the browser came over HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only in production (the proxy in front terminates TLS): redirect plain HTTP, and tell browsers never to try
# it again (HSTS). Off with DEBUG so the tests and `make run` work on http://. The container's health check calls
# /healthz over plain HTTP from inside, so that path is not redirected.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Every script and stylesheet is a static file of our own (no inline code, no CDN); nothing frames the portal.
CONTENT_SECURITY_POLICY = {
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

# Five wrong passwords are answered with a warning that counts down; the sixth locks the account for 15 minutes
# (axes locks on the attempt that reaches the limit) — for that account from that address only, so nobody can lock
# a colleague out from elsewhere. One address failing LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off,
# whatever the usernames (password spraying), is refused as a whole (portal/security/lockout.py); the limit is
# higher since a bureau's staff share one outgoing address.
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.security.lockout.PortalAxesHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = 20
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_CLIENT_IP_CALLABLE = "portal.http.client_ip"
# MLPS level 3 keeps the audit log at least six months (a system check refuses less); nothing purges younger
# entries, and the database refuses to delete any (portal migration 0005).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
# Committed audit entries are sealed into the hash chain by each process at most this often, in one locked
# transaction per batch (portal.services.audit); 0 seals at every commit (development and tests).
AUDIT_SEAL_SECONDS = float(os.environ.get("AUDIT_SEAL_SECONDS", "0" if DEBUG else "1"))

# Staff accounts (county, city, province, bank, admin) confirm each login with a TOTP code (portal/security/otp.py);
# on in production, off in development and tests unless set.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "培育库"

# Contact data (phone, e-mail, contact person) of others is masked for bureau and bank users; revealing one record
# with a reason (audited) shows it in full for this long (portal/privacy.py).
PERSONAL_DATA_REVEAL_MINUTES = 10

# --- Language, time -------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded evidence lives outside the static root and is served only through views that check scope.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/protected-media/"
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", VAR_DIR / "exports"))
# Result files of finished jobs (exports) are deleted after this many days by a beat task.
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
# Rows per chunk of a large export: each chunk is a task any worker may take (1.5–2 s of work, bench/export.py).
EXPORT_CHUNK_ROWS = int(os.environ.get("EXPORT_CHUNK_ROWS", "50000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# No single query parameter or form value is longer (portal.middleware.RequestTextMiddleware refuses it).
TEXT_MAX_CHARS = int(os.environ.get("TEXT_MAX_CHARS", "20000"))

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "培育库 <noreply@peiyuku.local>")

# --- Celery ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic work: each app lists its entries in ``<app>/schedule.py`` as ``BEAT_SCHEDULE = {name: {...}}``
# (plain data, no models), collected here from the project's own apps in INSTALLED_APPS order.
CELERY_BEAT_SCHEDULE: dict = {}
for _app in [a for a in INSTALLED_APPS if (BASE_DIR / a / "schedule.py").exists()]:
    CELERY_BEAT_SCHEDULE.update(import_module(f"{_app}.schedule").BEAT_SCHEDULE)

# --- Cache ----------------------------------------------------------------------------------------------
# One cache shared by every web and worker process (the KPI figures are kept under the summary's version, which each
# refresh bumps): Redis at CACHE_URL or REDIS_URL, else the database after the Celery broker's when that is Redis;
# local memory without.
def _beside_broker(url: str) -> str:
    """The broker's Redis, next database number: clearing the cache (``flushdb``) must never drop queued tasks."""
    if not url.startswith(("redis://", "rediss://")):
        return ""
    base, _, db = url.rstrip("/").rpartition("/")
    if "://" in base and db.isdigit():
        return f"{base}/{(int(db) + 1) % 16}"
    return f"{url.rstrip('/')}/1"


_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or _beside_broker(CELERY_BROKER_URL)
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL, "KEY_PREFIX": "peiyuku"}
    if _CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"})}

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an API client without a session is told 401 with ``WWW-Authenticate: Token``, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.security.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # The browsable API is a developer's tool: production answers JSON only (its forms list related objects).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",  # a 404 in Chinese, like the pages
}
SPECTACULAR_SETTINGS = {
    "TITLE": "培育库 API",
    "DESCRIPTION": "专利产业化样板企业培育库的接口。所有列表与页面共用同一筛选与权限范围。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema maps every endpoint and filter: for signed-in people only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several apps have a "status" (or "kind", "to", "verdict"): each choice set gets its own readable name instead
    # of a hash suffix (and `check --deploy`, which generates the schema, stays without warnings).
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "pool.models.applications.ApplicationStatus",
        "VerdictEnum": "pool.models.applications.Verdict",
        "ReviewOutcomeEnum": "pool.models.review.Outcome",
        "MonitoringStatusEnum": "pool.models.lifecycle.MonitoringStatus",
        "MilestoneKindEnum": "pool.models.lifecycle.MilestoneKind",
        "MembershipStatusEnum": "pool.lifecycle.workflow.MembershipStatus.CHOICES",
        "ProposalStatusEnum": "pool.lifecycle.workflow.ProposalStatus.CHOICES",
        "ProposalKindEnum": "pool.lifecycle.workflow.ProposalKind.CHOICES",
        "LoanStatusEnum": "finance.models.feedback.LoanStatus",
        "DecisionToEnum": ["county_approved", "returned", "rejected", "recommended", "city_rejected",
                           "province_recommended", "province_rejected", "admitted"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

DEMO_PASSWORD = "Peiyu#2026"

# The province this deployment serves: registration offers its counties, demo data lives there.
PORTAL_PROVINCE_CODE = os.environ.get("PORTAL_PROVINCE_CODE", "420000")
# The portal's public address, for links in e-mails sent by background jobs (no request to take it from).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

SILENCED_SYSTEM_CHECKS = [
    # The review queue's covering index (INCLUDE columns) is a PostgreSQL feature; SQLite keeps the plain index.
    "models.W040",
]
