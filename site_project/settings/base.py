"""Settings shared by every environment.

Every deploy-time value comes from the environment; when it is unset the embedded
default applies (SQLite, Wagtail's database search backend, file caches), so
a fresh clone runs with nothing but Python.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

from site_project.settings.elasticsearch import elasticsearch_connection

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours, in layer order (import-linter contracts in pyproject.toml).
    "core",
    "news",
    "editions",
    "search",
    "seo",
    "home",
    "questions",
    "newsroom",
    "translations",
    "demo",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
]

MIDDLEWARE = [
    # /healthz and /readyz, before the Host check, the HTTPS redirect and the caches.
    "core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP and Permissions-Policy on every response, page-cache hits included.
    "site_project.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Page cache (core/caching/middleware.py): a hit is answered here, before sessions,
    # locale, CSRF or auth run; a miss is stored on its way out.
    "core.caching.middleware.RevalidateMiddleware",
    "core.caching.middleware.UpdateCacheMiddleware",
    "core.caching.middleware.FetchFromCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, without sending the admin's 404s to /ru/admin/….
    "site_project.language_prefix.LanguagePrefixMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in the user's preferred language, also outside Wagtail's views.
    "translations.admin_language.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Admin searches answered by the database while Elasticsearch is down say
    # so (search.fallback).
    "search.fallback.FallbackNoticeMiddleware",
    # A media storage that fails mid-upload: a message, not a 500 (core.media).
    "core.media.StorageUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes, newsroom/login_guard.py): an account, or an
# address, that failed LOGIN_FAILURE_LIMIT times is refused for
# LOGIN_COOLOFF_MINUTES, even with the right password; a successful sign-in
# resets the count (an office behind one address shares its count: hence 10,
# not fewer). Behind a proxy, CLIENT_IP_HEADER names the header it sets
# (e.g. X-Forwarded-For; the right-most address, the one our proxy saw) and
# is the only place a client address is taken from; unset, the connection's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.login_guard.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newsroom.login_guard.client_ip"
AXES_VERBOSE = False
# Failed attempts are kept until the cool-off; no log of every sign-in (nothing
# shows it without Django's admin, and it would grow for ever).
AXES_DISABLE_ACCESS_LOG = True
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

ROOT_URLCONF = "site_project.urls"
# Every form reads posted values through core.form_guards: input that Wagtail's
# parsers choke on (rich text, StreamField, chooser ids) is a field error.
FORM_RENDERER = "core.form_guards.GuardedFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "site_project.wsgi.application"

# Database: DATABASE_URL (PostgreSQL in production and CI) or a SQLite file here.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts connections and never answers would otherwise
    # hold a worker for as long as the TCP stack waits; libpq counts whole
    # seconds, at least 2. The page then answers 503 (site_project.errors).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
    )
# Milliseconds any one SQL statement of a web request may run on PostgreSQL
# (site_project.statement_timeout; 0: no limit). Management commands get none.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "10000"))
# Seconds a reader is asked to wait (Retry-After) while the database is away.
SERVICE_UNAVAILABLE_RETRY_AFTER = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: REDIS_URL switches to django-redis; bounded timeouts and ignored
# exceptions make a Redis outage a cache miss rather than an error page.
# Aliases: "default" (layout), "template_fragments", "renditions" (image
# rendition lookups) and "pagecache" (wagtail-cache's whole pages). Pages get a
# Redis database of their own because clearing them is a FLUSHDB: the next
# number after REDIS_URL's, unless REDIS_PAGECACHE_URL says otherwise.
# Without Redis they are files beside the SQLite database (CACHE_DIR to move
# them), shared by every process of the site, so no process serves stale
# content after another one's change (core.caching.files).
# Sessions never live here (see below).
REDIS_URL = os.environ.get("REDIS_URL", "")
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))


def redis_database(url: str) -> int:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "db" in query:
        return int(query["db"][0])
    return int(parts.path.strip("/") or 0)


def redis_url_with_database(url: str, number: int) -> str:
    """``url`` pointing at database ``number`` of the same server."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "db" in query:
        query["db"] = [str(number)]
        return f"{url.partition('?')[0]}?{urlencode(query, doseq=True)}"
    return urlunsplit(parts._replace(path=f"/{number}"))


# Stops asking a hung Redis for a few seconds after a failed call.
RESTING_REDIS = "core.caching.redis.RestingRedisCache"
# Rendered HTML is kept under the release that drew it (core.caching.release):
# KMPRESS_RELEASE (an image tag, a commit), else the code's own fingerprint.
RELEASE_KEY = "core.caching.release.make_key"
KMPRESS_RELEASE = os.environ.get("KMPRESS_RELEASE", "")


def redis_caches(url: str, pages_url: str) -> dict:
    """django-redis aliases; only the page cache reports its errors (core.caching)."""
    options = {
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
        "IGNORE_EXCEPTIONS": True,
    }
    return {
        "default": {
            "BACKEND": RESTING_REDIS,
            "LOCATION": url,
            "KEY_PREFIX": "kmpress",
            "OPTIONS": options,
        },
        "renditions": {
            "BACKEND": RESTING_REDIS,
            "LOCATION": url,
            "KEY_PREFIX": "kmpress-renditions",
            "TIMEOUT": 60 * 60 * 24 * 7,
            "OPTIONS": options,
        },
        # {% wagtailcache %} fragments; their keys carry the layout generation
        # and, as pages' do, the release (core.caching.release).
        "template_fragments": {
            "BACKEND": RESTING_REDIS,
            "LOCATION": url,
            "KEY_PREFIX": "kmpress-fragments",
            "KEY_FUNCTION": RELEASE_KEY,
            "OPTIONS": options,
        },
        # Errors are not ignored here: core.caching catches them, so the
        # X-Wagtail-Cache header can say "err" and the log gets one line.
        "pagecache": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": pages_url,
            "KEY_PREFIX": "kmpress-pages",
            "KEY_FUNCTION": RELEASE_KEY,
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {**options, "IGNORE_EXCEPTIONS": False},
        },
    }


def default_cache_dir(database: dict) -> Path:
    """Where the caches of a site without Redis live: beside its SQLite file.

    Every process on that database (servers, the worker, a shell) then shares
    them, and another database (a test's, a second checkout's) never does.
    Another engine without Redis gets a directory named after its database.
    """
    name = str(database.get("NAME") or "")
    if database["ENGINE"].endswith("sqlite3") and name and ":memory:" not in name:
        return Path(f"{name}-cache")
    where = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{name}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"kmpress-cache-{digest}"


def file_caches(directory: Path) -> dict:
    """The aliases without Redis: files every process reads, a folder each.

    A change clears them for every process at once (core.caching.files); one
    folder per alias because ``clear()`` empties a whole folder.
    """
    shared = "core.caching.files.SharedFileCache"
    ignored = {"IGNORE_EXCEPTIONS": True, "MAX_ENTRIES": 2000}
    return {
        "default": {
            "BACKEND": shared,
            "LOCATION": str(directory / "default"),
            "OPTIONS": ignored,
        },
        "renditions": {
            "BACKEND": shared,
            "LOCATION": str(directory / "renditions"),
            "TIMEOUT": 60 * 60 * 24 * 7,
            "OPTIONS": ignored,
        },
        "template_fragments": {
            "BACKEND": shared,
            "LOCATION": str(directory / "fragments"),
            "KEY_FUNCTION": RELEASE_KEY,
            "OPTIONS": ignored,
        },
        # Errors reach core.caching, as on Redis (X-Wagtail-Cache: err).
        "pagecache": {
            "BACKEND": shared,
            "LOCATION": str(directory / "pages"),
            "KEY_FUNCTION": RELEASE_KEY,
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }


if REDIS_URL:
    REDIS_PAGECACHE_URL = os.environ.get("REDIS_PAGECACHE_URL", "") or (
        redis_url_with_database(REDIS_URL, redis_database(REDIS_URL) + 1)
    )
    if redis_database(REDIS_PAGECACHE_URL) == redis_database(REDIS_URL) and (
        urlsplit(REDIS_PAGECACHE_URL).netloc == urlsplit(REDIS_URL).netloc
    ):
        raise ImproperlyConfigured(
            "REDIS_PAGECACHE_URL must name another Redis database than REDIS_URL: "
            "clearing the page cache flushes its whole database."
        )
    CACHES = redis_caches(REDIS_URL, REDIS_PAGECACHE_URL)
else:
    CACHE_DIR = Path(
        os.environ.get("CACHE_DIR") or default_cache_dir(DATABASES["default"])
    )
    CACHES = file_caches(CACHE_DIR)

DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# One line now and then, not a traceback per cache call (site_project.log_filters).
DJANGO_REDIS_LOGGER = "kmpress.cache"

# wagtail-cache: anonymous GET/HEAD of reader pages, whole, in "pagecache";
# core.caching decides what is cacheable and clears it on every content change.
WAGTAIL_CACHE = env_bool("WAGTAIL_CACHE", default=True)
WAGTAIL_CACHE_BACKEND = "pagecache"
WAGTAIL_CACHE_HEADER = "X-Wagtail-Cache"
WAGTAIL_CACHE_IGNORE_QS = [
    r"^utm_.*$",
    r"^fbclid$",
    r"^gclid$",
    r"^gclsrc$",
    r"^yclid$",
    r"^ysclid$",
    r"^_ga$",
    r"^_gl$",
    r"^mc_.*$",
    r"^msclkid$",
    r"^_openstat$",
]
# Seconds a worker stops asking an unreachable page cache before trying again.
PAGE_CACHE_RETRY_SECONDS = 5
# Seconds between a worker's looks at the clears owed since Redis was away
# (core.caching, PageCacheDebt): a process that missed an outage pays them at most
# this long after the change; the process that saw the failure, at once.
PAGE_CACHE_DEBT_CHECK_SECONDS = float(
    os.environ.get("PAGE_CACHE_DEBT_CHECK_SECONDS", "1")
)
# The same for the other aliases after a failed call (core.caching.redis).
REDIS_REST_SECONDS = 5

# Caches in front of Django (core.caching.frontend): Varnish
# (deploy/varnish/default.vcl) at each of VARNISH_URLS, and/or a CDN. Each is
# emptied after every content change, after the page cache; they keep a page
# FRONTEND_CACHE_SECONDS (Surrogate-Control) at most. A failed emptying rests
# FRONTEND_CACHE_RETRY_SECONDS, then is asked again; each call waits at most
# FRONTEND_CACHE_TIMEOUT seconds.
FRONTEND_CACHE_SECONDS = int(
    os.environ.get("FRONTEND_CACHE_SECONDS", str(PAGE_CACHE_SECONDS))
)
FRONTEND_CACHE_TIMEOUT = float(os.environ.get("FRONTEND_CACHE_TIMEOUT", "1"))
FRONTEND_CACHE_RETRY_SECONDS = float(
    os.environ.get("FRONTEND_CACHE_RETRY_SECONDS", "10")
)


def frontend_caches_from_env() -> dict:
    """wagtail.contrib.frontend_cache's setting, from the environment."""
    backends = {}
    for number, url in enumerate(env_list("VARNISH_URLS"), start=1):
        if urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"VARNISH_URLS: {url!r} is not an http:// address of a Varnish."
            )
        backends[f"varnish{number}"] = {
            "BACKEND": "core.caching.frontend.VarnishBackend",
            "LOCATION": url,
            "TIMEOUT": FRONTEND_CACHE_TIMEOUT,
        }
    if zone := os.environ.get("CLOUDFLARE_ZONE_ID", ""):
        backends["cloudflare"] = {
            "BACKEND": "core.caching.frontend.CloudflareBackend",
            "ZONEID": zone,
            "BEARER_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN", ""),
        }
    if distribution := os.environ.get("CLOUDFRONT_DISTRIBUTION_ID", ""):
        # Credentials: boto3's own (AWS_ACCESS_KEY_ID…, an instance role).
        backends["cloudfront"] = {
            "BACKEND": "core.caching.frontend.CloudfrontBackend",
            "DISTRIBUTION_ID": distribution,
        }
    return backends


WAGTAILFRONTENDCACHE = frontend_caches_from_env()


# Reader questions («Проблемная зона», questions app): spam guards and how
# long readers' names and contacts are kept (the worker erases them after).
READER_QUESTIONS_RETENTION_DAYS = int(
    os.environ.get("READER_QUESTIONS_RETENTION_DAYS") or 180
)
READER_QUESTIONS_MIN_FILL_SECONDS = 5
READER_QUESTIONS_FORM_MAX_AGE = 24 * 60 * 60
READER_QUESTIONS_RATE_LIMIT = 5
READER_QUESTIONS_RATE_WINDOW = 60 * 60

# Mail (workflow notifications, password resets): EMAIL_URL, read by
# dj-email-url, e.g. smtp://user:password@mail.example.kz:587?tls=true&timeout=10
# (schemes: smtp, submission, console, file, memory, dummy). Unset: the console,
# so `make run` sends nothing. A mail server that hangs holds an editor's
# request: without ?timeout= it gets EMAIL_TIMEOUT_DEFAULT seconds.
EMAIL_TIMEOUT_DEFAULT = 10


def email_settings(url: str) -> dict:
    """EMAIL_* settings from ``url``; a URL that cannot work stops start-up
    with a message that never repeats the URL (it may hold a password)."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    scheme = urlsplit(url).scheme
    if scheme not in dj_email_url.SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {scheme!r}; use one of "
            f"{', '.join(sorted(dj_email_url.SCHEMES))} (e.g. smtp://host:587?tls=true)."
        )
    try:
        parsed = dj_email_url.parse(url)
    except ValueError:
        raise ImproperlyConfigured(
            "EMAIL_URL cannot be read: its port and ?timeout= must be numbers "
            "(e.g. smtp://user:password@mail.example.kz:587?tls=true&timeout=10)."
        ) from None
    if parsed["EMAIL_BACKEND"].endswith("smtp.EmailBackend") and not parsed.get(
        "EMAIL_HOST"
    ):
        raise ImproperlyConfigured("EMAIL_URL names no mail server host.")
    if parsed["EMAIL_TIMEOUT"] is None:
        parsed["EMAIL_TIMEOUT"] = EMAIL_TIMEOUT_DEFAULT
    return {key: value for key, value in parsed.items() if value is not None}


_email = email_settings(os.environ.get("EMAIL_URL", "").strip())
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", EMAIL_TIMEOUT_DEFAULT)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
# Sender of notifications (Wagtail uses DEFAULT_FROM_EMAIL) and of error mail.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or _email.get(
    "DEFAULT_FROM_EMAIL", "kmpress <noreply@localhost>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL") or _email.get(
    "SERVER_EMAIL", DEFAULT_FROM_EMAIL
)

# Seconds /readyz may take in all (core.health): its checks run at once and any
# still running then says "timeout". At most 2.
READYZ_TIMEOUT = min(float(os.environ.get("READYZ_TIMEOUT", "1.5")), 2.0)

# Sessions stay in the database so that a Redis restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Search: ELASTICSEARCH_URL switches to Elasticsearch 9, otherwise the database.
# Both index keys that linguistics/keys.py made in Python (Russian and Kazakh
# stems), so neither may stem again: PostgreSQL uses the 'simple' text search
# configuration (lower-casing only; SQLite's FTS5 ignores the option), and
# search.elasticsearch_backend maps the keys with a whitespace analyzer. It also
# queues index writes that fail while Elasticsearch is down (retry_search_index).
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.elasticsearch_backend",
            "INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX", "kmpress") + "_",
            "TIMEOUT": 30,  # bulk writes of update_index
            # One write while an editor publishes: long enough for a busy cluster,
            # short enough to wait once; a timed-out write is queued, not lost.
            "INDEX_TIMEOUT": 5,
            "SEARCH_TIMEOUT": 3,
            "RETRY_AFTER": 30,
            # URLS without credentials; OPTIONS: basic_auth or api_key, ca_certs,
            # verify_certs; INDEX_SETTINGS: number_of_replicas
            # (ELASTICSEARCH_REPLICAS, 0: a single node goes green).
            **elasticsearch_connection(os.environ),
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            # Wagtail's database backend; on PostgreSQL a GIN-indexed query.
            "BACKEND": "search.database_backend",
            "SEARCH_CONFIG": "simple",
        },
    }
# A queued index write Elasticsearch refuses this many times (a 4xx) is parked:
# retry_search_index skips it and the admin's "Search index queue" report shows it.
KMPRESS_SEARCH_PARK_AFTER = int(os.environ.get("KMPRESS_SEARCH_PARK_AFTER", "5"))
# Objects a worker tick indexes at most while it fills a missing search index
# (search/indices.py), so a big site's fill never holds up scheduled publishing.
KMPRESS_SEARCH_FILL_PER_TICK = int(
    os.environ.get("KMPRESS_SEARCH_FILL_PER_TICK", "5000")
)
# Results a reader can page through: at most Elasticsearch's
# index.max_result_window (10,000), past which it refuses a page.
KMPRESS_SEARCH_MAX_RESULTS = int(os.environ.get("KMPRESS_SEARCH_MAX_RESULTS", "10000"))
# Hits of readers' queries kept for the popular-queries report, in days.
WAGTAILSEARCH_HITS_MAX_AGE = 90

_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]

# Languages: Russian is the source language, Kazakh its full twin.
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақша"),
]
WAGTAIL_I18N_ENABLED = True
# The newsroom works in Kazakhstan (one zone since 2024), sometimes on Moscow
# time; Wagtail's menu would list every zone of the world, named in English.
WAGTAIL_USER_TIME_ZONES = ["Asia/Almaty", "Asia/Qostanay", "Europe/Moscow", "UTC"]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Ours first, then locale_upstream/ (Kazakh for Wagtail, wagtail-localize and
# Django, fixed Russian labels; translations/admin_catalogues.py): both win over the
# catalogues the packages ship.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# Avoids the stale numchild of wagtail-localize issue 773 (regression test:
# tests/test_translation_subtree.py) and keeps
# untranslated kk pages from going live with Russian text.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# wagtail-localize's cleanup_translation_on_delete erases a deleted page's
# string translations: the kk draft recreated after a delete (translations.reset)
# would start from zero. Kept, its translation editor shows the Kazakh work again
# (tests/test_translation_gate.py).
WAGTAILLOCALIZE_DISABLE_ON_DELETE = True


# Machine translation in wagtail-localize's editor: no button unless a service
# is configured. WAGTAILLOCALIZE_MACHINE_TRANSLATOR names it (libretranslate,
# deepl, google, dummy or a class path); unset, DEEPL_API_KEY or
# LIBRETRANSLATE_URL choose DeepL or LibreTranslate.
_MACHINE_TRANSLATORS = {
    "libretranslate": "libretranslate.LibreTranslator",
    "deepl": "deepl.DeepLTranslator",
    "google": "google.GoogleCloudTranslator",
    "dummy": "dummy.DummyTranslator",
}
_MACHINE_TRANSLATOR_NEEDS = {
    "libretranslate": "LIBRETRANSLATE_URL",
    "deepl": "DEEPL_API_KEY",
    "google": "GOOGLE_CLOUD_PROJECT",
}


def machine_translator_from_env() -> dict | None:
    name = os.environ.get("WAGTAILLOCALIZE_MACHINE_TRANSLATOR", "").strip()
    if not name:
        if os.environ.get("DEEPL_API_KEY"):
            name = "deepl"
        elif os.environ.get("LIBRETRANSLATE_URL"):
            name = "libretranslate"
        else:
            return None
    timeout = int(os.environ.get("MACHINE_TRANSLATION_TIMEOUT", "10"))
    options = {
        "libretranslate": {
            "LIBRETRANSLATE_URL": os.environ.get("LIBRETRANSLATE_URL", ""),
            "API_KEY": os.environ.get("LIBRETRANSLATE_API_KEY", ""),
            "TIMEOUT": timeout,
        },
        "deepl": {"AUTH_KEY": os.environ.get("DEEPL_API_KEY", ""), "TIMEOUT": timeout},
        "google": {
            "PROJECT_ID": os.environ.get("GOOGLE_CLOUD_PROJECT", ""),
            "CREDENTIALS_PATH": os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", ""),
        },
    }.get(name.lower(), {})
    if name.lower() in _MACHINE_TRANSLATORS:
        module = _MACHINE_TRANSLATORS[name.lower()]
        path = f"wagtail_localize.machine_translators.{module}"
    elif "." in name:
        path = name
    else:
        raise ImproperlyConfigured(
            f"WAGTAILLOCALIZE_MACHINE_TRANSLATOR={name!r}: use one of "
            f"{', '.join(_MACHINE_TRANSLATORS)} or a class path."
        )
    required = _MACHINE_TRANSLATOR_NEEDS.get(name.lower())
    if required and not os.environ.get(required):
        raise ImproperlyConfigured(f"Machine translation with {name} needs {required}.")
    return {"CLASS": path, "OPTIONS": options}


WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator_from_env()

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Seconds browsers, Varnish and CDNs may keep a public media file (core.media).
MEDIA_CACHE_SECONDS = int(os.environ.get("MEDIA_CACHE_SECONDS", "86400"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "site_project.static_build.MinifiedStaticFilesStorage",
    },
}


def env_first(*names: str, default: str = "") -> str:
    """The first of ``names`` set in the environment (S3_* before AWS_*)."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return default


def s3_public_url(bucket: str, endpoint: str, region: str, addressing: str) -> str:
    """Where readers fetch public media: the bucket's URL on the endpoint."""
    if not endpoint:
        return f"https://{bucket}.s3.{region}.amazonaws.com/"
    parts = urlsplit(endpoint)
    if addressing == "virtual":
        return urlunsplit(parts._replace(netloc=f"{bucket}.{parts.netloc}", path="/"))
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{bucket}/"))


def s3_storage_from_env() -> dict | None:
    """django-storages' S3 backend (core.storage.MediaStorage) when a bucket is named.

    Originals, renditions and documents all go there; images are public-read
    (plain, cacheable URLs under the bucket policy ``setup_media_storage``
    sets), documents are private (signed URLs that expire).
    """
    bucket = env_first("S3_BUCKET", "AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return None
    endpoint = env_first("S3_ENDPOINT_URL", "AWS_S3_ENDPOINT_URL")
    region = env_first("S3_REGION", "AWS_S3_REGION_NAME", "AWS_DEFAULT_REGION")
    region = region or "us-east-1"
    addressing = env_first("S3_ADDRESSING", "AWS_S3_ADDRESSING_STYLE", default="path")
    if addressing not in {"path", "virtual"}:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING={addressing!r}: use path (SeaweedFS, MinIO) or virtual."
        )
    public_url = env_first("S3_PUBLIC_URL") or s3_public_url(
        bucket, endpoint, region, addressing
    )
    return {
        "BACKEND": "core.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "access_key": env_first("S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_first("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")
            or None,
            "region_name": region,
            "addressing_style": addressing,
            "signature_version": "s3v4",
            "public_url": public_url.rstrip("/") + "/",
            "querystring_expire": int(os.environ.get("S3_SIGNED_URL_SECONDS", "300")),
            "file_overwrite": False,
            "timeout": float(os.environ.get("S3_TIMEOUT", "3")),
        },
    }


S3_STORAGE = s3_storage_from_env()
if S3_STORAGE:
    STORAGES["default"] = S3_STORAGE
    # Public media's origin, for the Content-Security-Policy's img-src.
    MEDIA_URL = S3_STORAGE["OPTIONS"]["public_url"]
# Documents keep Wagtail's privacy checks (collection and page restrictions):
# its serve view runs them first, then on S3 answers with a redirect to a
# signed URL that expires (nothing streams through a web worker, and the link
# cannot be shared for long); on disk it streams the file itself.
WAGTAILDOCS_SERVE_METHOD = "redirect" if S3_STORAGE else "serve_view"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "kmpress"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: editors' e-mail hashes stay in the newsroom.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Pixels (width × height × frames) an uploaded image may have: a photo of 40
# megapixels renders in a few hundred megabytes; Wagtail's default of 128
# let through images that took over a gigabyte. core.images makes the limit
# hold for decompression bombs too (Pillow refuses those before Wagtail looks).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = int(
    os.environ.get("WAGTAILIMAGES_MAX_IMAGE_PIXELS", "40000000")
)
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.images.ImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.documents.DocumentForm"

# Content-Security-Policy (site_project/security_headers.py). Reader pages run
# no inline script; these add origins for embeds and media served elsewhere
# (MEDIA_URL's and STATIC_URL's origins are added by themselves).
CSP_FRAME_SOURCES = env_list(
    "CSP_FRAME_SOURCES",
    "https://www.youtube.com,https://www.youtube-nocookie.com,"
    "https://player.vimeo.com,https://vk.com,https://rutube.ru",
)
CSP_SCRIPT_SOURCES = env_list("CSP_SCRIPT_SOURCES")
CSP_IMAGE_SOURCES = env_list("CSP_IMAGE_SOURCES")
CSP_REPORT_URI = os.environ.get("CSP_REPORT_URI", "")
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", default=False)
# Features no page of a newspaper needs; embeds keep fullscreen and autoplay.
PERMISSIONS_POLICY = os.environ.get(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "serial=(), usb=(), browsing-topics=()",
)

# News listings page by this many articles.
# "morphology" or "plain" (linguistics.keys); after a change run update_index.
KMPRESS_SEARCH_ANALYSIS = os.environ.get("KMPRESS_SEARCH_ANALYSIS", "morphology")
# The site settings snippet the page furniture shows (core.layout).
KMPRESS_SITE_SETTINGS_MODEL = "home.SiteSettings"
KMPRESS_PAGE_SIZE = int(os.environ.get("KMPRESS_PAGE_SIZE", "12"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "cache_errors": {"()": "site_project.log_filters.CacheErrorsInOneLine"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler on "django" printed each of its lines a
        # second time through the root's (make run: "Not Found" twice).
        "django": {"handlers": []},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "kmpress.cache": {"filters": ["cache_errors"]},
    },
}
KMPRESS_HOME_PER_SECTION = int(os.environ.get("KMPRESS_HOME_PER_SECTION", "3"))

# Most read (news.most_read): beacons counted per address and minute at most
# this often (more get 429); the worker writes the counts to the database and
# refreshes the «Most read» lists every KMPRESS_MOST_READ_FLUSH_SECONDS, the
# lists' staleness bound (emptying the page caches when a list changed).
KMPRESS_READ_BEACON_RATE = int(os.environ.get("KMPRESS_READ_BEACON_RATE", "60"))
KMPRESS_MOST_READ_FLUSH_SECONDS = int(
    os.environ.get("KMPRESS_MOST_READ_FLUSH_SECONDS", "900")
)
