"""Section moves and deep pages against a real Elasticsearch 9 (issue 15, items 2, 7).

Runs only when ELASTICSEARCH_URL names a cluster (this machine skips it); the
stand-in cases are in test_search_section_moves.py and test_search_deep_pages.py.
Uses an index prefix of its own and deletes it afterwards.
"""

from __future__ import annotations

import re

import pytest
from wagtail.models import Page, get_page_models

from news.models import ArticlePage
from tests.factories import SectionPageFactory
from tests.search_support import live_backend, needs_cluster
from tests.test_search_morphology import add_article

pytestmark = [pytest.mark.django_db, needs_cluster]

TITLE = re.compile(r'<h2 class="teaser__title"><a href="[^"]*">([^<]*)</a>')
COUNT = re.compile(r'<p class="search-page__count">\D*(\d+)')
#: A small result window, so that a real cluster refuses what ES refuses at 10,000.
WINDOW = 20


@pytest.fixture
def live_index(django_capture_on_commit_callbacks):
    window = {"settings": {"index": {"max_result_window": WINDOW}}}
    with live_backend(SEARCH_TIMEOUT=10, INDEX_SETTINGS=window) as backend:
        index = backend.get_index_for_model(Page)
        index.reset()
        for model in get_page_models():
            index.add_model(model)
        yield index


def found(client, **params) -> tuple[int, set[str], int]:
    response = client.get("/ru/search/", {"q": "комбинат", **params})
    html = response.content.decode()
    count = COUNT.search(html)
    return response.status_code, set(TITLE.findall(html)), int(count.group(1))


def test_reordered_sections_search_exactly_on_a_real_cluster(
    client, tree, live_index, django_capture_on_commit_callbacks
):
    sections = {"А": tree.section_ru}
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("Б", "В"):
            sections[name] = SectionPageFactory(
                parent=tree.home_ru, locale=tree.section_ru.locale, title=name
            )
        for name, section in sections.items():
            for number in (1, 2):
                add_article(section, f"Комбинат {name}{number}", "Комбинат.")
    with django_capture_on_commit_callbacks(execute=True):
        sections["В"].move(sections["А"], pos="left")
    live_index.refresh()
    for name, section in sections.items():
        expected = set(
            ArticlePage.objects.filter(section_id=section.pk).values_list(
                "title", flat=True
            )
        )
        status, listed, count = found(client, section=section.pk)
        assert status == 200
        assert listed == expected, name
        assert count == len(expected), name
    for page in ArticlePage.objects.descendant_of(tree.home_ru):
        document = live_index.es.get(index=live_index.name, id=str(page.pk))
        assert document["_source"]["path_filter"] == page.path


def test_pages_stop_within_a_real_result_window(
    client, tree, live_index, settings, django_capture_on_commit_callbacks
):
    settings.KMPRESS_PAGE_SIZE = 12
    settings.KMPRESS_SEARCH_MAX_RESULTS = WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(WINDOW + 5):
            add_article(tree.section_ru, f"Комбинат {number}", "Комбинат.")
    live_index.refresh()
    status, listed, count = found(client, page=5)
    assert status == 200
    assert count == WINDOW + 5
    assert len(listed) == WINDOW - 12  # the last page ends at the window
