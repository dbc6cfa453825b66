"""What kmpress would send to Elasticsearch 9, checked without a cluster.

The backend is built against a closed loopback port (nothing is sent) or a
loopback recorder (the real client's request bodies are read back); results
from the recorder are never asserted.
"""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from wagtail.models import Page, get_page_models
from wagtail.search.backends import get_search_backend

from core.caching.breaker import breaker
from linguistics.keys import FOLDED_MARK, KEYS_ANALYZER
from news import selectors
from news.models import NewsPage
from search.analysis import analyse_query
from tests.factories import locale
from tests.search_support import RecordingServer, closed_port, elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

KEY_FIELDS = {
    "news_articlepage__search_title_keys": 4.0,
    "news_articlepage__search_keys": 1.0,
    "news_articlepage__search_folded_keys": 0.25,
}


@pytest.fixture
def backend():
    breaker.reset()
    url = f"http://127.0.0.1:{closed_port()}"
    with override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(url)):
        yield get_search_backend()


def collect(node, kind: str) -> list:
    """Every ``{kind: value}`` found anywhere in a query body."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == kind:
                found.append(value)
            found.extend(collect(value, kind))
    elif isinstance(node, list):
        for item in node:
            found.extend(collect(item, kind))
    return found


def test_index_settings_define_a_keys_analyzer_that_never_stems(backend):
    analysis = backend.settings["settings"]["analysis"]
    keys = analysis["analyzer"][KEYS_ANALYZER]
    assert keys == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    # Wagtail's own autocomplete analyzers are kept.
    assert "edgengram_analyzer" in analysis["analyzer"]


def test_article_mapping_indexes_analysed_keys_with_boosts(backend):
    properties = backend.mapping_class(NewsPage).get_mapping()["properties"]
    for name, boost in KEY_FIELDS.items():
        field = properties[name]
        assert field["type"] == "text"
        assert field["analyzer"] == KEYS_ANALYZER
        assert "_all_text" in field["copy_to"]
        boost_field = f"_all_text_boost_{str(boost).replace('.', '_')}"
        assert boost_field in field["copy_to"]
        assert properties[boost_field]["analyzer"] == KEYS_ANALYZER
    assert properties["_all_text"]["analyzer"] == KEYS_ANALYZER
    # The raw title is not a full-text field (it stays for autocomplete).
    assert "title" not in properties
    assert "title_edgengrams" in properties
    assert properties["locale_id_filter"]["type"] == "integer"


def test_every_page_model_agrees_on_the_catch_all_analyzer(backend):
    """One index holds all pages: conflicting _all_text mappings would fail."""
    for model in get_page_models():
        properties = backend.mapping_class(model).get_mapping()["properties"]
        assert properties["_all_text"]["analyzer"] == KEYS_ANALYZER, model


def test_document_carries_exact_and_folded_kazakh_keys(backend, tree):
    article = add_article(
        tree.section_kk, "Колледж түлектері", "Жұмысшыларға мамандықтардың сыры."
    )
    document = backend.mapping_class(NewsPage).get_document(article)
    title = document["news_articlepage__search_title_keys"].split()
    keys = document["news_articlepage__search_keys"].split()
    folded = document["news_articlepage__search_folded_keys"].split()
    assert title.count("колледж") == 3
    assert {"жұмысш", "мамандық"} <= set(keys)
    assert {FOLDED_MARK + "жумысш", FOLDED_MARK + "мамандык"} <= set(folded)
    assert document["locale_id_filter"] == tree.section_kk.locale_id


def test_query_body_asks_for_stems_in_the_readers_language(backend, tree):
    kk = locale("kk")
    query = analyse_query("мамандыктардын колледжінде", "kk").search_query()
    results = backend.search(query, selectors.searchable_articles(locale=kk))
    body = results.query_compiler.get_query()
    filters = collect(body, "filter")
    assert {"locale_id_filter": kk.pk} in collect(filters, "term")
    assert {"live_filter": True} in collect(filters, "term")
    matched = {
        match["query"]
        for match in collect(body, "match")
        for field, match in match.items()
        if field.startswith("_all_text") and isinstance(match, dict)
    }
    # Typed without Kazakh letters: exact or folded key; with them: exact only.
    assert matched == {"мамандыктард", FOLDED_MARK + "мамандык", "колледж"}
    fields = {
        field
        for match in collect(body, "match")
        for field in match
        if field.startswith("_all_text")
    }
    assert fields == {
        "_all_text",
        "_all_text_boost_4_0",
        "_all_text_boost_1_0",
        "_all_text_boost_0_25",
    }


def test_client_sends_the_analysis_the_mapping_and_the_compiled_query():
    breaker.reset()
    server = RecordingServer()
    with (
        server as recorder,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(server.url)),
    ):
        backend = get_search_backend()
        index = backend.get_index_for_model(Page)
        index.put()
        index.add_model(NewsPage)
        ru = locale("ru")
        query = analyse_query("профессиями", "ru").search_query()
        results = backend.search(query, selectors.searchable_articles(locale=ru))
        assert list(results) == []  # the recorder answers no hits; not asserted on
        compiled = results.query_compiler.get_query()

    (created,) = recorder.bodies("PUT", "/kmpresstest_wagtailcore_page")[:1]
    analyzer = json.loads(created.body)["settings"]["analysis"]["analyzer"]
    assert analyzer[KEYS_ANALYZER]["tokenizer"] == "whitespace"
    (mapping,) = recorder.bodies("PUT", "/_mapping")
    properties = json.loads(mapping.body)["properties"]
    assert properties["news_articlepage__search_keys"]["analyzer"] == KEYS_ANALYZER
    (searched,) = recorder.bodies("POST", "/_search")
    assert json.loads(searched.body)["query"] == compiled
