"""The page cache never keeps search results or suggestions: each request is
answered fresh, in the language of its URL, whatever was asked before.

``core.caching.hooks`` skips the ``search`` URL and everything under it
(``/ru/search/``, ``/ru/search/suggest/``). Runs on the page cache the
settings give: Redis when ``REDIS_URL`` is set, local memory otherwise.
"""

from __future__ import annotations

import pytest

from tests.cache_support import verdict
from tests.test_search_morphology import add_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

SEARCHES = [
    ("/ru/search/", {"q": "карьеры"}),
    ("/kk/search/", {"q": "карьерлер"}),
    ("/ru/search/suggest/", {"q": "Карьер"}),
    ("/kk/search/suggest/", {"q": "Карьер"}),
]


@pytest.fixture
def quarry(tree, committed):
    with committed():
        add_article(tree.section_ru, "Карьер выполнил план", "Бригада карьера.")
        add_article(tree.section_kk, "Карьер жоспарды орындады", "Карьердегі бригада.")
    return tree


def titles(response) -> list[str]:
    if response["Content-Type"].startswith("application/json"):
        return [item["title"] for item in response.json()["suggestions"]]
    return [hit.article.title for hit in response.context["hits"]]


@pytest.mark.parametrize(("path", "params"), SEARCHES, ids=str)
def test_search_and_suggestions_are_never_stored_nor_served_from_the_page_cache(
    client, quarry, path, params
):
    for _ in range(2):
        response = client.get(path, params)
        assert response.status_code == 200
        assert verdict(response) == "skip"
        assert "max-age" not in response.get("Cache-Control", "")
        assert not response.has_header("Expires")


def test_a_new_article_is_found_by_the_very_next_search(client, quarry, committed):
    """Nothing stale: results and suggestions already asked for include it."""
    assert titles(client.get("/ru/search/", {"q": "карьеры"})) == [
        "Карьер выполнил план"
    ]
    assert titles(client.get("/ru/search/suggest/", {"q": "Карьер"})) == [
        "Карьер выполнил план"
    ]
    with committed():
        add_article(quarry.section_ru, "Карьер зимой", "Снег в карьере.")
    assert set(titles(client.get("/ru/search/", {"q": "карьеры"}))) == {
        "Карьер выполнил план",
        "Карьер зимой",
    }
    assert set(titles(client.get("/ru/search/suggest/", {"q": "Карьер"}))) == {
        "Карьер выполнил план",
        "Карьер зимой",
    }


def test_the_same_query_in_the_other_language_gets_that_languages_results(
    client, quarry
):
    for path in ("/ru/search/", "/ru/search/suggest/"):
        assert titles(client.get(path, {"q": "Карьер"})) == ["Карьер выполнил план"]
    for path in ("/kk/search/", "/kk/search/suggest/"):
        assert titles(client.get(path, {"q": "Карьер"})) == ["Карьер жоспарды орындады"]


def test_the_browsers_language_never_changes_the_results_of_a_url(client, quarry):
    """The URL's prefix decides, not Accept-Language (nor a cached neighbour)."""
    kazakh_browser = {"HTTP_ACCEPT_LANGUAGE": "kk"}
    for path in ("/ru/search/", "/ru/search/suggest/"):
        response = client.get(path, {"q": "Карьер"}, **kazakh_browser)
        assert titles(response) == ["Карьер выполнил план"]
