"""`python -m tests.bench.embedded`: what the embedded default's caches cost a request.

Without Redis every process must see a change on its next request (issue 14).
Three ways, side by side on one seeded SQLite file, in this process:

* ``locmem``: local memory per process (before issue 14; stale across processes);
* ``files``: the shared file caches (core.caching.files), the embedded default now;
* ``database``: local memory, plus a one-row generation read from the database
  on a fresh connection per request (runserver opens one per request thread).

Figures are microseconds (best of three interleaved runs) per request through
Django's test client: a page-cache hit, a render whose fragments and memo are
warm, and the generation read alone.
``BENCH_SQLITE`` names an already seeded file, its media in ``media/`` beside it
(else one is seeded, about a minute).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

PATHS = (
    "/ru/",
    "/ru/novosti/",
    "/ru/novosti/kombinat-podvel-itogi-devyati-mesyatsev/",
)
ROUNDS = 200
REPEATS = 3


def seeded_sqlite() -> Path:
    from tests.embedded import embedded_env, manage

    given = os.environ.get("BENCH_SQLITE")
    if given:
        return Path(given)
    workdir = Path(tempfile.mkdtemp(prefix="kmpress-bench-embedded-"))
    env = embedded_env(workdir)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", capture_output=True)
    return workdir / "db.sqlite3"


def variants(cache_dir: Path) -> dict[str, dict]:
    def locmem(name, **extra):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": name,
            **extra,
        }

    def files(name, **extra):
        return {
            "BACKEND": "core.caching.files.SharedFileCache",
            "LOCATION": str(cache_dir / name),
            **extra,
        }

    def caches(kind):
        return {
            alias: kind(f"bench-{alias}")
            for alias in ("default", "renditions", "template_fragments", "pagecache")
        }

    return {
        "locmem": caches(locmem),
        "files": caches(files),
        "database": caches(locmem),
    }


def per_request_us(client, path: str, rounds: int = ROUNDS, before=None) -> float:
    for _ in range(5):
        client.get(path)
    started = time.perf_counter()
    for _ in range(rounds):
        if before is not None:
            before()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - started) / rounds * 1e6


def one_row_read():
    """The database variant's cost: a fresh connection and one row, per request."""
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM bench_generation WHERE id = 1")
        cursor.fetchone()


def measure(name: str, caches: dict) -> dict:
    from django.core.cache import caches as handler
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from core.caching.generation import generation, memo

    figures = {}
    before = one_row_read if name == "database" else None
    with override_settings(CACHES=caches, WAGTAIL_CACHE=True):
        for alias in caches:
            handler[alias].clear()
        memo.generation, memo.values = None, {}
        if name == "database":
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TABLE IF NOT EXISTS bench_generation "
                    "(id integer primary key, value bigint)"
                )
                cursor.execute("INSERT OR REPLACE INTO bench_generation VALUES (1, 1)")
        client = Client(HTTP_HOST="localhost")
        for path in PATHS:
            figures[f"{name}.hit_us {path}"] = round(
                per_request_us(client, path, before=before)
            )
        with override_settings(WAGTAIL_CACHE=False):
            for path in PATHS:
                figures[f"{name}.render_warm_us {path}"] = round(
                    per_request_us(client, path, rounds=ROUNDS // 3, before=before)
                )
        started = time.perf_counter()
        for _ in range(ROUNDS * 10):
            (one_row_read if name == "database" else generation)()
        figures[f"{name}.generation_read_us"] = round(
            (time.perf_counter() - started) / (ROUNDS * 10) * 1e6, 1
        )
    return figures


def run() -> dict:
    database = seeded_sqlite()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="site_project.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(database.parent / "media"),
        DEBUG="false",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kmpress-bench-caches-") as cache_dir:
        # Interleaved, best of REPEATS: a busy machine slows one variant's
        # turn, not all of them.
        for _ in range(REPEATS):
            for name, caches in variants(Path(cache_dir)).items():
                for key, value in measure(name, caches).items():
                    figures[key] = min(value, figures.get(key, value))
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
    sys.exit(0)
