"""/healthz and /readyz against real services: PostgreSQL (the test database),
a redis-server of the test's own, and loopback ports that hang like a stuck
Elasticsearch or object storage.

A hung service is a correctness case, not a speed one: the view must return
although the service never answers, and its own ``seconds`` field says it
kept to the budget.
"""

from __future__ import annotations

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from elasticsearch import Elasticsearch
from wagtail.search.backends import get_search_backend

from core.health import warm_up
from search import indices
from site_project.settings.base import redis_caches
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.embedded import HungPort, free_port, running_redis
from tests.search_support import elasticsearch_settings

DATABASE_SEARCH = {
    "default": {"BACKEND": "search.database_backend", "SEARCH_CONFIG": "simple"}
}


@pytest.fixture
def services(settings):
    """Nothing but the database configured: search on the database, local files."""
    settings.WAGTAILSEARCH_BACKENDS = DATABASE_SEARCH
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings


@pytest.fixture
def hung():
    port = HungPort()
    yield port
    port.close()


def redis_at(settings, port: int) -> None:
    settings.CACHES = redis_caches(
        f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    )


def readyz(**headers) -> tuple[int, dict, str]:
    response = Client().get("/readyz", **headers)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    return response.status_code, json.loads(text), text


def test_healthz_answers_without_the_database_or_the_cache(settings, hung):
    """No django_db mark: any query would raise. The caches point at a port
    that hangs and counts connections: none is opened."""
    redis_at(settings, hung.port)
    response = Client().get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert hung.connections == []


def test_probes_answer_over_plain_http_whatever_the_host_or_the_tls_setting(
    settings,
):
    """An orchestrator probes by address, over HTTP inside the network."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gazeta.example.kz"]
    response = Client().get("/healthz", HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    # Everything else keeps the Host check and the redirect.
    assert Client().get("/ru/", HTTP_HOST="172.18.0.5:8000").status_code == 400


def test_probes_take_no_posts():
    response = Client().post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_readyz_is_ok_when_the_database_and_redis_answer(services):
    with running_redis() as server:
        redis_at(services, server.port)
        status, body, _text = readyz()
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "redis": "ok",
        "storage": "not configured",
        "search": "not configured",
    }


@pytest.mark.django_db
def test_readyz_without_redis_says_so_and_is_ready(services):
    """The embedded default: local-memory caches are not a service."""
    services.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        for alias in ("default", "renditions", "template_fragments", "pagecache")
    }
    status, body, _text = readyz()
    assert (status, body["checks"]["redis"]) == (200, "not configured")


@pytest.mark.django_db
def test_a_stopped_redis_is_down_and_the_node_degraded_but_ready(services, caplog):
    """Pages render without Redis: a balancer must keep the node."""
    with running_redis() as server:
        redis_at(services, server.port)
        assert readyz()[1]["status"] == "ok"
        server.stop()
        status, body, text = readyz()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["redis"] == "down"
    assert body["checks"]["database"] == "ok"
    assert body["seconds"] <= 2
    # The check is logged once as a warning, not as a server error.
    assert "readyz: redis is down" in caplog.text
    assert "Service Unavailable" not in caplog.text
    # No address of the service in the body.
    assert str(server.port) not in text and "127.0.0.1" not in text


@pytest.mark.django_db
def test_a_hung_redis_costs_its_socket_timeout_not_the_budget(services, hung):
    redis_at(services, hung.port)
    status, body, _text = readyz()
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["redis"] in ("down", "timeout")
    assert body["seconds"] <= 2


@pytest.mark.django_db
def test_elasticsearch_that_never_answers_is_cut_off_by_the_deadline(services, hung):
    services.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.elasticsearch_backend",
            "URLS": [f"http://127.0.0.1:{hung.port}"],
            "INDEX_PREFIX": "kmpress_readyz_",
            "TIMEOUT": 30,
        }
    }
    warm_up()  # as the middleware does when a web process starts
    status, body, text = readyz()
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["search"] in ("down", "timeout")
    assert body["checks"]["database"] == "ok"
    assert body["seconds"] <= 2
    assert hung.connections, "the check never reached the hung port"
    assert str(hung.port) not in text


@pytest.mark.django_db
def test_elasticsearch_that_refuses_connections_is_down(services):
    services.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.elasticsearch_backend",
            "URLS": [f"http://127.0.0.1:{free_port()}"],
            "INDEX_PREFIX": "kmpress_readyz_",
        }
    }
    warm_up()
    status, body, _text = readyz()
    assert (status, body["checks"]["search"]) == (200, "down")
    assert body["status"] == "degraded"


def s3_storage_at(settings, port: int) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "kmpress-readyz",
                "endpoint_url": f"http://127.0.0.1:{port}",
                "access_key": "readyz-key",
                "secret_key": "readyz-secret-never-shown",
                "region_name": "us-east-1",
            },
        },
    }


@pytest.mark.django_db
def test_object_storage_that_refuses_connections_is_down(services):
    s3_storage_at(services, free_port())
    status, body, text = readyz()
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["storage"] in ("down", "timeout")
    assert "readyz-secret" not in text and "kmpress-readyz" not in text


@pytest.mark.django_db
def test_object_storage_that_hangs_is_cut_off_by_the_deadline(services, hung):
    s3_storage_at(services, hung.port)
    status, body, _text = readyz()
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["storage"] in ("down", "timeout")
    assert body["seconds"] <= 2


@pytest.mark.django_db
def test_a_check_still_hanging_is_not_started_again(services, hung):
    """Probes every few seconds against a hung service never pile up threads
    and connections: the next probe reports the check still running."""
    s3_storage_at(services, hung.port)
    first = readyz()[1]["checks"]["storage"]
    second = readyz()[1]["checks"]["storage"]
    assert (first, second) == ("timeout", "timeout")
    hanging = [t for t in threading.enumerate() if t.name == "readyz-storage"]
    assert len(hanging) == 1


# The search index (issue 15, item 1) ---------------------------------------------


@pytest.fixture
def cluster(services):
    """A healthy cluster (the stand-in) with no index yet."""
    indices.forget()
    with ElasticsearchStandIn() as es:
        services.WAGTAILSEARCH_BACKENDS = elasticsearch_settings(es.url)
        yield es
    indices.forget()


@pytest.mark.django_db
def test_a_healthy_cluster_without_the_page_index_says_missing(cluster, caplog):
    status, body, _text = readyz()
    assert (status, body["checks"]["search"]) == (200, "missing")
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["seconds"] <= 2
    assert "readyz: the search index is missing" in caplog.text


@pytest.mark.django_db
def test_a_page_index_with_no_document_while_pages_are_live_says_empty(cluster, tree):
    call_command("update_index", "--schema-only", stdout=StringIO())
    status, body, _text = readyz()
    assert (status, body["checks"]["search"]) == (200, "empty")


@pytest.mark.django_db
def test_a_page_index_elasticsearch_auto_created_says_wrong_mapping(cluster):
    Elasticsearch(cluster.url).index(
        index="kmpresstest_wagtailcore_page", id="1", document={"title": "x"}
    )
    status, body, _text = readyz()
    assert (status, body["checks"]["search"]) == (200, "wrong mapping")


@pytest.mark.django_db
def test_a_page_index_the_worker_has_not_filled_yet_says_unfilled(cluster, tree):
    get_search_backend().add(tree.section_ru)  # the first write creates the index
    status, body, _text = readyz()
    assert (status, body["checks"]["search"]) == (200, "unfilled")
    call_command("retry_search_index", stdout=StringIO(), stderr=StringIO())
    body = readyz()[1]
    assert (body["checks"]["search"], body["status"]) == ("ok", "ok")


@pytest.mark.django_db
def test_a_built_page_index_is_ok(cluster, tree):
    call_command("update_index", stdout=StringIO())
    status, body, _text = readyz()
    assert body["checks"]["search"] == "ok"
    assert status == 200
