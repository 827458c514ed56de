"""Siyu settings: one module, every value from the environment with a working default."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; nothing secret is committed

DEBUG = env.bool("DEBUG", default=False)
# Where the embedded servers, collected static files and uploads live (config/embedded.py).
DATA_DIR = Path(env("SIYU_DATA_DIR", default=str(BASE_DIR / ".data")))
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
# Keys that seal brands' third-party secrets at rest (apps.common.sealed), newest first; SECRET_KEY when unset.
SEALING_KEYS = env.list("SEALING_KEYS", default=[])
# The public site's host; brands live on <slug>.<PUBLIC_DOMAIN>.
PUBLIC_DOMAIN = env("PUBLIC_DOMAIN", default="localhost")
# Port shown in links we print and redirect to (runserver/gunicorn port in development).
SITE_PORT = env.int("SITE_PORT", default=8000)
SITE_SCHEME = env("SITE_SCHEME", default="http")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[PUBLIC_DOMAIN, f".{PUBLIC_DOMAIN}", "testserver"])
# Each site trusts only its own origin (Django compares Origin with the request's host): no other
# brand's site, nor the public one, may post into a brand. Extra origins only when set.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


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
    "apps.signup",  # no tables: the signup pages and API, the hand-over to a new brand's site
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
    "apps.wecom",
    "apps.demo",
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
# How long a wall display shows each board before the next.
TV_ROTATE_SECONDS = env.int("TV_ROTATE_SECONDS", default=20)

MIDDLEWARE = [
    "apps.common.middleware.HealthCheckMiddleware",  # first: answers probes even with the database down
    "apps.wecom.middleware.CallbackMiddleware",  # WeCom signs its pushes: no session, CSRF or login
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
    "apps.wecom.middleware.SignInMiddleware",  # the login page's 用企业微信登录 (by itself inside WeCom)
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
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.lockout_username"  # the identity the login looks up
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.common.client_address.client_address"  # honours TRUSTED_PROXY_COUNT
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
STATIC_ROOT = DATA_DIR / "static"
# Uploaded files (event imports) are kept per brand: MEDIA_ROOT/<schema>/…, never served directly.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Event files: the upload, what an XLSX may unpack to, and what a file may hold (apps.kpis.services.imports).
IMPORT_MAX_FILE_MB = env.int("IMPORT_MAX_FILE_MB", default=20)
IMPORT_MAX_UNPACKED_MB = env.int("IMPORT_MAX_UNPACKED_MB", default=200)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=50)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=500_000)
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
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
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
    "wecom-sweep": {  # callbacks not yet processed, syncs a worker lost, the nightly sync when due
        "task": "apps.tenants.tasks.for_each_brand",
        "schedule": 60.0,
        "args": ["apps.wecom.tasks.sweep"],
    },
}

# Public signup: brands created per client address and per admin email (form and API alike), and
# whether the first admin must confirm their email within a day for the brand to be kept.
SIGNUP_RATE_PER_ADDRESS = env("SIGNUP_RATE_PER_ADDRESS", default="5/hour")
SIGNUP_RATE_PER_EMAIL = env("SIGNUP_RATE_PER_EMAIL", default="3/day")
SIGNUP_EMAIL_CONFIRMATION = env.bool("SIGNUP_EMAIL_CONFIRMATION", default=False)
SIGNUP_CONFIRMATION_HOURS = env.int("SIGNUP_CONFIRMATION_HOURS", default=24)

# A brand asked to be deleted keeps working this long, for second thoughts and a last export.
BRAND_DELETION_GRACE_DAYS = env.int("BRAND_DELETION_GRACE_DAYS", default=7)

# --- email (daily reports) ---------------------------------------------------------------------
# EMAIL_URL picks the backend, e.g. smtp+tls://user:pass@host:587; without it the worker prints
# each email readably (subject and text, not MIME source).
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "apps.common.mail.ReadableConsoleBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="私域运营平台 <noreply@localhost>")

# Outbound webhooks (compliance alerts) may reach private addresses only when allowed: in
# development, tests, or an on-premise install whose robot gateway lives on the LAN.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5)

# --- WeCom (企业微信) ---------------------------------------------------------------------
# Where a brand's connection calls WeCom's API; a connection marked simulated (the demo brand)
# calls WECOM_SIMULATOR_URL instead (apps/wecom/simulator, started by `make run` and the tests).
WECOM_API_BASE = env("WECOM_API_BASE", default="https://qyapi.weixin.qq.com")
WECOM_SIMULATOR_URL = env("WECOM_SIMULATOR_URL", default="http://127.0.0.1:8090")
WECOM_TIMEOUT_SECONDS = env.float("WECOM_TIMEOUT_SECONDS", default=10)
# Where people sign in with WeCom: OAuth inside the WeCom app, the QR login on a desktop.
WECOM_OAUTH_BASE = env("WECOM_OAUTH_BASE", default="https://open.weixin.qq.com")
WECOM_WEB_LOGIN_BASE = env("WECOM_WEB_LOGIN_BASE", default="https://login.work.weixin.qq.com")
# The demo brand's simulated corp, written by seed_demo and served by `make run`'s simulator.
WECOM_DEMO_CORP_FILE = Path(env("WECOM_DEMO_CORP_FILE", default=str(DATA_DIR / "wecom" / "demo-corp.json")))
# When each brand's nightly sync starts (brand-local hour).
WECOM_NIGHTLY_HOUR = env.int("WECOM_NIGHTLY_HOUR", default=2)

# --- API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.organisation.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.organisation.permissions.HasCapability"],
    "DEFAULT_SCHEMA_CLASS": "apps.common.schema.AutoSchema",  # documents each operation's 4xx
    "DEFAULT_PAGINATION_CLASS": "apps.common.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "apps.common.api.exception_handler",
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
    # The schema and its docs are public; a stale or wrong key sent along must not turn them into errors.
    "SERVE_AUTHENTICATION": ["rest_framework.authentication.SessionAuthentication"],
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
    # urllib3 logs every URL it requests at DEBUG: WeCom's gettoken carries the secret in its query.
    "loggers": {"pgserver": {"level": "WARNING"}, "wechatpy": {"level": "WARNING"}, "urllib3": {"level": "WARNING"}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING too, brand and all
