"""``|typography``: «…» quotes and no-break spaces before units (core.text)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.text import typography as _typography

register = template.Library()


@register.filter(needs_autoescape=True)
def typography(value, autoescape=True):
    """Plain text is escaped first; rendered rich text is taken as HTML."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(_typography(str(text)))  # noqa: S308 - tags kept as given
