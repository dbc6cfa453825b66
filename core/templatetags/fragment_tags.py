"""Keys for template fragments that go stale with the page furniture."""

from django import template

from .site_tags import context_layout

register = template.Library()


@register.simple_tag(takes_context=True)
def content_generation(context) -> int:
    """Bumped by every content change (core.caching.invalidation), like the layout."""
    return context_layout(context).generation
