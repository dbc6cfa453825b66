"""In-process profile of uncached pages: where a request's CPU goes.

The page bench (``tests.bench.pages``) says how much CPU a page costs; this
says where. It serves pages with Django's test client in one process on the
bench settings (production settings, Redis, PostgreSQL), page cache off,
under cProfile timed by ``time.process_time``, and prints the CPU per request
and the heaviest functions. Issue 18 asks for the profile that guided each
change: quote this command's output.

    BENCH_PROFILE_PAGES=article,home BENCH_REDIS=127.0.0.1:6391 \\
      .venv/bin/python -m tests.bench.profile

The database (``BENCH_DATABASE``, default ``bench_profile``) is created,
migrated and seeded (demo + ``BENCH_ARTICLES`` per language, default 300) on
the first run and kept, with its media and static files under
``tests/bench/results/<database>/``; ``BENCH_PROFILE_RESEED=1`` starts over.
``BENCH_PROFILE_REQUESTS`` (300) requests per page after as many warm-up
ones, timed without the profiler, then as many under it; articles rotate
through the newest 300, so no article repeats within 300. ``bare`` is the
bench's bare view (an article's bytes through the same middleware), the
denominator of issue 18's ratios. ``BENCH_FRAGMENTS=0`` profiles fully drawn
pages. ``BENCH_PROFILE_SORT`` (``cumulative``) and ``BENCH_PROFILE_LINES``
(40) shape the listing; ``BENCH_PROFILE_SEARCH`` names the query of the
``search`` page (``цех``).
The raw profiles are written beside the database's files (``<page>.prof``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("BENCH_ARTICLES", "300")
os.environ.setdefault("BENCH_DATABASE", "bench_profile")

from tests.bench import pages  # (reads the two defaults above)
from tests.embedded import ROOT, manage

PAGES = os.environ.get("BENCH_PROFILE_PAGES", "bare,article,section,home").split(",")
REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "300"))
SORT = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
LINES = int(os.environ.get("BENCH_PROFILE_LINES", "40"))
SEARCH = os.environ.get("BENCH_PROFILE_SEARCH", "цех")
WORKDIR = Path(__file__).resolve().parent / "results" / pages.DATABASE
KNOWN = (
    *("bare", "article", "article_kk", "section"),
    *("home", "tag", "standard", "search"),
)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(pages.PG_ADMIN, autocommit=True) as connection:
        row = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    return row is not None


def prepare(env: dict) -> None:
    """Creates, migrates and seeds the database once; static files each run
    (cheap, and they follow the code)."""
    marker = WORKDIR / "seeded"
    reseed = os.environ.get("BENCH_PROFILE_RESEED") == "1"
    if reseed or not marker.exists() or not database_exists(pages.DATABASE):
        pages.step(f"database {pages.DATABASE}: migrate and seed")
        marker.unlink(missing_ok=True)
        pages.recreate_database(pages.DATABASE)
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo", capture_output=True)
        manage(env, "seed_demo", "--articles", str(pages.ARTICLES), capture_output=True)
        marker.write_text("seeded\n")
    else:
        manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")


def run() -> dict:
    unknown = [name for name in PAGES if name not in KNOWN]
    if unknown:
        raise SystemExit(f"Unknown page(s): {', '.join(unknown)}. Known: {KNOWN}")
    WORKDIR.mkdir(parents=True, exist_ok=True)
    env = pages.bench_env(WORKDIR) | {"WAGTAIL_CACHE": "0"}
    prepare(env)
    pages.flush_redis()
    result = subprocess.run(
        [sys.executable, "-c", pages.RUN_PROBE, __file__, "inner"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        timeout=3600,
    )
    figures = {}
    for line in result.stdout.splitlines():
        if line.startswith("FIGURES "):
            figures = json.loads(line.removeprefix("FIGURES "))
        else:
            print(line)
    return figures


def urls() -> dict[str, list[str]]:
    from taggit.models import Tag
    from wagtail.models import Locale

    from home.models import HomePage, StandardPage
    from news.models import ArticlePage

    ru = Locale.objects.get(language_code="ru")
    kk = Locale.objects.get(language_code="kk")
    newest = ArticlePage.objects.live().order_by("-pk")
    home = HomePage.objects.get(locale=ru)
    tag = Tag.objects.filter(news_articlepagetag_items__isnull=False).first()
    return {
        "article": [page.url for page in newest.filter(locale=ru)[:300]],
        "article_kk": [page.url for page in newest.filter(locale=kk)[:300]],
        "section": [newest.filter(locale=ru).first().get_parent().url],
        "home": [home.url],
        "tag": [f"{home.url}tags/{tag.slug}/"],
        "standard": [StandardPage.objects.live().filter(locale=ru).first().url],
        "search": [f"{home.url}search/?q={SEARCH}"],
        "bare": ["/bench/bare/"],
    }


def profile(client, name: str, addresses: list[str]) -> dict:
    """CPU ms per request of ``addresses`` in turn, without and with the
    profiler (whose own cost grows with the number of calls), printed with
    the profile."""
    import cProfile
    import pstats
    import time

    def serve(count: int) -> None:
        for number in range(count):
            address = addresses[number % len(addresses)]
            response = client.get(address)
            if response.status_code != 200:
                raise RuntimeError(f"{address} answered {response.status_code}")

    def per_request(profiler=None) -> float:
        started = time.process_time()
        if profiler:
            profiler.enable()
        serve(REQUESTS)
        if profiler:
            profiler.disable()
        return round((time.process_time() - started) * 1000 / REQUESTS, 2)

    serve(REQUESTS)
    plain = per_request()
    profiler = cProfile.Profile(time.process_time)
    profiled = per_request(profiler)
    profiler.dump_stats(WORKDIR / f"{name}.prof")
    print(f"\n== {name}: {plain} ms CPU per request ({profiled} ms profiled)")
    pstats.Stats(profiler).sort_stats(SORT).print_stats(LINES)
    return {f"{name}_cpu_ms": plain, f"{name}_cpu_ms_profiled": profiled}


def inner() -> None:
    import django

    django.setup()
    from django.test import Client

    addresses = urls()
    client = Client()
    body = client.get(addresses["article"][0]).content
    Path(os.environ["BENCH_BARE_BODY"]).write_bytes(body)
    figures = {}
    for name in PAGES:
        figures.update(profile(client, name, addresses[name]))
    print("FIGURES " + json.dumps(figures))


if __name__ == "__main__":
    if sys.argv[1:] == ["inner"]:
        inner()
    else:
        for key, value in run().items():
            print(f"profile.{key}: {value}")
