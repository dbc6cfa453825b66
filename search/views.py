import logging

from django.conf import settings
from django.template.response import TemplateResponse
from wagtail.models import Locale

from news import selectors
from news.pagination import paginate

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


def clean_query(raw: str) -> str:
    """Drops control characters and caps the length of what a reader typed."""
    text = "".join(ch for ch in raw if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search(request):
    query = clean_query(request.GET.get("q", ""))
    locale = Locale.get_active()
    results = None
    if query:
        queryset = selectors.searchable_articles(locale=locale).search(
            query, operator="and"
        )
        results = paginate(request, queryset, settings.KMPRESS_PAGE_SIZE)
    return TemplateResponse(
        request, "search/search.html", {"search_query": query, "results": results}
    )
