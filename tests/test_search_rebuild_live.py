"""A rebuild loses nothing, against a real Elasticsearch 9 (issue 15 item 6).

The stand-in tests (test_search_rebuild.py) race real threads; here the
rebuilder is driven step by step so that what must hold on a real cluster is
checked: the one ``_aliases`` request (``add`` + ``remove_index``) is accepted,
also when it replaces an auto-created index of the alias's name, and a write
journalled during the rebuild is in the new index. Runs only when
ELASTICSEARCH_URL names a cluster; uses an index prefix of its own and deletes
it afterwards.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page

from news.models import NewsPage
from search.models import IndexRebuild
from tests.search_support import live_backend, needs_cluster
from tests.test_search_morphology import add_article

pytestmark = [pytest.mark.django_db, needs_cluster]


@pytest.fixture
def backend(tree, django_capture_on_commit_callbacks):
    with live_backend() as backend:
        yield backend


def publish(page, title: str, on_commit) -> None:
    page = NewsPage.objects.get(pk=page.pk)
    page.title = title
    with on_commit(execute=True):
        page.save_revision().publish()


def document(backend, page) -> dict:
    alias = backend.get_index_for_model(Page).name
    backend.es.indices.refresh(index=alias)
    return backend.es.get(index=alias, id=str(page.pk)).body["_source"]


def test_a_rebuild_replaces_an_auto_created_index_and_then_swaps_in_one_request(
    backend, tree, django_capture_on_commit_callbacks
):
    article = add_article(tree.section_ru, "Отгрузка хризотила")
    alias = backend.get_index_for_model(Page).name
    backend.add(article)  # no index yet: Elasticsearch auto-creates one by that name
    assert backend.es.indices.exists(index=alias)

    call_command("update_index", stdout=StringIO())
    (first,) = backend.es.indices.get_alias(name=alias).body
    call_command("update_index", stdout=StringIO())
    (second,) = backend.es.indices.get_alias(name=alias).body

    assert second != first
    assert not backend.es.indices.exists(index=first)
    publish(article, "Отгрузка продолжается", django_capture_on_commit_callbacks)
    assert document(backend, article)["title_filter"] == "Отгрузка продолжается"


def test_a_write_journalled_during_the_rebuild_is_in_the_new_index(
    backend, tree, django_capture_on_commit_callbacks
):
    article = add_article(tree.section_ru, "Ремонт дороги")
    call_command("update_index", stdout=StringIO())
    index = backend.get_index_for_model(Page)

    rebuilder = backend.rebuilder_class(index)
    new = rebuilder.start()
    new.add_model(NewsPage)
    new.add_items(NewsPage, list(NewsPage.objects.all()))
    publish(article, "Ремонт закончен", django_capture_on_commit_callbacks)
    rebuilder.finish()

    (name,) = backend.es.indices.get_alias(name=index.name).body
    assert name == rebuilder.index.name
    assert rebuilder.replayed_objects
    assert document(backend, article)["title_filter"] == "Ремонт закончен"
    assert not IndexRebuild.objects.exists()
