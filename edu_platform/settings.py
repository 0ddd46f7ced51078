"""Settings for the platform, one module for every environment.

Everything that differs between a laptop demo, CI and production comes from environment
variables read through the small typed helpers below; the defaults are safe for development.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# With DEBUG off and no key, Django refuses to start ("SECRET_KEY must not be empty").
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-" + "k" * 40
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "edu_platform.apps.AuthoringAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "quizzes",
    "cases",
    "interop",
    "cohorts",
    "signon",
    "lti_tool",
    "lti",
    "edu_platform.apps.PlatformConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "edu_platform.middleware.ApiErrorShapeMiddleware",
    "edu_platform.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edu_platform.urls"
WSGI_APPLICATION = "edu_platform.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
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
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web + worker processes on one SQLite file need WAL and a busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
# Redis calls on a request's path give up quickly: a frozen Redis makes the cache miss and
# leaves tasks in the outbox, it never stalls a page (edu_platform.cache, quizzes.dispatch).
REDIS_REQUEST_TIMEOUT = env_float("REDIS_REQUEST_TIMEOUT", 0.5)
CACHES = {
    "default": {
        "BACKEND": "edu_platform.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "edu"),
        "TIMEOUT": 300,
        "OPTIONS": {
            "socket_connect_timeout": REDIS_REQUEST_TIMEOUT,
            "socket_timeout": REDIS_REQUEST_TIMEOUT,
        },
    }
}
if env_bool("CACHE_IN_PROCESS", False):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "signon.backends.PasswordBackend",
    # Finds no one unless the provider's callback (signon.views) runs it, so it can stay listed.
    "signon.oidc.IssuerSubjectBackend",
    "signon.backends.ExternalIdentityBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: revokes the user's API tokens whenever their password changes.
    {"NAME": "edu_platform.tokens.RevokeTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Single sign-on with the school's OpenID Connect provider (Entra ID, Google, Keycloak, Okta, ...):
# on when OIDC_RP_CLIENT_ID is set; README "Single sign-on" lists the values.
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID", ""))
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your university")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 5  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sign-on-failed/"
OIDC_CALLBACK_CLASS = "signon.views.CallbackView"
OIDC_AUTHENTICATE_CLASS = "signon.views.StartView"
# Password logins (local accounts) for demos and small schools; a school that signs everyone on
# through its provider turns them off, leaving superusers a local way in (break-glass).
LOCAL_LOGIN_ENABLED = env_bool("LOCAL_LOGIN_ENABLED", True)
LOGOUT_REDIRECT_URL = "login"
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", False)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request size limits: answers are small JSON; figure uploads go through the admin.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FIGURE_MAX_BYTES = env_int("FIGURE_MAX_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "reviews@localhost")

# Celery: Redis broker, JSON only, at-least-once delivery made safe by idempotent tasks.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90)
# The hard time limit stays well below the visibility timeout, so Redis never hands a task that
# is still running to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

REST_FRAMEWORK = {
    # Token first: a request with no credentials then gets 401 with WWW-Authenticate: Token.
    # Session authentication enforces CSRF on writes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "edu_platform.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["edu_platform.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "edu_platform.api.ApiAutoSchema",
    "EXCEPTION_HANDLER": "edu_platform.api.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "edu_platform.pagination.Pagination",
    # Applies to views with a `throttle_scope` only; the rates are below.
    "DEFAULT_THROTTLE_CLASSES": ["edu_platform.throttling.FailOpenScopedRateThrottle"],
    "PAGE_SIZE": 20,
    # Per learner (per address before login). Exam autosave sends one answer per change.
    "DEFAULT_THROTTLE_RATES": {
        "answers": env_str("API_ANSWER_RATE", "120/minute"),
        "token": env_str("API_TOKEN_RATE", "10/minute"),
    },
}
# API tokens (django-rest-knox): hashed at rest, one per login, expiring after a few hours.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_float("API_TOKEN_TTL_HOURS", 8)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Medical-education quiz and case platform API",
    "DESCRIPTION": (
        "Everything a student does in the browser, as JSON. Authenticate with a token "
        "(`Authorization: Token <key>`, from POST /api/v1/auth/token/) or with the browser "
        "session (writes then need the `X-CSRFToken` header). Every error has the body "
        '`{"detail": str, "code": str, "errors": {field path: [message]}}`.'
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ResponseStatusEnum": "quizzes.models.ResponseStatus",
        "ConfidenceEnum": "quizzes.models.Confidence",
        "StageKindEnum": "cases.models.StageKind",
        "AttemptKindEnum": "quizzes.attempts.ATTEMPT_KIND_CHOICES",
        "PracticeTestModeEnum": "quizzes.practice.api.TEST_MODES",
        "QuizModeEnum": "quizzes.models.QuizMode",
        "AssignmentKindEnum": "cohorts.models.AssignmentKind",
        "WorkStatusEnum": "cohorts.api.WORK_STATUSES",
        "ReleaseEnum": "cohorts.models.Release",
        "StatusEnum": "quizzes.models.AttemptStatus",
    },
}

# Login lockout (django-axes): five failures for one username from one address lock that pair
# for fifteen minutes (a class behind one NAT address does not lock each other out).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
# The lock page says when the lock ends and whom to ask (LOGIN_HELP_CONTACT: an e-mail
# address or a name, e.g. "the medical school's IT desk, it@example.org").
AXES_LOCKOUT_CALLABLE = "edu_platform.accounts.locked_out"
LOGIN_HELP_CONTACT = env_str("LOGIN_HELP_CONTACT", "")
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "edu_platform.clients.client_address"
# The proxies in front of the web processes (addresses or networks, comma-separated): only
# their X-Forwarded-For is believed. Empty: none, every client is its REMOTE_ADDR.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "")
# Password-reset e-mails: per client address and per e-mail address, per hour.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 5)
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)

# Production hardening; all of it follows DEBUG so `check --deploy` is clean with DEBUG off.
# Behind a TLS-terminating proxy (DJANGO_TRUSTED_PROXIES set), its X-Forwarded-Proto says
# whether the client used HTTPS; without one, the header would be anyone's word.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Periodic work (one beat process per deployment; each job fans out into small tasks).
PENDING_RESPONSE_SWEEP_AFTER = env_int("PENDING_RESPONSE_SWEEP_AFTER", 60)
OUTBOX_SWEEP_AFTER = env_int("OUTBOX_SWEEP_AFTER", 10)
# Publishing a task from a web request: one short try (the outbox keeps what fails).
BROKER_PUBLISH_TIMEOUT = env_float("BROKER_PUBLISH_TIMEOUT", REDIS_REQUEST_TIMEOUT)
# A learner waiting longer than this for a mark is told it is delayed and their answer safe.
GRADING_DELAY_NOTICE_SECONDS = env_int("GRADING_DELAY_NOTICE_SECONDS", 15)
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-responses": {
        "task": "quizzes.tasks.sweep_pending_responses",
        "schedule": 60.0,
    },
    "deliver-outbox": {"task": "quizzes.tasks.deliver_outbox", "schedule": 10.0},
    "purge-expired-tokens": {
        "task": "edu_platform.tasks.purge_expired_tokens",
        "schedule": crontab(minute=30),
    },
    "submit-overdue-attempts": {
        "task": "quizzes.tasks.submit_overdue_attempts",
        "schedule": 15.0,
    },
    "worker-heartbeat": {"task": "quizzes.tasks.record_worker_heartbeat", "schedule": 60.0},
    "recompute-item-statistics": {
        "task": "quizzes.tasks.recompute_item_statistics",
        "schedule": crontab(hour=2, minute=15),
    },
    "rotate-lti-keys": {
        "task": "lti.tasks.rotate_lti_keys",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
}

# Tests learners build themselves (quizzes.practice): the most questions one test may hold.
PRACTICE_MAX_QUESTIONS = env_int("PRACTICE_MAX_QUESTIONS", 40)

# Spaced repetition (quizzes.scheduling, quizzes.review; docs/spaced-repetition.md).
REVIEW_MAX_INTERVAL_DAYS = env_int("REVIEW_MAX_INTERVAL_DAYS", 730)
REVIEW_EASY_RATING_ENABLED = env_bool("REVIEW_EASY_RATING_ENABLED", False)
REVIEW_PASS_MARK = env_float("REVIEW_PASS_MARK", 0.6)
REVIEW_DAILY_NEW_LIMIT = env_int("REVIEW_DAILY_NEW_LIMIT", 20)
REVIEW_DAILY_REVIEW_CAP = env_int("REVIEW_DAILY_REVIEW_CAP", 200)
REVIEW_RESCHEDULE_BATCH_SIZE = env_int("REVIEW_RESCHEDULE_BATCH_SIZE", 1000)
# Links in reminder e-mails are absolute: the address learners reach the site at.
REVIEW_EMAIL_SITE_URL = env_str("SITE_URL", "http://localhost:8000")
CELERY_BEAT_SCHEDULE.update(
    {
        "send-review-reminders": {
            "task": "quizzes.tasks.send_review_reminders",
            "schedule": crontab(hour=env_int("REVIEW_REMINDER_HOUR", 7), minute=0),
        },
        "snapshot-mastery": {
            "task": "quizzes.tasks.snapshot_mastery",
            "schedule": crontab(hour=23, minute=45),
        },
        "send-assignment-reminders": {
            "task": "cohorts.tasks.send_assignment_reminders",
            "schedule": crontab(minute=5),
        },
        # Exam plans: retention rises daily towards the exam (quizzes.reviews.planning).
        "reschedule-exam-plans": {
            "task": "quizzes.tasks.reschedule_exam_plans",
            "schedule": crontab(hour=0, minute=30),
        },
        # Personal FSRS parameters, monthly (quizzes.reviews.personal).
        "fit-learner-parameters": {
            "task": "quizzes.tasks.fit_all_learner_parameters",
            "schedule": crontab(day_of_month=1, hour=3, minute=30),
        },
    }
)
# An assignment's reminder is e-mailed once, this many hours before it is due.
ASSIGNMENT_REMINDER_HOURS = env_int("ASSIGNMENT_REMINDER_HOURS", 48)
