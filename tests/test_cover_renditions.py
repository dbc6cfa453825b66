"""Covers' renditions are drawn before a reader asks: by ``prepare_renditions``,
which the worker runs every tick (news.renditions)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model

from news.renditions import COVER_IMAGE_SPECS
from tests.factories import ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

Rendition = get_image_model().get_rendition_model()


def prepare(**options) -> str:
    out = StringIO()
    call_command("prepare_renditions", stdout=out, stderr=out, **options)
    return out.getvalue()


def covered_article(tree, **fields):
    return NewsPageFactory(
        parent=tree.section_ru,
        cover_image=ImageFactory(file__width=1600, file__height=1000),
        featured=True,
        **fields,
    )


def test_after_preparing_no_reader_page_draws_another_rendition_of_the_cover(
    client, tree
):
    article = covered_article(tree)
    article.tags.add("карьер")
    article.save_revision().publish()
    prepare()
    drawn = set(Rendition.objects.values_list("filter_spec", flat=True))
    assert drawn == set(COVER_IMAGE_SPECS)
    pages = (article.url, tree.section_ru.url, tree.home_ru.url)
    for url in (*pages, f"{tree.home_ru.url}tags/карьер/"):
        assert client.get(url).status_code == 200, url
    assert set(Rendition.objects.values_list("filter_spec", flat=True)) == drawn, (
        "a reader page asked for a rendition prepare_renditions does not draw"
    )


def test_the_worker_prepares_a_new_cover_once(tree):
    covered_article(tree)
    call_command("run_worker", iterations=1, interval=0, verbosity=0)
    assert Rendition.objects.count() == len(COVER_IMAGE_SPECS)
    assert "0 prepared (0 renditions)" in prepare()


def test_a_draft_articles_cover_is_prepared_before_it_is_published(tree):
    article = covered_article(tree, live=False)
    report = prepare()
    assert f"1 prepared ({len(COVER_IMAGE_SPECS)} renditions)" in report
    assert article.cover_image.renditions.count() == len(COVER_IMAGE_SPECS)


def test_images_that_are_no_articles_cover_are_left_alone(tree):
    ImageFactory()
    assert "0 prepared" in prepare()
    assert not Rendition.objects.exists()


def test_limit_takes_the_newest_covers_first_and_counts_the_rest(tree):
    older, newer = covered_article(tree), covered_article(tree)
    report = prepare(limit=1)
    assert "1 prepared" in report and "1 left for later" in report
    assert newer.cover_image.renditions.count() == len(COVER_IMAGE_SPECS)
    assert not older.cover_image.renditions.exists()


def test_an_unreadable_original_is_reported_and_the_other_covers_are_drawn(tree):
    lost, kept = covered_article(tree), covered_article(tree)
    lost.cover_image.file.storage.delete(lost.cover_image.file.name)
    report = prepare()
    assert f"Image {lost.cover_image.pk}" in report and "unreadable" in report
    assert "1 prepared" in report and "1 unreadable" in report
    assert kept.cover_image.renditions.count() == len(COVER_IMAGE_SPECS)


def test_a_negative_limit_is_refused_with_a_message(db):
    with pytest.raises(CommandError, match="cannot be negative"):
        prepare(limit=-1)
