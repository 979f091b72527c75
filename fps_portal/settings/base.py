"""Settings shared by every environment; each value comes from the environment (django-environ).

With no environment at all the portal runs as the embedded demo: SQLite and an embedded Celery
broker (a SQLite file), so `make run` needs no database or broker server. With DATABASE_URL and
REDIS_URL set, the same code runs on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ

# Lets the typed generics of django-stubs (ModelAdmin[Model], QuerySet[Model]) work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# `.env` first, before any setting reads the environment, so every value it sets is seen (the
# process's own environment still wins: overwrite=False).
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("FPS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-demo-key-only-for-local-use")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The back office's default site is django-otp's OTPAdminSite (see accounts.apps).
    "fps_portal.accounts.apps.OTPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "fps_portal.accounts",
    "fps_portal.audit",
    "fps_portal.notifications",
    "fps_portal",
    "providers",
    "referrals",
    "contracts",
    "quality",
]
# The `demo` app (its loaders and their accounts with a published password) is installed by the
# development and test settings only, and its loaders run only where this is True there too.
FPS_DEMO_DATA_ALLOWED = False

# What runs inside the transaction of an award that completes (ADR 0017): the app above
# `referrals` that turns it into an Order and an Individual Placement Agreement.
AWARD_COMPLETED_HANDLERS = ["contracts.services.orders.order_for_award"]
# Who acts when an inspection judgement starts to count towards a setting's band (the recording
# or the check calls each, in its transaction, with the list of every such event it made: one
# from a page, a wave of them from the Ofsted import): the rating alerts.
JUDGEMENT_CONFIRMED_HANDLERS = ["quality.services.alerts.alerts_for_judgements"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fps_portal.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A password-only session of anyone who must use a second factor reaches only the sign-in
    # pages: every other page redirects to the code (or enrolment) step.
    "fps_portal.accounts.mfa.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "fps_portal.middleware.NoStoreForAuthenticatedMiddleware",
    # Inside the header middleware, so a page it replays gets the CSP and no-store headers too.
    "fps_portal.post_redirect_get.PostRedirectGetMiddleware",
    # Last, as django-axes asks: turns a lockout found during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fps_portal.urls"
WSGI_APPLICATION = "fps_portal.wsgi.application"

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
                "fps_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'demo.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server, worker and beat share one file. Wait for the lock instead of failing;
    # take the write lock when a transaction begins (IMMEDIATE), because SQLite refuses at once,
    # whatever the timeout, a read transaction that later tries to write while another writes;
    # and let readers go on while one writes (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in attempt while its e-mail and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded evidence is confidential: it lives outside the static tree and is only ever streamed
# through a view that checks the viewer's rights, never served by URL.
PRIVATE_MEDIA_ROOT = Path(env.str("FPS_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MAX_UPLOAD_BYTES = env.int("FPS_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Ofsted's files (quality.imports): the state-funded CSV is about 16MB, its XLSX about 11MB. The
# beat job imports any new file placed in OFSTED_IMPORT_DIR (unset: no folder is watched).
OFSTED_IMPORT_MAX_BYTES = env.int("FPS_OFSTED_IMPORT_MAX_BYTES", default=60 * 1024 * 1024)
OFSTED_IMPORT_DIR = env.str("FPS_OFSTED_IMPORT_DIR", default="")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="North West SEND Placements <no-reply@nwsend.example>"
)
# Links in e-mails; the demo's default follows the port `make run` serves on.
SITE_URL = env.str("FPS_SITE_URL", default=f"http://localhost:{env.str('PORT', default='8000')}")

# --- Celery -------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT: str | None = None  # from the URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    # The embedded broker: kombu's SQLAlchemy transport (fps_portal/broker.py) on a SQLite file of
    # its own, so the demo's scheduled jobs really run through a worker with no broker server. Each
    # message is one row committed in one transaction, so a worker never reads half a message
    # (kombu's filesystem transport could, and the worker died of it: kombu issue #1551). The
    # options go to SQLAlchemy's create_engine: web, worker and beat share the file, so wait for
    # its lock instead of failing.
    CELERY_BROKER_URL = f"sqlite:///{VAR_DIR / 'broker.sqlite3'}"
    CELERY_BROKER_TRANSPORT = "fps_portal.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that hangs (an SMTP server that never answers, a lock never released) must not hold the
# worker for ever. At the soft limit the task gets SoftTimeLimitExceeded and can stop cleanly (every
# service is atomic, so an interrupted job leaves whole changes behind); at the hard limit the pool
# replaces the process. Enforced by the prefork pool (production); the demo's solo pool runs tasks
# inline and cannot interrupt them. Every job today takes well under a second.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ANNOTATIONS = {
    # The e-mail sweep sends up to 500 messages one after another; each may wait on SMTP.
    "notifications.resend_unsent": {"soft_time_limit": 600, "time_limit": 660},
    # An Ofsted file of 22,000 rows is read, checked and recorded in one transaction.
    "quality.run_inspection_import": {"soft_time_limit": 1800, "time_limit": 1860},
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fps_portal.accounts.api_auth.ThrottledTokenAuthentication",
        "fps_portal.accounts.api_auth.ApiClientAuthentication",
        "fps_portal.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fps_portal.api.permissions.HasActor"],
    "DEFAULT_PAGINATION_CLASS": "fps_portal.api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["fps_portal.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "fps_portal.api.schema.ErrorDocumentingSchema",
    "EXCEPTION_HANDLER": "fps_portal.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only; an upload takes multipart/form-data (fps_portal.api.base.UPLOAD_PARSERS).
    # One media type per operation is what a generated client can call (docs/api.md).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # The tests' APIClient sends JSON unless a test asks for multipart (an upload).
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "North West SEND Placements API",
    "DESCRIPTION": (
        "The REST API of the North West SEND Flexible Purchasing System. Authenticate with "
        "`Authorization: Bearer <credential>`, the credential of an API client your "
        "authority's administrator registers on the portal's API clients page (older "
        "per-person tokens: `Authorization: Token <key>`). Every list is "
        "cursor-paginated; every error has the shape `{error: {code, message, fields}}`; another "
        "organisation's object answers 404 exactly like a missing one."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the installed sidecar package, never a CDN: the CSP allows
    # only 'self', and the service must not depend on a third party being up.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Deep links put a link inside each operation's toggle button: a control nested in a control
    # (axe nested-interactive) that is also too small a target (WCAG 2.2 target-size).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Choice sets that several serializers share get one stable name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "fps_portal.accounts.models.OrganisationKind",
        "RoleEnum": "fps_portal.accounts.models.Role",
        "SeniorPositionEnum": "fps_portal.accounts.models.SeniorPosition",
        "PurchasingSystemKindEnum": "providers.models.fps.PurchasingSystemKind",
        "EvidenceKindEnum": "providers.models.evidence.EvidenceKind",
        "VerdictEnum": "providers.models.evaluation.Verdict",
        # The authority administrator's endpoints (fps_portal/api/people.py).
        "StaffRoleEnum": "fps_portal.api.people.STAFF_ROLE_CHOICES",
        "ApiClientRoleEnum": "fps_portal.api.people.CLIENT_ROLE_CHOICES",
        "PersonStatusEnum": "fps_portal.api.people.PERSON_STATUSES",
        "ApiClientStatusEnum": "fps_portal.api.people.CLIENT_STATUSES",
        "ChildGenderEnum": "referrals.models.child.ChildGender",
        # Quarterly monitoring (quality/models/monitoring.py): two "rating" choice sets.
        "MonitoringRatingEnum": "quality.models.monitoring.MonitoringRating",
        "ProgressRatingEnum": "quality.models.monitoring.ProgressRating",
        "ChildDocumentKindEnum": "referrals.models.child.ChildDocumentKind",
        "ReferralStateEnum": "referrals.models.referral.ReferralState",
        # A referral criterion's category keeps the name it had before concerns had one.
        "CategoryEnum": "referrals.models.referral.CriterionCategory",
        "ConcernCategoryEnum": "quality.models.concerns.ConcernCategory",
        "ReferralKindEnum": "referrals.models.referral.ReferralKind",
        "CriterionKindEnum": "referrals.models.referral.CriterionKind",
        "AuthorisationStateEnum": "referrals.models.referral.AuthorisationState",
        "ReviewOutcomeEnum": "referrals.models.referral.DirectAwardReview",
        "InvitationStateEnum": "referrals.models.invitation.InvitationState",
        "InvitationOutcomeEnum": "referrals.models.invitation.Outcome",
        "ResponseStateEnum": "referrals.models.invitation.ResponseState",
        "AwardStateEnum": "referrals.models.award.AwardState",
        # Variations and placement ends (contracts/api/variations.py).
        "VariationKindEnum": "contracts.models.variation.VariationKind",
        "VariationStateEnum": "contracts.models.variation.VariationState",
        "PlacementEndKindEnum": "contracts.models.ending.EndKind",
        "BreakdownReasonEnum": "contracts.models.ending.BreakdownReason",
        "EndRequestedByEnum": "contracts.models.ending.EndRequestedBy",
        # Orders and agreements (contracts/api/agreements.py).
        "AgreementStateEnum": "contracts.models.agreement.AgreementState",
        "AgreementVersionStateEnum": "contracts.models.agreement.VersionState",
        "SignaturePartyEnum": "contracts.models.agreement.Party",
        "PdfKindEnum": "contracts.models.agreement.RenderKind",
        # Issue 14's parts: each "state" and each "rating" named for what it is.
        "AreaRatingEnum": "quality.models.visits.AreaRating",
        "VisitStateEnum": "quality.models.visits.VisitState",
        # A plan's and a concern's states are the same two (open, closed): one name.
        "OpenClosedStateEnum": "quality.models.improvement_plans.PlanState",
        "ImprovementActionStateEnum": "quality.models.improvement_plans.ActionState",
        "MonitoringReturnStateEnum": "quality.models.monitoring.ReturnState",
        "RecheckStateEnum": "quality.models.rechecks.RecheckState",
        # Choices an input and an output share, named as the output had them.
        "ProviderVisitKindEnum": "quality.models.visits.VisitKind",
        "ProviderVisitTriggerEnum": "quality.models.visits.VisitTrigger",
        "FindingAreaEnum": "quality.models.visits.VisitArea",
        "ImprovementPlanOriginEnum": "quality.models.improvement_plans.PlanOrigin",
        "ImprovementActionOwnerEnum": "quality.models.improvement_plans.ActionOwner",
        # A setting's (input and search result) and a child's genders are two choice sets.
        "SettingGenderEnum": "providers.models.setting.Gender",
        "InspectionBandEnum": "providers.inspections.bands.Band",
    },
}

# --- Sign-in security: password guessing, rate limits, the second factor -----------------------
# The address a request came from: REMOTE_ADDR, or with N trusted proxies in front, the N-th
# X-Forwarded-For entry from the right (anything further left is the client's to invent).
TRUSTED_PROXY_COUNT = env.int("FPS_TRUSTED_PROXY_COUNT", default=0)
# django-axes counts failed sign-ins per e-mail AND address together, so a council's shared
# address cannot lock out its colleagues. NCSC advises about 10 attempts. The counts live in the
# cache (Redis) when there is one every process shares; the embedded demo, whose cache is each
# process's own memory, keeps them in the database instead.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler"
    if REDIS_URL
    else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("FPS_SIGN_IN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FPS_SIGN_IN_COOL_OFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# A locked-out attempt does not restart the cool-off, so the page can say when to try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "fps_portal.accounts.sign_in_limits.username_of_attempt"
AXES_CLIENT_IP_CALLABLE = "fps_portal.accounts.sign_in_limits.client_ip"
AXES_LOCKOUT_CALLABLE = "fps_portal.accounts.sign_in_limits.lockout_response"
AXES_ENABLE_ADMIN = False  # the cache handler keeps no rows for the admin to list
AXES_VERBOSE = False
# Every sign-in attempt on one account, from any address: ASVS 2.2.1's ceiling.
SIGN_IN_ACCOUNT_RATE = env.str("FPS_SIGN_IN_ACCOUNT_RATE", default="100/h")
# Registration and password reset, per address and per e-mail (django-ratelimit, in the cache).
REGISTRATION_RATE_PER_ADDRESS = env.str("FPS_REGISTRATION_RATE_PER_ADDRESS", default="10/h")
REGISTRATION_RATE_PER_EMAIL = env.str("FPS_REGISTRATION_RATE_PER_EMAIL", default="3/h")
PASSWORD_RESET_RATE_PER_ADDRESS = env.str("FPS_PASSWORD_RESET_RATE_PER_ADDRESS", default="10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env.str("FPS_PASSWORD_RESET_RATE_PER_EMAIL", default="3/h")
# The API: every caller, anonymous or not, and a strict budget for wrong tokens per address.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": env.str("FPS_API_ANON_RATE", default="60/min"),
    "user": env.str("FPS_API_USER_RATE", default="600/min"),
    "bad_token": env.str("FPS_API_BAD_TOKEN_RATE", default="20/h"),
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# django-otp: TOTP (RFC 6238) with recovery codes; wrong codes slow down exponentially.
OTP_TOTP_ISSUER = "North West SEND Placements"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The back office lists people's devices (to reset a lost app) but never shows their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Security headers that hold in every environment -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# WeasyPrint logs every step of every PDF at INFO ("Fetching and parsing CSS"): its warnings
# (a missing font or image) are what an operator needs.
LOGGERS: dict[str, dict[str, str]] = {
    "weasyprint": {"level": "WARNING"},
    "fontTools": {"level": "WARNING"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "fps_portal.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": LOGGERS,
}

# Worker heartbeats older than this make /healthz report the worker as down.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env.int("FPS_WORKER_HEARTBEAT_MAX_AGE", default=180)

# Every form's limits are the server's, with GOV.UK's message (fps_portal/form_renderer.py).
FORM_RENDERER = "fps_portal.form_renderer.GovukFormRenderer"
