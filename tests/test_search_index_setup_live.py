"""Index set-up before the first write, against a real Elasticsearch 9.

Runs only when ELASTICSEARCH_URL names a cluster (this machine has none and
skips it): what tests/test_search_index_setup.py shows on the stand-in must
hold on a real cluster, whose auto-create, mappings and ``_meta`` the stand-in
imitates. Uses an index prefix of its own and deletes its indices afterwards.
"""

from __future__ import annotations

import os
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from core.caching.breaker import breaker
from linguistics.keys import KEYS_ANALYZER
from search import indices
from search.models import PendingIndexUpdate
from tests.search_support import elasticsearch_settings
from tests.test_search_morphology import add_article

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not ELASTICSEARCH_URL,
        reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against",
    ),
]


@pytest.fixture
def backend():
    breaker.reset()
    indices.forget()
    prefix = f"kmpresstest_{uuid.uuid4().hex[:8]}_"
    config = elasticsearch_settings(
        ELASTICSEARCH_URL, INDEX_PREFIX=prefix, TIMEOUT=30, INDEX_TIMEOUT=10
    )
    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        backend = get_search_backend()
        try:
            yield backend
        finally:
            # ES 9 refuses wildcard deletes (action.destructive_requires_name).
            client = backend.es.options(ignore_status=404)
            for name in client.indices.get(index=f"{prefix}*"):
                client.indices.delete(index=name)
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
