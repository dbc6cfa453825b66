"""The image upload form: Wagtail's, with a pixel limit that holds for every file.

Wagtail's ``WagtailImageField`` compares the image's pixels with
``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` only after asking Pillow for the size, and
Pillow refuses to open an image of more than twice its own limit (about 179
megapixels) with ``DecompressionBombError``, which Wagtail does not catch: a
PNG of a few kilobytes that claims 20000×20000 pixels was a 500 on every
upload path. ``WAGTAILIMAGES_IMAGE_FORM_BASE`` points Wagtail's image forms
(add, edit, multiple upload, the chooser's upload) at ``ImageForm``, whose file
field reports that error as Wagtail's own "too many pixels" message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL.Image import DecompressionBombError
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from core.storage import StorageCheckedForm

# Pillow's message: "Image size (400000000 pixels) exceeds limit of …".
_PILLOW_PIXELS = re.compile(r"\((\d+) pixels\)")


class BoundedImageField(WagtailImageField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's msgid, declared here so that our catalogues carry it in
        # Kazakh (Wagtail has no kk catalogue).
        self.error_messages["file_too_many_pixels"] = _(
            "This file has too many pixels (%(num_pixels)s). "
            "Maximum pixels %(max_pixels_count)s."
        )

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except DecompressionBombError as error:
            found = _PILLOW_PIXELS.search(str(error))
            raise ValidationError(
                self.error_messages["file_too_many_pixels"]
                % {
                    "num_pixels": found.group(1) if found else "?",
                    "max_pixels_count": self.max_image_pixels,
                },
                code="file_too_many_pixels",
            ) from error


class ImageForm(StorageCheckedForm, BaseImageForm):
    """Wagtail's image form with ``BoundedImageField`` for the file, refused
    while the media storage is away (``core.storage``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if field is not None and not isinstance(field, BoundedImageField):
            bounded = BoundedImageField(
                label=field.label,
                required=field.required,
                widget=field.widget,
                max_length=field.max_length,
            )
            bounded.help_text = field.help_text
            self.fields["file"] = bounded
