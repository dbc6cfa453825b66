"""A slow write does not take search down (issue 15, item 3).

Reads and writes have a circuit each: a publish whose index write timed out
queues the write and opens the write circuit only, so reader search and the
admin's page search keep answering from a healthy cluster, and a failed search
never stops the next publish from indexing. The stand-in (ElasticsearchStandIn)
delays writes or reads past the test timeouts (0.5 s, tests/search_support.py).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from search.elasticsearch_backend import SearchBackend
from search.models import PendingIndexUpdate
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.search_support import elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

SLOWER_THAN_THE_TIMEOUT = 1.5  # seconds; the tests' INDEX/SEARCH_TIMEOUT is 0.5


@pytest.fixture
def cluster(tree):
    """A healthy stand-in with the indices made as ``update_index`` makes them."""
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        call_command("update_index", stdout=StringIO(), stderr=StringIO())
        yield es


def puts_of(es: ElasticsearchStandIn, pk: int) -> int:
    return sum(
        1 for r in es.requests if r.method == "PUT" and r.path.endswith(f"/_doc/{pk}")
    )


def test_search_answers_after_a_publish_whose_write_timed_out(
    client, admin_user, tree, committed, cluster
):
    with committed():
        add_article(tree.section_ru, "Колледж готовит кадры", "Студенты на практике.")
    cluster.write_delay = SLOWER_THAN_THE_TIMEOUT
    with committed():
        slow = add_article(tree.section_ru, "Отгрузка хризотила", "Вагоны ждут.")
    assert PendingIndexUpdate.objects.filter(object_id=str(slow.pk)).exists()

    response = client.get("/ru/search/", {"q": "колледж"})
    assert response.status_code == 200
    assert "Колледж готовит кадры" in response.content.decode()
    client.force_login(admin_user)
    response = client.get("/admin/pages/search/", {"q": "Колледж"})
    assert response.status_code == 200
    assert "Колледж готовит кадры" in response.content.decode()


def test_a_write_that_timed_out_is_replayed_by_the_retry_command(
    tree, committed, cluster
):
    cluster.write_delay = SLOWER_THAN_THE_TIMEOUT
    with committed():
        slow = add_article(tree.section_ru, "Отгрузка хризотила", "Вагоны ждут.")
    assert PendingIndexUpdate.objects.filter(object_id=str(slow.pk)).exists()
    cluster.write_delay = 0
    before = puts_of(cluster, slow.pk)
    out = StringIO()
    call_command("retry_search_index", stdout=out, stderr=StringIO())
    assert "1 update(s) replayed" in out.getvalue()
    assert puts_of(cluster, slow.pk) == before + 1
    assert not PendingIndexUpdate.objects.exists()


def test_a_failed_search_does_not_stop_the_next_publish_from_indexing(
    client, tree, committed, cluster
):
    cluster.read_delay = SLOWER_THAN_THE_TIMEOUT
    assert client.get("/ru/search/", {"q": "колледж"}).status_code == 503
    with committed():
        article = add_article(tree.section_ru, "Ремонт дороги", "Дорожники.")
    assert not PendingIndexUpdate.objects.exists()
    assert puts_of(cluster, article.pk) == 1


def test_later_publishes_queue_without_waiting_once_a_write_timed_out(
    tree, committed, cluster
):
    cluster.write_delay = SLOWER_THAN_THE_TIMEOUT
    with committed():
        first = add_article(tree.section_ru, "Первая", "Текст.")
    with committed():
        second = add_article(tree.section_ru, "Вторая", "Текст.")
    assert puts_of(cluster, first.pk) == 1
    assert puts_of(cluster, second.pk) == 0, "the write circuit is open"
    assert (
        PendingIndexUpdate.objects.filter(
            object_id__in=[str(first.pk), str(second.pk)]
        ).count()
        == 2
    )


def test_a_publish_may_wait_seconds_for_its_write_not_half_a_second():
    backend = SearchBackend({"URLS": ["http://127.0.0.1:9"], "INDEX_PREFIX": "x_"})
    assert backend.write_es._request_timeout >= 2
    assert backend.write_es._max_retries == 0
