"""A live kk alias of a Russian page stays out of every Kazakh listing.

wagtail-localize makes live aliases of live Russian pages where the trees are
synchronised outside our sync (saving a locale's synchronisation in the
admin runs its ``synchronize_tree``); "convert to alias" used to make one too
and now ends as an untranslated draft (tests/test_translation_reset.py).
Whatever made it, no listing, feed, search or tag page of the Kazakh site
shows Russian text.
"""

from __future__ import annotations

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from tests.factories import NewsPageFactory, locale

TITLE = "Конвейерная линия запущена"


@pytest.fixture
def kk_alias(tree, django_capture_on_commit_callbacks):
    """A live ru article and a live kk alias of it, as ``synchronize_tree`` makes."""
    with django_capture_on_commit_callbacks(execute=True):
        source = NewsPageFactory(
            parent=tree.section_ru, title=TITLE, slug="konveier", featured=True
        )
        source.tags.add("конвейер")
        source.save_revision().publish()
        alias = source.copy_for_translation(locale("kk"), alias=True)
    assert alias.alias_of_id == source.pk and alias.live
    return alias


def test_a_kk_alias_of_a_russian_article_is_in_no_kazakh_listing(client, kk_alias):
    for url in ("/kk/", kk_alias.get_parent().url, "/kk/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert TITLE not in response.content.decode(), url


def test_kazakh_search_and_suggestions_never_find_a_russian_alias(client, kk_alias):
    for url in ("/kk/search/", "/kk/search/suggest/"):
        response = client.get(url, {"q": "Конвейерная"})
        assert response.status_code == 200, url
        assert TITLE not in response.content.decode(), url


def test_a_tag_carried_only_by_a_kazakh_alias_is_not_a_kazakh_tag_page(
    client, kk_alias
):
    tag = kk_alias.specific.tags.first()
    assert client.get(f"/kk/tags/{tag.slug}/").status_code == 404


def test_the_russian_original_is_still_listed(client, kk_alias):
    response = client.get("/ru/")
    assert TITLE in response.content.decode()
    assert TITLE in client.get("/ru/search/", {"q": "Конвейерная"}).content.decode()


def test_a_kazakh_promotion_never_shows_a_russian_alias(client, kk_alias):
    SearchPromotion.objects.create(
        query=Query.get("конвейер"), page=kk_alias, sort_order=0
    )
    response = client.get("/kk/search/", {"q": "конвейер"})
    assert response.status_code == 200
    assert TITLE not in response.content.decode()
