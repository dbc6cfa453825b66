"""The production stack: Varnish in front of two gunicorn nodes, side by side.

Everything on loopback in one run (tests.stack_support): a fresh PostgreSQL
database on 127.0.0.1 (``BENCH_DATABASE`` + ``_stack_`` + a suffix, dropped
afterwards) migrated and seeded by ``manage.py``, a private redis-server,
two gunicorn nodes with the bench settings (production plus the bare views
of tests.bench.urls) and varnishd with the repository's VCL balancing both.
wrk (Debian) drives bounded load from its own process; nothing is asserted.

Figures:
- an article through Varnish (a hit) ÷ Django's own ``cache_page`` of the
  same bytes on a node (the ceiling of a cached page in Django), best of
  interleaved rounds; the page cache's own hit on a node beside them;
- uncached articles (every request a new URL, so a miss in Varnish and in
  the page cache) through a Varnish balancing one node and one balancing two;
- publish → first fresh response through Varnish: an editor's publish on
  node A (the admin's own form, signed in), then GETs through Varnish until
  the new title shows; p50 and max over ``BENCH_PUBLISHES``;
- stale responses while ``BENCH_STALE_PUBLISHES`` publishes run under
  reader load: a reader's response is stale when it began after a publish
  had returned and shows an older version;
- readers' errors through Varnish (wrk: non-2xx/3xx and socket errors) while
  node A is killed (SIGKILL) and Redis restarted mid-run, and the same
  readers' errors on node B directly while Redis restarts;
- publish under load (``load``): for each build of ``LOAD_BUILDS``, two
  nodes of their own on the same database and Redis; wrk on 20 URLs of the
  reader node directly (homes, sections and articles, ru and kk) for
  ``BENCH_LOAD_SECONDS``, first without publishes (steady state), then while
  an editor publishes on the other node once a second: p99 of each, their
  ratio and the errors.

Environment: BENCH_ARTICLES (300), BENCH_SECONDS (10), BENCH_CONNECTIONS (8),
BENCH_WORKERS (2), BENCH_DATABASE (benchdb), BENCH_PUBLISHES (20),
BENCH_STALE_PUBLISHES (200), BENCH_OUTAGE_SECONDS (30),
BENCH_OUTAGE_MISS_CONNECTIONS (1), BENCH_LOAD_SECONDS (30),
BENCH_STACK_PARTS (cached,nodes,publish,outage,load).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests

from tests.bench import pages
from tests.stack_support import (
    Browser,
    Node,
    ReaderThreads,
    Stack,
    collect_static,
    get,
    news_form,
    running_stack,
)
from tests.varnish_support import VARNISHD

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "300"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE = os.environ.get("BENCH_DATABASE", "benchdb")
PUBLISHES = int(os.environ.get("BENCH_PUBLISHES", "20"))
STALE_PUBLISHES = int(os.environ.get("BENCH_STALE_PUBLISHES", "200"))
OUTAGE_SECONDS = int(os.environ.get("BENCH_OUTAGE_SECONDS", "30"))
#: Connections asking for new URLs during the outage (each a render on a node).
OUTAGE_MISS_CONNECTIONS = int(os.environ.get("BENCH_OUTAGE_MISS_CONNECTIONS", "1"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
PARTS = ("cached", "nodes", "publish", "outage", "load")
ONLY = [p for p in os.environ.get("BENCH_STACK_PARTS", ",".join(PARTS)).split(",") if p]
ROUNDS = 3
SECTION = "/ru/novosti/"
SLUG = "bench-versii"
VERSION = re.compile(r"Версия (\d{5})")
# Varnish is asked as readers ask the public site: no port in Host (on :80),
# or Django keeps nothing for it to share (core.caching.keys.cache_host).
PUBLIC_HOST = "localhost"


@dataclass
class Endpoint:
    """Something wrk can be pointed at (tests.bench.pages.wrk), and the Host
    its readers send (None: the address's own)."""

    base: str
    host: str | None = None

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str) -> requests.Response:
        return get(self.url(path), **({"Host": self.host} if self.host else {}))

    def wrk(self, path: str, **options) -> dict:
        return pages.wrk(self, path, seconds=SECONDS, host=self.host, **options)


def front(varnish) -> Endpoint:
    return Endpoint(varnish.url, PUBLIC_HOST)


def step(message: str) -> None:
    print(f"  stack: {message}", file=sys.stderr, flush=True)


def run() -> dict:
    for tool, how in (("wrk", "`make bench` installs it (apt)"),):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: {how}.")
    if not Path(VARNISHD).exists():
        raise RuntimeError("varnishd is missing: `make varnish` installs it (apt).")
    figures: dict = {
        "articles_per_language": ARTICLES,
        "gunicorn_workers_per_node": WORKERS,
        "wrk_connections": pages.CONNECTIONS,
        "seconds_per_run": SECONDS,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="kmpress-stack-") as temporary:
        workdir = Path(temporary)
        body = workdir / "article.html"
        step("static files, database, seeding, two nodes and Varnish")
        collect_static(workdir / "static")
        with running_stack(
            workdir,
            workdir / "static",
            varnish=True,
            articles=ARTICLES,
            database_server=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            workers=WORKERS,
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            # The probe renders with Django's test client (Host: testserver).
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            BENCH_BARE_BODY=str(body),
            BENCH_BODY_OUT=str(body),
        ) as stack:
            step("probe: URLs and an article's bytes")
            probe = pages.probe_site(stack.env)
            if "cached" in ONLY:
                figures.update(cached(stack, probe["urls"]["article"]))
            if "nodes" in ONLY:
                figures.update(one_node_against_two(stack, probe["articles"], workdir))
            if "publish" in ONLY:
                editor = Browser(stack.nodes[0].base).log_in()
                page_id = publish_first_version(stack, editor)
                figures.update(publish_to_fresh(stack, editor, page_id))
                figures.update(stale_under_load(stack, editor, page_id))
            if "load" in ONLY:
                figures.update(publish_under_load(stack, probe, workdir))
            if "outage" in ONLY:
                figures.update(outage(stack, probe, workdir))
    print("\n".join(table(figures)))
    return figures


# --- cached: Varnish against Django's ceiling ---------------------------------


def cached(stack: Stack, article: str) -> dict:
    step("article through Varnish (hit) against cache_page on a node")
    varnish = front(stack.varnish)
    node = Endpoint(stack.nodes[0].base)
    for _ in range(2):
        varnish.get(article)
        node.get(article)
        node.get("/bench/bare-cached/")
    hit = varnish.get(article)
    runs: dict[str, dict] = {}
    for _ in range(ROUNDS):
        pages.best_of(runs, "varnish", varnish.wrk(article))
        pages.best_of(runs, "bare", node.wrk("/bench/bare-cached/"))
        pages.best_of(runs, "page_cache", node.wrk(article))
    return {
        "varnish_hit_confirmed": len(hit.headers.get("X-Varnish", "").split()) == 2,
        "varnish_article_rps": runs["varnish"]["rps"],
        "varnish_article_p99_ms": runs["varnish"]["p99_ms"],
        "bare_cache_page_rps": runs["bare"]["rps"],
        "page_cache_article_rps": runs["page_cache"]["rps"],
        "varnish_vs_bare_cache_page": round(
            runs["varnish"]["rps"] / runs["bare"]["rps"], 2
        ),
        "cached_failed_requests": pages.failures(*runs.values()),
    }


# --- uncached: one node against two -----------------------------------------


def one_node_against_two(stack: Stack, articles: list[str], workdir: Path) -> dict:
    """New URLs every request, so Varnish and the page cache both miss."""
    step("uncached articles through Varnish: one node, then two")
    listing = workdir / "articles.txt"
    listing.write_text("\n".join(articles) + "\n")
    fronts = {
        "one_node": front(stack.varnish_for(stack.nodes[:1])),
        "two_nodes": front(stack.varnish),
    }
    runs: dict[str, dict] = {}
    for _ in range(ROUNDS):
        for name, endpoint in fronts.items():
            result = endpoint.wrk("/", paths=listing, unique=True)
            pages.best_of(runs, name, result)
    return {
        "uncached_article_one_node_rps": runs["one_node"]["rps"],
        "uncached_article_two_nodes_rps": runs["two_nodes"]["rps"],
        "uncached_article_two_nodes_vs_one": round(
            runs["two_nodes"]["rps"] / runs["one_node"]["rps"], 2
        ),
        "uncached_failed_requests": pages.failures(*runs.values()),
    }


# --- publishing --------------------------------------------------------------


def article_form(version: int) -> dict:
    return news_form(f"Версия {version:05d}", SLUG)


def publish(stack: Stack, editor: Browser, page_id: int, version: int) -> float:
    """One edit published on node A; returns when the admin answered."""
    answer = editor.post_form(f"/admin/pages/{page_id}/edit/", article_form(version))
    if answer.status_code != 302:
        raise RuntimeError(f"publish {version}: {answer.status_code}")
    return time.monotonic()


def publish_first_version(stack: Stack, editor: Browser) -> int:
    found = stack.database.rows(
        "SELECT id FROM wagtailcore_page WHERE url_path LIKE %s", (f"%/{SLUG}/",)
    )
    if found:
        return found[0][0]
    section_id = stack.database.page_id("/novosti/")
    answer = editor.post_form(
        f"/admin/pages/add/news/newspage/{section_id}/", article_form(0)
    )
    if answer.status_code != 302:
        raise RuntimeError(f"the bench article was not published: {answer.status_code}")
    return stack.database.page_id(f"/novosti/{SLUG}/")


def seen_version(html: str) -> int | None:
    found = [int(number) for number in VERSION.findall(html)]
    return max(found) if found else None


def publish_to_fresh(stack: Stack, editor: Browser, page_id: int) -> dict:
    step(f"publish → first fresh response through Varnish, {PUBLISHES} times")
    path = f"{SECTION}{SLUG}/"
    varnish = front(stack.varnish)
    since_return, since_click, polls = [], [], []
    for version in range(1, PUBLISHES + 1):
        varnish.get(path)  # held by Varnish before the change
        clicked = time.monotonic()
        returned = publish(stack, editor, page_id, version)
        attempts = 1
        while seen_version(varnish.get(path).text) != version:
            if attempts >= 200:
                break
            attempts += 1
            time.sleep(0.05)
        fresh = time.monotonic()
        since_return.append(fresh - returned)
        since_click.append(fresh - clicked)
        polls.append(attempts)
    return {
        "publish_to_fresh_p50_ms": ms(statistics.median(since_return)),
        "publish_to_fresh_max_ms": ms(max(since_return)),
        "click_to_fresh_p50_ms": ms(statistics.median(since_click)),
        "click_to_fresh_max_ms": ms(max(since_click)),
        "publishes_fresh_at_first_get": polls.count(1),
        "publishes_timed": PUBLISHES,
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


class VersionReaders(ReaderThreads):
    """Threads reading the article and its section through Varnish; each
    response noted with when its request began and the version it showed."""

    def __init__(self, endpoint: Endpoint, paths: list[str], threads: int = 3):
        super().__init__(threads, seconds=1800)
        self.endpoint, self.paths = endpoint, paths
        self.seen: list[tuple[float, int | None, int]] = []

    def read_once(self, number: int) -> None:
        began = time.monotonic()
        try:
            answer = self.endpoint.get(self.paths[number % len(self.paths)])
            note = (began, seen_version(answer.text), answer.status_code)
        except requests.RequestException:
            note = (began, None, 0)
        with self.lock:
            self.seen.append(note)


def stale_under_load(stack: Stack, editor: Browser, page_id: int) -> dict:
    step(f"{STALE_PUBLISHES} publishes under reader load through Varnish")
    paths = [f"{SECTION}{SLUG}/", SECTION]
    returned: list[tuple[float, int]] = []
    started = time.monotonic()
    with VersionReaders(front(stack.varnish), paths) as readers:
        for version in range(PUBLISHES + 1, PUBLISHES + STALE_PUBLISHES + 1):
            returned.append((publish(stack, editor, page_id, version), version))
    elapsed = time.monotonic() - started
    stale = errors = checked = 0
    for began, version, status in readers.seen:
        errors += status != 200
        if version is None:
            continue  # the article not on that page: nothing to compare
        checked += 1
        owed = max((v for at, v in returned if at < began), default=PUBLISHES)
        stale += version < owed
    return {
        "stale_run_publishes": STALE_PUBLISHES,
        "stale_run_reads": len(readers.seen),
        "stale_run_reads_checked": checked,
        "stale_run_seconds": round(elapsed, 1),
        "stale_responses": stale,
        "stale_run_reader_errors": errors,
    }


# --- publish under load ----------------------------------------------------------

#: Builds measured under publishes (extra environment of each): as before
#: issue 18, with the single flight alone, and as built.
LOAD_BUILDS: dict[str, dict[str, str]] = {
    "before": {"PAGE_CACHE_REFILL_WAIT": "0", "BENCH_SHARED_BUMPS": "1"},
    "single_flight_only": {"BENCH_SHARED_BUMPS": "1"},
    "as_built": {},
}


def load_paths(probe: dict) -> list[str]:
    """20 URLs readers read: both homes, two sections and seven articles per
    language."""
    mix = probe["mix"]
    homes = [path for path in mix if path.count("/") == 2]
    chosen = list(homes)
    for language in ("ru", "kk"):
        ours = [path for path in mix if path.startswith(f"/{language}/")]
        sections = [path for path in ours if path not in probe["articles"]]
        articles = [path for path in ours if path in probe["articles"]]
        chosen += [p for p in sections if p not in homes][:2] + articles[:7]
    return chosen


class Publisher(threading.Thread):
    """An editor publishing the bench article on ``stack``'s node B once a
    second (the admin's own form) until stopped; counts publishes and errors."""

    def __init__(self, stack: Stack, editor: Browser, page_id: int, first: int):
        super().__init__(daemon=True)
        self.stack, self.editor, self.page_id = stack, editor, page_id
        self.version = first
        self.stopped = threading.Event()
        self.done = self.failed = 0

    def run(self) -> None:
        began = time.monotonic()
        while not self.stopped.is_set():
            self.version += 1
            try:
                publish(self.stack, self.editor, self.page_id, self.version)
                self.done += 1
            except (RuntimeError, requests.RequestException):
                self.failed += 1
            next_at = began + self.done + self.failed
            self.stopped.wait(max(0.0, next_at - time.monotonic()))


def publish_under_load(stack: Stack, probe: dict, workdir: Path) -> dict:
    """Per build, a reader node and an editor's node of their own (same
    database and Redis): wrk on the reader node, steady, then while the
    editor publishes once a second on the other."""
    paths = load_paths(probe)
    listing = workdir / "load.txt"
    listing.write_text("\n".join(paths) + "\n")
    version = 10_000
    figures: dict = {"load_urls": len(paths), "load_seconds": LOAD_SECONDS}
    for build, extra in LOAD_BUILDS.items():
        step(f"{build}: {LOAD_SECONDS} s steady, {LOAD_SECONDS} s with publishes")
        nodes = [
            Node(stack.env | extra, workdir / f"load-{build}-{n}.log").start()
            for n in ("reader", "editor")
        ]
        try:
            editor = Browser(nodes[1].base).log_in()
            page_id = publish_first_version(stack, editor)
            reader = Endpoint(nodes[0].base)
            for path in paths:
                reader.get(path)
            steady = pages.wrk(reader, "/", seconds=LOAD_SECONDS, paths=listing)
            publisher = Publisher(stack, editor, page_id, version)
            publisher.start()
            loaded = pages.wrk(reader, "/", seconds=LOAD_SECONDS, paths=listing)
            publisher.stopped.set()
            publisher.join(timeout=60)
            version = publisher.version
        finally:
            for node in nodes:
                node.stop()
        figures |= {
            f"load_{build}_steady_rps": steady["rps"],
            f"load_{build}_steady_p99_ms": steady["p99_ms"],
            f"load_{build}_publishing_rps": loaded["rps"],
            f"load_{build}_publishing_p99_ms": loaded["p99_ms"],
            f"load_{build}_p99_ratio": round(loaded["p99_ms"] / steady["p99_ms"], 1),
            f"load_{build}_publishes": publisher.done,
            f"load_{build}_publish_errors": publisher.failed,
            f"load_{build}_errors": pages.failures(steady, loaded),
        }
    return figures


# --- a node killed, Redis restarted ---------------------------------------------


def outage(stack: Stack, probe: dict, workdir: Path) -> dict:
    """wrk through Varnish (cached pages and misses) and on node B directly;
    node A killed at a third of the run, Redis restarted at two thirds."""
    step(f"{OUTAGE_SECONDS} s of readers: node A killed, then Redis restarted")
    mix = workdir / "mix.txt"
    mix.write_text("\n".join(probe["mix"]) + "\n")
    articles = workdir / "outage-articles.txt"
    articles.write_text("\n".join(probe["articles"]) + "\n")
    for path in probe["mix"]:
        front(stack.varnish).get(path)  # what readers read is in Varnish
    misses = {"paths": articles, "unique": True}
    runs = {
        "varnish_cached": (front(stack.varnish), {"paths": mix}),
        # New URLs at a pace the one node left can render: a saturated node
        # answers Varnish's probe too late and is dropped (see the README).
        "varnish_misses": (
            front(stack.varnish),
            misses | {"connections": OUTAGE_MISS_CONNECTIONS},
        ),
        "node_b_direct": (Endpoint(stack.nodes[1].base), {"paths": mix}),
    }
    results: dict[str, dict] = {}

    def drive(name: str) -> None:
        endpoint, options = runs[name]
        results[name] = pages.wrk(
            endpoint, "/", seconds=OUTAGE_SECONDS, host=endpoint.host, **options
        )

    threads = [threading.Thread(target=drive, args=(name,)) for name in runs]
    for thread in threads:
        thread.start()
    time.sleep(OUTAGE_SECONDS / 3)
    stack.nodes[0].kill()
    time.sleep(OUTAGE_SECONDS / 3)
    stack.restart_redis()
    for thread in threads:
        thread.join(timeout=OUTAGE_SECONDS + 60)
    figures = {"outage_seconds": OUTAGE_SECONDS}
    for name, result in results.items():
        figures[f"outage_{name}_requests"] = result["requests"]
        figures[f"outage_{name}_errors"] = pages.failures(result)
    figures["outage_errors_through_varnish"] = (
        figures["outage_varnish_cached_errors"]
        + figures["outage_varnish_misses_errors"]
    )
    return figures


def table(figures: dict) -> list[str]:
    rows = [
        ("article via Varnish (hit), req/s", "varnish_article_rps"),
        ("Django cache_page ceiling, req/s", "bare_cache_page_rps"),
        ("  ratio (goal ≥ 5)", "varnish_vs_bare_cache_page"),
        ("page cache hit on a node, req/s", "page_cache_article_rps"),
        ("uncached article, 1 node, req/s", "uncached_article_one_node_rps"),
        ("uncached article, 2 nodes, req/s", "uncached_article_two_nodes_rps"),
        ("  ratio", "uncached_article_two_nodes_vs_one"),
        ("publish → fresh via Varnish p50 ms", "publish_to_fresh_p50_ms"),
        ("publish → fresh via Varnish max ms", "publish_to_fresh_max_ms"),
        ("stale responses (goal 0)", "stale_responses"),
        ("  of reads / publishes", "stale_run_reads"),
        ("errors via Varnish, outage (goal 0)", "outage_errors_through_varnish"),
        ("errors on node B direct, outage", "outage_node_b_direct_errors"),
    ]
    for build in LOAD_BUILDS:
        rows += [
            (f"{build}: steady p99 ms", f"load_{build}_steady_p99_ms"),
            (f"{build}: publishing p99 ms", f"load_{build}_publishing_p99_ms"),
            ("  ratio (goal ≤ 3)", f"load_{build}_p99_ratio"),
            ("  errors (goal 0)", f"load_{build}_errors"),
        ]
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [f"stack benchmark {stamp} ({os.cpu_count()} CPUs, loopback)"]
    lines += [f"{label:<40}{figures.get(key, '-')!s:>12}" for label, key in rows]
    return lines
