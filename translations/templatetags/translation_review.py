"""What the translation editor's review bar needs to know."""

from django import template

from newsroom.models import untranslated_segments

register = template.Library()


@register.simple_tag
def review_bar(page, page_perms) -> dict:
    """Whether the user may send ``page`` for review, and how much is left."""
    return {
        "offered": page_perms.can_edit() and page_perms.can_submit_for_moderation(),
        "missing": untranslated_segments(page),
    }
