"""Settings for the newsroom archive: every value comes from the environment."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from search.engines import haystack_connections

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# The bootstrap script writes the URLs of the project-local services here; real env wins.
ENV_FILE = Path(env.str("NEWSROOM_ENV_FILE", default=str(VAR_DIR / "env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DEBUG=true for local development only."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    # Before haystack: its rebuild_index gives way to ours (a new index, then the swap).
    "search",
    "haystack",
    "articles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "newsroom.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # French unless the browser asks for English (Accept-Language) or the language cookie says so.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "newsroom.auth.OneQueryModelBackend",
]
# Sessions stay in PostgreSQL alone: a Redis outage must not log anyone out or fail pages.

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://newsroom@127.0.0.1:5432/newsroom")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: the import limits apply to every file, zipped or not.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=5000)
IMPORT_MAX_ZIP_BYTES = env.int("IMPORT_MAX_ZIP_BYTES", default=500 * 1024 * 1024)
# The watch folder (off when empty): files dropped there are imported once complete.
IMPORT_WATCH_DIR = env.str("IMPORT_WATCH_DIR", default="")
IMPORT_WATCH_SECONDS = env.int("IMPORT_WATCH_SECONDS", default=30)
IMPORT_WATCH_SETTLE_SECONDS = env.float("IMPORT_WATCH_SETTLE_SECONDS", default=2.0)
IMPORT_WATCH_SOURCE = env.str("IMPORT_WATCH_SOURCE", default="")
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("UPLOAD_MAX_FILES", default=1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery: Redis broker; tasks ack late so a killed worker's batch is redelivered.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_MAX_TASKS_PER_CHILD", default=200)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_MAX_MEMORY_KB", default=1_500_000)
# A task whose worker died is redelivered after this; every time limit stays below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TASK_SOFT_TIME_LIMIT = 1500
CELERY_TASK_TIME_LIMIT = 1800
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {"search.tasks.*": {"queue": "index"}}
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-tagging": {
        "task": "articles.tasks.sweep_pending",
        "schedule": env.int("TAGGING_SWEEP_SECONDS", default=300),
    },
    "sweep-ungrouped": {
        "task": "articles.tasks.sweep_ungrouped",
        "schedule": env.int("TAGGING_SWEEP_SECONDS", default=300),
    },
    "watch-saved-searches": {
        "task": "search.alert_tasks.watch_pass",
        "schedule": env.int("ALERT_PASS_SECONDS", default=300),
    },
    "drain-index-queue": {
        "task": "search.tasks.process_index_queue",
        "schedule": env.int("INDEX_SWEEP_SECONDS", default=60),
    },
}
if IMPORT_WATCH_DIR:
    CELERY_BEAT_SCHEDULE["sweep-watch-folder"] = {
        "task": "articles.tasks.sweep_watch_folder",
        "schedule": IMPORT_WATCH_SECONDS,
    }
TAGGING_BATCH_SIZE = env.int("TAGGING_BATCH_SIZE", default=32)
# About 40 s of CPU per article at this size; longer texts are not dispatches.
TAGGING_MAX_CHARS = env.int("TAGGING_MAX_CHARS", default=500_000)

# Email: EMAIL_URL (smtp://user:password@host:587, smtp+tls://…), else the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Archive <archive@localhost>")
# Links in emails and feeds point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# A digest lists this many dispatches per saved search, then links to the rest.
ALERT_DIGEST_PER_SEARCH = env.int("ALERT_DIGEST_PER_SEARCH", default=20)
# Fault tests only: seconds a sender waits between sending a digest and recording it.
ALERT_PAUSE_AFTER_SEND = env.float("ALERT_PAUSE_AFTER_SEND", default=0)

# Versions of one story are looked for this far apart (publication time, else import time).
STORY_WINDOW_HOURS = env.int("STORY_WINDOW_HOURS", default=72)

# A new dispatch waits this long for its tagging before the indexer takes it untagged
# (then again once tagged): indexed once, with its entities, when tagging keeps up.
INDEX_UNTAGGED_DELAY = env.int("INDEX_UNTAGGED_DELAY", default=120)
# The indexer gathers marks this long into one commit (a full batch goes at once): fewer,
# larger commits, so fewer segment merges, which cost Whoosh more than the indexing.
INDEX_COMMIT_DELAY = env.float("INDEX_COMMIT_DELAY", default=10.0)

# Search: SEARCH_URL picks the engine (whoosh:///path or opensearch://host:9200/newsroom).
SEARCH_URL = env.str("SEARCH_URL", default=f"whoosh://{VAR_DIR / 'whoosh'}")
HAYSTACK_CONNECTIONS = haystack_connections(SEARCH_URL)
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20

# The shared cache (API throttling counts): Redis, so every web process sees the same counts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "newsroom",
    }
}

# The JSON API (newsroom/api): tokens or the session, the pages' roles, problem details.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
API_TOKEN_TOUCH_SECONDS = 60  # last-used time is written at most this often per token
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "newsroom.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["newsroom.api.permissions.HasArchiveRole"],
    "DEFAULT_THROTTLE_CLASSES": ["newsroom.api.throttling.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "newsroom.api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de l'archive Newsroom",
    "DESCRIPTION": (
        "Recherche, dépêches, entités et recherches enregistrées de l'archive, en JSON. "
        "Authentification : en-tête `Authorization: Token …` (jetons créés sur « Mon compte ») "
        "ou la session du navigateur. Erreurs : RFC 9457 (`application/problem+json`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["newsroom.api.permissions.HasArchiveRole"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "articles.models.Entity.Kind",
        "VersionKindEnum": "articles.models.Article.VersionKind",
        "TaggingStatusEnum": "articles.models.Article.Tagging",
        "FrequencyEnum": "search.models.SavedSearch.Frequency",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The OpenSearch client logs every request at INFO: keep its failures only.
    "loggers": {
        name: {"level": env.str("SEARCH_CLIENT_LOG_LEVEL", default="WARNING")}
        for name in ("opensearch", "opensearchpy.trace")
    },
}

# Security: cookies, headers, and a Content-Security-Policy the pages satisfy (no inline script).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
X_FRAME_OPTIONS = "DENY"
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
    }
}

# Login throttling: five failures lock a username from an address for 15 minutes.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False
