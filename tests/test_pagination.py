"""Odd ``?page=`` values land readers on a real page, never on a 500."""

import pytest
from django.test import override_settings

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
