"""The readers' search page: language, sections, pages, excerpts, suggestions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.rich_text import RichText

from core.text import NBSP
from tests.factories import (
    HistoryPageFactory,
    InterviewPageFactory,
    NewsPageFactory,
    SectionPageFactory,
)
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(tree, committed):
    with committed():
        tree.section_ru2 = SectionPageFactory(
            parent=tree.home_ru, locale=tree.section_ru.locale, title="Производство"
        )
        add_article(
            tree.section_ru,
            "Профессия машиниста",
            "Машинисты экскаваторов работают в карьере. <b>Жирный</b> &amp; текст.",
            lead="Рассказ о профессии, которую выбирают молодые.",
        )
        add_article(
            tree.section_ru2,
            "Новые профессии на фабрике",
            "Фабрика обучает операторов.",
        )
        add_article(tree.section_kk, "Жаңа мамандық", "Комбинатқа мамандар керек.")
    return tree


def test_russian_search_lists_russian_articles_with_section_date_and_excerpt(
    client, paper
):
    response = client.get("/ru/search/", {"q": "профессиями"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Профессия машиниста" in html
    assert "Новые профессии на фабрике" in html
    assert "Жаңа мамандық" not in html
    assert "Новости" in html and "Производство" in html  # section labels
    assert 'class="teaser__meta"' in html and "<time datetime=" in html
    assert "<mark>профессии</mark>" in html


def test_kazakh_search_never_shows_a_russian_article(client, paper):
    html = client.get("/kk/search/", {"q": "мамандықтары"}).content.decode()
    assert "Жаңа мамандық" in html
    assert "Профессия" not in html


def test_section_filter_narrows_the_results(client, paper):
    section = paper.section_ru2
    response = client.get("/ru/search/", {"q": "профессии", "section": section.pk})
    html = response.content.decode()
    assert "Новые профессии на фабрике" in html
    assert "Профессия машиниста" not in html
    assert f'<option value="{section.pk}" selected>' in html


def test_a_section_of_the_other_language_is_ignored(client, paper):
    response = client.get(
        "/ru/search/", {"q": "профессии", "section": paper.section_kk.pk}
    )
    html = response.content.decode()
    assert "Профессия машиниста" in html and "Новые профессии на фабрике" in html


def test_excerpt_is_escaped_text_with_only_our_marks(client, tree, committed):
    with committed():
        add_article(
            tree.section_ru,
            "Опасный текст",
            "Начало. &lt;script&gt;alert(1)&lt;/script&gt; машинисты и "
            '<a href="javascript:x">ссылка</a> конец.',
        )
    html = client.get("/ru/search/", {"q": "машинист"}).content.decode()
    excerpt = html.split('class="teaser__excerpt">', 1)[1].split("</p>", 1)[0]
    assert "&lt;script&gt;" in excerpt
    assert "<script" not in excerpt and "<a " not in excerpt
    assert "<mark>машинисты</mark>" in excerpt


def test_excerpt_starts_near_the_first_match_in_a_long_body(client, tree, committed):
    filler = " ".join(["Текст без искомого слова."] * 40)
    with committed():
        add_article(tree.section_ru, "Длинная статья", f"{filler} Здесь геологи.")
    html = client.get("/ru/search/", {"q": "геолог"}).content.decode()
    excerpt = html.split('class="teaser__excerpt">', 1)[1].split("</p>", 1)[0]
    assert excerpt.startswith("…")
    assert "<mark>геологи</mark>" in excerpt


def test_a_result_snippet_never_shows_a_tables_cells(client, tree, committed):
    body = [
        (
            "table",
            {
                "data": [["Показатель", "2025", "2026"], ["Руда", "12", "14"]],
                "first_row_is_table_header": True,
                "table_caption": "Добыча по годам",
            },
        ),
        ("paragraph", RichText("<p>Горняки карьера нарастили добычу руды.</p>")),
    ]
    with committed():
        NewsPageFactory(
            parent=tree.section_ru, title="Итоги года", lead="Итоги.", body=body
        )
    for query in ("горняки", "руда", "показатель"):  # prose, both, a cell only
        html = client.get("/ru/search/", {"q": query}).content.decode()
        assert "Итоги года" in html, query
        excerpt = html.split('class="teaser__excerpt">', 1)[1].split("</p>", 1)[0]
        assert "2025" not in excerpt and "Показатель" not in excerpt, excerpt
        assert "Руда 12" not in excerpt, excerpt


def test_result_titles_and_excerpts_are_typeset(client, tree, committed):
    with committed():
        add_article(
            tree.section_ru, 'Цех "Обогащение" вырос на 15 %', "Горняки добыли 12 тонн."
        )
    html = client.get("/ru/search/", {"q": "горняки"}).content.decode()
    assert f"Цех «Обогащение» вырос на 15{NBSP}%" in html
    assert f"<mark>Горняки</mark> добыли 12{NBSP}тонн." in html


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_results_are_paginated_and_page_links_keep_the_query(client, tree, committed):
    with committed():
        for number in range(5):
            add_article(tree.section_ru, f"Сварщики, выпуск {number}", "Сварка.")
    first = client.get("/ru/search/", {"q": "сварщик"}).content.decode()
    assert first.count('class="teaser search-result"') == 2
    assert "?q=%D1%81%D0%B2%D0%B0%D1%80%D1%89%D0%B8%D0%BA&amp;page=2" in first
    last = client.get("/ru/search/", {"q": "сварщик", "page": "3"}).content.decode()
    assert last.count('class="teaser search-result"') == 1


def test_empty_query_shows_the_form_only(client, tree):
    response = client.get("/ru/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_suggestions_are_titles_of_the_readers_language_as_json(client, paper):
    data = client.get("/ru/search/suggest/", {"q": "Профес"}).json()
    titles = {item["title"] for item in data["suggestions"]}
    assert titles == {"Профессия машиниста", "Новые профессии на фабрике"}
    assert data["suggestions"][0]["url"].startswith("/ru/")
    kk = client.get("/kk/search/suggest/", {"q": "мама"}).json()
    assert [item["title"] for item in kk["suggestions"]] == ["Жаңа мамандық"]


def test_suggestions_are_bounded(client, tree, committed):
    with committed():
        for number in range(12):
            add_article(tree.section_ru, f"Бурение скважин {number}", "Текст.")
    data = client.get("/ru/search/suggest/", {"q": "буре" * 100}).json()
    assert len(data["query"]) <= 60
    data = client.get("/ru/search/suggest/", {"q": "бурен"}).json()
    assert 0 < len(data["suggestions"]) <= 8
    assert client.get("/ru/search/suggest/", {"q": "б"}).json()["suggestions"] == []


def test_search_records_the_query_for_the_popular_queries_report(client, paper):
    client.get("/ru/search/", {"q": "Профессии"})
    client.get("/ru/search/", {"q": "профессии "})
    client.get("/ru/search/", {"q": "профессии", "page": "2"})
    assert Query.get("профессии").hits == 2


def test_promoted_page_of_the_readers_language_is_shown_first(client, paper):
    promoted = add_article(paper.section_ru, "Карта карьера", "Схема.")
    other_language = add_article(paper.section_kk, "Карьер картасы", "Сызба.")
    query = Query.get("профессии")
    SearchPromotion.objects.create(query=query, page=promoted, sort_order=0)
    SearchPromotion.objects.create(query=query, page=other_language, sort_order=1)
    html = client.get("/ru/search/", {"q": "профессии"}).content.decode()
    assert html.index("Карта карьера") < html.index("Профессия машиниста")
    assert "Карьер картасы" not in html


def test_body_of_rich_text_with_markup_is_searched_as_words(client, tree, committed):
    with committed():
        add_article(tree.section_kk, "Жиын", "")
        page = tree.section_kk.get_children().live().last().specific
        page.body = [("paragraph", RichText("<p><b>Экскаватор</b>шылар жиналды</p>"))]
        page.save_revision().publish()
    html = client.get("/kk/search/", {"q": "экскаваторшылардың"}).content.decode()
    assert "Жиын" in html


def test_search_page_costs_the_same_queries_for_few_or_many_results(
    client, tree, committed
):
    def queries_for(text: str) -> int:
        client.get("/ru/search/", {"q": text})  # warm the page furniture
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/ru/search/", {"q": text})
        assert response.status_code == 200
        return len(captured)

    with committed():
        add_article(tree.section_ru, "Буровики", "Текст.")
        for number in range(10):
            add_article(tree.section_ru, f"Взрывники, смена {number}", "Текст.")
    few, many = queries_for("буровик"), queries_for("взрывник")
    assert few == many


def test_interviews_and_history_pages_are_found_by_their_own_fields(
    client, tree, committed
):
    with committed():
        InterviewPageFactory(
            parent=tree.section_ru,
            title="Разговор о смене",
            slug="razgovor",
            interviewee="Бауыржан Сейткали",
            interviewee_role="машинист экскаватора",
        )
        HistoryPageFactory(
            parent=tree.section_ru,
            title="Первый карьер",
            slug="pervyi-karer",
            period="1965",
            archival_source="Костанайский областной архив",
        )
    assert "Разговор о смене" in client.get("/ru/search/", {"q": "Сейткали"}).text
    assert "Первый карьер" in client.get("/ru/search/", {"q": "архиве"}).text


def test_a_promotion_added_after_a_search_is_shown_on_the_next_one(client, paper):
    assert (
        "Карта карьера"
        not in client.get("/ru/search/", {"q": "профессии"}).content.decode()
    )
    promoted = add_article(paper.section_ru, "Карта карьера", "Схема.")
    pick = SearchPromotion.objects.create(
        query=Query.get("профессии"), page=promoted, sort_order=0
    )
    html = client.get("/ru/search/", {"q": "Профессии"}).content.decode()
    assert html.index("Карта карьера") < html.index("Профессия машиниста")
    pick.delete()
    assert (
        "Карта карьера"
        not in client.get("/ru/search/", {"q": "профессии"}).content.decode()
    )
