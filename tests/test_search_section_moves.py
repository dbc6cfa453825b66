"""Section-filtered search stays exact however sections move (issue 15, item 2).

Moving or reordering a section shifts the tree paths of every later sibling
and of their articles, but Wagtail reindexes the moved page only. Search
therefore narrows to a section by its id (the ``section`` column), and every
page whose path a move changed gets its path refreshed in Elasticsearch, so
the privacy filter (by path) stays exact too. Checked against the ES 9
stand-in and on the database backend, through the admin's own endpoints.
"""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend

from core.caching.breaker import breaker
from news.models import ArticlePage
from search.models import PendingIndexUpdate
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.factories import SectionPageFactory
from tests.search_support import elasticsearch_settings
from tests.test_search_elasticsearch_mapping import collect
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

WORD = "комбинат"
TITLE = re.compile(r'<h2 class="teaser__title"><a href="[^"]*">([^<]*)</a>')
COUNT = re.compile(r'<p class="search-page__count">\D*(\d+)')


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(
        "chief-editor", "chief@example.kz", "unused-pass-1"
    )
    client.force_login(user)
    return client


def build_paper(tree, committed) -> dict[str, Page]:
    """Sections А, Б, В of the Russian tree, two articles each."""
    sections = {"А": tree.section_ru}
    with committed():
        for name in ("Б", "В"):
            sections[name] = SectionPageFactory(
                parent=tree.home_ru,
                locale=tree.section_ru.locale,
                title=f"Раздел {name}",
                slug=f"razdel-{name.lower()}",
            )
        for name, section in sections.items():
            for number in (1, 2):
                add_article(section, f"Комбинат {name}{number}", "Новости комбината.")
    return sections


def titles_of(section: Page) -> set[str]:
    return set(
        ArticlePage.objects.filter(section_id=section.pk).values_list(
            "title", flat=True
        )
    )


def found(client, section: Page | None = None) -> tuple[int, set[str]]:
    """The count the reader is shown and the titles listed."""
    params = {"q": WORD, **({"section": section.pk} if section else {})}
    response = client.get("/ru/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    listed = TITLE.findall(html)
    count = COUNT.search(html)
    return (int(count.group(1)) if count else 0), set(listed)


def assert_sections_exact(client, sections: dict[str, Page]) -> None:
    for name, section in sections.items():
        section.refresh_from_db()
        count, listed = found(client, section)
        assert listed == titles_of(section), name
        assert count == len(listed), name


@pytest.fixture
def standin():
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        yield es


@pytest.fixture
def es_paper(standin, tree, committed):
    sections = build_paper(tree, committed)
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    return sections


# Elasticsearch (the stand-in evaluates term and prefix filters) -------------


def test_reordering_a_section_in_the_admin_keeps_section_search_exact(
    admin_client, es_paper, committed
):
    last = es_paper["В"]
    url = reverse("wagtailadmin_pages:set_page_position", args=[last.pk])
    with committed():
        response = admin_client.post(f"{url}?position=0")
    assert response.status_code == 200
    assert last.get_parent().get_children().first().pk == last.pk
    assert_sections_exact(admin_client, es_paper)


def test_moving_a_section_in_the_admin_keeps_section_search_exact(
    admin_client, es_paper, tree, committed
):
    first = es_paper["А"]
    url = reverse("wagtailadmin_pages:move_confirm", args=[first.pk, tree.home_ru.pk])
    with committed():
        response = admin_client.post(url)
    assert response.status_code == 302
    assert tree.home_ru.get_children().last().pk == first.pk
    assert_sections_exact(admin_client, es_paper)


def test_a_section_moved_from_a_shell_keeps_section_search_exact(
    client, es_paper, committed
):
    with committed():
        es_paper["В"].move(es_paper["А"], pos="left")
    assert_sections_exact(client, es_paper)


def test_an_article_moved_to_another_section_is_found_only_there(
    admin_client, es_paper, committed
):
    article = ArticlePage.objects.get(title="Комбинат А1")
    url = reverse(
        "wagtailadmin_pages:move_confirm", args=[article.pk, es_paper["Б"].pk]
    )
    with committed():
        assert admin_client.post(url).status_code == 302
    assert ArticlePage.objects.get(pk=article.pk).section_id == es_paper["Б"].pk
    assert_sections_exact(admin_client, es_paper)
    assert "Комбинат А1" in found(admin_client, es_paper["Б"])[1]


def test_a_copied_section_lists_only_its_own_copies(
    admin_client, es_paper, tree, committed
):
    source = es_paper["Б"]
    with committed():
        response = admin_client.post(
            reverse("wagtailadmin_pages:copy", args=[source.pk]),
            {
                "new_title": "Раздел Г",
                "new_slug": "razdel-g",
                "new_parent_page": tree.home_ru.pk,
                "copy_subpages": "on",
                "publish_copies": "on",
            },
        )
    assert response.status_code == 302
    copy = Page.objects.get(slug="razdel-g")
    assert titles_of(copy) == titles_of(source)
    assert_sections_exact(admin_client, {**es_paper, "Г": copy})


def test_every_moved_path_reaches_the_index(admin_client, standin, es_paper, committed):
    last = es_paper["В"]
    url = reverse("wagtailadmin_pages:set_page_position", args=[last.pk])
    with committed():
        admin_client.post(f"{url}?position=0")
    documents = standin.documents(get_search_backend().get_index_for_model(Page).name)
    for page in Page.objects.filter(depth__gte=3):
        assert documents[str(page.pk)]["path_filter"] == page.path, page.title


def test_a_private_section_stays_out_of_search_after_a_reorder(
    admin_client, es_paper, committed
):
    private = es_paper["В"]
    with committed():
        PageViewRestriction.objects.create(
            page=private, restriction_type="password", password="secret-1"
        )
    url = reverse("wagtailadmin_pages:set_page_position", args=[private.pk])
    with committed():
        admin_client.post(f"{url}?position=0")
    count, listed = found(admin_client)
    assert listed == titles_of(es_paper["А"]) | titles_of(es_paper["Б"])
    assert count == len(listed)


# The database backend (PostgreSQL here) ---------------------------------------


def test_on_the_database_backend_a_reordered_section_searches_exactly(
    admin_client, tree, committed
):
    sections = build_paper(tree, committed)
    last = sections["В"]
    url = reverse("wagtailadmin_pages:set_page_position", args=[last.pk])
    with committed():
        assert admin_client.post(f"{url}?position=0").status_code == 200
    with committed():
        sections["Б"].move(sections["А"], pos="left")
    assert_sections_exact(admin_client, sections)


def test_paths_a_move_shifts_while_elasticsearch_is_down_are_queued_for_retry(
    client, es_paper, committed
):
    backend = get_search_backend()
    breaker.trip(backend.write_circuit, 30)
    with committed():
        es_paper["В"].move(es_paper["А"], pos="left")
    queued = {
        int(pk) for pk in PendingIndexUpdate.objects.values_list("object_id", flat=True)
    }
    shifted = Page.objects.descendant_of(es_paper["А"].get_parent())
    assert set(shifted.values_list("pk", flat=True)) == queued
    breaker.reset()
    call_command("retry_search_index", stdout=StringIO(), stderr=StringIO())
    assert not PendingIndexUpdate.objects.exists()
    assert_sections_exact(client, es_paper)


def test_a_shifted_page_missing_from_the_index_is_queued_whole(
    client, standin, es_paper, committed
):
    lost = ArticlePage.objects.get(title="Комбинат Б1")
    (index,) = standin.aliased(get_search_backend().get_index_for_model(Page).name)
    standin.delete_document(index, str(lost.pk))
    with committed():
        es_paper["В"].move(es_paper["А"], pos="left")
    queued = PendingIndexUpdate.objects.values_list("object_id", flat=True)
    assert list(queued) == [str(lost.pk)]
    call_command("retry_search_index", stdout=StringIO(), stderr=StringIO())
    assert_sections_exact(client, es_paper)


def test_a_section_search_asks_elasticsearch_for_the_section_id_not_a_path(
    client, standin, es_paper
):
    section = es_paper["Б"]
    standin.requests.clear()
    found(client, section)
    bodies = [r.json() for r in standin.requests if "_search" in r.path]
    assert bodies
    for body in bodies:
        terms = collect(body, "term")
        assert {"news_articlepage__section_id_filter": section.pk} in terms
        assert "path_filter" not in json.dumps(body)
