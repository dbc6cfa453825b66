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
MEDIA_ROOT = BASE_DIR / "tests" / ".media"  # noqa: F405
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
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, so that --reuse-db skips the migrations between local runs.
    _default_test_db = BASE_DIR / "tests" / ".test_db.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_SQLITE_PATH", _default_test_db)
    }
if not REDIS_URL:  # noqa: F405
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
