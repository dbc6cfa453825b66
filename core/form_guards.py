"""Hostile or garbled admin form input is a field error, never a 500.

Wagtail reads several fields by parsing what the browser posts, and lets the
parser's exceptions escape:

- ``DraftailRichTextArea.value_from_datadict`` hands the rich-text editor's
  hidden input to ``ContentstateConverter.to_database_format``, which calls
  ``json.loads`` and indexes the result: non-JSON, or JSON of another shape,
  raises ``JSONDecodeError``, ``TypeError``, ``KeyError`` or
  ``AttributeError``, and draftjs_exporter's ``EntityException`` for a link
  to an entity the map lacks (a paragraph block, a question-and-answer's
  answer);
- ``StreamBlock``/``ListBlock.value_from_datadict`` call ``int()`` on the
  posted ``-count`` and ``-order`` values and index the posted keys;
  ``TableBlock`` parses JSON; ``ChooserBlock`` looks an image or document up
  by whatever id was posted (``ValueError`` for ``abc``);
- a chooser widget (``BaseChooser.get_instance``) looks up the posted id
  again to redisplay an invalid form and only expects ``DoesNotExist``.

Django reads a posted value through the form's ``BoundField``; the form
renderer below gives every form a ``GuardedBoundField``, which turns such an
exception into a validation error on that field (the form redisplays with the
message, nothing is saved) and redisplays the saved value of a field whose
posted value cannot be shown.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.error import ExporterException
from wagtail.admin.widgets.chooser import BaseChooser

logger = logging.getLogger(__name__)

# What parsing a posted value raises upstream (json's errors are ValueErrors).
READ_ERRORS = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    ExporterException,
)
UNREADABLE = _(
    "The submitted value could not be read. Reload the page and make the change again."
)


def _chooser_can_show(widget, value) -> bool:
    """False for a chooser given an id its model's primary key cannot hold."""
    if (
        not isinstance(widget, BaseChooser)
        or value in (None, "")
        or (isinstance(value, Model))
    ):
        return True
    try:
        widget.model_class._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


class GuardedBoundField(BoundField):
    @property
    def data(self):
        try:
            return super().data
        except READ_ERRORS as error:
            logger.warning(
                "Unreadable value posted for %s: %s: %s",
                self.html_name,
                type(error).__name__,
                error,
            )
            raise ValidationError(UNREADABLE, code="unreadable") from error

    def value(self):
        if self.form.is_bound and not self.field.disabled:
            try:
                data = self.data
            except ValidationError:
                return self.field.prepare_value(self.initial)
            if not _chooser_can_show(self.field.widget, data):
                return self.field.prepare_value(self.initial)
        return super().value()

    def _has_changed(self):
        try:
            return super()._has_changed()
        except ValidationError:
            return True


class GuardedFormRenderer(DjangoTemplates):
    """Django's default renderer; its forms read posted values guardedly."""

    bound_field_class = GuardedBoundField
