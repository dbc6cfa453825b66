"""What a process keeps per content generation is dropped by the next change.

The router reads the site, the restricted paths and the page at each known
address from a per-process memo (core.layout) instead of querying them on
every request. These tests make changes the memo must notice: privacy, sites,
moves and deletions, and changes made while the shared cache is unreachable,
when the memo must not be used at all.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction, Site

from core.caching.generation import GENERATION_KEY, memo
from core.layout import site_for
from tests.cache_support import build_newspaper, point_caches_at
from tests.embedded import free_port
from tests.factories import SectionPageFactory

pytestmark = pytest.mark.django_db

PASSWORD_FORM = 'name="password"'


@pytest.fixture
def paper(tree):
    return build_newspaper(tree)


def restrict(page) -> None:
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="секрет"
    )


def test_a_second_request_reads_neither_the_site_nor_the_restrictions(client, paper):
    url = paper.article_ru.url
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # Listings still filter restricted pages inside their own SQL.
    read = {query["sql"].split(".", 1)[0] for query in queries}
    assert 'SELECT "wagtailcore_site"' not in read
    assert 'SELECT "wagtailcore_pageviewrestriction"' not in read


def test_a_page_restricted_after_it_was_read_asks_for_the_password(client, paper):
    url = paper.article_ru.url
    assert PASSWORD_FORM not in client.get(url).text
    restrict(paper.tree.section_ru)
    response = client.get(url)
    assert PASSWORD_FORM in response.text
    assert paper.article_ru.title not in response.text
    # Privacy binds twins (core.privacy): the Kazakh article is private too.
    assert PASSWORD_FORM in client.get(paper.article_kk.url).text


def test_a_lifted_restriction_opens_the_page_again(
    client, paper, django_capture_on_commit_callbacks
):
    restrict(paper.article_ru)
    url = paper.article_ru.url
    assert PASSWORD_FORM in client.get(url).text
    # Once committed, the Kazakh twin's mirrored restriction goes too.
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.filter(page=paper.article_ru).delete()
    assert PASSWORD_FORM not in client.get(url).text
    assert PASSWORD_FORM not in client.get(paper.article_kk.url).text


def test_a_site_moved_to_another_host_stops_answering_on_the_old_one(
    client, paper, settings
):
    settings.ALLOWED_HOSTS = ["localhost", "news.example"]
    url = paper.article_ru.url
    assert client.get(url, HTTP_HOST="localhost").status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.is_default_site = "news.example", False
    site.save()
    assert client.get(url, HTTP_HOST="localhost").status_code == 404
    assert client.get(url, HTTP_HOST="news.example").status_code == 200


def test_a_new_unpublished_translation_of_a_home_page_is_among_the_root_paths(rf, tree):
    """Wagtail forgets its sites' root paths whenever a site root is saved,
    new translations included (Page.save); the memo's copy (core.layout) too."""
    english = Locale.objects.create(language_code="en")
    site_for(rf.get("/ru/"))  # this generation's root paths, remembered
    tree.home_ru.copy_for_translation(english)  # a draft: not live yet
    request = rf.get("/ru/")
    site_for(request)
    assert request._wagtail_cached_site_root_paths == Site.get_site_root_paths()
    assert "en" in {path.language_code for path in Site.get_site_root_paths()}


def test_without_a_reachable_cache_every_request_reads_the_restrictions(
    client, paper, settings
):
    point_caches_at(settings, free_port())
    url = paper.article_ru.url
    assert PASSWORD_FORM not in client.get(url).text
    restrict(paper.article_ru)  # its generation bump is lost with the cache
    assert PASSWORD_FORM in client.get(url).text


def test_a_moved_or_deleted_page_is_not_served_at_its_remembered_address(
    client, paper, tree
):
    old_url = paper.article_ru.url
    assert client.get(old_url).status_code == 200
    other = SectionPageFactory(parent=tree.home_ru, title="Производство", slug="pr")
    paper.article_ru.move(other, pos="last-child")
    paper.article_ru.refresh_from_db()
    moved = client.get(old_url)  # Wagtail leaves a redirect behind
    assert (moved.status_code, moved["Location"]) == (301, paper.article_ru.url)
    assert client.get(paper.article_ru.url).status_code == 200
    paper.article_ru.delete()
    assert client.get(paper.article_ru.url).status_code == 404


def test_unknown_addresses_are_not_remembered(client, paper):
    for number in range(5):
        assert client.get(f"/ru/net-takoi-stranitsy-{number}/").status_code == 404
    assert not [key for key in memo.values if "net-takoi" in str(key)]


def test_a_bump_by_another_process_reaches_this_ones_memo_at_its_next_request(
    client, paper
):
    """The generation is shared (Redis, or files without it): no process keeps
    what another one's change made stale, however briefly."""
    url = paper.article_ru.url
    assert PASSWORD_FORM not in client.get(url).text
    # As another process would: the rows change, this process hears nothing...
    PageViewRestriction.objects.bulk_create(
        [
            PageViewRestriction(
                page=paper.article_ru,
                restriction_type=PageViewRestriction.PASSWORD,
                password="секрет",
            )
        ]
    )
    assert PASSWORD_FORM not in client.get(url).text
    # ...but its bump, through a handle of its own on the same store.
    caches.create_connection("default").incr(GENERATION_KEY)
    assert PASSWORD_FORM in client.get(url).text
