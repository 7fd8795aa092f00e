"""Settings, driven by environment variables (see README, "Configuration")."""

import datetime as dt
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.q2 import q_cluster_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate_limits(name: str, defaults: dict[str, str]) -> dict[str, tuple[int, int]]:
    """`defaults` ({scope: "failures/seconds"}) with the `scope=failures/seconds` items of the
    comma-separated variable `name` over them, as {scope: (failures, seconds)}. A mistake stops
    the start-up: a limit that silently fell back to its default would be a surprise."""
    rates = dict(defaults)
    for item in env_list(name, ""):
        scope, _, rate = (part.strip() for part in item.partition("="))
        if scope not in defaults:
            raise ImproperlyConfigured(
                f"{name}: unknown scope {scope!r}; known: {sorted(defaults)}"
            )
        rates[scope] = rate
    limits = {}
    for scope, rate in rates.items():
        failures, _, seconds = rate.partition("/")
        if not (failures.isdigit() and seconds.isdigit() and int(seconds) > 0):
            raise ImproperlyConfigured(f"{name}: {scope}={rate!r} is not failures/seconds")
        limits[scope] = (int(failures), int(seconds))
    return limits


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105
# Older keys still accepted for signatures (sessions, scheduling links), so SECRET_KEY can rotate.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

# Client secrets are stored encrypted (callbacks are signed with them): the current key encrypts,
# it and the fallbacks decrypt, so the key can rotate (README, "Rotating the encryption key").
SECRET_ENCRYPTION_KEY = os.environ.get("SECRET_ENCRYPTION_KEY", "") or SECRET_KEY
SECRET_ENCRYPTION_KEY_FALLBACKS = env_list("SECRET_ENCRYPTION_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Base of absolute links the platform hands out (pages, callbacks). Empty: taken from the request.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "django_q",
    "scheduling",
    "bookings",
    "calendars_sync",
]

MIDDLEWARE = [
    "config.request_log.RequestLogMiddleware",
    "config.unreadable_body.UnreadableBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bookings.v2.cors.V2CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the q2 worker write concurrently: WAL plus IMMEDIATE transactions make
    # writers queue on the lock instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a password check from a locked-out address before any backend runs it.
    "scheduling.signin.SignInLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS and the proxy in front (README, "Deployment behind a proxy") ---
# SECURE_COOKIES says the site is served over HTTPS only: secure cookies, HSTS and a redirect of
# plain HTTP. BEHIND_PROXY trusts the proxy's X-Forwarded-Proto, and the last entry of
# X-Forwarded-For (the one the proxy appended) in request logs and rate limits; without it these
# headers are the client's word and are ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("HTTPS_REDIRECT", SESSION_COOKIE_SECURE)
# Load balancers probe the health endpoint over plain HTTP, on the instance's own address.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the domain to browsers' built-in lists for months; an operator opts in.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy on every response (Django's CSP middleware). Scripts and styles come
# from this server or carry the per-response nonce (the admin and the Swagger UI template use it);
# the consent page widens form-action to its redirect URI (scheduling/pages/authorize.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# --- end of HTTPS and the proxy ---

# django-allauth: people sign in to authorize applications on the consent page.
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
LOGIN_REDIRECT_URL = "/"
# The adapter counts failed sign-ins with the project's limits (scheduling/signin.py) and gives
# allauth the same client address. allauth's own failed-login limit (10/m per address, 5 per 5
# minutes per login from anywhere) is off: its per-login part would let anyone lock a person out.
# Its other limits (sign-ups, password resets, ...) stay, counted in the shared cache below.
ACCOUNT_ADAPTER = "scheduling.signin.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Messages live in the session (server side): the admin shows a new client secret once through a
# message, and the default cookie storage would put it in a signed but readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Mail (allauth's password resets). Without EMAIL_HOST nothing leaves the machine: with DEBUG on
# mails go to the console; with DEBUG off they are dropped rather than written to logs, since a
# password-reset link in a log is an account takeover.
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
        },
    }
elif DEBUG:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
else:
    _mailer = {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
if os.environ.get("EMAIL_BACKEND"):
    _mailer = {"BACKEND": os.environ["EMAIL_BACKEND"]}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "scheduling@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["scheduling.api.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["scheduling.api.authentication.IsAuthenticatedAccount"],
    "DEFAULT_PARSER_CLASSES": ["scheduling.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "scheduling.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "scheduling.api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Scheduling platform API",
    "DESCRIPTION": "Cronofy-compatible core API (/oauth, /v1).",
    "VERSION": "1",
    # Request and response components apart: inputs carry the API's input rules
    # (scheduling/api/input_schema.py), outputs don't.
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI 3.1: full JSON Schema (propertyNames, const), which the input rules need.
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "scheduling.api.schema.add_links",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"TzidEnum": "scheduling.api.input_schema.TZIDS"},
    # Swagger UI's assets are served from this server (no CDN: the docs work offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# One cache for every web and worker process: the rate limits and allauth's limits count in it.
# The database by default (its table, scheduling_cache, comes with the migrations); Redis when
# CACHE_REDIS_URL is set. Counts are small rows: the database cache may hold many before it culls.
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "scheduling",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "scheduling.database_cache.DatabaseCache",
            "LOCATION": "scheduling_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Failed-credential limits (README, "Rate limits"): scope -> (failures, window in seconds); a scope
# with 0 failures is off. RATE_LIMITS="api_ip=100/60,signin_ip=0/60" overrides single scopes.
RATE_LIMIT_DEFAULTS = {
    "api_ip": "30/60",  # failed access tokens and API keys, per client address
    "client_ip": "20/60",  # failed client authentications (client_id + secret), per address
    "client_id_ip": "10/60",  # ... per client_id and address
    "client_id": "100/600",  # ... per client_id: then only addresses without failures for it
    "signin_ip": "20/300",  # failed passwords (sign-in and admin), per address
    "signin_account_ip": "5/900",  # ... per login and address
    "signin_account": "50/3600",  # ... per login: then only addresses without failures for it
}
RATE_LIMITS = env_rate_limits("RATE_LIMITS", RATE_LIMIT_DEFAULTS)

# API limits. Bodies above API_MAX_BODY_BYTES get a 422 before they are parsed.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))
API_PAGE_SIZE = int(os.environ.get("API_PAGE_SIZE", "200"))
ACCESS_TOKEN_LIFETIME_SECONDS = int(os.environ.get("ACCESS_TOKEN_LIFETIME_SECONDS", "3600"))
AUTHORIZATION_CODE_LIFETIME_SECONDS = 600

Q_CLUSTER = q_cluster_settings(os.environ.get("Q2_REDIS_URL", ""))

# A freed seat of a full class is offered to the first on its waitlist for this long (docs/v2.md).
WAITLIST_OFFER_TTL = dt.timedelta(minutes=int(os.environ.get("WAITLIST_OFFER_TTL_MINUTES", "120")))

# Outgoing signed callbacks (docs/callbacks.md). Callback hosts must resolve to public addresses;
# these networks (CIDRs) are exempt. An invalid CIDR stops the start-up here.
CALLBACK_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(net, strict=False))
    for net in env_list("CALLBACK_ALLOWED_NETWORKS", "")
]
CALLBACK_CONNECT_TIMEOUT = float(os.environ.get("CALLBACK_CONNECT_TIMEOUT", "3"))
CALLBACK_READ_TIMEOUT = float(os.environ.get("CALLBACK_READ_TIMEOUT", "10"))

# --- Calendar sync (docs/sync.md) ---
# Every provider endpoint is a setting, so that a deployment (or a test) can point it elsewhere.
GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID", "")
GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET", "")
GOOGLE_OAUTH_AUTHORIZE_URL = os.environ.get(
    "GOOGLE_OAUTH_AUTHORIZE_URL", "https://accounts.google.com/o/oauth2/v2/auth"
)
GOOGLE_OAUTH_TOKEN_URL = os.environ.get(
    "GOOGLE_OAUTH_TOKEN_URL", "https://oauth2.googleapis.com/token"
)
# google-api-python-client's api_endpoint: must end in calendar/v3/.
GOOGLE_CALENDAR_API_URL = os.environ.get(
    "GOOGLE_CALENDAR_API_URL", "https://www.googleapis.com/calendar/v3/"
)
MICROSOFT_CLIENT_ID = os.environ.get("MICROSOFT_CLIENT_ID", "")
MICROSOFT_CLIENT_SECRET = os.environ.get("MICROSOFT_CLIENT_SECRET", "")
MICROSOFT_OAUTH_AUTHORIZE_URL = os.environ.get(
    "MICROSOFT_OAUTH_AUTHORIZE_URL",
    "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
)
MICROSOFT_OAUTH_TOKEN_URL = os.environ.get(
    "MICROSOFT_OAUTH_TOKEN_URL", "https://login.microsoftonline.com/common/oauth2/v2.0/token"
)
MICROSOFT_GRAPH_URL = os.environ.get("MICROSOFT_GRAPH_URL", "https://graph.microsoft.com/v1.0")
# Synced events are kept for this window around now (recurrences are expanded within it).
SYNC_WINDOW_PAST_DAYS = int(os.environ.get("SYNC_WINDOW_PAST_DAYS", "7"))
SYNC_WINDOW_FUTURE_DAYS = int(os.environ.get("SYNC_WINDOW_FUTURE_DAYS", "365"))
# Incremental pulls bring changes, not recurrence instances entering the window as days pass: each
# calendar is pulled in full again after this many hours.
SYNC_FULL_PULL_HOURS = int(os.environ.get("SYNC_FULL_PULL_HOURS", "24"))
# Connections without push (CalDAV, ICS) are pulled this often; pushed ones too, as a safety net.
SYNC_POLL_MINUTES = int(os.environ.get("SYNC_POLL_MINUTES", "15"))
# How long an authorization link (a resource's googleCalendarAuthUrl) stays valid.
SYNC_AUTH_LINK_MAX_AGE_SECONDS = int(
    os.environ.get("SYNC_AUTH_LINK_MAX_AGE_SECONDS", str(7 * 24 * 3600))
)

# --- People connect Google and Microsoft calendars through django-allauth (docs/connections.md) ---
# The userinfo endpoint read after the token exchange, for the person's e-mail address (the
# connection's external account). Microsoft's is MICROSOFT_GRAPH_URL + "/me".
GOOGLE_OAUTH_USERINFO_URL = os.environ.get(
    "GOOGLE_OAUTH_USERINFO_URL", "https://www.googleapis.com/oauth2/v2/userinfo"
)


# `provider_class` (allauth's hook) swaps in adapters that read the GOOGLE_/MICROSOFT_ endpoint
# settings above at request time (calendars_sync/allauth.py); allauth's own read fixed URLs. A
# provider without a client id has no app: /sync/connect/ offers no button for it.
def _social_app(client_id: str, secret: str) -> dict:
    return {"APP": {"client_id": client_id, "secret": secret}} if client_id else {}


SOCIALACCOUNT_PROVIDERS = {
    "google": {
        "provider_class": "calendars_sync.allauth.GoogleCalendarProvider",
        **_social_app(GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET),
        "SCOPE": ["openid", "email", "https://www.googleapis.com/auth/calendar"],
        # Offline access (a refresh token), asked for again at every consent so that a
        # reconnect gets a new refresh token too.
        "AUTH_PARAMS": {"access_type": "offline", "prompt": "consent"},
    },
    "microsoft": {
        "provider_class": "calendars_sync.allauth.MicrosoftCalendarProvider",
        **_social_app(MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET),
        "SCOPE": ["offline_access", "User.Read", "Calendars.ReadWrite"],
        "AUTH_PARAMS": {"prompt": "select_account"},
    },
}
# Off on purpose: allauth would keep a plain-text copy of every access and refresh token in its
# SocialToken table. The receivers copy the tokens from the login into the connection, encrypted
# with the core's keys (calendars_sync/allauth.py), and nowhere else.
SOCIALACCOUNT_STORE_TOKENS = False
# Connecting is a POST (a CSRF-protected form on /sync/connect/), never a plain link.
SOCIALACCOUNT_LOGIN_ON_GET = False

# --- Logs (README, "Logs and request ids") ---
# JSON lines by default (one per request from config.request_log, with its request id); plain
# text for people reading a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Health endpoint (config/health.py) ---
# /health answers 503 when no q2 cluster has run its scheduler for this long.
HEALTH_WORKER_STALE_SECONDS = int(os.environ.get("HEALTH_WORKER_STALE_SECONDS", "180"))

# Origins booking.js may call /v2 from (bookings/v2/cors.py): "*" for any (safe: /v2 takes no
# cookies, only the key in Authorization), or a comma-separated list of exact origins.
V2_CORS_ALLOWED_ORIGINS = env_list("V2_CORS_ALLOWED_ORIGINS", "*")
