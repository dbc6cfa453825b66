"""Search works after `docker compose up` (issue 15, item 1): nothing has run
``update_index``, Elasticsearch auto-creates indices on the first write, and
yet readers find articles and the admin's title-sorted search answers.

Against ElasticsearchStandIn with ``auto_create=True``, as ES 9 by default.
"""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from elasticsearch import Elasticsearch
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from core.caching.breaker import breaker
from linguistics.keys import KEYS_ANALYZER
from search import indices
from search.models import PendingIndexUpdate
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.search_support import closed_port, elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

PAGES = "kmpresstest_wagtailcore_page"


@pytest.fixture(autouse=True)
def _fresh_state():
    breaker.reset()
    indices.forget()
    yield
    breaker.reset()
    indices.forget()


@pytest.fixture
def es():
    with (
        ElasticsearchStandIn(auto_create=True) as standin,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(standin.url)),
    ):
        yield standin


def publish(section, title: str, text: str = "Текст."):
    article = add_article(section, title, text)
    article.save_revision().publish()
    return article


def worker_tick() -> str:
    out = StringIO()
    call_command("retry_search_index", stdout=out, stderr=StringIO())
    return out.getvalue()


def wipe(es: ElasticsearchStandIn) -> None:
    """The data volume is gone; the web processes still believe in their check."""
    with es.lock:
        es.indices.clear()


# Before the first write ---------------------------------------------------------


def test_the_first_publish_creates_the_page_index_with_our_analyzer_not_es(
    tree, committed, es
):
    with committed():
        publish(tree.section_ru, "Профессия машиниста")
    index = es.indices[PAGES]
    assert not index.auto_created
    assert KEYS_ANALYZER in index.analyzers
    assert index.mappings["properties"]["_all_text"]["analyzer"] == KEYS_ANALYZER


def test_readers_find_an_article_published_before_any_update_index(
    client, tree, committed, es
):
    with committed():
        publish(tree.section_ru, "Профессия машиниста", "Машинисты работают.")
    response = client.get("/ru/search/", {"q": "машиниста"})
    assert response.status_code == 200
    assert "Профессия машиниста" in response.content.decode()


def test_suggestions_offer_an_article_published_before_any_update_index(
    client, tree, committed, es
):
    with committed():
        publish(tree.section_ru, "Профессия машиниста", "Машинисты работают.")
    response = client.get("/ru/search/suggest/", {"q": "Профессия"})
    assert response.status_code == 200
    assert "Профессия машиниста" in str(response.json()["suggestions"])


def test_the_admin_title_sorted_search_answers_before_any_update_index(
    client, django_user_model, tree, committed, es, caplog
):
    """From Elasticsearch itself: not a 400 the database fallback covers up."""
    with committed():
        article = publish(tree.section_ru, "Профессия машиниста")
    caplog.set_level(logging.INFO, logger="search")
    results = Page.objects.order_by("title").search(
        "машинист", order_by_relevance=False
    )
    assert article.pk in [page.pk for page in results]
    client.force_login(django_user_model.objects.create_superuser("chief", "", "x"))
    response = client.get(
        "/admin/pages/search/", {"q": "машиниста", "ordering": "title"}
    )
    assert response.status_code == 200
    assert "Профессия машиниста" in response.content.decode()
    assert "failed" not in caplog.text and "fallback" not in caplog.text


def test_the_index_is_checked_once_per_process_not_at_every_write(tree, committed, es):
    with committed():
        publish(tree.section_ru, "Первая")
    checks = len(
        [r for r in es.requests if r.method == "GET" and r.path == f"/{PAGES}"]
    )
    with committed():
        publish(tree.section_ru, "Вторая")
        publish(tree.section_ru, "Третья")
    after = len([r for r in es.requests if r.method == "GET" and r.path == f"/{PAGES}"])
    assert after == checks


# An index Elasticsearch made --------------------------------------------------


def auto_created(es: ElasticsearchStandIn) -> None:
    """What a publish left behind before this fix: a dynamic-mapped page index."""
    Elasticsearch(es.url).index(index=PAGES, id="1", document={"title": "старая"})
    assert es.indices[PAGES].auto_created


def test_a_write_into_an_auto_created_index_is_queued_and_names_the_fix(
    tree, committed, es, caplog
):
    auto_created(es)
    caplog.set_level(logging.ERROR, logger="search")
    with committed():
        article = publish(tree.section_ru, "Профессия машиниста")
    assert set(es.documents(PAGES)) == {"1"}, "nothing written"
    assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()
    assert "manage.py update_index" in caplog.text
    assert KEYS_ANALYZER in caplog.text


def test_a_write_into_an_index_with_a_conflicting_mapping_is_queued(
    tree, committed, es, caplog
):
    client = Elasticsearch(es.url)
    client.indices.create(index=PAGES, **get_search_backend().settings)
    client.indices.put_mapping(index=PAGES, properties={"title": {"type": "long"}})
    caplog.set_level(logging.ERROR, logger="search")
    with committed():
        article = publish(tree.section_ru, "Профессия машиниста")
    assert es.documents(PAGES) == {}
    assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()
    assert "field title is long, not text" in caplog.text
    assert "manage.py update_index" in caplog.text


def test_update_index_makes_a_refused_index_usable_again(tree, committed, es):
    auto_created(es)
    with committed():
        article = publish(tree.section_ru, "Профессия машиниста")
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    worker_tick()
    with committed():
        later = publish(tree.section_ru, "После перестройки")
    (rebuilt,) = es.aliased(PAGES)
    assert KEYS_ANALYZER in es.indices[rebuilt].analyzers
    assert {str(article.pk), str(later.pk)} <= set(es.documents(PAGES))
    assert not PendingIndexUpdate.objects.exists()


# The worker ---------------------------------------------------------------------


def test_the_worker_rebuilds_a_wiped_page_index_with_everything_in_it(
    tree, committed, es
):
    with committed():
        articles = [publish(tree.section_ru, f"Статья {n}") for n in range(3)]
    wipe(es)
    output = worker_tick()
    index = es.indices[PAGES]
    assert KEYS_ANALYZER in index.analyzers and not index.auto_created
    ids = set(es.documents(PAGES))
    assert {f"{a.pk}" for a in articles} <= ids
    assert f"{tree.section_ru.pk}" in ids
    assert f"Search index {PAGES}: " in output and "objects indexed" in output
    assert index.mappings["_meta"] == {"kmpress": {"filled": True}}


def test_the_worker_fills_an_index_a_publish_created_before_it(
    tree, committed, settings
):
    """The site ran on the database backend (or Elasticsearch was not up when
    the init job ran): the first publish creates the index with one document,
    the worker adds the rest."""
    with committed():
        older = publish(tree.section_ru, "Старая статья")
    with (
        ElasticsearchStandIn() as es,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(es.url)),
    ):
        with committed():
            newer = publish(tree.section_ru, "Новая статья")
        assert set(es.documents(PAGES)) == {f"{newer.pk}"}
        assert es.indices[PAGES].mappings["_meta"]["kmpress"]["filled"] is False
        worker_tick()
        assert f"{older.pk}" in es.documents(PAGES)
        assert es.indices[PAGES].mappings["_meta"]["kmpress"]["filled"] is True
        requests = len(es.requests)
        assert "objects indexed" not in worker_tick(), "filled once, not every tick"
        bulk = [r for r in es.requests[requests:] if "_bulk" in r.path]
        assert bulk == []


def test_the_worker_leaves_an_auto_created_index_alone_and_says_why(
    tree, committed, es, caplog
):
    auto_created(es)
    caplog.set_level(logging.ERROR, logger="search")
    worker_tick()
    assert set(es.documents(PAGES)) == {"1"}
    assert "update_index" in caplog.text


def test_the_worker_survives_a_cluster_that_is_down():
    url = f"http://127.0.0.1:{closed_port()}"
    with override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(url)):
        output = worker_tick()
    assert "not repaired" in output


def test_a_write_after_a_wipe_is_checked_again_once_a_write_failed(tree, committed, es):
    """A wiped cluster: the process's check is stale. The worker repairs the
    index; a failed write makes the process look again."""
    with committed():
        publish(tree.section_ru, "Первая")
    wipe(es)
    es.auto_create = False  # a write now fails (404) instead of auto-creating
    with committed():
        second = publish(tree.section_ru, "Вторая")
    assert PendingIndexUpdate.objects.filter(object_id=str(second.pk)).exists()
    breaker.reset()
    with committed():
        third = publish(tree.section_ru, "Третья")
    assert f"{third.pk}" in es.documents(PAGES)
    assert KEYS_ANALYZER in es.indices[PAGES].analyzers


def test_the_worker_fills_a_big_index_a_bounded_share_per_tick_and_resumes(
    tree, committed, es, settings
):
    with committed():
        articles = [publish(tree.section_ru, f"Статья {n}") for n in range(5)]
    wipe(es)
    settings.KMPRESS_SEARCH_FILL_PER_TICK = 3
    output = worker_tick()
    assert "the next tick goes on" in output
    meta = es.indices[PAGES].mappings["_meta"]["kmpress"]
    assert meta["filled"] is False and meta["progress"]
    assert len(es.documents(PAGES)) == 3
    ticks = 1
    while es.indices[PAGES].mappings["_meta"]["kmpress"]["filled"] is False:
        worker_tick()
        ticks += 1
        assert ticks < 20, "the fill never finishes"
    ids = set(es.documents(PAGES))
    assert {str(a.pk) for a in articles} <= ids
    assert len(ids) == Page.objects.filter(depth__gt=1).count() + 1  # and the root
    assert ticks > 2


def test_a_document_refused_during_the_fill_is_queued_and_the_fill_completes(
    tree, committed, es
):
    with committed():
        bad = publish(tree.section_ru, "Испорченная статья")
        good = publish(tree.section_ru, "Хорошая статья")
    wipe(es)
    es.reject = lambda index, doc_id, source: (
        "failed to parse field [title]" if doc_id == str(bad.pk) else None
    )
    worker_tick()
    assert es.indices[PAGES].mappings["_meta"]["kmpress"]["filled"] is True
    assert str(good.pk) in es.documents(PAGES)
    row = PendingIndexUpdate.objects.get(object_id=str(bad.pk))
    assert "failed to parse field" in row.last_error


def test_update_index_replaces_an_index_the_backend_created_and_the_worker_rests(
    tree, committed, es
):
    with committed():
        article = publish(tree.section_ru, "Профессия машиниста")
    assert es.aliased(PAGES) == []  # a concrete index of the alias's name
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    (rebuilt,) = es.aliased(PAGES)
    assert "_meta" not in es.indices[rebuilt].mappings  # built whole: nothing to fill
    assert str(article.pk) in es.documents(PAGES)
    assert "objects indexed" not in worker_tick()
