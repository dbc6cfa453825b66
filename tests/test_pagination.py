"""Odd ``?page=`` values land readers on a real page, never on a 500."""

import re

import pytest
from django.test import override_settings
from wagtail.models import PageViewRestriction

from tests.factories import NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section_with_three_pages(tree):
    for number in range(5):
        NewsPageFactory(parent=tree.section_ru, title=f"Заметка {number}")
    return tree.section_ru


@override_settings(KMPRESS_PAGE_SIZE=2)
@pytest.mark.parametrize(
    ("raw", "expected_page"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("abc", 1),
        ("-1", 1),
        ("0", 1),
        ("99999", 3),
        ("9" * 400, 3),
        ("1.5", 1),
        ("%00", 1),
        ("", 1),
        ("２", 2),
    ],
)
def test_section_page_number_is_forgiving(
    client, section_with_three_pages, raw, expected_page
):
    response = client.get(section_with_three_pages.url, {"page": raw})
    assert response.status_code == 200
    assert response.context["articles"].number == expected_page


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_repeated_page_parameters_do_not_break_the_listing(
    client, section_with_three_pages
):
    response = client.get(f"{section_with_three_pages.url}?page=2&page=x")
    assert response.status_code == 200


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_pagination_links_point_to_neighbouring_pages(client, section_with_three_pages):
    html = client.get(section_with_three_pages.url, {"page": "2"}).content.decode()
    assert 'href="?page=1"' in html
    assert 'href="?page=3"' in html


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_tag_listing_pages_are_forgiving_too(client, tree):
    for number in range(3):
        page = NewsPageFactory(parent=tree.section_ru, title=f"Тег {number}")
        page.tags.add("план")
        page.save()
    slug = page.tags.first().slug
    for raw in ("abc", "-5", "1000"):
        assert client.get(f"/ru/tags/{slug}/", {"page": raw}).status_code == 200


def page_line(html: str) -> str:
    """The pagination's "Page N of M" line (empty without pagination)."""
    match = re.search(r'<span class="pagination__current">([^<]*)</span>', html)
    return match.group(1) if match else ""


def titles(html: str) -> list[str]:
    return re.findall(r'class="teaser__title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def kept_fragments(settings):
    """Fragments and the process's kept pieces on, as in production (the test
    settings draw pages whole); the page cache off."""
    settings.WAGTAIL_CACHE = False
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_a_section_counts_only_the_articles_it_lists(client, tree):
    for number in range(5):
        NewsPageFactory(parent=tree.section_ru, title=f"Заметка {number}")
    NewsPageFactory(parent=tree.section_ru, title="Черновик", live=False)
    private = NewsPageFactory(parent=tree.section_ru, title="Закрытая")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    first = client.get(tree.section_ru.url).content.decode()
    assert page_line(first) == "Страница 1 из 3"
    last = client.get(tree.section_ru.url, {"page": "99"}).content.decode()
    assert page_line(last) == "Страница 3 из 3"
    assert titles(last) == ["Заметка 0"]
    assert 'rel="next"' not in last


def test_an_empty_section_has_no_pages(client, tree):
    html = client.get(tree.section_ru.url).content.decode()
    assert page_line(html) == ""
    assert "В этой рубрике пока нет статей." in html


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_a_published_article_adds_a_page_to_its_kept_section(
    client, tree, kept_fragments
):
    for number in range(4):
        NewsPageFactory(parent=tree.section_ru, title=f"Заметка {number}")
    assert page_line(client.get(tree.section_ru.url).text) == "Страница 1 из 2"
    assert page_line(client.get(tree.section_ru.url).text) == "Страница 1 из 2"
    newest = NewsPageFactory(parent=tree.section_ru, title="Свежая", live=False)
    newest.save_revision().publish()
    first = client.get(tree.section_ru.url).text
    assert page_line(first) == "Страница 1 из 3"
    assert titles(first) == ["Свежая", "Заметка 3"]
    last = client.get(tree.section_ru.url, {"page": "3"}).text
    assert titles(last) == ["Заметка 0"]


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_an_unpublished_article_leaves_no_empty_last_page(client, tree, kept_fragments):
    articles = [
        NewsPageFactory(parent=tree.section_ru, title=f"Заметка {number}")
        for number in range(5)
    ]
    assert page_line(client.get(tree.section_ru.url, {"page": "3"}).text) == (
        "Страница 3 из 3"
    )
    articles[0].unpublish()
    last = client.get(tree.section_ru.url, {"page": "3"}).text
    assert page_line(last) == "Страница 2 из 2"
    assert titles(last) == ["Заметка 2", "Заметка 1"]


@override_settings(KMPRESS_PAGE_SIZE=2)
def test_the_second_page_of_a_kept_section_shows_its_own_articles(
    client, tree, kept_fragments
):
    for number in range(5):
        NewsPageFactory(parent=tree.section_ru, title=f"Заметка {number}")
    client.get(tree.section_ru.url)  # the first page kept
    for _ in range(2):
        second = client.get(tree.section_ru.url, {"page": "2"}).text
        assert titles(second) == ["Заметка 2", "Заметка 1"]
        assert page_line(second) == "Страница 2 из 3"
    assert titles(client.get(tree.section_ru.url).text) == ["Заметка 4", "Заметка 3"]
