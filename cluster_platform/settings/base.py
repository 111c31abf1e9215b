"""Settings shared by every environment.

Every value comes from the environment through one ``env`` object, with a safe
development default. Production secrets have no default (see ``production.py``).
Per-cluster policy lives in the database (the rulebook), never here.
"""

import hashlib
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Where the embedded defaults keep their files (the SQLite database, the file cache, the broker's
# folders, beat's schedule); VAR_DIR moves them all, e.g. a test's web + worker + beat to a temporary folder.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
# The key of the audit chain's HMACs and checkpoint signatures (apps/governance/chain.py). It is
# kept out of the database, so whoever can write the tables still cannot forge an entry. The
# development default is derived from SECRET_KEY; production requires its own.
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY", default=hashlib.sha256(b"audit-chain:" + SECRET_KEY.encode()).hexdigest())
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])


def _served_address() -> str:
    """Where ``runserver`` serves when SITE_URL is not set: ``make run`` passes HOST and WEB_PORT
    (``make run PORT=8001``) to the web server, the worker and beat alike, so the links of every
    e-mail (sent by the worker) follow the port. A wildcard host links to localhost."""
    port = env("WEB_PORT", default="")
    if not port:
        return "http://localhost:8000"
    host = env("HOST", default="localhost")
    return f"http://{'localhost' if host in ('', '0.0.0.0', '::', '[::]') else host}:{port}"


SITE_URL = env("SITE_URL", default=_served_address())
SITE_ID = 1
SITE_NAME = env("SITE_NAME", default="Cluster Platform")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "allauth.usersessions",
    "axes",
    "csp",
    "apps.core",
    "apps.accounts",
    "apps.tenancy",
    "apps.reference",
    "apps.membership",
    "apps.notifications",
    "apps.marketplace",
    "apps.matching",
    "apps.governance",
    "apps.partnerships",
    "apps.parks",
    "apps.dealroom",
    "apps.innovation",
    "apps.monitoring",
]

MIDDLEWARE = [
    # first: every log record of the request carries its id (X-Request-ID, echoed in the answer)
    "apps.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # 405 for every method the addressed view does not implement (TRACE, CONNECT… everywhere)
    "apps.core.middleware.AllowedMethodsMiddleware",
    "apps.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # a JSON body nested too deep or with a number no parser should meet is a 400 before any parser runs
    "apps.core.request_bodies.JsonBodyGuardMiddleware",
    # every 429 under /api/ and /_allauth/ is JSON with Retry-After
    "apps.core.rate_limit_answers.RateLimitAnswerMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.DatabaseUnavailableMiddleware",
    # Idempotency-Key on the API's POSTs: claimed before, and kept after, the cluster's transaction
    "apps.core.idempotency.IdempotencyKeyMiddleware",
    # a cluster's requests run in one transaction under PostgreSQL row-level security
    "apps.tenancy.middleware.TenantScopeMiddleware",
    # last, as django-axes asks: it locks out repeated failed logins to Django admin
    "axes.middleware.AxesMiddleware",
]

# The deepest JSON nesting a request body may have (apps/core/request_bodies.py); the API's own
# bodies nest a few levels at most.
JSON_MAX_DEPTH = 32

# How long a POST's Idempotency-Key and its answer are kept (apps/core/idempotency.py)
IDEMPOTENCY_KEY_HOURS = 24

ROOT_URLCONF = "cluster_platform.urls"
WSGI_APPLICATION = "cluster_platform.wsgi.application"

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
                "apps.tenancy.context_processors.navigation",
                "apps.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# DATABASE_URL unset: a SQLite file under var/, so `make run` needs no server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False


def tuned(database: dict) -> dict:
    """Persistent, health-checked connections on PostgreSQL (through Django's backend with a
    health check that costs no round trip: apps/core/db/postgresql).

    On SQLite, one file shared by the web server, the worker and beat (`make run`): WAL, so
    readers never wait for the writer nor the writer for them; transactions that take the write
    lock when they begin (IMMEDIATE), so two of them queue behind the busy timeout instead of
    one failing at once with "database is locked" when it tries to write after reading."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "apps.core.db.postgresql"
        database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        database["CONN_HEALTH_CHECKS"] = True
        database.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        timeout = env.int("SQLITE_BUSY_TIMEOUT", default=20)  # seconds a statement waits for the lock
        database.setdefault("OPTIONS", {}).update(
            timeout=timeout,
            transaction_mode="IMMEDIATE",
            init_command=(f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={timeout * 1000}"),
        )
    return database


tuned(DATABASES["default"])
# The role tenant requests run as (SET LOCAL ROLE): row-level security binds it (apps/tenancy/rls.py).
DATABASE_TENANT_ROLE = env("DATABASE_TENANT_ROLE", default="cluster_app")
# Sessions (and allauth's session tokens) live in the database and are read through the cache:
# an API call authenticates without a database round trip.
# (Django's cached_db engine, read ahead with the rest of a request's cache reads: apps/accounts/sessions.py)
SESSION_ENGINE = "apps.accounts.sessions"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # django-redis's options; Redis away is a cache miss, and after a failure the breaker
            # answers at once for breaker_seconds before trying Redis again (apps/core/cache.py)
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2, "breaker_seconds": 5},
        }
    }
else:
    # A file cache is shared by every local process (web, worker), unlike locmem,
    # so allauth's rate limits hold across processes on a single machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.AdminLoginGuardBackend",
    # Django's and allauth's backends, loading the session's user through the cache
    "apps.accounts.backends.ModelBackend",
    "apps.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "apps.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"

# How many proxies in front of the web processes append to X-Forwarded-For (the documented TLS
# proxy: 1). 0 ignores the header: REMOTE_ADDR is the client. The admin lockout and allauth's
# rate limits key on the address read this way (apps/accounts/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"

# django-axes guards the staff login of Django admin, and only that: members' logins (allauth's
# pages and headless API) are rate limited by allauth and never counted here
# (apps/accounts/admin_lockout.py). An account is locked from one address at a time.
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "apps.accounts.admin_lockout.AdminSiteHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the admin form's field (it holds the e-mail address)
AXES_USERNAME_CALLABLE = "apps.accounts.admin_lockout.admin_username"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.admin_lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True

# Content Security Policy for pages: scripts only from our own static files, never inline.
CONTENT_SECURITY_POLICY = {
    # Django admin and the Swagger UI page ship their own inline bootstrapping scripts.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "account_login"

# django-allauth: e-mail only, verification mandatory (by a code typed in, which
# works the same on a phone, in the browser and through the headless API).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
# the subject prefix is the platform's name in the reader's language (apps.accounts.adapter)
ACCOUNT_RATE_LIMITS = {
    "signup": env("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/300s/key"),
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
}
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = True
# Redoc from our static files, not allauth's default CDN (which the CSP blocks)
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "headless/spec/redoc_local.html"
# allauth's session tokens, looked up in one cache read (apps/accounts/tokens.py)
HEADLESS_TOKEN_STRATEGY = "apps.accounts.tokens.SessionTokenStrategy"

# --- E-mail -----------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cluster Platform <noreply@cluster.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Deal-room documents (apps/dealroom/storage.py): never under MEDIA_ROOT, never a public URL.
# A bucket through django-storages when DOCUMENTS_S3_BUCKET is set (MinIO in docker-compose.yml).
DOCUMENTS_S3_BUCKET = env("DOCUMENTS_S3_BUCKET", default="")
if DOCUMENTS_S3_BUCKET:
    DOCUMENTS_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env("DOCUMENTS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env("DOCUMENTS_S3_SECRET_KEY", default="") or None,
            "region_name": env("DOCUMENTS_S3_REGION", default="us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
else:
    DOCUMENTS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # readable by the platform's own user only: nothing else on the machine serves them
        "OPTIONS": {
            "location": str(VAR_DIR / "documents"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
STORAGES["documents"] = DOCUMENTS_STORAGE
# The bucket's address as browsers reach it, when it differs from the app's (MinIO on the compose
# network): presigned links are signed for that host
DOCUMENTS_S3_PUBLIC_ENDPOINT_URL = env("DOCUMENTS_S3_PUBLIC_ENDPOINT_URL", default="")
# Uploads: a file past the deal room's ceiling stops being read at once (the rulebook's own,
# lower limit is checked before anything is stored); small files stay in memory, larger spill
# to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "apps.dealroom.files.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only (no endpoint takes a file): the schema declares every body as application/json,
    # and anything else is a 415
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONParser",  # no RecursionError, no inf, no NaN
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "apps.core.api.filters.OrderingFilter",  # an unknown term is a 400 naming ``ordering``
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "apps.core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # OPTIONS answers 405: the OpenAPI schema is the API's description
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cluster Platform API",
    "DESCRIPTION": (
        "Virtual industrial clusters: membership, orders, capacity and channels, "
        "matching, deals and council governance. Tenant resources live under "
        "/api/v1/clusters/{slug}/. Authenticate with a browser session or with the "
        "X-Session-Token header obtained from the allauth headless API (/_allauth/app/v1/). "
        "Every date-time is answered in UTC with Z (2026-12-01T08:00:00Z); one sent without an "
        "offset is read in the platform's time zone. Dates and date-times sent must lie between "
        "2000-01-01 and 2100-12-31 (planning dates at most ten years ahead, seat terms and "
        "certificate validity from ten years back); outside that the answer is a 400 naming the field.\n\n"
        "## Requests\n"
        "Bodies are JSON (`Content-Type: application/json`); any other media type is a 415. Ids are "
        "integers everywhere (paths, bodies and answers).\n\n"
        "## Errors\n"
        "Every error of this API (`/api/v1/`) has one shape, `Error`: `{status, code, detail, errors}`, "
        "where `errors` maps each refused field (dotted paths for nested ones; a query parameter by its "
        "name; `Idempotency-Key` for the header) to its messages. The allauth endpoints (sign-up, "
        "login, e-mail code, password reset: `/_allauth/app/v1/` and `/_allauth/browser/v1/`) answer "
        "allauth's own format instead: `{status, errors: [{code, message, param}]}` for a refused input "
        "(`param` names the field), `{status: 401, data: {flows: [...]}, meta: {is_authenticated}}` "
        "when a login step is pending, and `{status: 429, errors: [...]}` with `Retry-After` when "
        "rate-limited. Its own schema is at `/_allauth/openapi.json`.\n\n"
        "## Lists\n"
        "Every list answers one envelope: `{count, next, previous, results}`, `?page=` (from 1) and "
        "`?page_size=` (default 20, at most 100: more reads as 100). A page past the end is an empty page "
        "(`results: []`, the true `count`, `previous` the last page), not an error; `?page=0` or "
        "`?page=abc` is a 400 naming `page`.\n\n"
        "## Filters\n"
        "A filter value a list does not know (`?status=bogus`, `?ordering=nonsense`, an id that is not "
        "a positive integer, a date out of range) is a 400 naming the parameter, never an empty 200. A "
        "query parameter no list declares is ignored.\n\n"
        "## Retries\n"
        "Every POST takes an `Idempotency-Key` header: the same request sent again with the same key "
        "(the same user, path and body) within 24 hours runs once and is answered the first success "
        "again (`Idempotent-Replayed: true`). Only successes are kept: a failed request changed nothing "
        "and may be retried with its key. The key with another body or path is a 422; while the first "
        "request is running, a 409."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_error_responses",
        "apps.core.api.schema.add_idempotency_key",
        "apps.core.api.schema.close_alternative_shapes",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClusterStatusEnum": "apps.tenancy.models.Cluster.Status",
        "ClusterRoleEnum": "apps.tenancy.models.ClusterRole.Role",
        "MembershipStatusEnum": "apps.membership.models.Membership.Status",
        "ReportStatusEnum": "apps.membership.models.Report.Status",
        "InvitationStatusEnum": "apps.membership.models.Invitation.Status",
        "EnterpriseRoleEnum": "apps.membership.models.EnterpriseMember.Role",
        "InvitableRoleEnum": "apps.membership.models.INVITABLE_ROLES",
        "ClusterKindEnum": "apps.tenancy.models.Cluster.Kind",
        "ListingStatusEnum": "apps.marketplace.models.ListingStatus",
        "ListingTransitionEnum": "apps.marketplace.models.LISTING_TRANSITION_TARGETS",
        "MatchStatusEnum": "apps.marketplace.models.Match.Status",
        "MatchKindEnum": "apps.marketplace.models.MatchKind",
        "DealStatusEnum": "apps.marketplace.models.Deal.Status",
        "DealStepEnum": "apps.marketplace.models.DEAL_STEP_TARGETS",
        "MatchingRunStatusEnum": "apps.marketplace.models.MatchingRun.Status",
        "MatchingRunKindEnum": "apps.marketplace.models.MatchingRun.Kind",
        "ChannelOfferKindEnum": "apps.marketplace.models.ChannelOffer.Kind",
        "ProposalStatusEnum": "apps.governance.models.Proposal.Status",
        "ProposalKindEnum": "apps.governance.models.Proposal.Kind",
        "ChamberEnum": "apps.governance.models.Seat.Chamber",
        "AlertStateEnum": "apps.monitoring.models.Alert.State",
        "NotificationCategoryEnum": "apps.notifications.models.NotificationPreference.Category",
        "ReportCategoryEnum": "apps.membership.models.Report.Category",
        "AlertSeverityEnum": "apps.monitoring.models.Alert.Severity",
        "OfferStatusEnum": "apps.dealroom.models.Offer.Status",
        "OfferSideEnum": "apps.dealroom.models.OFFER_SIDES",
        "RfqStatusEnum": "apps.dealroom.models.RequestForQuotation.Status",
        "RfqInvitationStatusEnum": "apps.dealroom.models.RfqInvitation.Status",
        "DocumentKindEnum": "apps.dealroom.models.DocumentKind",
        "EvidenceMilestoneEnum": "apps.dealroom.lifecycle.EVIDENCE_MILESTONE_CHOICES",
        "DisputeStatusEnum": "apps.dealroom.models.Dispute.Status",
        "DisputeOutcomeEnum": "apps.dealroom.models.Dispute.Outcome",
        "DisputeAgainstEnum": "apps.dealroom.models.Dispute.Against",
        "ResourceKindEnum": "apps.parks.models.Resource.Kind",
        "SolutionKindEnum": "apps.innovation.models.Solution.Kind",
        "ExpertKindEnum": "apps.innovation.models.ExpertProfile.Kind",
        "KnowledgeKindEnum": "apps.innovation.models.KnowledgeEntry.Kind",
        "KnowledgeStatusEnum": "apps.innovation.models.KnowledgeEntry.Status",
        "KnowledgeUseKindEnum": "apps.innovation.models.KnowledgeUse.Kind",
        "CurrencyEnum": "apps.marketplace.models.CURRENCIES",
        "UnitEnum": "apps.marketplace.models.UNITS",
        "DealSideEnum": "apps.marketplace.models.DEAL_SIDES",
        "VerificationLevelEnum": "apps.parks.models.Level",
        "BookingStatusEnum": "apps.parks.lifecycle.BookingStatus",
        "VisitStatusEnum": "apps.parks.lifecycle.VisitStatus",
    },
}

# --- Celery -----------------------------------------------------------------
# REDIS_URL unset: kombu's filesystem transport under var/, so a real worker and
# beat still run as separate processes on a machine with no Redis.
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery-broker")))
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    # A task whose worker died is redelivered once this many seconds have passed unacknowledged
    # (acks_late); it must exceed the longest task, or a slow task would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # how often a worker sweeps for such abandoned messages (seconds x every Nth sweep)
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
else:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # how long an idle worker waits before looking at the folder again (kombu's default, 1 s,
        # let at most a task or two start per second behind beat's own)
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.1),
    }
# A result backend only for the chords of a distributed plan (apps/matching/distributed.py):
# every other task ignores its result. Without Redis there are no chords (plans stay whole).
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
# Full re-plans and the parts of a distributed plan go to their own queue, so that a long plan
# never delays the latency-sensitive default queue ("celery"); `make run`'s worker consumes both
# (Procfile.dev), docker-compose.yml runs a `matching` service on this one (cluster_platform/celery.py).
CELERY_MATCHING_QUEUE = env("CELERY_MATCHING_QUEUE", default="matching")
CELERY_TASK_ROUTES = ("cluster_platform.celery.route_task",)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues while the broker is away waits at most this long, then the outbox keeps the task.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# CELERY_BEAT_SCALE multiplies every interval below (0.03: each minute becomes 1.8 s), so a test can
# run beat's whole schedule in seconds; 1 in every real deployment.
CELERY_BEAT_SCALE = env.float("CELERY_BEAT_SCALE", default=1.0)
CELERY_BEAT_SCHEDULE = {
    "record-heartbeat": {"task": "core.record_heartbeat", "schedule": 60.0},
    "relay-outbox": {"task": "core.relay_outbox", "schedule": 30.0},
    "purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": 3600.0},
    "marketplace-housekeeping": {"task": "marketplace.housekeeping", "schedule": 15 * 60.0},
    "matching-replan-all": {"task": "matching.replan_all_clusters", "schedule": 6 * 3600.0},
    "matching-reap-lapsed-runs": {"task": "matching.reap_lapsed_runs", "schedule": 30.0},
    "governance-close-due": {"task": "governance.close_due_proposals", "schedule": 60.0},
    "governance-remind-closing": {"task": "governance.remind_closing", "schedule": 15 * 60.0},
    "governance-chain-checkpoints": {"task": "governance.checkpoint_chains", "schedule": 3600.0},
    "monitoring-scan": {"task": "monitoring.scan", "schedule": 15 * 60.0},
    "monitoring-kpi-snapshots": {"task": "monitoring.kpi_snapshots", "schedule": 3600.0},
    "dealroom-message-digests": {"task": "dealroom.send_message_digests", "schedule": 5 * 60.0},
    "dealroom-expire-offers": {"task": "dealroom.expire_offers", "schedule": 5 * 60.0},
    "partnerships-end-due": {"task": "partnerships.end_due", "schedule": 3600.0},
}
for _entry in CELERY_BEAT_SCHEDULE.values():
    _entry["schedule"] = max(0.5, _entry["schedule"] * CELERY_BEAT_SCALE)

# --- Matching runs ----------------------------------------------------------
# A run's worker holds a lease on it and renews it every sixth of this many seconds (from a
# thread, so a long solve keeps it); beat re-queues or fails a run whose lease lapsed, and a new
# run may start in its place. A queued run must be claimed within the same time, or it no
# longer blocks a new one. Longer than the longest stretch the solver holds the GIL.
MATCHING_RUN_LEASE_SECONDS = env.int("MATCHING_RUN_LEASE_SECONDS", default=90)
# How many workers may claim a run before a lapsed lease fails it (2: it is re-queued once).
MATCHING_RUN_MAX_ATTEMPTS = env.int("MATCHING_RUN_MAX_ATTEMPTS", default=2)
# A full re-plan of at least this many open orders is solved across the matching workers, in
# about this many parts (apps/matching/distributed.py; only with Redis, else it stays whole).
MATCHING_DISTRIBUTED_MIN_DEMANDS = env.int("MATCHING_DISTRIBUTED_MIN_DEMANDS", default=20_000)
MATCHING_DISTRIBUTED_PARTS = env.int("MATCHING_DISTRIBUTED_PARTS", default=8)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_id: the X-Request-ID of the request being answered, "-" outside one (apps/core/request_id.py)
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"request_id": {"()": "apps.core.request_id.RequestIdFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# The cluster map (apps/parks/pages/map.py): blank draws the embedded outline of China's provinces;
# a tile URL template ("https://tiles.example.com/{z}/{x}/{y}.png") draws Leaflet over those tiles,
# whose origin the CSP then admits for images.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(MAP_TILE_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}")
