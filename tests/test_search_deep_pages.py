"""Deep search pages stay within Elasticsearch's result window (issue 15, item 7).

ES refuses ``from + size`` past ``index.max_result_window`` (10,000) with a
400, which the search page turned into a 503 "temporarily unavailable". Pages
now stop at ``KMPRESS_SEARCH_MAX_RESULTS`` (10,000 by default): none past it is
linked, asking for one serves the last page within it, a note asks the reader
to refine the query, and the count shown stays the true one. The database
backend pages the same way.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.services import MAX_RESULTS
from tests.elasticsearch_standin import DEFAULT_MAX_RESULT_WINDOW, ElasticsearchStandIn
from tests.search_support import elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

WORD = "комбинат"
TITLE = re.compile(r'<h2 class="teaser__title"><a href="[^"]*">([^<]*)</a>')
COUNT = re.compile(r'<p class="search-page__count">\D*(\d+)')
NOTE = {
    "ru": "Показаны только первые",
    "kk": "Тек алғашқы",
}


def search_page(client, page, language: str = "ru"):
    response = client.get(f"/{language}/search/", {"q": WORD, "page": page})
    html = response.content.decode()
    count = COUNT.search(html)
    return response, html, (int(count.group(1)) if count else None)


# Elasticsearch: a stand-in seeded past the result window ---------------------

#: Real articles, the hits of the last page within the window.
LAST_PAGE = 4


@pytest.fixture
def crowded_index(tree, committed, settings):
    """10,005 matching documents; the ones on the last reachable page (hits
    9,997 to 10,000) are real articles, every other hit names no row (the
    results view fetches the hits' rows from the database and skips those)."""
    settings.KMPRESS_PAGE_SIZE = 12
    with (
        ElasticsearchStandIn() as es,
        # The stand-in reads 10,005 documents per query in Python: a generous
        # read timeout, so that only the result window can fail the search.
        override_settings(
            WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url, SEARCH_TIMEOUT=30)
        ),
    ):
        with committed():
            articles = [
                add_article(tree.section_ru, f"Комбинат {n}", "Новости комбината.")
                for n in range(LAST_PAGE)
            ]
        call_command("update_index", stdout=StringIO(), stderr=StringIO())
        (index,) = es.aliased(get_search_backend().get_index_for_model(Page).name)
        documents = es.documents(index)
        real = {str(article.pk): documents[str(article.pk)] for article in articles}
        for doc_id in real:
            es.delete_document(index, doc_id)
        template = next(iter(real.values()))
        before = MAX_RESULTS - LAST_PAGE  # hits 1 to 9,996: fill
        es.add_documents(index, fake_documents(template, 0, before))
        es.add_documents(index, real)  # hits 9,997 to 10,000
        es.add_documents(index, fake_documents(template, before, before + 5))
        yield {"articles": articles, "total": MAX_RESULTS + 5}


def fake_documents(template: dict, start: int, stop: int) -> dict[str, dict]:
    first = 50_000_000
    return {
        str(first + n): {**template, "pk": str(first + n), "id_filter": first + n}
        for n in range(start, stop)
    }


def test_the_default_cap_is_elasticsearchs_result_window():
    assert MAX_RESULTS == DEFAULT_MAX_RESULT_WINDOW


def test_a_page_past_the_result_window_shows_the_last_reachable_page(
    client, crowded_index
):
    last = -(-MAX_RESULTS // 12)  # 834: hits 9,997 to 10,000
    response, html, count = search_page(client, last + 50)
    assert response.status_code == 200
    assert count == crowded_index["total"]  # the true count
    assert set(TITLE.findall(html)) == {a.title for a in crowded_index["articles"]}
    assert f"{last} из {last}" in html
    assert 'rel="next"' not in html
    assert NOTE["ru"] in html


def test_the_last_reachable_page_asked_by_number_answers_200(client, crowded_index):
    last = -(-MAX_RESULTS // 12)
    response, html, count = search_page(client, last)
    assert response.status_code == 200
    assert count == crowded_index["total"]
    assert len(TITLE.findall(html)) == LAST_PAGE
    assert 'rel="prev"' in html and 'rel="next"' not in html


# The database backend: the same pages, a small cap -----------------------------


@pytest.fixture
def five_articles(tree, committed, settings):
    settings.KMPRESS_PAGE_SIZE = 2
    settings.KMPRESS_SEARCH_MAX_RESULTS = 4
    with committed():
        for n in range(5):
            add_article(tree.section_ru, f"Комбинат {n}", "Новости комбината.")


def test_on_the_database_backend_pages_stop_at_the_cap(client, five_articles):
    response, html, count = search_page(client, 3)
    assert response.status_code == 200
    assert count == 5
    assert "2 из 2" in html
    assert len(TITLE.findall(html)) == 2
    assert 'rel="next"' not in html
    assert NOTE["ru"] in html


def test_a_search_within_the_cap_carries_no_note(client, tree, committed, settings):
    settings.KMPRESS_PAGE_SIZE = 2
    settings.KMPRESS_SEARCH_MAX_RESULTS = 4
    with committed():
        for n in range(3):
            add_article(tree.section_ru, f"Комбинат {n}", "Новости комбината.")
    response, html, count = search_page(client, 2)
    assert response.status_code == 200
    assert count == 3
    assert NOTE["ru"] not in html


def test_kazakh_readers_get_the_note_in_kazakh(client, tree, committed, settings):
    settings.KMPRESS_PAGE_SIZE = 2
    settings.KMPRESS_SEARCH_MAX_RESULTS = 2
    with committed():
        for n in range(3):
            add_article(tree.section_kk, f"Комбинат {n}", "Комбинат жаңалықтары.")
    response, html, count = search_page(client, 5, "kk")
    assert response.status_code == 200
    assert count == 3
    assert NOTE["kk"] in html
