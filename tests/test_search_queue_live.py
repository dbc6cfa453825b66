"""The retry queue's error classes against a real Elasticsearch 9.

The stand-in answers refusals and overloads the way we read ES 9's docs; this
checks the real answers fall in the same classes (search.resilience
``cluster_failed``). Runs only when ELASTICSEARCH_URL names a cluster.
"""

from __future__ import annotations

import uuid

import pytest
from elasticsearch import ApiError, Elasticsearch

from search.resilience import WRITE_ERRORS, cluster_failed
from tests.search_support import ELASTICSEARCH_URL, needs_cluster

pytestmark = needs_cluster


@pytest.fixture
def index():
    es = Elasticsearch(ELASTICSEARCH_URL, request_timeout=30)
    name = f"kmpresstest_queue_{uuid.uuid4().hex[:8]}"
    es.indices.create(index=name, mappings={"properties": {"n": {"type": "long"}}})
    try:
        yield es, name
    finally:
        es.indices.delete(index=name)


def test_a_document_the_cluster_refuses_is_the_documents_fault(index):
    es, name = index
    with pytest.raises(ApiError) as refused:
        es.index(index=name, id="1", document={"n": "not a number"})
    assert 400 <= refused.value.status_code < 500
    assert not cluster_failed(refused.value)


def test_a_write_that_times_out_is_the_clusters_fault(index):
    es, name = index
    hurried = es.options(request_timeout=0.001, max_retries=0)
    with pytest.raises(WRITE_ERRORS) as failed:
        hurried.index(index=name, id="1", document={"n": 1}, refresh="wait_for")
    assert cluster_failed(failed.value)
