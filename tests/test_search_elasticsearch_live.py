"""The search-quality examples against a real Elasticsearch 9.

Runs only when ELASTICSEARCH_URL names a cluster (CI without one, and this
machine, skip it). Uses an index prefix of its own and deletes it afterwards.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page, get_page_models

from news import selectors
from search.analysis import analyse_query
from tests.factories import locale
from tests.search_support import live_backend, needs_cluster
from tests.test_search_latin import transliterated_examples
from tests.test_search_morphology import CORPUS, EXAMPLES, add_article

pytestmark = [pytest.mark.django_db, needs_cluster]


@pytest.fixture
def elasticsearch(tree, django_capture_on_commit_callbacks):
    with live_backend() as backend:
        index = backend.get_index_for_model(Page)
        index.reset()
        for model in get_page_models():
            index.add_model(model)
        sections = {"ru": tree.section_ru, "kk": tree.section_kk}
        with django_capture_on_commit_callbacks(execute=True):
            for language, title, text in CORPUS:
                add_article(sections[language], title, text)
        index.refresh()
        yield backend


def titles(backend, language: str, text: str) -> list[str]:
    query = analyse_query(text, language).search_query()
    queryset = selectors.searchable_articles(locale=locale(language))
    return [article.title for article in backend.search(query, queryset)]


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_inflected_query_finds_the_same_articles_on_elasticsearch(
    elasticsearch, example
):
    found = titles(elasticsearch, example.language, example.query)
    assert set(example.finds) <= set(found)
    assert not set(example.never) & set(found)


@pytest.mark.parametrize("typed", transliterated_examples(), ids=str)
def test_latin_query_finds_what_its_cyrillic_form_finds_on_elasticsearch(
    elasticsearch, typed
):
    cyrillic = titles(elasticsearch, typed.language, typed.cyrillic)
    assert set(cyrillic) <= set(titles(elasticsearch, typed.language, typed.latin))


def test_exact_spelling_ranks_above_a_look_alike_match_on_elasticsearch(
    elasticsearch,
):
    assert titles(elasticsearch, "kk", "Костанай") == [
        "Костанай вокзалы",
        "Қостанай облысы",
    ]


def test_kazakh_search_never_returns_russian_articles_on_elasticsearch(
    elasticsearch,
):
    assert titles(elasticsearch, "kk", "колледж") == ["Колледж түлектері"]
