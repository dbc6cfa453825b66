"""The stand-in behaves like Elasticsearch 9 in what our tests rely on.

Driven through the real ``elasticsearch`` client, as kmpress drives a cluster,
so a stand-in that drifted from ES (or from the client's expectations) fails
here rather than letting an operator test pass on behaviour ES does not have.
Each case names the ES 9 behaviour it imitates.
"""

from __future__ import annotations

import pytest
from elastic_transport import ConnectionTimeout
from elasticsearch import (
    ApiError,
    AuthenticationException,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
)

from tests.elasticsearch_standin import ElasticsearchStandIn


@pytest.fixture
def es():
    with ElasticsearchStandIn() as standin:
        yield standin


@pytest.fixture
def client(es):
    return Elasticsearch(es.url)


def test_a_write_into_a_missing_index_auto_creates_it_with_dynamic_mappings(es, client):
    client.index(
        index="news", id="1", document={"title": "Карьер", "views": 3, "on": True}
    )
    properties = client.indices.get_mapping(index="news")["news"]["mappings"][
        "properties"
    ]
    assert properties["title"] == {
        "type": "text",
        "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
    }
    assert properties["views"] == {"type": "long"}
    assert properties["on"] == {"type": "boolean"}
    assert es.indices["news"].auto_created and es.indices["news"].analyzers == {}


def test_without_auto_create_a_write_into_a_missing_index_is_a_404():
    with ElasticsearchStandIn(auto_create=False) as es:
        with pytest.raises(NotFoundError, match="auto_create_index"):
            Elasticsearch(es.url).index(index="news", id="1", document={"a": "b"})
        assert es.indices == {}


def test_sorting_on_a_text_field_is_a_400_and_on_its_keyword_works(client):
    client.index(index="news", id="1", document={"title": "Б"})
    client.index(index="news", id="2", document={"title": "А"})
    with pytest.raises(BadRequestError, match="Text fields are not optimised"):
        client.search(index="news", sort=[{"title": "asc"}])
    hits = client.search(index="news", sort=[{"title.keyword": "asc"}])["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["2", "1"]


def test_sorting_on_an_unmapped_field_is_a_400(client):
    client.indices.create(index="news")
    with pytest.raises(BadRequestError, match="No mapping found for \\[title"):
        client.search(index="news", sort=[{"title": "asc"}])


def test_put_mapping_refuses_to_change_a_field_type(client):
    client.indices.create(
        index="news", mappings={"properties": {"n": {"type": "long"}}}
    )
    with pytest.raises(BadRequestError, match="cannot be changed from type"):
        client.indices.put_mapping(index="news", properties={"n": {"type": "text"}})
    client.indices.put_mapping(index="news", properties={"m": {"type": "keyword"}})
    properties = client.indices.get_mapping(index="news")["news"]["mappings"][
        "properties"
    ]
    assert properties == {"n": {"type": "long"}, "m": {"type": "keyword"}}


def test_creating_an_index_that_exists_is_a_400(client):
    client.indices.create(index="news")
    with pytest.raises(BadRequestError, match="resource_already_exists_exception"):
        client.indices.create(index="news")


def test_mapping_meta_is_kept_and_replaced_whole(client):
    client.indices.create(
        index="news", mappings={"_meta": {"kmpress": {"filled": False}, "other": 1}}
    )
    client.indices.put_mapping(index="news", meta={"kmpress": {"filled": True}})
    mappings = client.indices.get(index="news")["news"]["mappings"]
    assert mappings["_meta"] == {"kmpress": {"filled": True}}


def two_indices_behind_one_alias(client) -> None:
    for name in ("news_a", "news_b"):
        client.index(index=name, id="1", document={"title": "Карьер"}, refresh=True)
    client.indices.update_aliases(
        actions=[
            {"add": {"index": "news_a", "alias": "news"}},
            {"add": {"index": "news_b", "alias": "news"}},
        ]
    )


def test_a_write_through_an_alias_of_two_indices_is_a_400(client):
    two_indices_behind_one_alias(client)
    with pytest.raises(BadRequestError, match="no write index is defined"):
        client.index(index="news", id="2", document={"title": "Новая"})


def test_a_search_through_an_alias_of_two_indices_returns_duplicates(client):
    two_indices_behind_one_alias(client)
    hits = client.search(index="news", query={"match": {"title": "карьер"}})["hits"]
    assert [(hit["_index"], hit["_id"]) for hit in hits["hits"]] == [
        ("news_a", "1"),
        ("news_b", "1"),
    ]


def test_an_alias_update_is_all_or_nothing(es, client):
    client.indices.create(index="news_a")
    client.indices.put_alias(index="news_a", name="news")
    client.indices.create(index="news_b")
    with pytest.raises(NotFoundError):
        client.indices.update_aliases(
            actions=[
                {"remove": {"index": "news_a", "alias": "news"}},
                {"add": {"index": "news_b", "alias": "news"}},
                {"add": {"index": "missing", "alias": "news"}},
            ]
        )
    assert es.aliased("news") == ["news_a"]
    client.indices.update_aliases(
        actions=[
            {"remove": {"index": "news_a", "alias": "news"}},
            {"add": {"index": "news_b", "alias": "news"}},
        ]
    )
    assert es.aliased("news") == ["news_b"]


def test_deleting_an_index_by_its_alias_name_is_a_400(es, client):
    client.indices.create(index="news_a")
    client.indices.put_alias(index="news_a", name="news")
    with pytest.raises(BadRequestError, match="matches an alias"):
        client.indices.delete(index="news")
    assert "news_a" in es.indices


def test_a_page_past_the_result_window_is_a_400(es, client):
    client.indices.create(index="news", settings={"index": {"max_result_window": 50}})
    es.add_documents("news", {str(n): {"title": "карьер"} for n in range(60)})
    assert len(client.search(index="news", from_=40, size=10)["hits"]["hits"]) == 10
    with pytest.raises(BadRequestError, match="Result window is too large"):
        client.search(index="news", from_=45, size=10)


def test_the_default_result_window_is_ten_thousand(es, client):
    client.indices.create(index="news")
    with pytest.raises(BadRequestError, match="\\[10000\\] but was \\[10001\\]"):
        client.search(index="news", from_=10_000, size=1)


def test_without_credentials_a_secured_cluster_answers_401():
    with ElasticsearchStandIn(basic_auth=("elastic", "secret")) as es:
        with pytest.raises(AuthenticationException):
            Elasticsearch(es.url).info()
        with pytest.raises(AuthenticationException):
            Elasticsearch(es.url, basic_auth=("elastic", "wrong")).info()
        info = Elasticsearch(es.url, basic_auth=("elastic", "secret")).info()
        assert info["version"]["number"].startswith("9.")


def test_an_api_key_opens_a_cluster_secured_by_api_key():
    with ElasticsearchStandIn(api_key="a2V5OnNlY3JldA==") as es:
        with pytest.raises(AuthenticationException):
            Elasticsearch(es.url, api_key="b3RoZXI6a2V5").info()
        assert Elasticsearch(es.url, api_key="a2V5OnNlY3JldA==").ping()


def test_a_terms_aggregation_counts_every_hit_and_refuses_a_text_field(es, client):
    client.indices.create(
        index="news",
        mappings={
            "properties": {"kind": {"type": "keyword"}, "title": {"type": "text"}}
        },
    )
    es.add_documents(
        "news",
        {"1": {"kind": "a"}, "2": {"kind": "b"}, "3": {"kind": "a"}, "4": {}},
    )
    answer = client.search(
        index="news", size=0, aggregations={"k": {"terms": {"field": "kind"}}}
    )
    buckets = answer["aggregations"]["k"]["buckets"]
    assert buckets == [{"key": "a", "doc_count": 2}, {"key": "b", "doc_count": 1}]
    with pytest.raises(BadRequestError, match="Text fields are not optimised"):
        client.search(
            index="news", size=0, aggregations={"t": {"terms": {"field": "title"}}}
        )


def test_an_unknown_endpoint_or_query_is_a_400_never_silently_ignored(client):
    client.index(index="news", id="1", document={"title": "x"})
    with pytest.raises(BadRequestError, match="unknown query"):
        client.search(index="news", query={"more_like_this": {"like": "x"}})
    with pytest.raises(ApiError):
        client.perform_request("GET", "/_nonsense/endpoint")


def test_read_delay_slows_searches_not_index_metadata(es, client):
    """A cluster busy with queries still answers from its cluster state."""
    client.indices.create(index="news")
    es.read_delay = 5
    quick = client.options(request_timeout=1, max_retries=0)
    assert "news" in quick.indices.get(index="news")
    with pytest.raises(ConnectionTimeout):
        quick.search(index="news")
