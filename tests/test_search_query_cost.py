"""What one search costs on PostgreSQL: the candidates are read once.

``search.database_backend`` finds a relevance search's candidates (the newest
matches, at most ``RANKED_CANDIDATES``) in one query that ranks them too, by
the GIN index or by walking the newest pages as the planner's estimate of
the matches says; the count is their number and a page reads its own rows
by primary key. The pages
and counts must be those of ``ORDER BY rank DESC, pk DESC`` over the same
candidates, whatever the slice. SQLite keeps Wagtail's backend, so the module
runs on PostgreSQL only (CI's database).
"""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query

from news import selectors
from search.analysis import analyse_query
from search.database_backend import KeysQueryCompiler
from tests.factories import locale
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

#: Queries of a search page with results, fully drawn: the candidates, the
#: page's rows, the matching editions' ids (none without a live edition) and
#: the popular-queries hit. The locale, the site, the sections and their
#: titles, the promoted queries and the live editions come from the
#: generation's memo.
#: It was 16 with a COUNT query and a second ranking of every candidate, then
#: 15: the locale read five times, the site, the sections, their titles and
#: three statements for the hit (issue 18). The planner's estimate
#: (``EXPLAIN``, no rows read) is one more round trip, outside Django's
#: query log.
SEARCH_PAGE_QUERIES = 4


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the candidates belong to the PostgreSQL query")


@pytest.fixture
def quarry(tree, committed):
    """Oldest first: titles with «Карьер» outrank body-only mentions."""
    titles = [f"Карьер {number}" for number in range(3)] + [
        f"Смена {number}" for number in range(5)
    ]
    with committed():
        for title in titles:
            text = "" if "Карьер" in title else "Бригада карьера закончила смену."
            add_article(tree.section_ru, title, text)
    return titles


def results(text: str = "карьеры"):
    query = analyse_query(text, "ru").search_query()
    return selectors.searchable_articles(locale=locale("ru")).search(query)


def test_a_search_page_counts_its_results_without_a_count_query(client, quarry):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ru/search/", {"q": "карьеры"})
    assert response.status_code == 200
    assert response.context["results"].paginator.count == len(quarry)
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_search_page_stays_within_its_query_budget(client, quarry):
    client.get("/ru/search/", {"q": "карьеры"})  # the layout's memo, warm
    with CaptureQueriesContext(connection) as queries:
        client.get("/ru/search/", {"q": "карьеры"})
    assert len(queries) <= SEARCH_PAGE_QUERIES


def test_a_search_page_asks_for_its_locale_site_and_sections_once_a_generation(
    client, quarry
):
    client.get("/ru/search/", {"q": "карьеры"})
    with CaptureQueriesContext(connection) as queries:
        client.get("/ru/search/", {"q": "смена"})
    tables = " ".join(q["sql"] for q in queries)
    for table in ("wagtailcore_locale", "wagtailcore_site", "news_sectionpage"):
        assert f'FROM "{table}"' not in tables


def test_a_search_records_its_hit_in_one_statement(client, quarry):
    client.get("/ru/search/", {"q": "карьеры"})
    with CaptureQueriesContext(connection) as queries:
        client.get("/ru/search/", {"q": "карьеры"})
    hits = [q["sql"] for q in queries if "querydailyhits" in q["sql"]]
    assert len(hits) == 1
    assert Query.get("карьеры").hits == 2


#: Title matches first, newest first among equals.
RANKED = [
    "Карьер 2",
    "Карьер 1",
    "Карьер 0",
    "Смена 4",
    "Смена 3",
    "Смена 2",
    "Смена 1",
    "Смена 0",
]
WAYS = {"read by the GIN index": True, "walked newest first": False}


@pytest.fixture(params=WAYS.values(), ids=WAYS.keys())
def way(request, monkeypatch):
    """Both ways to the candidates, whatever the planner would estimate."""
    few = request.param
    monkeypatch.setattr(KeysQueryCompiler, "_few_matches", lambda *args: few)


def test_both_ways_to_the_candidates_rank_alike(quarry, way):
    assert [article.title for article in results()] == RANKED


def test_both_ways_keep_the_newest_matches_within_the_bound(quarry, way, settings):
    backends = copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS)
    backends["default"]["RANKED_CANDIDATES"] = 3
    settings.WAGTAILSEARCH_BACKENDS = backends
    searched = results()
    assert [article.title for article in searched] == ["Смена 4", "Смена 3", "Смена 2"]
    assert searched.query_compiler.only_newest_ranked


def test_every_slice_is_the_same_ranking_read_once(quarry):
    everything = [article.title for article in results()]
    assert everything == RANKED
    searched = results()
    with CaptureQueriesContext(connection) as queries:
        assert searched.count() == 8
        assert [article.title for article in searched[2:5]] == everything[2:5]
        assert [article.title for article in searched[6:]] == everything[6:]
        assert list(searched[8:]) == []
    # One query finds and ranks the candidates, then one per non-empty slice.
    assert len(queries) == 3


def test_a_slice_counts_what_it_holds(quarry):
    assert results()[3:].count() == 5
    assert results()[2:4].count() == 2
    assert results()[10:].count() == 0
    assert results("несуществующий").count() == 0
