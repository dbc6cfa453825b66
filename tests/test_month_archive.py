"""Archive by month: /ru/archive/2026/11/, month names as each language says
them, linked from sections by a month list."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from news.dates import long_date, month_heading
from tests.factories import NewsPageFactory, SectionPageFactory, locale
from tests.test_page_metadata import head

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def november(tree):
    return [
        NewsPageFactory(
            parent=tree.section_ru,
            title="Ноябрьская статья",
            publication_date=at(2026, 11, 3),
        ),
        NewsPageFactory(
            parent=tree.section_ru,
            title="Конец ноября",
            publication_date=at(2026, 11, 30, 23),
        ),
        NewsPageFactory(
            parent=tree.section_ru,
            title="Декабрьская статья",
            publication_date=at(2026, 12, 1, 0),
        ),
    ]


@pytest.mark.parametrize(
    ("language", "heading", "date"),
    [
        ("ru", "Ноябрь 2026", "3 декабря 2026"),
        ("kk", "Қараша 2026", "2026 жылғы 3 желтоқсан"),
    ],
)
def test_months_are_named_as_each_language_names_them(language, heading, date):
    assert month_heading(2026, 11, language) == heading
    assert long_date(at(2026, 12, 3), language) == date


def test_every_russian_month_is_genitive_in_a_date():
    dates = [long_date(at(2026, month, 1), "ru") for month in range(1, 13)]
    assert dates[0] == "1 января 2026"
    assert dates[2] == "1 марта 2026"
    assert dates[4] == "1 мая 2026"
    assert dates[7] == "1 августа 2026"


def test_the_month_page_lists_that_months_articles_under_a_nominative_heading(
    client, november
):
    response = client.get("/ru/archive/2026/11/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Ноябрь 2026</h1>" in html
    assert "Ноябрьская статья" in html
    assert "Конец ноября" in html  # 23:00 in the site's time zone is November
    assert "Декабрьская статья" not in html
    assert "3 ноября 2026" in html  # the day, genitive


def test_the_kazakh_archive_lists_kazakh_articles_with_kazakh_month_names(
    client, tree, november
):
    NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Қарашадағы мақала",
        publication_date=at(2026, 11, 5),
    )
    html = client.get(f"{tree.home_kk.url}archive/2026/11/").content.decode()
    assert "Қараша 2026" in html
    assert "2026 жылғы 5 қараша" in html
    assert "Қарашадағы мақала" in html
    assert "Ноябрьская статья" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/ru/archive/2026/13/",
        "/ru/archive/2026/00/",
        "/ru/archive/2026/1/",
        "/ru/archive/0000/11/",
        "/ru/archive/2026/10/",  # no articles that month
        "/ru/archive/2026/11/?section=nope",
    ],
)
def test_a_month_that_is_not_there_is_a_404_not_a_500(client, november, path):
    assert client.get(path).status_code == 404


def test_a_section_links_to_its_months_newest_first(client, tree, november):
    html = client.get(tree.section_ru.url).content.decode()
    december = '/ru/archive/2026/12/?section=novosti">Декабрь 2026'
    assert december in html
    assert html.index(december) < html.index("Ноябрь 2026")


def test_a_sections_month_link_shows_that_sections_articles_only(
    client, tree, november
):
    other = SectionPageFactory(parent=tree.home_ru, title="Спорт", slug="sport")
    NewsPageFactory(parent=other, title="Спортивная", publication_date=at(2026, 11, 9))
    narrowed = client.get("/ru/archive/2026/11/?section=novosti").content.decode()
    assert "Ноябрьская статья" in narrowed
    assert "Спортивная" not in narrowed
    assert "Спортивная" in client.get("/ru/archive/2026/11/").content.decode()


def test_unpublished_articles_are_not_in_the_archive(client, tree, november):
    november[0].unpublish()
    assert (
        "Ноябрьская статья" not in client.get("/ru/archive/2026/11/").content.decode()
    )


def test_a_page_number_past_the_end_shows_the_last_page_as_listings_do(
    client, november
):
    assert client.get("/ru/archive/2026/11/?page=99").status_code == 200


# Metadata: the month's page is not the home page it is routed by ---------------


def alternates(page) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in page.links
        if link.get("rel") == "alternate" and link.get("hreflang")
    }


def test_a_month_page_has_its_own_title_canonical_and_breadcrumb(client, november):
    page = head(client, "/ru/archive/2026/11/")

    assert page.og("og:title") == ["Ноябрь 2026"]
    assert page.named("twitter:title") == ["Ноябрь 2026"]
    assert page.canonical() == "http://testserver/ru/archive/2026/11/"
    assert page.og("og:url") == [page.canonical()]
    (trail,) = page.of_type("BreadcrumbList")
    names = [item["name"] for item in trail["itemListElement"]]
    assert names[-1] == "Ноябрь 2026"
    assert names.count(names[0]) == 1  # not «Главная › Главная»


def test_a_month_without_kazakh_articles_has_no_kazakh_alternate(client, november):
    page = head(client, "/ru/archive/2026/11/")

    assert page.og("og:locale:alternate") == []
    assert "kk" not in alternates(page)


def test_a_month_page_and_its_kazakh_twin_point_at_each_other(client, tree, november):
    NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Қарашадағы мақала",
        publication_date=at(2026, 11, 5),
    )
    ru_url = "http://testserver/ru/archive/2026/11/"
    kk_url = f"http://testserver{tree.home_kk.url}archive/2026/11/"
    expected = {"ru": ru_url, "kk": kk_url, "x-default": ru_url}

    ru = head(client, "/ru/archive/2026/11/")
    kk = head(client, f"{tree.home_kk.url}archive/2026/11/")

    assert alternates(ru) == expected
    assert alternates(kk) == expected
    assert ru.og("og:locale:alternate") == ["kk_KZ"]
    assert kk.og("og:locale:alternate") == ["ru_RU"]
    assert kk.og("og:title") == ["Қараша 2026"]
    assert kk.canonical() == kk_url


def test_a_sections_month_keeps_its_section_in_canonical_and_alternates(
    client, tree, november, settings
):
    settings.KMPRESS_PAGE_SIZE = 1
    NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Қарашадағы мақала",
        publication_date=at(2026, 11, 5),
    )
    page = head(client, "/ru/archive/2026/11/", section="novosti", page="2")

    assert page.og("og:title") == ["Ноябрь 2026 — Новости"]
    assert page.canonical() == (
        "http://testserver/ru/archive/2026/11/?section=novosti&page=2"
    )
    assert alternates(page)["kk"] == (
        f"http://testserver{tree.home_kk.url}archive/2026/11/?section=zhanalyqtar"
    )
