"""Covers' renditions drawn before a reader asks for them.

Wagtail draws a rendition when a template first asks for it. An article's
cover is asked for in 21 (the <picture> on the article: three widths as AVIF,
WebP and JPEG; the cards in listings: two sizes in two widths, same formats),
and AVIF is slow to encode: the first reader of a newly published article, or
of a listing showing it, waited seconds (README "Benchmarks" has the figure).
The worker (``prepare_renditions``) draws them for new covers in advance.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from wagtail.images import get_image_model

from .models import COVER_PICTURE_SPECS, ArticlePage
from .selectors import TEASER_RENDITIONS

#: Every rendition of a cover that reader pages ask for.
COVER_IMAGE_SPECS = COVER_PICTURE_SPECS + TEASER_RENDITIONS


def covers_missing_renditions():
    """Images some article (draft or live) has as cover that lack one of
    their renditions, newest upload first."""
    covers = ArticlePage.objects.filter(cover_image__isnull=False).values("cover_image")
    return (
        get_image_model()
        .objects.filter(pk__in=covers)
        .annotate(
            drawn=Count(
                "renditions",
                filter=Q(renditions__filter_spec__in=COVER_IMAGE_SPECS),
            )
        )
        .filter(drawn__lt=len(COVER_IMAGE_SPECS))
        .order_by("-pk")
    )


def prepare(images) -> Iterator[tuple[object, int | Exception]]:
    """Draws what each image lacks; yields (image, renditions drawn) or
    (image, the error) for an original that cannot be read."""
    for image in images:
        before = image.drawn
        try:
            image.get_renditions(*COVER_IMAGE_SPECS)
        except Exception as error:  # noqa: BLE001 — one bad file must not stop the rest
            yield image, error
        else:
            yield image, len(COVER_IMAGE_SPECS) - before
