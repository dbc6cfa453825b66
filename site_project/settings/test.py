"""Test runs: fast hashing, plain static storage, immediate tasks."""

import atexit
import os
import shutil
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "kmpress-tests-only"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
# pytest-xdist runs the suite in several processes at once ("gw0", "gw1"…):
# each keeps its uploads, and its Redis databases (below), to itself.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
MEDIA_ROOT = BASE_DIR / "tests" / ".media" / XDIST_WORKER  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embed_finder.LocalEmbedFinder"}]
# wagtail-localize's machine translation, offline: reverses words.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator",
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Reader requests look for owed page-cache clears once a minute, not every
# second: a hit's "no SQL" must not depend on how fast the machine runs. The
# outage tests set what they need.
PAGE_CACHE_DEBT_CHECK_SECONDS = 60


def worker_redis_url(url: str, worker: str) -> str:
    """Worker ``gwN`` uses the database pair 2N above ``url``'s: N+0 and N+1
    (the page cache), so that one worker's FLUSHDB never empties another's."""
    index = int(worker.removeprefix("gw"))
    return redis_url_with_database(url, redis_database(url) + 2 * index)  # noqa: F405


# The worker's processes (and what they start) share the shifted REDIS_URL;
# KMPRESS_REDIS_WORKER keeps a child that loads these settings from shifting it
# again.
if (
    XDIST_WORKER
    and REDIS_URL  # noqa: F405
    and os.environ.get("KMPRESS_REDIS_WORKER") != XDIST_WORKER
):
    REDIS_URL = worker_redis_url(REDIS_URL, XDIST_WORKER)  # noqa: F405
    REDIS_PAGECACHE_URL = os.environ.get("REDIS_PAGECACHE_URL", "")
    if REDIS_PAGECACHE_URL:
        REDIS_PAGECACHE_URL = worker_redis_url(REDIS_PAGECACHE_URL, XDIST_WORKER)
        os.environ["REDIS_PAGECACHE_URL"] = REDIS_PAGECACHE_URL
    else:
        REDIS_PAGECACHE_URL = redis_url_with_database(  # noqa: F405
            REDIS_URL,
            redis_database(REDIS_URL) + 1,  # noqa: F405
        )
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["KMPRESS_REDIS_WORKER"] = XDIST_WORKER
    CACHES = redis_caches(REDIS_URL, REDIS_PAGECACHE_URL)  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, so that --reuse-db skips the migrations between local runs.
    _default_test_db = BASE_DIR / "tests" / ".test_db.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_SQLITE_PATH", _default_test_db)
    }
if not REDIS_URL:
    # The file caches of this test process alone: its database is not the one
    # the settings name, and parallel runs (pytest-xdist) each have their own.
    CACHE_DIR = Path(tempfile.mkdtemp(prefix="kmpress-test-caches-"))  # noqa: F405
    atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)
    CACHES = file_caches(CACHE_DIR)  # noqa: F405
# Pages render for real in tests (query budgets count rendering); the page
# cache tests turn it and template fragments on where they are the subject.
WAGTAIL_CACHE = False
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
}
CSP_FRAME_SOURCES = [*CSP_FRAME_SOURCES, "https://video.example"]  # noqa: F405 - tests.embed_finder
# The address of the tests' Site (tests/conftest.py), which setup_newsroom
# makes the default site follow (newsroom/site_address.py).
WAGTAILADMIN_BASE_URL = "http://localhost"
