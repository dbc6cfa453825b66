"""An article's cover is drawn from one record of its renditions' addresses
and sizes (core.caching.renditions), which follows the image: a purge of its
renditions, another file or another focal point is never drawn from an old
record, and what is drawn is what Wagtail's own renditions draw."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.images.models import Picture

from core.caching.renditions import KeptRendition, PictureRecord, cache
from news.models import COVER_PICTURE_SPECS, COVER_RECORD
from tests.factories import ImageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

Rendition = get_image_model().get_rendition_model()
SIZES = "(min-width: 60em) 62vw, 100vw"


def picture_addresses(html: str) -> set[str]:
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    return set(re.findall(r"/media/images/[^\s\"',]+", picture))


def rendition_addresses(image) -> set[str]:
    return {rendition.url for rendition in image.renditions.all()}


def test_an_article_drawn_again_shows_the_same_cover_from_its_record(client, tree):
    article = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    first = client.get(article.url).content.decode()

    assert cache().get(COVER_RECORD.key(article.cover_image)) is not None
    assert client.get(article.url).content.decode() == first
    assert picture_addresses(first) == rendition_addresses(article.cover_image)


def test_purged_renditions_are_drawn_anew_not_read_from_the_record(client, tree):
    article = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    client.get(article.url)

    call_command("wagtail_update_image_renditions", purge_only=True, verbosity=0)
    assert not Rendition.objects.exists()
    html = client.get(article.url).content.decode()

    shown = picture_addresses(html)
    assert len(shown) == len(COVER_PICTURE_SPECS)
    assert shown == rendition_addresses(article.cover_image)


def test_another_file_or_focal_point_is_another_record(tree):
    image = ImageFactory(file__width=1600, file__height=1000)
    cropped = PictureRecord(("fill-400x400",))
    before = cropped.key(image), COVER_RECORD.key(image)

    image.focal_point_x, image.focal_point_y = 1200, 200
    image.focal_point_width = image.focal_point_height = 100
    assert cropped.key(image) != before[0], "a crop follows the focal point"
    assert COVER_RECORD.key(image) == before[1], "a resize does not"

    image.file_hash = "another file"
    assert COVER_RECORD.key(image) != before[1]


def test_a_kept_picture_draws_what_wagtails_renditions_draw(tree):
    image = ImageFactory(title="Экскаватор в карьере")
    renditions = image.get_renditions(*COVER_PICTURE_SPECS)
    kept = {
        spec: KeptRendition(each.url, each.width, each.height, image)
        for spec, each in renditions.items()
    }
    attrs = {"sizes": SIZES, "fetchpriority": "high"}

    assert Picture(kept, dict(attrs)).__html__() == (
        Picture(renditions, dict(attrs)).__html__()
    )
    first = next(iter(renditions.values()))
    assert kept[first.filter_spec].img_tag() == first.img_tag()
