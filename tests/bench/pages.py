"""Page speed: the page cache against Django's ceiling, and uncached rendering.

Production-like: gunicorn from the venv with the production settings (DEBUG
off, a throw-away SECRET_KEY) on 127.0.0.1, PostgreSQL database ``benchdb`` on
127.0.0.1, Redis databases ``BENCH_REDIS_DB`` and the next one (pages). wrk
(Debian) drives bounded load from its own process. Every figure of a kind is
measured side by side in this one run; nothing is asserted.

Worker memory is read with the page cache on, over every section, both homes
and the newest 300 articles.

Uncached pages (page cache off) are measured for the normal build and for
builds without a piece that must earn its keep (``WITHOUTS``: the process
memo, the page router), each in its own gunicorn, in interleaved rounds, best
of each; ``run`` prints them as one table, with each build's SQL queries.

With ``BENCH_BASELINE=<git rev>`` the same run also checks that revision out
into a temporary git worktree (removed afterwards) with its own database
(``BENCH_DATABASE`` + ``_baseline``), migrated and seeded by its own
``manage.py``, and measures it against this tree in interleaved rounds, best
of each: uncached article, section and home, the cached article, and SQL
queries per page type. Each build then runs on a private redis-server of its
own. ``BENCH_BASELINE_ONLY=1`` skips every other part.

CPU per request (part ``cpu``): the gunicorn workers' user + system time
(``/proc/<pid>/stat``) read before and after each wrk run, divided by the
requests it served, for the uncached article (300 in turn), section and home,
the fully drawn article (fragments off too) and the bare view, in interleaved
rounds, the least of each; every page is reported as a ratio to the bare
view's CPU of the same run (issue 18's goals). The probe also counts the
queries of an article a fresh worker has not served yet. With a baseline the
comparison reports the same ratios for both trees.

Environment: BENCH_ARTICLES (1000), BENCH_SECONDS (10), BENCH_CONNECTIONS (8),
BENCH_WORKERS (2), BENCH_REDIS (127.0.0.1:6379, the Redis server),
BENCH_REDIS_DB (12), BENCH_MEMORY_REQUESTS (10000), BENCH_DATABASE (benchdb),
BENCH_PAGES_PARTS (cached,uncached,cpu: the parts to run), BENCH_BASELINE,
BENCH_BASELINE_ONLY (as BENCH_PAGES_PARTS=none), BENCH_ROUNDS (3: interleaved
rounds, the best of each kept).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.embedded import ROOT, RedisServer, free_port, manage, without_services

VENV_BIN = Path(sys.executable).parent
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000"))
FEW = 10
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
REDIS_SERVER = os.environ.get("BENCH_REDIS", "127.0.0.1:6379")
REDIS_HOST, _, REDIS_PORT = REDIS_SERVER.rpartition(":")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))
# Interleaved rounds, best of each: more of them on a machine whose CPU speed
# wanders (a shared host) before quoting a ratio.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DATABASE = os.environ.get("BENCH_DATABASE", "benchdb")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BASELINE = os.environ.get("BENCH_BASELINE", "")
BASELINE_ONLY = os.environ.get("BENCH_BASELINE_ONLY") == "1"
PARTS = (
    ()
    if BASELINE_ONLY
    else tuple(os.environ.get("BENCH_PAGES_PARTS", "cached,uncached,cpu").split(","))
)

WRK_SCRIPT = """
local counter = 0
local paths = {}
local unique = os.getenv("BENCH_UNIQUE") == "1"
local list = os.getenv("BENCH_PATHS")
if list then
  for line in io.lines(list) do table.insert(paths, line) end
end

request = function()
  counter = counter + 1
  local path = wrk.path
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  if unique then
    -- Only a page number reaches the page cache's key: a new one each time.
    path = path .. "?page=" .. os.getenv("BENCH_SALT") .. counter
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "non_2xx_3xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""

UNCACHED_PAGES = ("article", "section", "home")
#: Builds without a piece that must earn its keep (tests.bench.settings, urls).
WITHOUTS = {
    "no_memo": {"WAGTAIL_CACHE": "0", "BENCH_MEMO": "0"},
    "no_router": {"WAGTAIL_CACHE": "0", "BENCH_ROUTER": "0"},
}
WITHOUT_LABELS = {"no_memo": "no process memo", "no_router": "no page router"}
# Page cache off (fragments on, as in production), then fragments off too:
# every page drawn in full, as bakerydemo's figures are.
UNCACHED_VARIANTS = {
    "uncached": {"WAGTAIL_CACHE": "0"},
    **WITHOUTS,
    "unfragmented": {"WAGTAIL_CACHE": "0", "BENCH_FRAGMENTS": "0"},
}

# Run inside the site's settings (``python -m tests.bench.pages probe``).
PROBE_PAGES = ("article", "article_kk", "section", "home", "tag", "standard")
#: Queries of articles a worker has not served (page cache off, fragments on).
FIRST_VISITS = ("article_fresh_worker", "article_first_visit", "article_again")


def first_visits(client, urls: list[str]) -> dict[str, int]:
    """Queries of a fresh worker's first article, of the next article it has
    not served yet, and of that one again; what workers share (layouts,
    fragments, renditions) is warm, as the other workers leave it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.caching.generation import memo

    for url in urls[:4]:
        assert client.get(url).status_code == 200, url
    # What a new worker process has not read yet.
    memo.values, memo.generation = {}, None
    ContentType.objects.clear_cache()
    counts = {}

    def count(name: str, url: str) -> None:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[name] = len(captured)

    count("article_fresh_worker", urls[2])
    # The worker has served articles of both languages, not this one.
    for url in urls[:2]:
        client.get(url)
    count("article_first_visit", urls[3])
    count("article_again", urls[3])
    return counts


def probe() -> None:
    """Prints URLs, SQL queries per uncached page type, and an article's bytes."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from taggit.models import Tag
    from wagtail.models import Locale

    from home.models import HomePage, StandardPage
    from news.models import ArticlePage, SectionPage

    ru, kk = (
        Locale.objects.get(language_code="ru"),
        Locale.objects.get(language_code="kk"),
    )
    article = ArticlePage.objects.live().filter(locale=ru).order_by("-pk").first()
    tag = Tag.objects.filter(news_articlepagetag_items__isnull=False).first()
    home = HomePage.objects.get(locale=ru)
    urls = {
        "article": article.url,
        "article_kk": ArticlePage.objects.live()
        .filter(locale=kk)
        .order_by("-pk")
        .first()
        .url,
        "section": article.get_parent().url,
        "home": home.url,
        "tag": f"{home.url}tags/{tag.slug}/",
        "standard": StandardPage.objects.live().filter(locale=ru).first().url,
    }
    articles = [page.url for page in ArticlePage.objects.live().order_by("-pk")[:300]]
    client = Client()
    with override_settings(WAGTAIL_CACHE=False):
        queries = first_visits(client, articles)
    # Full renders, as the test suite counts them: no page cache, no fragments.
    no_fragments = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        },
    }
    with override_settings(WAGTAIL_CACHE=False, CACHES=no_fragments):
        for name in PROBE_PAGES:
            assert client.get(urls[name]).status_code == 200, urls[name]
            with CaptureQueriesContext(connection) as captured:
                response = client.get(urls[name])
            assert response.status_code == 200, urls[name]
            queries[name] = len(captured)
        body = client.get(urls["article"]).content
        Path(os.environ["BENCH_BODY_OUT"]).write_bytes(body)
    mix = [
        *articles,
        *(page.url for page in SectionPage.objects.live()),
        home.url,
        HomePage.objects.get(locale=kk).url,
    ]
    figures = {"urls": urls, "queries": queries, "mix": mix, "articles": articles}
    print("PROBE " + json.dumps(figures))


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def flush_redis() -> None:
    for number in (REDIS_DB, REDIS_DB + 1):
        subprocess.run(
            [
                "redis-cli",
                "-h",
                REDIS_HOST,
                "-p",
                REDIS_PORT,
                "-n",
                f"{number}",
                "FLUSHDB",
            ],
            check=True,
            capture_output=True,
        )


class Site:
    """gunicorn serving the bench settings on a free loopback port."""

    def __init__(self, env: dict, extra_env: dict | None = None, root: Path = ROOT):
        self.env = {**env, **(extra_env or {})}
        self.root = root
        self.port = free_port()
        self.process = None

    def __enter__(self) -> Site:
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "site_project.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=self.root,
            env=self.env,
        )
        for _ in range(300):
            try:
                self.get("/ru/")
                return self
            except urllib.error.HTTPError as error:
                self.__exit__()
                raise RuntimeError(f"gunicorn answered /ru/ with {error}") from None
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer on 127.0.0.1")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, dict, bytes]:
        with urllib.request.urlopen(self.url(path), timeout=30) as response:
            return response.status, dict(response.headers), response.read()

    def workers(self) -> list[str]:
        pid = self.process.pid
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    def worker_cpu_seconds(self) -> float:
        """User + system time the workers have used so far (/proc/<pid>/stat)."""
        ticks = 0
        for child in self.workers():
            # Fields after the command's closing parenthesis: state is the
            # 3rd field of the line, utime the 14th and stime the 15th.
            after = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
            ticks += int(after[11]) + int(after[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def worker_rss_kb(self) -> list[int]:
        sizes = []
        for child in self.workers():
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]))
        return sizes


def timed_gets(site: Site, paths: list[str]) -> list[float]:
    """Milliseconds per request, one request at a time, in order; anything
    but a 200 raises."""
    timings = []
    for path in paths:
        started = time.perf_counter()
        status, _, _ = site.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return timings


def wrk(site: Site, path: str, *, seconds: int = SECONDS, **options) -> dict:
    """One bounded wrk run; ``unique`` makes every request a cache miss,
    ``host`` sends that Host header.

    The page cache keys a page by its page number alone of the query string,
    so a miss asks for a page number never asked before; one that no listing
    showed is drawn but never stored, so such a miss skips the cache write.
    """
    script = Path(tempfile.gettempdir()) / "kmpress-bench.lua"
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "BENCH_SALT": str(secrets.randbelow(10**6) + 1)}
    if options.get("unique"):
        env["BENCH_UNIQUE"] = "1"
    if options.get("paths"):
        env["BENCH_PATHS"] = str(options["paths"])
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{options.get('connections', CONNECTIONS)}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            # A Host of the reader's (tests.bench.stack: Varnish's public name).
            *(["-H", f"Host: {options['host']}"] if options.get("host") else []),
            "-s",
            str(script),
            site.url(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    figures["rps"] = round(figures["requests"] / (figures["duration_us"] / 1e6), 1)
    figures["p99_ms"] = round(figures["p99_us"] / 1000, 1)
    return figures


def wrk_cpu(site: Site, path: str, **options) -> dict:
    """``wrk`` plus the workers' CPU milliseconds per request it served."""
    before = site.worker_cpu_seconds()
    figures = wrk(site, path, **options)
    spent = site.worker_cpu_seconds() - before
    figures["cpu_ms"] = round(spent * 1000 / max(figures["requests"], 1), 3)
    return figures


def load(site: Site, paths: Path, requests: int) -> int:
    """At least ``requests`` requests over ``paths``, in bounded wrk runs."""
    served = 0
    for _ in range(200):
        served += wrk(site, "/", seconds=5, paths=paths)["requests"]
        if served >= requests:
            break
    return served


def step(message: str) -> None:
    print(f"  pages: {message}", file=sys.stderr, flush=True)


# This file's probe, run in another checkout's code (the current directory).
RUN_PROBE = "import runpy, sys; runpy.run_path(sys.argv.pop(1), run_name='__main__')"


def probe_site(env: dict, root: Path = ROOT) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", RUN_PROBE, __file__, "probe"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


def seed(env: dict, root: Path = ROOT) -> dict:
    """Demo newspaper plus synthetic articles by ``root``'s own ``seed_demo``;
    returns the probe's figures with a few articles and with all of them."""
    step(f"seeding {FEW} articles per language")
    manage(env, "seed_demo", capture_output=True, cwd=root)
    manage(env, "seed_demo", "--articles", str(FEW), capture_output=True, cwd=root)
    few = probe_site(env, root)
    step(f"seeding up to {ARTICLES} articles per language")
    manage(
        env,
        "seed_demo",
        "--articles",
        str(ARTICLES - FEW),
        capture_output=True,
        cwd=root,
    )
    return {"few": few, "many": probe_site(env, root)}


def best_of(runs: dict, key, result: dict) -> None:
    kept = runs.get(key)
    if kept is None or result["rps"] > kept["rps"]:
        runs[key] = result


def failures(*results: dict) -> int:
    return sum(run["socket_errors"] + run["non_2xx_3xx"] for run in results)


def bench_env(
    workdir: Path, database: str = DATABASE, redis_db: int = REDIS_DB
) -> dict[str, str]:
    """A gunicorn's environment: the bench settings on ``database`` and
    ``redis_db``, files under ``workdir``."""
    body = workdir / "article.html"
    return without_services() | {
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": f"{workdir}/media",
        "STATIC_ROOT": f"{workdir}/static",
        "BENCH_BARE_BODY": str(body),
        "BENCH_BODY_OUT": str(body),
    }


def run() -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: `make bench` installs it (apt).")
    figures: dict = {
        "articles_per_language": ARTICLES,
        "gunicorn_workers": WORKERS,
        "wrk_connections": CONNECTIONS,
        "seconds_per_run": SECONDS,
    }
    with tempfile.TemporaryDirectory(prefix="kmpress-bench-") as temporary:
        workdir = Path(temporary)
        env = bench_env(workdir)
        body = workdir / "article.html"
        step("database, migrations, static files")
        recreate_database(DATABASE)
        flush_redis()
        manage(env, "migrate", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        seeded = seed(env)
        for name in PROBE_PAGES:
            figures[f"queries_{name}_n{FEW}"] = seeded["few"]["queries"][name]
            figures[f"queries_{name}_n{ARTICLES}"] = seeded["many"]["queries"][name]
        for name in FIRST_VISITS:
            figures[f"queries_{name}_n{ARTICLES}"] = seeded["many"]["queries"][name]
        figures["article_bytes"] = body.stat().st_size
        flush_redis()
        if "cached" in PARTS:
            figures.update(cached_pages(env, seeded["many"], workdir))
        if "uncached" in PARTS:
            figures.update(uncached_builds(env, seeded["many"], workdir))
        if "cpu" in PARTS:
            figures.update(cpu_per_request(env, seeded["many"], workdir))
        figures["failed_requests"] = sum(
            figures.get(f"{part}_failed_requests", 0) for part in PARTS
        )
        if BASELINE:
            figures.update(against_baseline(env, seeded["many"], workdir))
    if "uncached" in PARTS:
        print("\n".join(uncached_table(figures)))
    if "cpu" in PARTS:
        print("\n".join(cpu_table(figures)))
    if BASELINE:
        print("\n".join(baseline_table(figures)))
    return figures


def cached_pages(env: dict, many: dict, workdir: Path) -> dict:
    """Cached article against bare views, a miss, then worker memory."""
    urls = many["urls"]
    step("cached pages against bare views, then worker memory")
    with Site(env) as site:
        site.get(urls["article"])
        _, headers, _ = site.get(urls["article"])
        second_get = headers.get("X-Wagtail-Cache")
        site.get("/bench/bare-cached/")
        # Interleaved rounds, best of each: other load only ever slows a run.
        runs = {"hit": [], "bare_cached": [], "bare": []}
        for _ in range(ROUNDS):
            runs["hit"].append(wrk(site, urls["article"]))
            runs["bare_cached"].append(wrk(site, "/bench/bare-cached/"))
            runs["bare"].append(wrk(site, "/bench/bare/"))
        hit, bare_cached, bare = (
            max(runs[name], key=lambda run: run["rps"])
            for name in ("hit", "bare_cached", "bare")
        )
        miss = wrk(site, urls["article"], unique=True)
        mix = workdir / "mix.txt"
        mix.write_text("\n".join(many["mix"]) + "\n")
        load(site, mix, 1000)
        warm = site.worker_rss_kb()
        served = load(site, mix, MEMORY_REQUESTS)
        after = site.worker_rss_kb()
        flush_redis()
    return {
        "article_second_get": second_get,
        "cached_article_rps": hit["rps"],
        "cached_article_p99_ms": hit["p99_ms"],
        "bare_cache_page_rps": bare_cached["rps"],
        "bare_view_rps": bare["rps"],
        "cached_article_vs_bare_cache_page": round(hit["rps"] / bare_cached["rps"], 2),
        "cached_article_vs_bare_view": round(hit["rps"] / bare["rps"], 2),
        "miss_article_rps": miss["rps"],
        "hit_vs_miss_article": round(hit["rps"] / miss["rps"], 1),
        "worker_rss_mb_after_warmup": [round(kb / 1024, 1) for kb in warm],
        "worker_rss_mb_after_more_requests": [round(kb / 1024, 1) for kb in after],
        "worker_rss_growth_mb": round((sum(after) - sum(warm)) / 1024 / len(warm), 1),
        "memory_requests": served,
        "memory_distinct_urls": len(many["mix"]),
        "cached_failed_requests": failures(
            miss, *runs["hit"], *runs["bare_cached"], *runs["bare"]
        ),
    }


def uncached_builds(env: dict, many: dict, workdir: Path) -> dict:
    """Uncached pages of the normal build and of each build without a piece."""
    urls = many["urls"]
    figures: dict = {}
    articles = workdir / "articles.txt"
    articles.write_text("\n".join(many["articles"]) + "\n")
    for variant, extra_env in WITHOUTS.items():
        queries = probe_site({**env, **extra_env})["queries"]
        for name in UNCACHED_PAGES:
            figures[f"queries_{variant}_{name}_n{ARTICLES}"] = queries[name]
    for name in UNCACHED_PAGES:
        figures[f"queries_uncached_{name}_n{ARTICLES}"] = many["queries"][name]
    step(f"uncached pages: {', '.join(UNCACHED_VARIANTS)}")
    errors = 0
    with contextlib.ExitStack() as stack:
        sites = {
            variant: stack.enter_context(Site(env, extra_env))
            for variant, extra_env in UNCACHED_VARIANTS.items()
        }
        best: dict[tuple[str, str], dict] = {}
        for _ in range(ROUNDS):
            for name in UNCACHED_PAGES:
                for variant, site in sites.items():
                    site.get(urls[name])
                    # Articles in turn, 300 of them: no page reused.
                    paths = {"paths": articles} if name == "article" else {}
                    result = wrk(site, "/" if paths else urls[name], **paths)
                    errors += failures(result)
                    best_of(best, (variant, name), result)
    for (variant, name), result in best.items():
        figures[f"{variant}_{name}_rps"] = result["rps"]
        figures[f"{variant}_{name}_p99_ms"] = result["p99_ms"]
    figures["uncached_failed_requests"] = errors
    flush_redis()
    return figures


#: CPU per request of these (site, page) pairs, each over the bare view's.
CPU_PAGES = (
    ("uncached", "article"),
    ("uncached", "section"),
    ("uncached", "home"),
    ("unfragmented", "article"),
)
CPU_SITES = {
    "uncached": UNCACHED_VARIANTS["uncached"],
    "unfragmented": UNCACHED_VARIANTS["unfragmented"],
}
CPU_LABELS = {"uncached": "uncached", "unfragmented": "fully_drawn"}


def measure_cpu(site: Site, page: str, urls: dict, articles: Path) -> dict:
    """One wrk run with CPU per request: articles 300 in turn, no page reused."""
    site.get(urls[page])
    if page == "article":
        return wrk_cpu(site, "/", paths=articles)
    return wrk_cpu(site, urls[page])


def cpu_ratios(best: dict, prefix: str = "") -> dict:
    """Each page's CPU per request over the bare view's, as issue 18 states them."""
    bare = best["uncached", "bare"]["cpu_ms"]
    figures = {f"{prefix}bare_view_cpu_ms": bare}
    for site, page in CPU_PAGES:
        label = f"{prefix}{CPU_LABELS[site]}_{page}"
        cpu = best[site, page]["cpu_ms"]
        figures[f"{label}_cpu_ms"] = cpu
        figures[f"{label}_cpu_vs_bare"] = round(cpu / bare, 1) if bare else None
    return figures


def cpu_per_request(env: dict, many: dict, workdir: Path) -> dict:
    """Workers' CPU per request of uncached pages and of the bare view, in
    interleaved rounds; the least of each (other load only ever adds)."""
    step("CPU per request: uncached pages against the bare view")
    articles = workdir / "articles.txt"
    articles.write_text("\n".join(many["articles"]) + "\n")
    urls = {**many["urls"], "bare": "/bench/bare/"}
    errors = 0
    best: dict[tuple[str, str], dict] = {}
    with contextlib.ExitStack() as stack:
        sites = {
            name: stack.enter_context(Site(env, extra))
            for name, extra in CPU_SITES.items()
        }
        for _ in range(ROUNDS):
            for site, page in (("uncached", "bare"), *CPU_PAGES):
                result = measure_cpu(sites[site], page, urls, articles)
                errors += failures(result)
                kept = best.get((site, page))
                if kept is None or result["cpu_ms"] < kept["cpu_ms"]:
                    best[site, page] = result
    flush_redis()
    return {**cpu_ratios(best), "cpu_failed_requests": errors}


def cpu_table(figures: dict, prefix: str = "") -> list[str]:
    lines = [f"{'CPU ms per request':<28}{'ms':>10}{'÷ bare':>10}"]
    lines.append(f"{'bare view':<28}{figures[f'{prefix}bare_view_cpu_ms']:>10}")
    for site, page in CPU_PAGES:
        label = f"{prefix}{CPU_LABELS[site]}_{page}"
        name = f"{CPU_LABELS[site].replace('_', ' ')} {page}"
        cells = f"{figures[f'{label}_cpu_ms']:>10}{figures[f'{label}_cpu_vs_bare']:>10}"
        lines.append(f"{name:<28}{cells}")
    return lines


#: (page cache, page) measured for the baseline and this tree; "unfragmented"
#: is the page cache off and fragments off too (fully drawn).
COMPARED = (
    ("uncached", "bare"),
    ("uncached", "article"),
    ("uncached", "section"),
    ("uncached", "home"),
    ("unfragmented", "article"),
    ("cached", "article"),
)
BUILDS = ("baseline", "this")


def git(*args: str) -> None:
    subprocess.run(["git", "-C", str(ROOT), *args], check=True, timeout=300)


@contextlib.contextmanager
def checkout(revision: str, workdir: Path):
    """``revision`` in a temporary git worktree under ``workdir`` (removed
    afterwards), its catalogues compiled."""
    tree = workdir / "baseline"
    git("worktree", "add", "--detach", "--quiet", str(tree), revision)
    try:
        manage(without_services(), "compilemessages", "-v0", cwd=tree)
        yield tree
    finally:
        git("worktree", "remove", "--force", str(tree))


def against_baseline(env: dict, many: dict, workdir: Path) -> dict:
    """BENCH_BASELINE's checkout against this tree, interleaved, best of each.

    Each build has a redis-server of its own (private, stopped afterwards):
    the machine's Redis has too few database numbers for two builds.
    """
    redis = {build: RedisServer() for build in BUILDS}
    with contextlib.ExitStack() as stack:
        tree = stack.enter_context(checkout(BASELINE, workdir))
        for server in redis.values():
            stack.callback(server.stop)
            server.start()
        database = f"{DATABASE}_baseline"
        envs = {
            "baseline": {
                **env,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
                "MEDIA_ROOT": f"{workdir}/baseline-media",
                "STATIC_ROOT": f"{workdir}/baseline-static",
                "BENCH_BARE_BODY": f"{workdir}/baseline-article.html",
                "BENCH_BODY_OUT": f"{workdir}/baseline-article.html",
                "PYTHONPATH": str(tree),
            },
            "this": dict(env),
        }
        for build, server in redis.items():
            envs[build]["REDIS_URL"] = f"redis://127.0.0.1:{server.port}/0"
        step(f"baseline {BASELINE}: database, migrations, static files")
        base_env = envs["baseline"]
        recreate_database(database)
        manage(base_env, "migrate", "-v0", cwd=tree)
        manage(base_env, "collectstatic", "--noinput", "-v0", cwd=tree)
        probes = {"baseline": seed(base_env, tree)["many"], "this": many}
        roots = {"baseline": tree, "this": ROOT}
        return compare(envs, roots, probes, workdir)


def compare(envs: dict, roots: dict, probes: dict, workdir: Path) -> dict:
    figures: dict = {"baseline": BASELINE}
    articles = {}
    for build in BUILDS:
        articles[build] = workdir / f"articles-{build}.txt"
        articles[build].write_text("\n".join(probes[build]["articles"]) + "\n")
        for name in (*PROBE_PAGES, *FIRST_VISITS):
            figures[f"{build}_queries_{name}"] = probes[build]["queries"][name]
    step(f"baseline {BASELINE} against this tree, interleaved")
    modes = {**CPU_SITES, "cached": {}}
    errors = 0
    best: dict[tuple[str, str, str], dict] = {}
    least: dict[str, dict[tuple[str, str], dict]] = {build: {} for build in BUILDS}
    with contextlib.ExitStack() as stack:
        sites = {
            (build, mode): stack.enter_context(Site(envs[build], extra, roots[build]))
            for build in BUILDS
            for mode, extra in modes.items()
        }
        for build in BUILDS:
            url = probes[build]["urls"]["article"]
            sites[build, "cached"].get(url)
            _, headers, _ = sites[build, "cached"].get(url)
            figures[f"{build}_article_second_get"] = headers.get("X-Wagtail-Cache")
        for _ in range(ROUNDS):
            for mode, name in COMPARED:
                for build in BUILDS:
                    urls = {**probes[build]["urls"], "bare": "/bench/bare/"}
                    site = sites[build, mode]
                    # Uncached articles in turn, 300 of them: no page reused.
                    if mode == "cached":
                        site.get(urls[name])
                        result = wrk_cpu(site, urls[name])
                    else:
                        result = measure_cpu(site, name, urls, articles[build])
                    errors += failures(result)
                    best_of(best, (build, mode, name), result)
                    kept = least[build].get((mode, name))
                    if kept is None or result["cpu_ms"] < kept["cpu_ms"]:
                        least[build][mode, name] = result
    for (build, mode, name), result in best.items():
        figures[f"{build}_{mode}_{name}_rps"] = result["rps"]
    for build in BUILDS:
        figures.update(cpu_ratios(least[build], prefix=f"{build}_"))
    figures["baseline_failed_requests"] = errors
    return figures


def baseline_table(figures: dict) -> list[str]:
    """Baseline against this tree, as measured in this run; the ratio is this
    tree's figure over the baseline's."""
    width = 28
    lines = [
        f"baseline {BASELINE} vs this tree".ljust(width)
        + "".join(head.rjust(12) for head in ("baseline", "this tree", "ratio"))
    ]
    rows = [(f"{mode} {name} req/s", f"{mode}_{name}_rps") for mode, name in COMPARED]
    rows += [
        (
            f"{CPU_LABELS[site]} {page} CPU÷bare",
            f"{CPU_LABELS[site]}_{page}_cpu_vs_bare",
        )
        for site, page in CPU_PAGES
    ]
    rows += [
        (f"queries {name}", f"queries_{name}") for name in (*PROBE_PAGES, *FIRST_VISITS)
    ]
    for label, key in rows:
        base, this = figures[f"baseline_{key}"], figures[f"this_{key}"]
        ratio = f"{this / base:.2f}" if base else "-"
        cells = "".join(f"{cell}".rjust(12) for cell in (base, this, ratio))
        lines.append(label.ljust(width) + cells)
    lines.append(f"failed requests: {figures['baseline_failed_requests']}")
    return lines


def uncached_table(figures: dict) -> list[str]:
    """Uncached req/s and SQL queries per page, the normal build against each
    build without one of its pieces, as measured in this run."""
    width = 24
    lines = [
        "uncached req/s (queries)".ljust(width)
        + "".join(name.rjust(16) for name in UNCACHED_PAGES)
    ]
    for variant, label in (("uncached", "normal build"), *WITHOUT_LABELS.items()):
        cells = []
        for name in UNCACHED_PAGES:
            rps = figures[f"{variant}_{name}_rps"]
            queries = figures[f"queries_{variant}_{name}_n{ARTICLES}"]
            cells.append(f"{rps} ({queries})".rjust(16))
        lines.append(label.ljust(width) + "".join(cells))
    return lines


if __name__ == "__main__" and sys.argv[1:] == ["probe"]:
    probe()
