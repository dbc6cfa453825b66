"""Benchmark only: production settings plus the bare comparison views.

Never imported by the site itself; ``tests.bench.pages`` starts gunicorn with
it. The static storage keeps production's manifest lookups but skips
compression, which only matters to static files (not measured).
"""

import os

from site_project.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "site_project.static_build.HashedStaticFilesStorage",
}

# BENCH_FRAGMENTS=0: template fragments not cached either (fully rendered pages).
if os.environ.get("BENCH_FRAGMENTS") == "0":
    CACHES["template_fragments"] = {  # noqa: F405
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    }

# BENCH_MEMO=0: the process memo computes every value every time, as the site
# would without it. Its one instance is changed, whoever imported it.
if os.environ.get("BENCH_MEMO") == "0":
    from core.caching.generation import memo

    memo.get = lambda current, key, compute, keep=None: compute()

# BENCH_ROUTER=0: pages served by Wagtail's own view (tests.bench.urls).
BENCH_WAGTAIL_ROUTER = os.environ.get("BENCH_ROUTER") == "0"

# BENCH_SHARED_BUMPS=1: a change inside a transaction bumps the shared
# generation at once, as before issue 18 (core.caching.generation._Uncommitted).
if os.environ.get("BENCH_SHARED_BUMPS") == "1":
    from core.caching import generation

    generation.uncommitted_change = generation.bump_generation
