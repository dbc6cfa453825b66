"""Search: recall on inflected queries (ours vs. analyser-less) and latency at scale.

* **Recall**, per language, on ``EVALUATION``: inflected queries, each naming
  the demo article (``demo/data``) it must find, whose exact word form
  does not occur in that article (checked before measuring). Measured on a
  fresh SQLite database with the demo newspaper, through Wagtail's database
  backend, twice in one run: with kmpress's analysis and with
  ``KMPRESS_SEARCH_ANALYSIS = "plain"`` (lower-cased words, no stemming, no
  folding) after ``update_index``: the analyser-less baseline.
  The same sets typed in Latin letters (``LATIN_SETS``: the slug spelling for
  both languages, the 2021 alphabet for Kazakh) give ``recall_…_latin_…`` and
  their ratio to the Cyrillic recall, ``latin_recall_ratio_…``.
* **Latency**: p50/p95 of ``GET /ru/search/?q=…`` and ``/kk/search/`` (the
  whole page: count, first page, sections, excerpts, promotions, template) on
  PostgreSQL with ``seed_demo --articles N`` (N = ``BENCH_SEARCH_ARTICLES``,
  default 10000 per language) in a database of its own
  (``BENCH_SEARCH_DATABASE_URL``, default ``…/searchbench``). Seeding runs only
  when the database has fewer synthetic articles than N; it takes minutes.
  ``seed_demo``'s filler draws on some forty words, so nearly every query
  matches thousands of articles: the figures named ``pg_…`` are that
  worst case, split into selective and broad queries.
* **Latency on a realistic corpus** (``pg_zipf_…``): a copy of that database
  (``…_zipf``, made once and reused) whose synthetic articles are rewritten
  from a Zipf-distributed vocabulary: every word form of the demo newspaper's
  own Russian and Kazakh text (``demo/data``, about 1,700 forms per
  language), ranked by frequency there, drawn with weight 1/rank^1.5, about 190
  words an article. Query selectivity then resembles a newspaper's: common
  words in many articles, most words in few. Same queries, same requests.

* **Served** (``serve_…``): both corpora through gunicorn (``WORKERS``
  workers, the production settings of ``tests.bench.settings``, a private
  redis-server), ``ROTATION``'s 30 ru/kk queries in turn: sequential p50/p95
  over HTTP, then req/s under wrk (``tests.bench.pages``), best of ``ROUNDS``.
  With ``BENCH_BASELINE=<git rev>`` that revision's checkout (a temporary git
  worktree) serves the same databases beside this tree, interleaved, and
  ``serve_…_ratio`` is this tree's figure over the baseline's.

Each part runs in a subprocess with its own ``DATABASE_URL``.
``BENCH_SEARCH_PARTS`` (default ``recall,latency,serve``) picks parts; the
databases are seeded whichever are picked.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from tests.bench.pages import (
    BASELINE,
    Site,
    bench_env,
    best_of,
    checkout,
    failures,
    timed_gets,
    wrk,
)
from tests.embedded import ROOT, RedisServer, manage, without_services

ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "10000"))
PG_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/searchbench"
)
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
SETTINGS = "site_project.settings.test"
PARTS = os.environ.get("BENCH_SEARCH_PARTS", "recall,latency,serve").split(",")

#: (query, demo article key). The query's words never occur as such in the
#: article: each is another inflection of one of its words.
EVALUATION: dict[str, list[tuple[str, str]]] = {
    "ru": [
        ("итогам", "nine-months-results"),
        ("хризотилом", "nine-months-results"),
        ("месячнике", "safety-month"),
        ("травмами", "safety-month"),
        ("предписания", "safety-month"),
        ("детским садам", "kindergarten-furniture"),
        ("мебелью", "kindergarten-furniture"),
        ("спартакиадой", "city-spartakiad"),
        ("династией", "abdrakhmanov-dynasty"),
        ("Абдрахмановы", "abdrakhmanov-dynasty"),
        ("экскаваторы", "excavator-operator-petrenko"),
        ("терпением", "excavator-operator-petrenko"),
        ("выпускникам колледжей", "college-graduates"),
        ("наставники", "college-graduates"),
        ("специалистами", "young-specialists-forum"),
        ("победителем", "young-specialists-forum"),
        ("батарея", "heating-sixth-district"),
        ("микрорайоны", "heating-sixth-district"),
        ("палатками", "how-the-combine-began"),
        ("посёлки горняками", "city-grown-from-quarry"),
        ("девяностых", "nineties-survival"),
        ("модернизацией", "interview-technical-director"),
        ("рекультивацией", "interview-ecologist"),
        ("БелАЗы", "interview-belaz-veteran"),
        ("конвейеры", "new-main-conveyor"),
        ("пушками", "fog-cannons-dust"),
        ("рекорды", "factory-3-record"),
        ("буранами", "quarry-winter-ready"),
        ("шинами", "quarry-winter-ready"),
    ],
    "kk": [
        ("хризотилді", "nine-months-results"),
        ("жарақаттар", "safety-month"),
        ("нұсқамалар", "safety-month"),
        ("балабақшада", "kindergarten-furniture"),
        ("жиһаздың", "kindergarten-furniture"),
        ("спартакиаданың", "city-spartakiad"),
        ("әулетінің", "abdrakhmanov-dynasty"),
        ("экскаваторлар", "excavator-operator-petrenko"),
        ("колледждер", "college-graduates"),
        ("түлектерге", "college-graduates"),
        ("тәлімгерлер", "college-graduates"),
        ("мамандарға", "young-specialists-forum"),
        ("жеңімпаздарға", "young-specialists-forum"),
        ("батареялары", "heating-sixth-district"),
        ("жатақханада", "heating-sixth-district"),
        ("шұңқырлардың", "road-to-industrial-site"),
        ("шатырларда", "how-the-combine-began"),
        ("геологтардың", "how-the-combine-began"),
        ("ардагерлерге", "nineties-survival"),
        ("ұжымның", "nineties-survival"),
        ("директорымен", "interview-technical-director"),
        ("үйінділер", "interview-ecologist"),
        ("жүргізушілер", "interview-belaz-veteran"),
        ("конвейерлер", "new-main-conveyor"),
        ("зеңбірегі", "fog-cannons-dust"),
        ("рекордтар", "factory-3-record"),
        ("шиналары", "quarry-winter-ready"),
        ("бригадаларға", "quarry-winter-ready"),
    ],
    # Kazakh typed on a Russian keyboard: look-alike letters (а for ә, к for қ…).
    "kk_russian_keyboard": [
        ("жаракаттар", "safety-month"),
        ("балабакшада", "kindergarten-furniture"),
        ("жиhаздын", "kindergarten-furniture"),
        ("жихаздын", "kindergarten-furniture"),
        ("аулетинин", "abdrakhmanov-dynasty"),
        ("тулектерге", "college-graduates"),
        ("талимгерлер", "college-graduates"),
        ("женимпаздар", "young-specialists-forum"),
        ("шункырлар", "road-to-industrial-site"),
        ("ужымнын", "nineties-survival"),
        ("уйиндилер", "interview-ecologist"),
        ("жургизушилер", "interview-belaz-veteran"),
        ("зенбиректер", "fog-cannons-dust"),
    ],
}

#: The Cyrillic sets typed in Latin letters, each query transliterated by the
#: slug table (``to_ascii``: sh, zh, kh, ng, ts, ya…, the informal spelling) and,
#: for Kazakh, by the 2021 alphabet (``to_latin``: q, ñ, ş, ı, ū…). Their recall
#: is also given as a ratio of the Cyrillic set's (``latin_recall_ratio_…``).
LATIN_SETS = {
    "ru_latin": ("ru", "to_ascii"),
    "kk_latin_2021": ("kk", "to_latin"),
    "kk_latin_ascii": ("kk", "to_ascii"),
}


def latin_evaluation() -> dict[str, list[tuple[str, str]]]:
    import linguistics

    return {
        name: [
            (getattr(linguistics, spelling)(query), key)
            for query, key in EVALUATION[source]
        ]
        for name, (source, spelling) in LATIN_SETS.items()
    }


#: Extra latency queries: frequent words that match thousands of articles.
FREQUENT = {
    "ru": ["комбинат", "карьер смена", "профессии", "молодые специалисты", "техника"],
    "kk": ["комбинат", "карьер ауысым", "мамандықтар", "жас мамандар", "техника"],
}

#: The served benchmark's 30 queries, in turn: per language the frequent five
#: and every third inflected query of ``EVALUATION`` (ten).
ROTATION = {
    language: FREQUENT[language]
    + [query for query, _key in EVALUATION[language][::3]][:10]
    for language in ("ru", "kk")
}


# --- the parent: runs the parts in subprocesses -------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = without_services()
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database_url)
    return env


def _part(name: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.bench.search", name],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _postgres(url: str):
    """An autocommit connection to the server's maintenance database."""
    import psycopg

    return psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True)


def _ensure_postgres_database(url: str, template: str | None = None) -> None:
    """Creates the database when missing, as a copy of ``template``'s if named."""
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with _postgres(url) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(
                sql.Identifier(template.rsplit("/", 1)[1])
            )
        connection.execute(statement)


def _drop_database(url: str) -> None:
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with _postgres(url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        )


def run() -> dict:
    figures: dict = {}
    if "recall" in PARTS:
        figures.update(_recall_on_sqlite())

    _ensure_postgres_database(PG_URL)
    env = _env(PG_URL) | {"MEDIA_ROOT": str(ROOT / "tests" / ".media")}
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo", "-v0")
    existing = int(_part("count", env)["synthetic_per_language"])
    if existing < ARTICLES:
        started = time.perf_counter()
        more = str(ARTICLES - existing)  # minutes at 10,000: no time limit
        manage(env, "seed_demo", "--articles", more, capture_output=True, timeout=None)
        figures["pg_seed_seconds"] = round(time.perf_counter() - started, 1)
    if "latency" in PARTS:
        figures.update(_part("latency", env))

    # The realistic corpus: a copy of the seeded database, rewritten once.
    zipf_env = _env(f"{PG_URL}_zipf") | {"MEDIA_ROOT": env["MEDIA_ROOT"]}
    _ensure_postgres_database(zipf_env["DATABASE_URL"], template=PG_URL)
    if int(_part("count", zipf_env)["synthetic_per_language"]) < ARTICLES:
        _drop_database(zipf_env["DATABASE_URL"])  # copied from a smaller seeding
        _ensure_postgres_database(zipf_env["DATABASE_URL"], template=PG_URL)
    manage(zipf_env, "migrate", "-v0")
    started = time.perf_counter()
    rewritten = _part("zipf", zipf_env)["rewritten"]
    if rewritten:
        figures["pg_zipf_rewrite_seconds"] = round(time.perf_counter() - started, 1)
    if "latency" in PARTS:
        figures.update(
            {
                f"pg_zipf_{key[3:]}": value
                for key, value in _part("latency", zipf_env).items()
                if key.startswith("pg_")
            }
        )
    if "serve" in PARTS:
        figures.update(
            served({"pg": env["DATABASE_URL"], "pg_zipf": zipf_env["DATABASE_URL"]})
        )
        print("\n".join(served_table(figures)))
    return figures


def _recall_on_sqlite() -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        env = _env(f"sqlite:///{workdir}/db.sqlite3") | {"MEDIA_ROOT": workdir}
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo", "-v0")
        return _part("recall", env)


# --- served: gunicorn, this tree and BENCH_BASELINE's -------------------------


def _rotation_paths() -> list[str]:
    return [
        f"/{language}/search/?{urllib.parse.urlencode({'q': query})}"
        for language, queries in ROTATION.items()
        for query in queries
    ]


def _builds(stack: contextlib.ExitStack, workdir: Path) -> dict[str, tuple]:
    """(root, environment) of this tree and, with BENCH_BASELINE, of that
    revision's checkout: production settings, a private redis-server each,
    static files collected."""
    roots = {"this": ROOT}
    if BASELINE:
        roots["baseline"] = stack.enter_context(checkout(BASELINE, workdir))
    builds = {}
    for build, root in roots.items():
        redis = RedisServer()
        stack.callback(redis.stop)
        redis.start()
        env = bench_env(workdir / build) | {
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "MEDIA_ROOT": str(ROOT / "tests" / ".media"),
            "PYTHONPATH": str(root),
        }
        manage(env, "collectstatic", "--noinput", "-v0", cwd=root)
        builds[build] = (root, env)
    return builds


def _measure(sites: dict[str, Site], paths: list[str], listing: Path) -> tuple:
    """Per build: sequential timings of every round, the best wrk round, and
    the failed requests of all."""
    timings: dict[str, list[float]] = {build: [] for build in sites}
    best: dict = {}
    errors = 0
    for site in sites.values():
        timed_gets(site, paths)  # warm-up: both workers, every query
        timed_gets(site, paths)
    for _round in range(ROUNDS):
        for build, site in sites.items():
            timings[build] += timed_gets(site, paths)
            result = wrk(site, "/", paths=listing)
            errors += failures(result)
            best_of(best, build, result)
    return timings, best, errors


def served(databases: dict[str, str]) -> dict:
    """Sequential latency and wrk throughput of the search page per corpus and
    build, rounds interleaved, best round's req/s of each."""
    paths = _rotation_paths()
    figures: dict = {"serve_queries": len(paths), "serve_baseline": BASELINE or None}
    with (
        tempfile.TemporaryDirectory(prefix="kmpress-search-") as temporary,
        contextlib.ExitStack() as stack,
    ):
        workdir = Path(temporary)
        builds = _builds(stack, workdir)
        listing = workdir / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        for corpus, url in databases.items():
            with contextlib.ExitStack() as running:
                sites = {
                    build: running.enter_context(
                        Site(env | {"DATABASE_URL": url}, root=root)
                    )
                    for build, (root, env) in builds.items()
                }
                timings, best, errors = _measure(sites, paths, listing)
            for build in sites:
                prefix = f"serve_{corpus}_{build}"
                figures[f"{prefix}_p50_ms"] = round(
                    statistics.median(timings[build]), 1
                )
                figures[f"{prefix}_p95_ms"] = round(_p95(timings[build]), 1)
                figures[f"{prefix}_rps"] = best[build]["rps"]
                figures[f"{prefix}_p99_ms_under_load"] = best[build]["p99_ms"]
            if "baseline" in sites:
                for figure in ("p50_ms", "p95_ms", "rps"):
                    this = figures[f"serve_{corpus}_this_{figure}"]
                    base = figures[f"serve_{corpus}_baseline_{figure}"]
                    figures[f"serve_{corpus}_{figure}_ratio"] = round(this / base, 2)
            figures[f"serve_{corpus}_failed_requests"] = errors
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    return figures


def served_table(figures: dict) -> list[str]:
    """The served figures per corpus and build; ratio = this tree ÷ baseline."""
    lines = ["served search (30 queries)      p50 ms   p95 ms    req/s"]
    for corpus in ("pg", "pg_zipf"):
        for build in ("baseline", "this"):
            prefix = f"serve_{corpus}_{build}"
            if f"{prefix}_rps" not in figures:
                continue
            cells = (
                figures[f"{prefix}_{figure}"] for figure in ("p50_ms", "p95_ms", "rps")
            )
            lines.append(
                f"{corpus} {build}".ljust(30) + "".join(f"{c:>9}" for c in cells)
            )
        if f"serve_{corpus}_rps_ratio" in figures:
            cells = (
                figures[f"serve_{corpus}_{figure}_ratio"]
                for figure in ("p50_ms", "p95_ms", "rps")
            )
            lines.append(
                f"{corpus} this ÷ baseline".ljust(30)
                + "".join(f"{c:>9}" for c in cells)
            )
    return lines


# --- the parts: run inside Django ----------------------------------------------


def _article(key: str, language: str):
    from demo.management.commands.seed_demo import demo_key
    from news.models import ArticlePage

    return ArticlePage.objects.get(
        translation_key=demo_key(f"article:{key}"), locale__language_code=language
    ).specific


def _check_evaluation() -> None:
    """Every query word is absent, as typed, from the article it must find."""
    from linguistics import tokenize

    offenders = []
    for name, pairs in EVALUATION.items():
        language = name[:2]
        for query, key in pairs:
            article = _article(key, language)
            words = set(tokenize(f"{article.title} {article.search_text()}"))
            if set(tokenize(query)) & words:
                offenders.append((name, query, key))
    if offenders:
        raise SystemExit(f"Evaluation queries occur verbatim: {offenders}")


def _ranks(language: str, pairs: list[tuple[str, str]]) -> list[int | None]:
    from wagtail.models import Locale

    from news import selectors
    from search.analysis import analyse_query

    locale = Locale.objects.get(language_code=language)
    ranks = []
    for query, key in pairs:
        target = _article(key, language).pk
        search_query = analyse_query(query, language).search_query()
        found = []
        if search_query is not None:
            results = selectors.searchable_articles(locale=locale).search(search_query)
            found = [article.pk for article in results[:100]]
        ranks.append(found.index(target) + 1 if target in found else None)
    return ranks


def _recall() -> dict:
    from django.core.management import call_command
    from django.test import override_settings

    _check_evaluation()
    figures: dict = {}
    sets = EVALUATION | latin_evaluation()
    for analysis in ("morphology", "plain"):
        with override_settings(KMPRESS_SEARCH_ANALYSIS=analysis):
            call_command("update_index", verbosity=0)
            for name, pairs in sets.items():
                ranks = _ranks(name[:2], pairs)
                found = [rank for rank in ranks if rank is not None]
                figures[f"recall_{name}_{analysis}"] = round(len(found) / len(ranks), 3)
                figures[f"recall_at_10_{name}_{analysis}"] = round(
                    sum(rank <= 10 for rank in found) / len(ranks), 3
                )
                figures[f"queries_{name}"] = len(pairs)
                if analysis == "morphology":
                    figures[f"missed_{name}"] = [
                        query
                        for (query, _key), rank in zip(pairs, ranks, strict=True)
                        if rank is None
                    ]
    for name, (source, _spelling) in LATIN_SETS.items():
        cyrillic = figures[f"recall_{source}_morphology"]
        latin = figures[f"recall_{name}_morphology"]
        figures[f"latin_recall_ratio_{name}"] = round(latin / cyrillic, 3)
    with override_settings(KMPRESS_SEARCH_ANALYSIS="morphology"):
        call_command("update_index", verbosity=0)
    return figures


#: Words of a synthetic article rewritten from the Zipf vocabulary.
ZIPF_SHAPE = {"title": 6, "lead": 20, "paragraphs": 4, "paragraph": 40}
#: Weight 1/rank**ZIPF_EXPONENT. Steeper than running text's ~1 because the
#: vocabulary is a newspaper's head only: at 1 every form would be in hundreds
#: of articles; at 1.5 the first fifty are in nearly every article and most
#: forms in a few dozen, as document frequencies go in a real archive.
ZIPF_EXPONENT = 1.5


def _vocabulary(language: str) -> list[str]:
    """The demo newspaper's word forms in one language, most frequent first."""
    from collections import Counter

    from demo.content import load
    from linguistics import tokenize

    def strings(value):
        if isinstance(value, str):
            yield re.sub(r"<[^>]+>", " ", value)
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from strings(item)

    counts = Counter(
        word
        for article in load().articles
        # An article left untranslated (demo data) has no Kazakh text.
        for text in strings(article.get(language, {}))
        for word in tokenize(text)
        if word.isalpha() and re.search("[а-яё]", word)
    )
    return sorted(counts, key=lambda word: (-counts[word], word))


class ZipfText:
    """Deterministic article text per (article number, language), Zipf-weighted."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.words = _vocabulary(language)
        ranks = range(1, len(self.words) + 1)
        weights = [1 / rank**ZIPF_EXPONENT for rank in ranks]
        self.cumulative = list(itertools.accumulate(weights))

    def sentence(self, rng: random.Random, length: int) -> str:
        words = rng.choices(self.words, cum_weights=self.cumulative, k=length)
        return " ".join(words).capitalize()

    def article(self, number: int) -> dict:
        rng = random.Random(f"kmpress-zipf-{self.language}-{number}")  # noqa: S311
        paragraphs = [
            self.sentence(rng, ZIPF_SHAPE["paragraph"]) + "."
            for _ in range(ZIPF_SHAPE["paragraphs"])
        ]
        return {
            "title": f"{self.sentence(rng, ZIPF_SHAPE['title'])} {number}",
            "lead": self.sentence(rng, ZIPF_SHAPE["lead"]) + ".",
            "paragraphs": paragraphs,
        }


def _zipf() -> dict:
    """Rewrites and reindexes the synthetic articles once; a no-op when done."""
    from django.db import connection, transaction
    from wagtail.rich_text import RichText
    from wagtail.search.backends import get_search_backends

    from news.models import NewsPage

    texts = {language: ZipfText(language) for language in ("ru", "kk")}
    synthetic = NewsPage.objects.filter(slug__startswith="synthetic-")
    last = synthetic.select_related("locale").order_by("-pk").first()
    if (
        last is None
        or last.lead
        == texts[last.locale.language_code].article(int(last.slug[10:]))["lead"]
    ):
        return {"rewritten": 0}
    pks = list(synthetic.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        pages = list(
            NewsPage.objects.filter(pk__in=pks[start : start + 500]).select_related(
                "locale"
            )
        )
        for page in pages:
            text = texts[page.locale.language_code].article(int(page.slug[10:]))
            page.title = page.draft_title = text["title"]
            page.lead = text["lead"]
            page.body = [
                ("paragraph", RichText(f"<p>{paragraph}</p>"))
                for paragraph in text["paragraphs"]
            ]
        with transaction.atomic():
            NewsPage.objects.bulk_update(
                pages, ["title", "draft_title", "lead", "body"]
            )
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(NewsPage, pages)
    with connection.cursor() as cursor:
        # The rewrite left a dead copy of every row: a newspaper's tables are
        # vacuumed (autovacuum), and the planner reads the new text's statistics.
        cursor.execute("VACUUM ANALYZE")
    return {"rewritten": len(pks)}


def _count() -> dict:
    from news.models import NewsPage

    synthetic = NewsPage.objects.filter(slug__startswith="synthetic-").count()
    return {"synthetic_per_language": synthetic // 2}


def _latency() -> dict:
    from django.db import connection
    from django.test import Client

    from news.models import ArticlePage

    client = Client(HTTP_HOST="localhost")
    figures: dict = {
        "pg_articles_per_language": ArticlePage.objects.filter(
            locale__language_code="ru", live=True
        ).count(),
        "pg_database": connection.vendor,
    }
    everything: list[float] = []
    by_kind: dict[str, list[float]] = {"selective": [], "broad": []}
    for language in ("ru", "kk"):
        texts = [query for query, _key in EVALUATION[language]] + FREQUENT[language]
        queries = [(text, _breadth(text, language)) for text in texts]
        for query, _kind in queries:  # warm-up: caches, connection, templates
            client.get(f"/{language}/search/", {"q": query})
        timings = []
        for _round in range(ROUNDS):
            for query, kind in queries:
                started = time.perf_counter()
                response = client.get(f"/{language}/search/", {"q": query})
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{language} {query!r}: {response.status_code}")
                timings.append(elapsed)
                by_kind[kind].append(elapsed)
        everything.extend(timings)
        figures[f"pg_{language}_requests"] = len(timings)
        figures[f"pg_{language}_p50_ms"] = round(statistics.median(timings), 1)
        figures[f"pg_{language}_p95_ms"] = round(_p95(timings), 1)
    figures["pg_p50_ms"] = round(statistics.median(everything), 1)
    figures["pg_p95_ms"] = round(_p95(everything), 1)
    # Selective queries match at most BROAD articles; broad ones match
    # thousands (the synthetic articles draw from a 40-word vocabulary).
    for kind, timings in by_kind.items():
        figures[f"pg_{kind}_requests"] = len(timings)
        if not timings:
            continue
        figures[f"pg_{kind}_queries_p50_ms"] = round(statistics.median(timings), 1)
        figures[f"pg_{kind}_queries_p95_ms"] = round(_p95(timings), 1)
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    return figures


#: A query matching more articles than this is "broad" in the latency figures.
BROAD = 100


def _breadth(text: str, language: str) -> str:
    from wagtail.models import Locale

    from news import selectors
    from search.analysis import analyse_query

    locale = Locale.objects.get(language_code=language)
    query = analyse_query(text, language).search_query()
    matches = selectors.searchable_articles(locale=locale).search(query).count()
    return "broad" if matches > BROAD else "selective"


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _main(part: str) -> None:
    import django

    django.setup()
    parts = {"recall": _recall, "latency": _latency, "count": _count, "zipf": _zipf}
    result = parts[part]()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    _main(sys.argv[1])
