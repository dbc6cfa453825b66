"""Elasticsearch with security on (ES 9's default): credentials and a CA from the
environment reach the client; wrong ones degrade search, never publishing.

Against ElasticsearchStandIn with HTTP authentication and TLS, its certificate
signed by a CA the test makes with the openssl CLI. The backend's settings come
from site_project.settings.base as the environment builds them.
"""

from __future__ import annotations

import importlib
import logging
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from elasticsearch import Elasticsearch
from wagtail.models import Page, get_page_models
from wagtail.search.backends import get_search_backend

from search.models import PendingIndexUpdate
from site_project.settings import base
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.test_search_morphology import add_article
from tests.tls_support import make_certificates

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret/p@ss:word"  # characters a URL must percent-encode
QUOTED_PASSWORD = "s3cret%2Fp%40ss%3Aword"
API_KEY = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
ENVIRONMENT = (
    "ELASTICSEARCH_URL",
    "ELASTICSEARCH_USERNAME",
    "ELASTICSEARCH_PASSWORD",
    "ELASTICSEARCH_API_KEY",
    "ELASTICSEARCH_CA_CERTS",
    "ELASTICSEARCH_VERIFY_CERTS",
    "ELASTICSEARCH_REPLICAS",
)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, str]:
    return make_certificates(tmp_path_factory.mktemp("es-tls"))


@pytest.fixture
def environment(monkeypatch):
    """The search backend settings base.py builds from ``env`` (test timeouts)."""

    def backends(**env: str) -> dict:
        for name in ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        default = dict(importlib.reload(base).WAGTAILSEARCH_BACKENDS["default"])
        default |= {
            "INDEX_PREFIX": "kmpresstest_",
            "TIMEOUT": 2,
            "INDEX_TIMEOUT": 1,
            "SEARCH_TIMEOUT": 1,
        }
        return {"default": default}

    yield backends
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    importlib.reload(base)


@pytest.fixture
def secured(certificates):
    """A stand-in that wants the password (or the API key) over TLS."""
    with ElasticsearchStandIn(
        basic_auth=("kmpress", PASSWORD),
        api_key=API_KEY,
        certfile=certificates["server"],
        keyfile=certificates["key"],
    ) as es:
        yield es


def prepared(backends: dict) -> None:
    """What update_index does first: the page index with our analysis."""
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        index = get_search_backend().get_index_for_model(Page)
        index.reset()
        for model in get_page_models():
            index.add_model(model)


def credential_forms(es, certificates) -> dict[str, dict[str, str]]:
    url = es.url.replace("https://", f"https://kmpress:{QUOTED_PASSWORD}@")
    ca = {"ELASTICSEARCH_CA_CERTS": certificates["ca"]}
    return {
        "user-and-password-in-the-url": {"ELASTICSEARCH_URL": url, **ca},
        "username-and-password": {
            "ELASTICSEARCH_URL": es.url,
            "ELASTICSEARCH_USERNAME": "kmpress",
            "ELASTICSEARCH_PASSWORD": PASSWORD,
            **ca,
        },
        "api-key": {
            "ELASTICSEARCH_URL": es.url,
            "ELASTICSEARCH_API_KEY": API_KEY,
            **ca,
        },
    }


@pytest.mark.parametrize(
    "form", ["user-and-password-in-the-url", "username-and-password", "api-key"]
)
def test_the_right_credentials_and_ca_index_a_publish_and_find_it(
    form, tree, secured, certificates, environment, client, committed
):
    backends = environment(**credential_forms(secured, certificates)[form])
    prepared(backends)
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        with committed():
            article = add_article(tree.section_ru, "Экскаваторы карьера", "Текст.")
        response = client.get("/ru/search/", {"q": "экскаваторы"})
    assert str(article.pk) in secured.documents("kmpresstest_wagtailcore_page")
    assert not PendingIndexUpdate.objects.exists()
    assert response.status_code == 200
    assert "Экскаваторы карьера" in response.content.decode()
    # The cluster saw our credentials on every request, over TLS.
    anonymous = [
        r.path
        for r in secured.requests
        if "authorization" not in {name.lower() for name in r.headers}
    ]
    assert anonymous == []
    assert secured.url.startswith("https://")


@pytest.mark.parametrize(
    "wrong",
    [
        {"ELASTICSEARCH_USERNAME": "kmpress", "ELASTICSEARCH_PASSWORD": "not-it"},
        {"ELASTICSEARCH_API_KEY": "bm90LXRoZS1rZXk="},
        {},
    ],
    ids=["wrong-password", "wrong-api-key", "no-credentials"],
)
def test_wrong_credentials_make_search_a_friendly_503_and_publishing_still_works(
    wrong, tree, secured, certificates, environment, client, committed, caplog
):
    backends = environment(
        ELASTICSEARCH_URL=secured.url,
        ELASTICSEARCH_CA_CERTS=certificates["ca"],
        **wrong,
    )
    caplog.set_level(logging.DEBUG)
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        with committed():
            article = add_article(tree.section_ru, "Новый цех", "Текст.")
            article.save_revision().publish()
        response = client.get("/ru/search/", {"q": "цех"})
    article.refresh_from_db()
    assert article.live
    assert PendingIndexUpdate.objects.filter(object_id=str(article.pk)).exists()
    assert response.status_code == 503
    html = response.content.decode()
    assert "Новый цех" not in html
    for secret in ("not-it", "bm90LXRoZS1rZXk=", "401", "security_exception"):
        assert secret not in html
    for secret in ("not-it", "bm90LXRoZS1rZXk="):
        assert secret not in caplog.text


def test_a_password_in_the_url_never_reaches_logs_or_pages(
    tree, certificates, environment, client, committed, caplog
):
    """Nothing answers: the client's connection errors name the node, and the
    node's URL must not carry the password."""
    with ElasticsearchStandIn(
        certfile=certificates["server"], keyfile=certificates["key"]
    ) as es:
        url = es.url
    backends = environment(
        ELASTICSEARCH_URL=url.replace(
            "https://", f"https://kmpress:{QUOTED_PASSWORD}@"
        ),
        ELASTICSEARCH_CA_CERTS=certificates["ca"],
    )
    caplog.set_level(logging.DEBUG)
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        with committed():
            add_article(tree.section_ru, "Пропуск", "Текст.")
        response = client.get("/ru/search/", {"q": "пропуск"})
    assert response.status_code == 503
    assert backends["default"]["URLS"] == [url]
    for secret in (PASSWORD, QUOTED_PASSWORD, "s3cret"):
        assert secret not in caplog.text
        assert secret not in response.content.decode()
    pending = PendingIndexUpdate.objects.get()
    assert "s3cret" not in pending.last_error


def test_a_server_certificate_from_another_ca_is_refused(
    tree, secured, certificates, environment, client
):
    backends = environment(
        ELASTICSEARCH_URL=secured.url,
        ELASTICSEARCH_API_KEY=API_KEY,
        ELASTICSEARCH_CA_CERTS=certificates["other-ca"],
    )
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        response = client.get("/ru/search/", {"q": "цех"})
    assert response.status_code == 503
    assert not any(r.path.endswith("/_search") for r in secured.requests)


def test_verify_certs_false_connects_without_a_ca(tree, secured, environment, client):
    """For a cluster with a self-signed certificate one cannot copy (documented
    as the weaker choice)."""
    backends = environment(
        ELASTICSEARCH_URL=secured.url,
        ELASTICSEARCH_API_KEY=API_KEY,
        ELASTICSEARCH_VERIFY_CERTS="false",
    )
    prepared(backends)
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        response = client.get("/ru/search/", {"q": "цех"})
    assert response.status_code == 200


# --- settings that cannot work are refused at start, by name ---------------


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"ELASTICSEARCH_URL": "http://es:9200", "ELASTICSEARCH_CA_CERTS": "/ca"},
            "https://",
        ),
        (
            {"ELASTICSEARCH_URL": "https://es:9200", "ELASTICSEARCH_USERNAME": "k"},
            "ELASTICSEARCH_PASSWORD",
        ),
        (
            {
                "ELASTICSEARCH_URL": "https://elastic:hunter2@es:9200",
                "ELASTICSEARCH_API_KEY": "a2V5",
            },
            "one kind of credentials",
        ),
        (
            {
                "ELASTICSEARCH_URL": "https://es:9200",
                "ELASTICSEARCH_CA_CERTS": "/nowhere/ca.crt",
            },
            "ELASTICSEARCH_CA_CERTS",
        ),
        (
            {"ELASTICSEARCH_URL": "https://es:9200", "ELASTICSEARCH_REPLICAS": "one"},
            "ELASTICSEARCH_REPLICAS",
        ),
        (
            {"ELASTICSEARCH_URL": "https://es:9200", "ELASTICSEARCH_VERIFY_CERTS": "?"},
            "ELASTICSEARCH_VERIFY_CERTS",
        ),
        ({"ELASTICSEARCH_URL": "es:9200"}, "ELASTICSEARCH_URL"),
    ],
    ids=[
        "ca-on-http",
        "username-alone",
        "two-kinds",
        "missing-ca-file",
        "replicas-not-a-number",
        "verify-not-a-flag",
        "no-scheme",
    ],
)
def test_settings_that_cannot_work_are_refused_naming_the_variable(
    env, named, environment
):
    with pytest.raises(ImproperlyConfigured) as refused:
        environment(**env)
    assert named in str(refused.value)
    assert "hunter2" not in str(refused.value)


# --- a single node: no replicas, so indices go green -------------------------


@pytest.mark.parametrize(("value", "replicas"), [(None, 0), ("1", 1)])
def test_elasticsearch_replicas_reaches_the_created_indices(
    value, replicas, environment
):
    with ElasticsearchStandIn() as es:
        env = {"ELASTICSEARCH_URL": es.url}
        if value is not None:
            env["ELASTICSEARCH_REPLICAS"] = value
        backends = environment(**env)
        prepared(backends)
        (created,) = [
            r for r in es.requests if r.method == "PUT" and r.path.count("/") == 1
        ]
    index_settings = created.json()["settings"]["index"]
    assert index_settings["number_of_replicas"] == replicas
    # Wagtail's own index settings survive the merge.
    assert created.json()["settings"]["analysis"]["analyzer"]


# --- a real cluster ----------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against",
)
def test_the_environments_credentials_open_a_real_cluster():
    """ELASTICSEARCH_URL plus whatever credentials and CA the environment
    names (ES 9 with security on) reach the cluster, which is yellow or green."""
    connection = importlib.reload(base).WAGTAILSEARCH_BACKENDS["default"]
    client = Elasticsearch(
        hosts=connection["URLS"], request_timeout=30, **connection["OPTIONS"]
    )
    health = client.cluster.health(wait_for_status="yellow", timeout="30s")
    assert health["status"] in {"yellow", "green"}
