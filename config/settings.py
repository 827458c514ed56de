"""Siyu settings: one module, every value from the environment with a working default."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; nothing secret is committed

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
# The public site's host; brands live on <slug>.<PUBLIC_DOMAIN>.
PUBLIC_DOMAIN = env("PUBLIC_DOMAIN", default="localhost")
# Port shown in links we print and redirect to (runserver/gunicorn port in development).
SITE_PORT = env.int("SITE_PORT", default=8000)
SITE_SCHEME = env("SITE_SCHEME", default="http")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[PUBLIC_DOMAIN, f".{PUBLIC_DOMAIN}", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"{SITE_SCHEME}://{PUBLIC_DOMAIN}:{SITE_PORT}", f"{SITE_SCHEME}://*.{PUBLIC_DOMAIN}:{SITE_PORT}"],
)


def _database_url() -> str:
    url = env("DATABASE_URL", default="")
    if url:
        return url
    from config import embedded

    return embedded.postgres_url()


def _redis_url() -> str:
    url = env("REDIS_URL", default="")
    if url:
        return url
    from config import embedded

    return embedded.redis_url()


_db = env.db_url_config(_database_url())
# A unix-socket URL (the embedded server) carries its directory as ?host=...
if "host" in _db.get("OPTIONS", {}):
    _db["HOST"] = _db["OPTIONS"].pop("host")
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

REDIS_URL = _redis_url()

# --- tenancy -------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "apps.tenants",
    "apps.accounts",  # platform staff live in public; each brand's people in its schema
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",  # failed logins: platform staff here, each brand's people in its schema
    "auditlog",  # platform staff's changes to brands; each brand's own in its schema
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "apps.accounts",
    "rest_framework_api_key",  # its abstract key model backs organisation.ApiKey
    "axes",
    "auditlog",
    "apps.organisation",
    "apps.kpis",
    "apps.compliance",
    "apps.leaderboards",
    "apps.reports",
    "apps.dashboards",
    "apps.brand_data",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Brand"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New brands are cloned from this schema (kept migrated as a tenant row) instead of
# replaying every migration: brand creation stays flat as migrations and brands grow.
TENANT_BASE_SCHEMA = "brand_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# SET search_path only when the schema changes, not before every query (half the round trips);
# django-tenants forgets it on rollback and reconnect. Needs session pooling (README).
TENANT_LIMIT_SET_CALLS = True
# migrate_schemas skips schemas that already have every migration (one query for all of them).
GET_EXECUTOR_FUNCTION = "apps.tenants.migration_executor.get_executor"
TENANT_SUBPROCESS_PARALLEL = env.int("TENANT_SUBPROCESS_PARALLEL", default=2)

MIDDLEWARE = [
    "apps.common.middleware.HealthCheckMiddleware",  # first: answers probes even with the database down
    "django_tenants.middleware.main.TenantMainMiddleware",
    "apps.tenants.middleware.SuspendedBrandMiddleware",
    "apps.common.request_memo.RequestMemoMiddleware",  # brand settings read once per request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.BrandSessionGuardMiddleware",
    "apps.accounts.middleware.ChosenLanguageMiddleware",  # after auth: a person's remembered language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # who made a change, for the audit log
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out logins
]

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
                "apps.organisation.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- auth ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "apps.accounts.hashers.Argon2idHasher",  # why these parameters: apps/accounts/hashers.py
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ],
)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one account from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# --- audit log: who changed what, with before/after (django-auditlog; actor from the request) ---
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "accounts.User",
        "include_fields": ["email", "full_name", "roles", "is_active", "employee_no", "language"],
    },
    "organisation.Team",
    "organisation.Membership",
    {"model": "organisation.ApiKey", "include_fields": ["name", "roles", "revoked"]},
    "kpis.Target",
    "kpis.Campaign",
    "kpis.CustomMetric",
    "kpis.KpiSettings",
    "kpis.StageWeight",
    "compliance.Rule",
    "compliance.AllowPhrase",
    "compliance.ComplianceSettings",
    "leaderboards.Competition",
    "leaderboards.LeaderboardSettings",
    {"model": "leaderboards.WallLink", "include_fields": ["name", "revoked_at"]},
    "reports.ReportSettings",
    {"model": "tenants.Brand", "include_fields": ["name", "status", "plan", "time_zone", "currency"]},
)

# --- security headers and cookies -------------------------------------------------------
HTTPS = SITE_SCHEME == "https"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True  # pages carry the token; scripts never read the cookie
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS  # brands live on subdomains
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=HTTPS)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)  # usually the proxy's job
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere (charts read json_script blocks, behaviour lives in static/js);
# inline styles stay allowed for the width of a progress bar and htmx's indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # Signup on the public site hands the new admin over to their brand's own host.
        "form-action": ["'self'", f"{SITE_SCHEME}://{PUBLIC_DOMAIN}:*", f"{SITE_SCHEME}://*.{PUBLIC_DOMAIN}:*"],
        "frame-ancestors": ["'none'"],
    }
}

# --- i18n ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / ".data" / "static"
# Uploaded files (event imports) are kept per brand: MEDIA_ROOT/<schema>/…, never served directly.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(Path(env("SIYU_DATA_DIR", default=str(BASE_DIR / ".data"))) / "media"))
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # a 1,000-event batch is about 300 KB
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from static/ even before collectstatic

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache / celery ------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
# kombu spells a unix socket redis+socket://
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that then dies (SIGKILL, lost machine) goes back to the queue after
# this many seconds; longer than any task runs, shorter than people wait (bench/faults.py uses 10).
# kombu looks for such tasks every 10 s x throttle: throttle 1 makes it every 10 s, not 100.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# One queue per installation sharing a Redis (the browser tests run their own worker on theirs).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / ".data" / "celerybeat-schedule")
CELERY_TIMEZONE = TIME_ZONE
# Beat runs one dispatcher per job, which sends the job to every active brand (tenants.tasks).
CELERY_BEAT_SCHEDULER = "config.celery:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "apps.tenants.tasks.heartbeat", "schedule": 30.0},
    "compliance-sweep": {
        "task": "apps.tenants.tasks.for_each_brand",
        "schedule": 60.0,
        "args": ["apps.compliance.tasks.scan_pending"],
    },
    "reports-schedule": {  # each brand checks its own local send time
        "task": "apps.tenants.tasks.for_each_brand",
        "schedule": 60.0,
        "args": ["apps.reports.tasks.run_schedule"],
    },
    "brand-data-sweep": {
        "task": "apps.tenants.tasks.for_each_brand",
        "schedule": 300.0,
        "args": ["apps.brand_data.tasks.sweep"],
    },
    "purge-deleted-brands": {"task": "apps.brand_data.tasks.purge_deleted_brands", "schedule": 3600.0},
    "leaderboards-sweep": {
        "task": "apps.tenants.tasks.for_each_brand",
        "schedule": 60.0,
        "args": ["apps.leaderboards.tasks.sweep"],
    },
}

# A brand asked to be deleted keeps working this long, for second thoughts and a last export.
BRAND_DELETION_GRACE_DAYS = env.int("BRAND_DELETION_GRACE_DAYS", default=7)

# --- email (daily reports) ---------------------------------------------------------------------
# EMAIL_URL picks the backend: consolemail:// (the default: printed by the worker), smtp+tls://user:pass@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="私域运营平台 <noreply@localhost>")

# Outbound webhooks (compliance alerts) may reach private addresses only when allowed: in
# development, tests, or an on-premise install whose robot gateway lives on the LAN.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=DEBUG)

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.organisation.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.organisation.permissions.HasCapability"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "rest_framework.views.exception_handler",
    # Per API key (integrations) and per person: over the rate, 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.organisation.throttling.ApiKeyRateThrottle",
        "apps.organisation.throttling.PersonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env("API_KEY_RATE", default="1200/min"),
        "person": env("API_PERSON_RATE", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Siyu API",
    "DESCRIPTION": "私域运营平台 API. Authenticate with `Authorization: Api-Key <key>` "
    "(created by a brand admin) or a browser session.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "apps.kpis.catalogue.EventKind.choices",
        "RoleEnum": "apps.organisation.roles.Role.choices",
        "MessageDirectionEnum": "apps.compliance.models.MessageDirection.choices",
        "DecisionActionEnum": "apps.compliance.models.DecisionAction.choices",
        "CompetitionChangeActionEnum": "apps.leaderboards.models.ChangeAction.choices",
    },
}

# One JSON object per line with the brand on each (LOG_FORMAT=text for people reading a terminal).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"brand": {"()": "apps.common.logging.BrandFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(brand)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(brand)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["brand"],
            "formatter": env("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING too, brand and all
