"""The 404 page's way back in: the language's latest articles, kept cheap."""

import logging

from django import template
from django.db import DatabaseError
from wagtail.models import Locale

from core.caching.generation import memo, request_generation
from news import selectors

register = template.Library()
logger = logging.getLogger(__name__)

NOT_FOUND_LATEST = 5


@register.simple_tag(takes_context=True)
def not_found_latest(context) -> list:
    """The newest articles of the request's language, read once per generation.

    Made-up addresses are many and never cached as pages, so the list is kept
    per process until the next content change; a database that fails leaves
    the page without the list rather than turning the 404 into a 500.
    """
    try:
        try:
            language = Locale.get_active()
        except Locale.DoesNotExist:
            language = Locale.get_default()
        return memo.get(
            request_generation(context.get("request")),
            ("not-found-latest", language.pk),
            lambda: list(
                selectors.latest_articles(locale=language, limit=NOT_FOUND_LATEST)
            ),
        )
    except DatabaseError:
        logger.warning("404 page: latest articles not read", exc_info=True)
        return []
