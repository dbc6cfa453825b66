"""Without Redis the site keeps serving and publishing, uncached.

Two outages: ``REDIS_URL`` pointing at a closed loopback port, and a real
``redis-server`` started here and then killed. Only 127.0.0.1 is ever touched.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from tests.cache_support import (
    build_newspaper,
    commit_set_up,
    let_page_cache_retry,
    point_caches_at,
    verdict,
)
from tests.embedded import HungPort, free_port, running_redis
from tests.factories import StandardPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NEW_TITLE = "Карьер перевыполнил план"


@pytest.fixture
def hung_redis():
    server = HungPort()
    yield server
    server.close()


@pytest.fixture
def redis_server():
    with running_redis() as server:
        yield server


@pytest.fixture
def paper(tree):
    built = build_newspaper(tree)
    StandardPageFactory(parent=tree.home_ru, title="Контакты", slug="kontakty")
    commit_set_up()
    return built


def public_urls(paper) -> dict[str, str]:
    return {
        **paper.urls(),
        "contacts": "/ru/kontakty/",
        "search": "/ru/search/?q=карьер",
    }


def assert_site_serves_uncached(paper) -> None:
    client = Client()
    for name, url in public_urls(paper).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert verdict(response) in ("err", "skip"), (name, verdict(response))


def publish_new_title(paper, capture) -> None:
    with capture(execute=True):
        paper.article_ru.title = NEW_TITLE
        paper.article_ru.save_revision().publish()


def outlast_the_test(settings) -> None:
    """One outage is one warning per rest; the 5 s rests of production would
    end in the middle of a test on a busy machine (tests run in parallel) and
    log the same outage twice."""
    settings.REDIS_REST_SECONDS = settings.PAGE_CACHE_RETRY_SECONDS = 600


def page_cache_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "core.caching.invalidation"
        and record.levelno >= logging.WARNING
    ]


def test_a_closed_port_leaves_every_page_up_and_publishing_working(
    settings, paper, caplog, django_capture_on_commit_callbacks
):
    outlast_the_test(settings)
    point_caches_at(settings, free_port())
    assert_site_serves_uncached(paper)
    publish_new_title(paper, django_capture_on_commit_callbacks)
    response = Client().get(paper.article_ru.url)
    assert response.status_code == 200
    assert NEW_TITLE in response.text
    assert verdict(response) == "err"
    assert response["Cache-Control"] == "no-cache"
    assert len(page_cache_warnings(caplog)) == 1, page_cache_warnings(caplog)


def test_an_outage_is_one_log_line_not_a_traceback_per_cache_call(
    settings, paper, caplog
):
    for note in logging.getLogger("kmpress.cache").filters:
        note.quiet_until = 0.0  # earlier tests' outages are over
    point_caches_at(settings, free_port())
    assert_site_serves_uncached(paper)
    notes = [record for record in caplog.records if record.name == "kmpress.cache"]
    assert len(notes) == 1, [record.getMessage() for record in notes]
    assert notes[0].exc_info is None
    assert notes[0].getMessage().startswith("Cache unreachable (")
    assert "Connection refused" in notes[0].getMessage()


def test_a_hung_redis_is_asked_once_per_circuit_then_left_alone(
    settings, paper, hung_redis, django_capture_on_commit_callbacks
):
    """Each call to a stuck Redis waits its socket timeout; a page makes many.

    The page cache has a circuit of its own; the other aliases share their
    server's (core.caching.breaker).
    """
    settings.REDIS_REST_SECONDS = settings.PAGE_CACHE_RETRY_SECONDS = 600
    point_caches_at(settings, hung_redis.port)
    assert_site_serves_uncached(paper)
    publish_new_title(paper, django_capture_on_commit_callbacks)
    assert NEW_TITLE in Client().get(paper.article_ru.url).text
    # One try each: the page cache, the server of the other aliases.
    assert len(hung_redis.connections) <= 2


def test_a_stopped_redis_server_leaves_every_page_up_and_publishing_working(
    settings, paper, redis_server, caplog, django_capture_on_commit_callbacks
):
    outlast_the_test(settings)
    point_caches_at(settings, redis_server.port)
    client = Client()
    url = paper.article_ru.url
    client.get(url)
    assert verdict(client.get(url)) == "hit"

    redis_server.stop()
    assert_site_serves_uncached(paper)
    publish_new_title(paper, django_capture_on_commit_callbacks)
    assert NEW_TITLE in Client().get(url).text
    assert len(page_cache_warnings(caplog)) == 1, page_cache_warnings(caplog)

    redis_server.start()
    let_page_cache_retry()
    client = Client()
    fresh = client.get(url)
    assert verdict(fresh) == "miss"
    assert NEW_TITLE in fresh.text
    assert verdict(client.get(url)) == "hit"


def test_a_clear_missed_during_an_outage_happens_before_the_next_hit(
    settings, paper, redis_server, django_capture_on_commit_callbacks
):
    """A network split: Redis keeps its pages while publishing cannot reach it."""
    point_caches_at(settings, redis_server.port)
    url = paper.article_ru.url
    Client().get(url)

    point_caches_at(settings, free_port())
    Client().get(url)  # the worker notices the outage
    publish_new_title(paper, django_capture_on_commit_callbacks)

    point_caches_at(settings, redis_server.port)
    let_page_cache_retry()
    response = Client().get(url)
    assert verdict(response) == "miss"
    assert NEW_TITLE in response.text
