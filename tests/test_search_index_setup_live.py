"""Index set-up before the first write, against a real Elasticsearch 9.

Runs only when ELASTICSEARCH_URL names a cluster (this machine has none and
skips it): what tests/test_search_index_setup.py shows on the stand-in must
hold on a real cluster, whose auto-create, mappings and ``_meta`` the stand-in
imitates. Uses an index prefix of its own and deletes its indices afterwards.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from linguistics.keys import KEYS_ANALYZER
from search import indices
from search.models import PendingIndexUpdate
from tests.search_support import live_backend, needs_cluster
from tests.test_search_morphology import add_article

pytestmark = [pytest.mark.django_db, needs_cluster]


@pytest.fixture
def backend():
    indices.forget()
    with live_backend() as backend:
        yield backend
    indices.forget()


def test_the_first_publish_creates_the_page_index_with_our_analyzer(
    backend, tree, committed
):
    with committed():
        article = add_article(tree.section_ru, "Профессия машиниста", "Текст.")
        article.save_revision().publish()
    name = backend.get_index_for_model(Page).name
    settings = backend.es.indices.get_settings(index=name)[name]["settings"]
    assert KEYS_ANALYZER in settings["index"]["analysis"]["analyzer"]
    backend.es.indices.refresh(index=name)
    results = Page.objects.order_by("title").search(
        "машинист", order_by_relevance=False
    )
    assert article.pk in [page.pk for page in results]


def test_an_auto_created_page_index_is_refused_and_the_worker_fills_a_new_one(
    backend, tree, committed
):
    name = backend.get_index_for_model(Page).name
    backend.es.index(index=name, id="1", document={"title": "старая"})
    with committed():
        article = add_article(tree.section_ru, "Профессия машиниста", "Текст.")
    assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()
    backend.es.indices.delete(index=name)  # the data volume is wiped
    call_command("retry_search_index", stdout=StringIO(), stderr=StringIO())
    mappings = backend.es.indices.get_mapping(index=name)[name]["mappings"]
    assert mappings["_meta"] == {"kmpress": {"filled": True}}
    backend.es.indices.refresh(index=name)
    assert backend.es.count(index=name)["count"] >= Page.objects.count() - 1
