"""The init job's search step (`prepare_search_index`): it waits a bounded time
for Elasticsearch, builds the index when the cluster answers, and otherwise
warns and succeeds so that the site still comes up (search degrades alone).

Against ElasticsearchStandIn (one node: green only when indices ask for no
replicas), a closed port, and a cluster that stays red or refuses us.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.search_support import closed_port, elasticsearch_settings

pytestmark = pytest.mark.django_db

PAGE_INDEX = "kmpresstest_wagtailcore_page"


def prepare(url: str, wait: float, **extra) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    settings = elasticsearch_settings(
        url, INDEX_SETTINGS={"settings": {"index": {"number_of_replicas": 0}}}, **extra
    )
    with override_settings(WAGTAILSEARCH_BACKENDS=settings):
        call_command("prepare_search_index", wait=wait, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_init_step_builds_the_index_with_our_analysis_when_the_cluster_answers(
    tree,
):
    with ElasticsearchStandIn() as es:
        _out, err = prepare(es.url, wait=5)
        (index,) = es.resolve(PAGE_INDEX)
        assert not index.auto_created
        assert "kmpress_keys" in index.analyzers
        assert es.aliased(PAGE_INDEX) == [index.name]
        asked = [r for r in es.requests if r.path == "/_cluster/health"]
        assert asked and asked[0].query["wait_for_status"] == "yellow"
        # No replica asked for: a single node is green, not yellow.
        with urllib.request.urlopen(es.url + "/_cluster/health", timeout=5) as r:
            assert json.load(r)["status"] == "green"
    assert "did not answer" not in err


def test_a_cluster_that_starts_late_is_waited_for(tree):
    with ElasticsearchStandIn() as es:
        es.health = "red"  # recovering, as after `docker compose up`
        timer = threading.Timer(1.5, setattr, (es, "health", None))
        timer.start()
        try:
            _out, err = prepare(es.url, wait=60)
        finally:
            timer.cancel()
        assert es.resolve(PAGE_INDEX)
    assert "did not answer" not in err


def test_a_cluster_that_never_answers_is_a_warning_and_the_step_succeeds(tree):
    _out, err = prepare(f"http://127.0.0.1:{closed_port()}", wait=2)
    assert "did not answer within 2 s" in err
    assert "update_index" in err


def test_a_cluster_that_stays_red_is_a_warning_and_nothing_is_written(tree):
    with ElasticsearchStandIn() as es:
        es.health = "red"
        _out, err = prepare(es.url, wait=2)
        assert es.indices == {}
    assert "did not answer" in err


def test_a_cluster_that_refuses_our_credentials_is_a_warning_not_a_failure(tree):
    with ElasticsearchStandIn(api_key="the-right-key") as es:
        _out, err = prepare(es.url, wait=600, OPTIONS={"api_key": "a-wrong-key"})
        assert es.indices == {}
        # Told at once: waiting does not mend credentials.
        assert len([r for r in es.requests if "health" in r.path]) == 1
    assert "refused our credentials" in err
    assert "a-wrong-key" not in err


def test_the_database_backend_just_runs_update_index(tree):
    out, err = StringIO(), StringIO()
    call_command("prepare_search_index", wait=1, stdout=out, stderr=err)
    assert "did not answer" not in err.getvalue()
