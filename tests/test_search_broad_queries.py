"""Broad queries on PostgreSQL: only the newest matches are ranked, as the page says.

``search.database_backend`` ranks at most ``RANKED_CANDIDATES`` matching
articles, the newest; these tests lower the bound to 3. SQLite ranks every
match, so the module runs on PostgreSQL only (CI's database).
"""

from __future__ import annotations

import copy

import pytest
from django.db import connection

from tests.factories import SectionPageFactory
from tests.test_search_morphology import add_article, search_titles

pytestmark = pytest.mark.django_db

BOUND = 3


@pytest.fixture(autouse=True)
def small_bound(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the bound belongs to the PostgreSQL query")
    backends = copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS)
    backends["default"]["RANKED_CANDIDATES"] = BOUND
    settings.WAGTAILSEARCH_BACKENDS = backends


def add_quarry_articles(section, titles_in_order):
    """Oldest first; a title with "Карьер" outranks a body-only mention."""
    for title in titles_in_order:
        text = "" if "Карьер" in title else "Бригада карьера закончила смену."
        add_article(section, title, text)


def test_a_broad_query_ranks_its_newest_matches_best_first(client, tree, committed):
    with committed():
        add_quarry_articles(
            tree.section_ru,
            ["Карьер выполнил план", "Смена", "Бригада", "Карьер зимой", "Вахта"],
        )
    # The oldest article, a title match, is past the bound: the three newest
    # are ranked, the title match among them first.
    assert search_titles("ru", "карьеры") == ["Карьер зимой", "Вахта", "Бригада"]

    response = client.get("/ru/search/", {"q": "карьеры"})
    assert response.context["only_newest_ranked"] is True
    assert response.context["results"].paginator.count == BOUND
    html = response.content.decode()
    assert "Найдено очень много статей: показаны 3 самые новые" in html


def test_a_query_within_the_bound_ranks_every_match(client, tree, committed):
    with committed():
        add_quarry_articles(tree.section_ru, ["Карьер выполнил план", "Смена", "Вахта"])
    assert search_titles("ru", "карьеры") == ["Карьер выполнил план", "Вахта", "Смена"]

    response = client.get("/ru/search/", {"q": "карьеры"})
    assert response.context["only_newest_ranked"] is False
    assert "Найдены 3 статьи" in response.content.decode()


def test_the_bound_applies_after_the_section_filter(client, tree, committed):
    other = SectionPageFactory(
        parent=tree.home_ru, locale=tree.section_ru.locale, title="Производство"
    )
    with committed():
        add_quarry_articles(tree.section_ru, ["Карьер выполнил план"])
        add_quarry_articles(other, ["Смена", "Бригада", "Вахта", "Карьер зимой"])
    response = client.get(
        "/ru/search/", {"q": "карьеры", "section": tree.section_ru.pk}
    )
    assert [hit.article.title for hit in response.context["hits"]] == [
        "Карьер выполнил план"
    ]
    assert response.context["only_newest_ranked"] is False


def test_kazakh_results_are_bounded_within_kazakh_articles(tree, committed):
    """Russian articles never take a Kazakh query's candidate places."""
    with committed():
        add_quarry_articles(tree.section_kk, ["Карьер жаңалығы"])
        add_quarry_articles(tree.section_ru, ["Смена", "Бригада", "Вахта"])
    assert search_titles("kk", "карьер") == ["Карьер жаңалығы"]
