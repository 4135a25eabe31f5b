"""Settings, all from environment variables (a `.env` file is read if present).

Production-safe by default: DEBUG is off unless asked for, and then a SECRET_KEY is required.
See `.env.example` for every variable.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE picks another file (or /dev/null for none); variables already set always win.
environ.Env.read_env(os.environ.get("ENV_FILE") or BASE_DIR / ".env", overwrite=False)
DATA_DIR = Path(env.str("DATA_DIR", default="") or BASE_DIR / ".data")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY no está definido. Defínelo en el entorno o en .env "
            "(obligatorio con DEBUG desactivado); ver .env.example."
        )
    SECRET_KEY = "insecure-dev-key-only-used-with-debug-" + "x" * 32

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The platform's own hosts (operators' API and admin), never usable as a tenant's domain. Unset:
# the ALLOWED_HOSTS entries that are not patterns of tenant domains (no leading dot, not "*").
PLATFORM_HOSTS = env.list("PLATFORM_HOSTS", default=None)
CSRF_FAILURE_VIEW = "core.api.views.csrf_failure"

# --- Apps -------------------------------------------------------------------------------------
# The user model, auth, admin and sessions live in every schema: the public schema keeps the
# platform operators, each tenant schema keeps its own users.
_PER_SCHEMA_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "rest_framework_simplejwt.token_blacklist",
    "usuarios",
]

SHARED_APPS = [
    # Before django_tenants: the first app wins a command name, and core's `migrate` (which
    # also keeps the tenant template schema migrated) must win over django-tenants' own.
    "core",
    # tenancy's commands and admin (its models are core's)
    "core.tenancy",
    "django_tenants",
    *_PER_SCHEMA_APPS,
    "django.contrib.staticfiles",
    "rest_framework",
    # its messages' translations (Spanish by default, English on request); it has no models
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    # Swagger UI and ReDoc served from the app, pinned: /api/docs/ works without internet
    "drf_spectacular_sidecar",
    "corsheaders",
]

TENANT_APPS = [
    *_PER_SCHEMA_APPS,
    "core.outbox",
    "tickets",
    "productos",
    "backups",
]

INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "core.Tenant"
TENANT_DOMAIN_MODEL = "core.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New tenants are cloned from this template schema (kept migrated by `migrate`), which
# makes tenant creation take well under a second instead of running every migration.
TENANT_BASE_SCHEMA = "plantilla_tenant"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True

# While a tenant is restored its writes get 503 with this Retry-After; the restore waits at most
# this long for the writes in flight to finish.
TENANT_MAINTENANCE_RETRY_AFTER = env.int("TENANT_MAINTENANCE_RETRY_AFTER", default=5)
TENANT_MAINTENANCE_WAIT_SECONDS = env.float("TENANT_MAINTENANCE_WAIT_SECONDS", default=30.0)
# `migrate` brings tenants up to date with this many processes at once; each tenant waits this
# long for its writes in flight, and its DDL this long behind a running query, before it is
# recorded as failed (and retried by the next run).
MIGRATE_WORKERS = env.int("MIGRATE_WORKERS", default=2)
MIGRATE_TENANT_WAIT_SECONDS = env.float("MIGRATE_TENANT_WAIT_SECONDS", default=30.0)
MIGRATE_LOCK_TIMEOUT = env.str("MIGRATE_LOCK_TIMEOUT", default="10s")

ROOT_URLCONF = "core.urls"
PUBLIC_SCHEMA_URLCONF = "core.urls.public"
WSGI_APPLICATION = "core.wsgi.application"
AUTH_USER_MODEL = "usuarios.Usuario"

MIDDLEWARE = [
    # Preflights are answered before any tenant is needed.
    "core.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.health.HealthMiddleware",
    # Early, so that tenant and size errors are in the client's language too.
    "core.middleware.LocaleMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "core.tenancy.middleware.TenantMiddleware",
    "django.middleware.common.CommonMiddleware",
    # BROWSER_MIDDLEWARE, for everything but the JSON API (JWT only: no session, no CSRF cookie)
    "core.middleware.BrowserOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
BROWSER_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
API_PATH_PREFIX = "/api/"
# Django's checks for those four look in MIDDLEWARE only; core.E002 checks BROWSER_MIDDLEWARE.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410", "security.W003"]

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", default="")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL no está definido: defínelo en el entorno o en .env (ver .env.example). "
        "En desarrollo, `make run` y `make test` arrancan un PostgreSQL local y lo definen."
    )
_db = environ.Env.db_url_config(DATABASE_URL)
# A socket directory given as ?host=/path belongs in HOST (pg_dump and psycopg2 both read it).
if "host" in _db.get("OPTIONS", {}):
    _db["HOST"] = _db["OPTIONS"].pop("host")
# django-tenants' backend, closing a connection once it has served DB_MAX_SCHEMAS_PER_CONNECTION
# schemas (each costs the PostgreSQL backend memory it never gives back)
_db["ENGINE"] = "core.db_backend"
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DB_MAX_SCHEMAS_PER_CONNECTION = env.int("DB_MAX_SCHEMAS_PER_CONNECTION", default=100)
_db["CONN_HEALTH_CHECKS"] = True
_db.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
DATABASES = {"default": _db}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache / Redis ----------------------------------------------------------------------------
# Unset, empty or "off": no Redis (local caches, tasks inline).
_redis = env.str("REDIS_URL", default="").strip()
REDIS_URL = None if _redis.lower() in {"", "off", "none", "disabled"} else _redis
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="saas")
_redis_options = {
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
    "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
    # The API keeps answering with Redis down: cache calls become misses.
    "IGNORE_EXCEPTIONS": True,
}
if REDIS_URL:
    CACHES = {
        # Tenant data: every key is prefixed by the schema it was written in.
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
            "OPTIONS": _redis_options,
        },
        # Platform-wide counters (e.g. the per-address login limit) that must not be per tenant.
        "global": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:global",
            "OPTIONS": _redis_options,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "LOCATION": "tenant",
        },
        "global": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "global",
        },
    }
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Events and background work ---------------------------------------------------------------
# The integration contract with outside consumers (names are fixed; see the tickets issue).
EVENTS_QUEUE_KEY = env.str("EVENTS_QUEUE_KEY", default="cola:batch:procesar")
EVENTS_CHANNEL = env.str("EVENTS_CHANNEL", default="canal:batch:eventos")
# The queue list is trimmed to its newest entries, so it cannot grow without a consumer.
EVENTS_QUEUE_MAX = env.int("EVENTS_QUEUE_MAX", default=10_000)

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport, keeping one client per channel (core.broker)
CELERY_BROKER_TRANSPORT = "core.broker:Transport" if REDIS_URL else None
# Without Redis there is no broker: tasks run inline.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died (acks late) is handed out again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # how often workers look for such tasks (seconds between sweeps x sweeps that scan)
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
    "socket_connect_timeout": 1,
}
# A request must not hang on a broker that is down: the outbox retries later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Each sweep run looks at this many tenants at most (those due first); the next run takes the rest.
OUTBOX_SWEEP_TENANTS = env.int("OUTBOX_SWEEP_TENANTS", default=1000)
# events younger than this are left to the process that wrote them (it delivers after commit)
OUTBOX_SWEEP_GRACE_SECONDS = env.float("OUTBOX_SWEEP_GRACE_SECONDS", default=10.0)
BACKUP_SWEEP_TENANTS = env.int("BACKUP_SWEEP_TENANTS", default=500)
CELERY_BEAT_SCHEDULE = {
    "entregar-eventos": {
        "task": "outbox.entregar_eventos",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=15.0),
    },
    # every tenant's automatic backups, each by its own BackupConfiguration
    "backups-programados": {
        "task": "backups.programados",
        "schedule": env.float("BACKUP_SWEEP_SECONDS", default=300.0),
    },
}
CELERY_TIMEZONE = env.str("TIME_ZONE", default="UTC")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(DATA_DIR / "emails"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-responder@localhost")

# --- Backups ----------------------------------------------------------------------------------
BACKUP_STORAGE = env.str("BACKUP_STORAGE", default="filesystem")  # filesystem | supabase
BACKUP_ROOT = env.str("BACKUP_ROOT", default=str(DATA_DIR / "backups"))
BACKUP_TMP_DIR = env.str("BACKUP_TMP_DIR", default="") or None  # temporary files (default: the system's)
BACKUP_PG_DUMP = env.str("BACKUP_PG_DUMP", default="")  # path to pg_dump; else PATH, else the embedded one
# snapshot: the template's stored definition around the tenant's rows (COPY in one snapshot),
# costing what the tenant costs; pg_dump: pg_dump itself (it reads every schema's catalog).
BACKUP_DUMP = env.str("BACKUP_DUMP", default="snapshot")
BACKUP_COMPRESSION = env.bool("BACKUP_COMPRESSION", default=True)
# gzip level: 1 keeps a backup close to pg_dump's own speed; 6-9 trade speed for size.
BACKUP_COMPRESSION_LEVEL = env.int("BACKUP_COMPRESSION_LEVEL", default=1)
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="")
# Tenants whose schema is larger than this are backed up by the worker (the API answers 202).
BACKUP_SYNC_MAX_BYTES = env.int("BACKUP_SYNC_MAX_BYTES", default=100 * 1024 * 1024)
# Manual backups kept per tenant (the oldest beyond are deleted after a new one completes).
BACKUP_MANUAL_KEEP = env.int("BACKUP_MANUAL_KEEP", default=30)
# An "en_progreso" record older than this with nobody working on it is marked failed.
BACKUP_STALE_SECONDS = env.int("BACKUP_STALE_SECONDS", default=600)
SUPABASE_URL = env.str("SUPABASE_URL", default="")
SUPABASE_KEY = env.str("SUPABASE_KEY", default="")
SUPABASE_BUCKET = env.str("SUPABASE_BUCKET", default="backups")
SUPABASE_TIMEOUT = env.float("SUPABASE_TIMEOUT", default=60.0)

# --- Auth -------------------------------------------------------------------------------------
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

SIMPLE_JWT = {
    # JWT_ACCESS_SECONDS, when set, wins (short lifetimes for tests and strict deployments)
    "ACCESS_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_ACCESS_SECONDS", default=0) or 60 * env.int("JWT_ACCESS_MINUTES", default=15)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["usuarios.auth.authentication.TenantJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.FastContentNegotiation",
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.LeanFilterBackend",
        "core.api.filters.DocumentedSearchFilter",
        "core.api.filters.StrictOrderingFilter",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.TenantAwareAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# List envelopes count exactly up to this many results; past it `count` is PostgreSQL's estimate
# (a COUNT(*) reads every row of a big table, on every page).
PAGE_COUNT_EXACT_LIMIT = env.int("PAGE_COUNT_EXACT_LIMIT", default=1000)

THROTTLE_RATES = {
    # per tenant, client address and email
    "login": env.str("THROTTLE_LOGIN", default="10/min"),
    # per client address across all tenants
    "login_ip": env.str("THROTTLE_LOGIN_IP", default="60/min"),
    "register": env.str("THROTTLE_REGISTER", default="20/hour"),
    # manual backups asked for through the API, per tenant (a restore's safety copy is not)
    "backup_manual": env.str("THROTTLE_BACKUP_MANUAL", default="10/hour"),
}
# Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

SPECTACULAR_SETTINGS = {
    "TITLE": "Plataforma SaaS multi-tenant",
    "DESCRIPTION": (
        "API REST de la plataforma. Las operaciones de un tenant requieren la cabecera "
        "`X-Tenant-ID` (schema o dominio del tenant) y un token JWT de ese tenant."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # the tenant as a security scheme beside the bearer token (core.api.schema: TENANT_SCHEME)
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "tenantHeader": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Tenant-ID",
                "description": (
                    "Schema o dominio del tenant (alias: X-Tenant). Sin ella, el tenant se elige por el "
                    "nombre de host, o el schema público (operadores de la plataforma)."
                ),
            }
        }
    },
    # Swagger UI keeps what Authorize holds (token and tenant) across reloads
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.codes.add_error_component",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EstadoTicketEnum": "tickets.models.Estado",
        "EstadoPedidoEnum": "productos.models.EstadoPedido",
        "EstadoBackupEnum": "backups.models.EstadoBackup",
    },
}


# --- CORS -------------------------------------------------------------------------------------
def _parse_origins(raw: str) -> list[str]:
    raw = raw.strip()
    if not raw:
        return []
    if raw.startswith("["):
        return [str(o) for o in json.loads(raw)]
    return [o.strip() for o in raw.split(",") if o.strip()]


CORS_ALLOWED_ORIGINS = _parse_origins(env.str("CORS_ORIGINS", default=""))
_cors_regex = env.str("CORS_ORIGIN_REGEX", default="")
CORS_ALLOWED_ORIGIN_REGEXES = [_cors_regex] if _cors_regex else []
CORS_ALLOW_ALL_ORIGINS = env.bool("CORS_ALLOW_ALL", default=False)
if CORS_ALLOW_ALL_ORIGINS and not DEBUG:
    raise ImproperlyConfigured("CORS_ALLOW_ALL no está permitido con DEBUG desactivado: usa CORS_ORIGINS.")
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "origin",
    "user-agent",
    "x-requested-with",
    "x-tenant-id",
    "x-tenant",
    "idempotency-key",
)
CORS_EXPOSE_HEADERS = ("retry-after", "content-disposition", "idempotent-replayed")
# Development only: the usual local SPA dev servers (Vite, CRA/Next, Angular, Vue CLI) may call
# the API without configuring anything; never with DEBUG off. CORS_DEV_ORIGINS=false turns it off.
DEV_SPA_ORIGINS = [
    f"http://{host}:{port}" for host in ("localhost", "127.0.0.1") for port in (5173, 3000, 4200, 8080)
]
if DEBUG and env.bool("CORS_DEV_ORIGINS", default=True):
    CORS_ALLOWED_ORIGINS += [o for o in DEV_SPA_ORIGINS if o not in CORS_ALLOWED_ORIGINS]

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("Inglés"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Requests ---------------------------------------------------------------------------------
# Bodies above this size are refused with 413 before anything parses them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BODY_BYTES", default=1024 * 1024)
# A refused body is read (and thrown away) up to this size, so the connection stays usable.
MAX_REQUEST_DRAIN_BYTES = env.int("MAX_REQUEST_DRAIN_BYTES", default=64 * 1024 * 1024)

# --- Security (strict unless DEBUG, each overridable) -----------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # a 4xx is the access log's line (and the client's JSON error): Django's own warning
        # would log every one a second time; 5xx are still logged here, with their traceback
        "django.request": {"level": "ERROR"},
        "django_redis": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
