"""A change published while Redis is cut off is never served stale once it returns.

A partition keeps Redis's data (old pages, the old layout generation) while
Django cannot reach it: the clear and the generation bump a publish owes are
recorded in the database and paid by whichever process next reaches Redis,
before it serves anything from the page cache. A TCP proxy on loopback sits
between Django and a private redis-server and is cut and restored.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client

from core.caching.invalidation import _Debt
from tests.cache_support import (
    TcpProxy,
    as_a_fresh_process,
    build_newspaper,
    commit_set_up,
    point_caches_at,
    verdict,
)
from tests.embedded import running_redis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NEW_TITLE = "Карьер перевыполнил план"
NEW_SECTION = "Главные новости"


@pytest.fixture
def paper(tree):
    built = build_newspaper(tree)
    commit_set_up()
    return built


@pytest.fixture
def proxy(settings):
    with running_redis() as server:
        link = TcpProxy(server.port)
        point_caches_at(settings, link.port)
        yield link
        link.close()


def cache(urls) -> None:
    client = Client()
    for url in urls:
        client.get(url)
        assert verdict(client.get(url)) == "hit", url


def publish_during_the_cut(paper, proxy, capture) -> None:
    """A new article title and a renamed section (navigation: the layout)."""
    proxy.cut()
    with capture(execute=True):
        paper.article_ru.title = NEW_TITLE
        paper.article_ru.save_revision().publish()
        paper.tree.section_ru.title = NEW_SECTION
        paper.tree.section_ru.save_revision().publish()


def test_a_process_that_never_saw_the_partition_serves_the_change(
    paper, proxy, django_capture_on_commit_callbacks
):
    urls = [paper.article_ru.url, paper.tree.home_ru.url]
    cache(urls)
    publish_during_the_cut(paper, proxy, django_capture_on_commit_callbacks)
    proxy.restore()
    as_a_fresh_process()
    client = Client()
    for url in urls:
        response = client.get(url)
        assert verdict(response) == "miss", url
        assert NEW_TITLE in response.text, url
        assert NEW_SECTION in response.text, url


def test_readers_during_the_partition_get_the_change_uncached(
    paper, proxy, django_capture_on_commit_callbacks
):
    url = paper.article_ru.url
    cache([url])
    publish_during_the_cut(paper, proxy, django_capture_on_commit_callbacks)
    as_a_fresh_process()
    response = Client().get(url)
    assert verdict(response) == "err"
    assert NEW_TITLE in response.text
    proxy.restore()
    as_a_fresh_process()
    assert verdict(Client().get(url)) == "miss"


def test_the_owed_clear_is_paid_once(paper, proxy, django_capture_on_commit_callbacks):
    url = paper.article_ru.url
    cache([url])
    publish_during_the_cut(paper, proxy, django_capture_on_commit_callbacks)
    proxy.restore()
    as_a_fresh_process()
    assert verdict(Client().get(url)) == "miss"
    as_a_fresh_process()  # a third process: nothing owed any more
    again = Client().get(url)
    assert verdict(again) == "hit"
    assert NEW_TITLE in again.text


def test_a_process_that_looked_just_before_the_publish_pays_soon_after(
    paper, proxy, settings, django_capture_on_commit_callbacks
):
    """Processes read the debt table at most every few seconds, not per hit."""
    settings.PAGE_CACHE_DEBT_CHECK_SECONDS = 0.5
    url = paper.article_ru.url
    cache([url])
    publish_during_the_cut(paper, proxy, django_capture_on_commit_callbacks)
    proxy.restore()
    as_a_fresh_process()
    _Debt.checked_at = time.monotonic()  # it found nothing owed
    time.sleep(0.6)
    response = Client().get(url)
    assert verdict(response) == "miss"
    assert NEW_TITLE in response.text
