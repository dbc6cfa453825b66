"""Every deploy value comes from the environment, with the embedded default unset."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.caching.frontend import check_frontend_caches, frontend_backends
from site_project.settings import base
from tests.settings_support import base_settings_reloader


@pytest.fixture
def reload_base(monkeypatch):
    with base_settings_reloader(
        monkeypatch, ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL")
    ) as reload:
        yield reload


def test_embedded_default_is_sqlite_database_search_and_file_caches(reload_base):
    settings = reload_base()
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CACHES["default"]["BACKEND"].endswith("SharedFileCache")
    # Wagtail's database backend (search/database_backend.py picks it per vendor).
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == (
        "search.database_backend"
    )


def test_service_urls_switch_to_postgresql_redis_and_elasticsearch(reload_base):
    settings = reload_base(
        DATABASE_URL="postgres://u:p@db.internal:5432/news",
        REDIS_URL="redis://cache.internal:6379/0",
        ELASTICSEARCH_URL="http://search.internal:9200",
    )
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["HOST"] == "db.internal"
    for alias in ("default", "renditions", "template_fragments"):
        assert settings.CACHES[alias]["BACKEND"] == base.RESTING_REDIS
    # The page cache reports its own errors (core.caching): plain django-redis.
    assert settings.CACHES["pagecache"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"] <= 1
    search = settings.WAGTAILSEARCH_BACKENDS["default"]
    # Wagtail's elasticsearch9 backend with kmpress's analyzers and outage queue.
    assert search["BACKEND"] == "search.elasticsearch_backend"
    assert search["URLS"] == ["http://search.internal:9200"]


def test_sessions_never_live_in_the_cache(reload_base):
    settings = reload_base(REDIS_URL="redis://cache.internal:6379/0")
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_site_speaks_russian_first_and_kazakh_with_native_names():
    assert base.LANGUAGE_CODE == "ru"
    assert dict(base.LANGUAGES) == {"ru": "Русский", "kk": "Қазақша"}
    assert base.TIME_ZONE == "Asia/Almaty"
    assert base.WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is False


def test_content_security_policy_sources_come_from_the_environment(reload_base):
    embedded = reload_base()
    assert "https://www.youtube.com" in embedded.CSP_FRAME_SOURCES
    assert embedded.CSP_REPORT_ONLY is False
    assert "camera=()" in embedded.PERMISSIONS_POLICY
    settings = reload_base(
        CSP_FRAME_SOURCES="https://video.kmpress.kz, https://rutube.ru",
        CSP_SCRIPT_SOURCES="https://widgets.example",
        CSP_IMAGE_SOURCES="https://cdn.example",
        CSP_REPORT_URI="https://reports.example/csp",
        CSP_REPORT_ONLY="true",
        PERMISSIONS_POLICY="camera=()",
    )
    assert settings.CSP_FRAME_SOURCES == [
        "https://video.kmpress.kz",
        "https://rutube.ru",
    ]
    assert settings.CSP_SCRIPT_SOURCES == ["https://widgets.example"]
    assert settings.CSP_IMAGE_SOURCES == ["https://cdn.example"]
    assert settings.CSP_REPORT_URI == "https://reports.example/csp"
    assert settings.CSP_REPORT_ONLY is True
    assert settings.PERMISSIONS_POLICY == "camera=()"


def test_uploaded_images_are_limited_to_forty_megapixels_unless_set(reload_base):
    assert reload_base().WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000
    limited = reload_base(WAGTAILIMAGES_MAX_IMAGE_PIXELS="25000000")
    assert limited.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 25_000_000


def test_postgresql_connections_give_up_after_a_few_seconds(reload_base):
    postgres = "postgres://u:p@db.internal:5432/news"
    default = reload_base(DATABASE_URL=postgres).DATABASES["default"]
    assert default["OPTIONS"]["connect_timeout"] == 3
    chosen = reload_base(DATABASE_URL=postgres, DB_CONNECT_TIMEOUT="10")
    assert chosen.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 10
    sqlite = reload_base().DATABASES["default"]
    assert "connect_timeout" not in sqlite.get("OPTIONS", {})


def test_no_cache_in_front_of_django_by_default(reload_base):
    assert reload_base().WAGTAILFRONTENDCACHE == {}


def test_varnish_urls_name_each_varnish_to_empty(reload_base):
    settings = reload_base(
        VARNISH_URLS="http://varnish:80, http://varnish2:6081",
        FRONTEND_CACHE_TIMEOUT="0.5",
    )
    backends = settings.WAGTAILFRONTENDCACHE
    assert [b["LOCATION"] for b in backends.values()] == [
        "http://varnish:80",
        "http://varnish2:6081",
    ]
    assert {b["BACKEND"] for b in backends.values()} == {
        "core.caching.frontend.VarnishBackend"
    }
    assert {b["TIMEOUT"] for b in backends.values()} == {0.5}


def test_a_varnish_url_without_a_scheme_is_refused(monkeypatch):
    monkeypatch.setenv("VARNISH_URLS", "varnish:80")
    with pytest.raises(ImproperlyConfigured, match="VARNISH_URLS"):
        base.frontend_caches_from_env()


def test_a_cdn_is_configured_by_the_same_setting(reload_base, settings):
    configured = reload_base(
        CLOUDFLARE_ZONE_ID="zone", CLOUDFLARE_API_TOKEN="token"
    ).WAGTAILFRONTENDCACHE
    settings.WAGTAILFRONTENDCACHE = configured
    assert list(frontend_backends()) == ["cloudflare"]


def test_a_front_cache_that_cannot_be_emptied_is_refused(settings):
    """wagtail's HTTPBackend purges URLs one by one; a change needs everything."""
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",
        }
    }
    with pytest.raises(ImproperlyConfigured, match="cannot be emptied"):
        frontend_backends()
    assert [error.id for error in check_frontend_caches()] == ["kmpress.E001"]
