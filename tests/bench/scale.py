"""Scale: uncached page and search latency at 1k, 10k and 50k articles per language.

One PostgreSQL database (``BENCH_DATABASE``, default ``benchdb_scale``) grows
through the sizes of ``BENCH_SCALE_SIZES`` (default ``1000,10000,50000``)
by ``seed_demo --articles`` (bulk inserts, ANALYZE at the end), and at each
size the same gunicorn build (production settings, Redis databases
``BENCH_REDIS_DB`` and the next) answers, with the page cache and template
fragments off (every page fully drawn):

* an article (a different one each request, old and new),
* the Russian home page (a block per section),
* a section's first page (each section in turn),
* the search page for a rotating set of queries,

``BENCH_SCALE_REQUESTS`` (default 100) sequential requests each, after a
warm-up round. Figures: p50 and p95 in ms per page and size, and the ratio of
the largest size's p95 to the smallest's (flat is the goal: 1.0). Seeding
speed (articles/s) is reported per step. Nothing is asserted.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import urllib.parse
from pathlib import Path

from tests.bench.pages import (
    Site,
    bench_env,
    flush_redis,
    probe_site,
    recreate_database,
    timed_gets,
)
from tests.embedded import manage

SIZES = [
    int(size)
    for size in os.environ.get("BENCH_SCALE_SIZES", "1000,10000,50000").split(",")
]
REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "100"))
DATABASE = os.environ.get("BENCH_DATABASE", "benchdb_scale")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))
PAGES = ("article", "home", "section", "search")
QUERIES = ("комбинат", "карьер смена", "техника безопасности", "Житикара", "ремонт")


def step(message: str) -> None:
    print(f"  scale: {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def grow(env: dict, articles: int) -> float:
    """Adds ``articles`` per language; returns seed_demo's articles/s."""
    result = manage(
        env,
        "seed_demo",
        "--articles",
        str(articles),
        capture_output=True,
        text=True,
        timeout=6 * 3600,
    )
    match = re.search(r"(\d+) articles/s", result.stdout)
    return float(match.group(1)) if match else 0.0


def paths(probe: dict) -> dict[str, list[str]]:
    """Request paths per page type: many articles, every section, queries."""
    sections = [url for url in probe["mix"] if url.count("/") == 3 and url != "/ru/"]
    ru_sections = [url for url in sections if url.startswith("/ru/")]
    articles = probe["articles"]
    return {
        "article": articles[:: max(1, len(articles) // REQUESTS)] or articles,
        "home": [probe["urls"]["home"]],
        "section": ru_sections or [probe["urls"]["section"]],
        "search": [f"/ru/search/?q={urllib.parse.quote(query)}" for query in QUERIES],
    }


def measure(site: Site, urls: list[str]) -> list[float]:
    for url in urls[:5]:  # warm-up: renditions, the process memo, connections
        site.get(url)
    return timed_gets(site, [urls[number % len(urls)] for number in range(REQUESTS)])


def run() -> dict:
    figures: dict = {"requests_per_page": REQUESTS, "sizes": SIZES}
    with tempfile.TemporaryDirectory(prefix="kmpress-scale-") as temporary:
        workdir = Path(temporary)
        env = bench_env(workdir, DATABASE, REDIS_DB)
        step("database, migrations, static files, demo newspaper")
        recreate_database(DATABASE)
        flush_redis()
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", capture_output=True)
        seeded = 0
        for size in SIZES:
            step(f"seeding up to {size} articles per language")
            figures[f"seed_articles_per_second_to_{size}"] = grow(env, size - seeded)
            seeded = size
            urls = paths(probe_site(env))
            flush_redis()
            uncached = {"WAGTAIL_CACHE": "0", "BENCH_FRAGMENTS": "0"}
            with Site(env, uncached) as site:
                for page in PAGES:
                    step(f"{size}: {page}")
                    timings = measure(site, urls[page])
                    figures[f"{page}_p50_ms_{size}"] = round(
                        statistics.median(timings), 1
                    )
                    figures[f"{page}_p95_ms_{size}"] = round(
                        percentile(timings, 0.95), 1
                    )
                    step(f"{size}: {page} p95 {figures[f'{page}_p95_ms_{size}']} ms")
    smallest, largest = SIZES[0], SIZES[-1]
    for page in PAGES:
        low = figures[f"{page}_p95_ms_{smallest}"]
        figures[f"{page}_p95_ratio_{largest}_to_{smallest}"] = (
            round(figures[f"{page}_p95_ms_{largest}"] / low, 2) if low else None
        )
    print("\n".join(table(figures)))
    return figures


def table(figures: dict) -> list[str]:
    """p95 (p50) in ms, a column per size."""
    sizes = figures["sizes"]
    header = "| uncached page | " + " | ".join(f"{size:,}" for size in sizes) + " |"
    lines = [header, "|---" * (len(sizes) + 1) + "|"]
    for page in PAGES:
        cells = [
            f"{figures[f'{page}_p95_ms_{size}']} ({figures[f'{page}_p50_ms_{size}']})"
            for size in sizes
        ]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return lines
