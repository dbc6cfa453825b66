"""The renditions of one picture, kept as one small record per image.

Wagtail's renditions cache holds each rendition as a pickled model instance:
a page drawing a ``<picture>`` of nine reads and unpickles nine of them, and
asks the storage for each one's address again. A record keeps only what
drawing needs (address and size of each) for a set of specs, in the same
cache, under a key made as Wagtail makes its own (image id, file hash, and
what each filter's result depends on, e.g. the focal point): another file
or focal point is another key. Neither a publish nor an edit of the page
changes the record, so the redraw of every article after a publish reads it.
A deleted rendition deletes its image's records, as Wagtail's
``post_delete_purge_rendition_cache`` purges its own entry.

Addresses are kept as the storage gave them; renditions live under the
media storage's public prefix (core.storage.PUBLIC_PREFIXES), whose
addresses do not expire.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.forms.utils import flatatt
from django.utils.html import format_html
from wagtail.images import get_image_model
from wagtail.images.models import Filter

RECORDS: list[PictureRecord] = []


@dataclass(frozen=True, slots=True)
class KeptRendition:
    """What Wagtail's ``Picture`` and a social card read of a rendition."""

    url: str
    width: int
    height: int
    image: object

    @property
    def alt(self) -> str:
        return self.image.default_alt_text

    def img_tag(self, extra_attributes=None) -> str:
        """As Wagtail's ``AbstractRendition.img_tag``."""
        attrs = {"src": self.url, "width": self.width, "height": self.height}
        attrs["alt"] = self.alt
        attrs.update(apps.get_app_config("wagtailimages").default_attrs)
        if extra_attributes:
            attrs.update(extra_attributes)
        return format_html("<img{}>", flatatt(attrs))


class PictureRecord:
    """The record of one set of specs (e.g. an article's cover)."""

    def __init__(self, specs: tuple[str, ...]):
        self.specs = specs
        self.filters = tuple(Filter(spec=spec) for spec in specs)
        self.name = hashlib.sha256("+".join(specs).encode()).hexdigest()[:10]
        RECORDS.append(self)

    def key(self, image) -> str:
        varies = "".join(each.get_cache_key(image) for each in self.filters)
        return f"kmpress-picture-{self.name}-{image.pk}-{image.file_hash}-{varies}"

    def read(self, image) -> dict[str, KeptRendition] | None:
        """The kept renditions by spec, or None when there is no record."""
        kept = cache().get(self.key(image))
        return None if kept is None else self.drawn(kept, image)

    def keep(self, image, renditions: dict) -> dict[str, KeptRendition]:
        """Records Wagtail's renditions (by spec) and returns them as kept."""
        kept = [
            (renditions[spec].url, renditions[spec].width, renditions[spec].height)
            for spec in self.specs
        ]
        cache().set(self.key(image), kept)
        return self.drawn(kept, image)

    def drawn(self, kept: list, image) -> dict[str, KeptRendition]:
        return {
            spec: KeptRendition(url, width, height, image)
            for spec, (url, width, height) in zip(self.specs, kept, strict=True)
        }


def cache():
    """Wagtail's renditions cache (the ``renditions`` alias, else ``default``)."""
    return rendition_model().cache_backend


@functools.cache
def rendition_model():
    return get_image_model().get_rendition_model()


def rendition_deleted(instance, **kwargs) -> None:
    """A rendition is gone (purged, its image deleted): so are the records."""
    image = instance.image
    cache().delete_many([record.key(image) for record in RECORDS])
