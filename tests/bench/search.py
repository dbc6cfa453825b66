"""Search: recall on inflected queries (ours vs. analyser-less) and latency at scale.

* **Recall**, per language, on ``EVALUATION``: inflected queries, each naming
  the demo article (``home.demo_content``) it must find, whose exact word form
  does not occur in that article (checked before measuring). Measured on a
  fresh SQLite database with the demo newspaper, through Wagtail's database
  backend, twice in one run: with kmpress's analysis and with
  ``KMPRESS_SEARCH_ANALYSIS = "plain"`` (lower-cased words, no stemming, no
  folding) after ``update_index``: the analyser-less baseline.
* **Latency**: p50/p95 of ``GET /ru/search/?q=…`` and ``/kk/search/`` (the
  whole page: count, first page, sections, excerpts, promotions, template) on
  PostgreSQL with ``seed_demo --articles N`` (N = ``BENCH_SEARCH_ARTICLES``,
  default 10000 per language) in a database of its own
  (``BENCH_SEARCH_DATABASE_URL``, default ``…/searchbench``). Seeding runs only
  when the database has fewer synthetic articles than N; it takes minutes.

Each part runs in a subprocess with its own ``DATABASE_URL``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "10000"))
PG_URL = os.environ.get(
    "BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/searchbench"
)
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
SETTINGS = "site_project.settings.test"

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

#: Extra latency queries: frequent words that match thousands of articles.
FREQUENT = {
    "ru": ["комбинат", "карьер смена", "профессии", "молодые специалисты", "техника"],
    "kk": ["комбинат", "карьер ауысым", "мамандықтар", "жас мамандар", "техника"],
}


# --- the parent: runs the parts in subprocesses -------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database_url)
    return env


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout or ""


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


def _ensure_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )


def run() -> dict:
    figures: dict = {}
    with tempfile.TemporaryDirectory() as workdir:
        env = _env(f"sqlite:///{workdir}/db.sqlite3") | {"MEDIA_ROOT": workdir}
        _manage(env, "migrate", "-v0")
        _manage(env, "seed_demo", "-v0")
        figures.update(_part("recall", env))

    _ensure_postgres_database(PG_URL)
    env = _env(PG_URL) | {"MEDIA_ROOT": str(ROOT / "tests" / ".media")}
    _manage(env, "migrate", "-v0")
    _manage(env, "seed_demo", "-v0")
    existing = int(_part("count", env)["synthetic_per_language"])
    if existing < ARTICLES:
        started = time.perf_counter()
        _manage(env, "seed_demo", "--articles", str(ARTICLES - existing), capture=True)
        figures["pg_seed_seconds"] = round(time.perf_counter() - started, 1)
    figures.update(_part("latency", env))
    return figures


# --- the parts: run inside Django ----------------------------------------------


def _article(key: str, language: str):
    from home.management.commands.seed_demo import demo_key
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
    for analysis in ("morphology", "plain"):
        with override_settings(KMPRESS_SEARCH_ANALYSIS=analysis):
            call_command("update_index", verbosity=0)
            for name, pairs in EVALUATION.items():
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
    with override_settings(KMPRESS_SEARCH_ANALYSIS="morphology"):
        call_command("update_index", verbosity=0)
    return figures


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
    result = {"recall": _recall, "latency": _latency, "count": _count}[part]()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    _main(sys.argv[1])
