"""A translation converted back to an alias of its source stays out of listings.

wagtail-localize's "convert to alias" replaces a kk translation with a live
copy of its Russian source. Only those who may publish may do it (the
permission matrix); even then no listing, feed, search or tag page of the
Kazakh site shows Russian text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Page
from wagtail_localize.operations import translate_object

from tests.factories import NewsPageFactory, locale
from tests.newsroom_support import make_staff

TITLE = "Конвейерная линия запущена"


@pytest.fixture
def kk_alias(client, tree, django_capture_on_commit_callbacks):
    """A live ru article whose kk translation the chief editor turned into an alias."""
    with django_capture_on_commit_callbacks(execute=True):
        source = NewsPageFactory(
            parent=tree.section_ru, title=TITLE, slug="konveier", featured=True
        )
        source.tags.add("конвейер")
        source.save_revision().publish()
        translate_object(source, [locale("kk")])
    translated = source.get_translation(locale("kk"))
    client.force_login(make_staff().chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtail_localize:convert_to_alias", args=[translated.pk])
        )
    assert response.status_code == 302
    client.logout()
    alias = Page.objects.get(pk=translated.pk)
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
