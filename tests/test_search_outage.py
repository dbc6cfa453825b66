"""Elasticsearch down: publishing still works and queues its index writes, the
search page says "temporarily unavailable", and the queue is replayed later.

ELASTICSEARCH_URL points at a closed loopback port (nothing listens) or at a
peer that accepts and never answers (a hung cluster).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from wagtail.search.backends import get_search_backend

from news.models import NewsPage
from search.models import PendingIndexUpdate
from tests.search_support import (
    RecordingServer,
    SilentPeer,
    closed_port,
    elasticsearch_settings,
)
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

LEAKS = ("127.0.0.1", "Connection", "Elasticsearch", "Traceback", "urllib3")


@pytest.fixture
def elasticsearch_down():
    with override_settings(
        WAGTAILSEARCH_BACKENDS=elasticsearch_settings(
            f"http://127.0.0.1:{closed_port()}"
        )
    ):
        yield


def test_publishing_works_and_queues_the_index_update(
    tree, committed, elasticsearch_down
):
    with committed():
        article = add_article(tree.section_ru, "Смена в карьере", "Текст.")
        revision = article.save_revision()
        revision.publish()
    article.refresh_from_db()
    assert article.live and article.live_revision_id == revision.pk
    pending = PendingIndexUpdate.objects.get(object_id=str(article.pk))
    assert pending.action == "add"
    assert pending.content_type.model_class() is NewsPage


def test_deleting_an_article_queues_a_delete(tree, committed, elasticsearch_down):
    with committed():
        article = add_article(tree.section_ru, "Удаляемая статья", "Текст.")
    pk = article.pk
    article.delete()
    assert PendingIndexUpdate.objects.get(object_id=str(pk)).action == "delete"
    assert not NewsPage.objects.filter(pk=pk).exists()


def test_a_hung_cluster_holds_a_publish_for_one_short_write_at_most(tree, committed):
    with (
        SilentPeer() as peer,
        override_settings(
            WAGTAILSEARCH_BACKENDS=elasticsearch_settings(
                f"http://127.0.0.1:{peer.port}"
            )
        ),
    ):
        backend = get_search_backend()
        # One write waits at most 0.5 s and is never retried...
        assert backend.write_es._request_timeout <= 0.5
        assert backend.write_es._max_retries == 0
        with committed():
            first = add_article(tree.section_ru, "Первая", "Текст.")
        with committed():
            second = add_article(tree.section_ru, "Вторая", "Текст.")
        # ...and after it failed, later publishes do not try again for a while.
        assert len(peer.accepted) == 1
    assert (
        PendingIndexUpdate.objects.filter(
            object_id__in=[str(first.pk), str(second.pk)]
        ).count()
        == 2
    )


def test_search_page_says_search_is_temporarily_unavailable(
    client, tree, elasticsearch_down
):
    response = client.get("/ru/search/", {"q": "карьер"})
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    with translation.override("ru"):
        assert translation.gettext("Search is temporarily unavailable.") in html
    for leak in LEAKS:
        assert leak not in html


def test_kazakh_search_page_says_it_in_kazakh(client, tree, elasticsearch_down):
    html = client.get("/kk/search/", {"q": "карьер"}).content.decode()
    with translation.override("kk"):
        message = translation.gettext("Search is temporarily unavailable.")
    assert message in html and message != "Search is temporarily unavailable."


def test_suggestions_answer_an_empty_list_with_503(client, tree, elasticsearch_down):
    response = client.get("/ru/search/suggest/", {"q": "карьер"})
    assert response.status_code == 503
    assert response.json() == {"query": "карьер", "suggestions": []}


def test_retry_command_replays_the_queue_once_the_service_answers(
    tree, committed, elasticsearch_down
):
    with committed():
        kept = add_article(tree.section_kk, "Колледж түлектері", "Мәтін.")
        gone = add_article(tree.section_kk, "Ескі жаңалық", "Мәтін.")
    gone_pk = gone.pk
    gone.delete()
    assert PendingIndexUpdate.objects.count() == 2

    call_command("retry_search_index", stdout=StringIO(), stderr=StringIO())
    assert PendingIndexUpdate.objects.count() == 2, "still down: nothing is lost"
    assert PendingIndexUpdate.objects.filter(attempts__gt=1).exists()

    server = RecordingServer()
    with (
        server as recorder,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(server.url)),
    ):
        out = StringIO()
        call_command("retry_search_index", stdout=out)
    assert PendingIndexUpdate.objects.count() == 0
    assert "2 update(s) replayed" in out.getvalue()
    (indexed,) = recorder.bodies("PUT", f"/_doc/{kept.pk}")
    document = json.loads(indexed.body)
    assert "колледж" in document["news_articlepage__search_title_keys"].split()
    assert recorder.bodies("DELETE", f"/_doc/{gone_pk}")
