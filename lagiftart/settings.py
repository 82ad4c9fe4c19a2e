"""LaGiftArt settings: one module, driven by the environment (12-factor).

Every variable read here is listed in `.env.example` with its local default and its production value.
`DJANGO_ENV=local` (the default on a developer machine) relaxes what production must have; anything else is
production and refuses to start without `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lagiftart.logging import logging_config
from lagiftart.storage import file_storages

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env fills in what the environment leaves unset; the real environment always wins.
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="production")
TESTING = DJANGO_ENV == "test"
LOCAL = DJANGO_ENV in {"local", "test"}
DEBUG = env.bool("DEBUG", default=False)

if LOCAL:
    SECRET_KEY = env.str("SECRET_KEY", default="local-only-insecure-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    if TESTING:
        ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(f"Production settings need SECRET_KEY and ALLOWED_HOSTS: {error}") from error
    if len(SECRET_KEY) < 50 or not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs a SECRET_KEY of 50+ characters and a non-empty ALLOWED_HOSTS.")
# While SECRET_KEY is rotated, the previous key goes here (comma-separated): what it signed (sessions, password-reset
# links, erasure receipts) still verifies, and nothing new is signed with it (docs/deploy.md, "Rotate a secret").
SECRET_KEY_FALLBACKS = [key.strip() for key in env.list("SECRET_KEY_FALLBACKS", default=[]) if key.strip()]

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin so its admin integration wins.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # accounts comes before allauth so its templates override allauth's (allauth/layouts/base.html and pages).
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The app client's sign-in API (/_allauth/app/v1/): login, sign-up, two-factor and session tokens (docs/api.md).
    "allauth.headless",
    # Always installed so the schema never depends on the environment; Google shows only when its keys are set.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "csp",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "lagiftart",
    "locales",
    "artists",
    "gifts",
    "compliance",
    "analytics",
]

MIDDLEWARE = [
    "lagiftart.middleware.RequestContextMiddleware",
    "analytics.middleware.RequestMetricsMiddleware",
    # Cloud Run's probes and the in-instance metrics scraper, before the host check and HTTPS redirect.
    "lagiftart.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for text when the browser accepts it: nothing in front of Cloud Run compresses (docs/performance.md).
    "lagiftart.middleware.TextCompressionMiddleware",
    "lagiftart.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffBackOfficeMiddleware",
]

ROOT_URLCONF = "lagiftart.urls"
WSGI_APPLICATION = "lagiftart.wsgi.application"

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
                "csp.context_processors.nonce",
                "lagiftart.context_processors.site",
            ],
        },
    },
]

# Database: a local SQLite file unless DATABASE_URL names another. A Cloud SQL unix socket works as
# postgres://USER:PASSWORD@//cloudsql/PROJECT:REGION:INSTANCE/DBNAME (the socket directory becomes HOST).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
    # psycopg 3's pool, owned by Django: connections are reused across requests within a worker process.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    # Tests hash hundreds of passwords; a slow hash there buys nothing.
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher", "django.contrib.auth.hashers.ScryptPasswordHasher"]
)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if LOCAL else "https"
# allauth's rate limits (ACCOUNT_RATE_LIMITS) stay at their defaults, which are on; they count per client IP, so
# behind Cloud Run's front end the client is the last X-Forwarded-For entry.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
GOOGLE_OAUTH_CLIENT_ID = env.str("GOOGLE_OAUTH_CLIENT_ID", default="")
GOOGLE_OAUTH_CLIENT_SECRET = env.str("GOOGLE_OAUTH_CLIENT_SECRET", default="")
SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "SCOPE": ["profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "OAUTH_PKCE_ENABLED": True,
        # No "APP" (and so no Google button) until both keys are set; never a SocialApp row in the database.
        **(
            {"APP": {"client_id": GOOGLE_OAUTH_CLIENT_ID, "secret": GOOGLE_OAUTH_CLIENT_SECRET}}
            if GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET
            else {}
        ),
    }
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LaGiftArt"
# allauth's headless API, for apps only: the storefront keeps allauth's own pages (so HEADLESS_ONLY stays False) and
# a browser has no use for the "browser" client. The links in emails an app's sign-up or password reset sends open
# the storefront's own pages: with no frontend URL configured, allauth reverses its page names under the request's
# language prefix (/fr/accounts/confirm-email/<key>/), pages a person on a phone can open.
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
HEADLESS_FRONTEND_URLS: dict[str, str] = {}

# Internationalization: the six launch languages; URLs carry the language (/fr/…).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("ja", _("Japanese")),
    ("pt-br", _("Brazilian Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: hashed names and compression through whitenoise; collected at image build time.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Locally, whitenoise serves straight from the source folders; the image serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media")))

# Files: local disk by default; Google Cloud Storage when buckets are named. "default" is the public media
# bucket (plain URLs); "private" holds files only their owner may download, reached through signed URLs.
GS_MEDIA_BUCKET = env.str("GS_MEDIA_BUCKET", default="")
GS_PRIVATE_BUCKET = env.str("GS_PRIVATE_BUCKET", default="")
GS_PROJECT_ID = env.str("GOOGLE_CLOUD_PROJECT", default="") or None
GS_SIGNED_URL_EXPIRY = timedelta(seconds=env.int("GS_SIGNED_URL_EXPIRY_SECONDS", default=900))
# On Cloud Run the runtime credentials hold no private key: sign URLs through the IAM signBlob API instead.
GS_IAM_SIGN_BLOB = env.bool("GS_IAM_SIGN_BLOB", default=False)
GS_SA_EMAIL = env.str("GS_SA_EMAIL", default="") or None

_static_storage = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
if env.bool("STATIC_MANIFEST", default=not LOCAL):
    STATIC_STORAGE = _static_storage
else:
    STATIC_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

STORAGES = {
    **file_storages(
        media_bucket=GS_MEDIA_BUCKET,
        private_bucket=GS_PRIVATE_BUCKET,
        media_root=MEDIA_ROOT,
        media_url=MEDIA_URL,
        private_media_root=PRIVATE_MEDIA_ROOT,
        signed_url_expiry=GS_SIGNED_URL_EXPIRY,
        iam_sign_blob=GS_IAM_SIGN_BLOB,
        sa_email=GS_SA_EMAIL,
    ),
    "staticfiles": STATIC_STORAGE,
}

# Background work: django-tasks. Immediate in tests, the database backend with `manage.py db_worker` elsewhere.
# Tests ignore TASKS_BACKEND: a developer's .env (copied from .env.example) must not send them to a queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://lagiftart")}

# Mail. EMAIL_URL (a secret in production) holds the SMTP server and its login in one value, e.g.
# smtp+tls://USER:PASSWORD@smtp.example.com:587 (STARTTLS) or smtp+ssl://USER:PASSWORD@smtp.example.com:465, the
# password percent-encoded; it sets the backend, host, port, login and TLS/SSL, and wins over EMAIL_BACKEND. Only
# its parts become settings, never the URL itself: Django's error reports hide EMAIL_HOST_PASSWORD, not a URL.
# Without it: the console backend locally, and SMTP on localhost in production, which fails loudly rather than printing
# one-time links into the logs; `check --deploy` reports that (lagiftart/checks.py).
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    _email = environ.Env.email_url_config(_email_url)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
    EMAIL_PORT = _email["EMAIL_PORT"] or (465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
else:
    _backend = "console" if LOCAL else "smtp"
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=f"django.core.mail.backends.{_backend}.EmailBackend")
# Seconds before an SMTP connection or reply is given up: a request that sends mail (a data-subject request's
# confirmation) must not hold a gunicorn thread until Cloud Run's request timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LaGiftArt <hello@lagiftart.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The staff admin lives under a prefix from settings, not /admin/.
ADMIN_URL_PREFIX = env.str("ADMIN_URL_PREFIX", default="backoffice/").strip("/") + "/"
# Staff sessions (MFA required, accounts.middleware): seconds from login, and seconds idle, before a new login.
STAFF_SESSION_MAX_AGE = env.int("STAFF_SESSION_MAX_AGE", default=2 * 60 * 60)
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)

# The API (/api/v1/, docs/api.md): every error is one problem+json shape (lagiftart.rest.problem_handler); views
# say what they allow, so the defaults refuse: no authentication class lets a request through unless a view opts in.
REST_FRAMEWORK = {
    # Partner keys, then an app's allauth session token, then the browser's session (CSRF on unsafe methods).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiKeyAuthentication",
        "accounts.api_auth.AppSessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per anonymous client address, per account, per partner key; counted in the default cache (per instance
    # while CACHE_URL is local memory: docs/api.md).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.api_auth.AnonymousRateThrottle",
        "accounts.api_auth.UserRateThrottle",
        "accounts.api_auth.ApiKeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
        "user": env.str("API_THROTTLE_USER", default="240/minute"),
        "api_key": env.str("API_THROTTLE_API_KEY", default="600/minute"),
    },
    # The client is the X-Forwarded-For entry our own proxies appended, as for allauth's rate limits.
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_auth.ScopedAccess", "rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "lagiftart.rest.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "lagiftart.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "lagiftart.rest.problem_handler",
    "DEFAULT_FILTER_BACKENDS": ["lagiftart.rest.KnownQueryParameters"],
    # JSON from Accept, and the answer's language from Accept-Language alone (never the storefront's cookie).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "lagiftart.rest.AcceptHeadersNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LaGiftArt API",
    "DESCRIPTION": "Catalog, shipping quotes, carts and orders of LaGiftArt. Errors are RFC 9457 problem details.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set used by several endpoints (otherwise drf-spectacular names each after its field).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "gifts.models.OrderStatus",
        "RequestStatusEnum": "compliance.models.RequestStatus",
        "LanguageEnum": LANGUAGES,
        "CurrencyEnum": "locales.currency.DISPLAY_CURRENCIES",
    },
}

# Security: everything on by default in production; local development over plain HTTP relaxes cookies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not LOCAL)
# Cloud Run's probes and the health endpoints speak plain HTTP inside Google's front end.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not LOCAL
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if LOCAL else 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL
SECURE_HSTS_PRELOAD = not LOCAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(self), usb=(), interest-cohort=()"
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env.list("CSP_IMG_SOURCES", default=["https://storage.googleapis.com"])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Logging: JSON lines for Cloud Logging in production, readable lines locally.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if LOCAL else "json")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
GOOGLE_CLOUD_PROJECT = env.str("GOOGLE_CLOUD_PROJECT", default="")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL, project_id=GOOGLE_CLOUD_PROJECT)

SITE_NAME = "LaGiftArt"
# Emails need absolute links, and the task worker that sends them has no request to take the host from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Compliance: the request header holding the client's country (and subdivision), as Google's external load
# balancer sends it with a custom request header `X-Client-Geo-Location:{client_region},{client_region_subdivision}`.
# Empty: no header is trusted and visitors we cannot place get the strictest rules (docs/compliance.md).
COMPLIANCE_GEO_HEADER = env.str("COMPLIANCE_GEO_HEADER", default="")

# Payments (gifts/payments.py): Stripe when a secret key is set; otherwise the built-in test provider, which
# only runs where PAYMENTS_TEST_PROVIDER allows it (never in production: it accepts test cards for free gifts).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com").rstrip("/")
# Stripe.js on the checkout page makes the PaymentMethod in the giver's browser with the publishable key (pk_…,
# public by design); the webhook /payments/stripe/webhook/ checks Stripe's signature with the endpoint's secret.
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
PAYMENTS_TEST_PROVIDER = env.bool("PAYMENTS_TEST_PROVIDER", default=LOCAL)

# Analytics (docs/analytics.md): events are kept this many days, then `manage.py prune_events` deletes them.
ANALYTICS_RETENTION_DAYS = env.int("ANALYTICS_RETENTION_DAYS", default=395)
# /metrics answers loopback callers (the Managed Prometheus sidecar) and anyone with this bearer token.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# prometheus-client's multiprocess mode for gunicorn's workers: a writable directory, emptied at container start.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
# Front-end monitoring: the share of page views that load the Web Vitals reporter, the largest report accepted
# (bytes) and reports per minute from one address.
BEACON_SAMPLE_RATE = env.float("BEACON_SAMPLE_RATE", default=1.0)
BEACON_MAX_BYTES = env.int("BEACON_MAX_BYTES", default=4096)
BEACON_RATE_LIMIT = env.int("BEACON_RATE_LIMIT", default=30)
# Cloud Error Reporting groups errors by service and version: Cloud Run sets K_SERVICE and K_REVISION.
ERROR_REPORTING_SERVICE = env.str("K_SERVICE", default="lagiftart")
ERROR_REPORTING_VERSION = env.str("K_REVISION", default="local")
