"""The readers' search page and its autocomplete endpoint.

When the search service is down the page answers 503 with a friendly message
and a ``Retry-After`` header: the status tells caches and monitors the truth,
the body tells the reader to try again, and nothing about the backend leaks.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.layout import active_locale, site_for
from core.pagination import page_number

from . import services
from .analysis import analyse_query
from .resilience import SearchUnavailable

RETRY_AFTER_SECONDS = 60
MAX_SECTION_PARAM_LENGTH = 12


def _section(request: HttpRequest, sections: list):
    """The section named by ``?section=``, if it is one of this language's."""
    raw = request.GET.get("section", "").strip()[:MAX_SECTION_PARAM_LENGTH]
    if not raw.isdigit():
        return None
    wanted = int(raw)
    return next((section for section in sections if section.pk == wanted), None)


@require_safe
def search(request: HttpRequest):
    locale = active_locale(request)
    # The site from the generation's memo, where Wagtail's page URLs (results,
    # promotions, the layout) look for it: a query a search page otherwise.
    site_for(request)
    text = services.clean_query(request.GET.get("q", ""))
    sections = services.search_sections(request, locale=locale)
    section = _section(request, sections)
    query = analyse_query(text, locale.language_code)
    context = {
        "search_query": text,
        "max_query_length": services.MAX_QUERY_LENGTH,
        "sections": sections,
        "section": section,
        "results": None,
        "hits": [],
        "promotions": [],
        "editions": [],
        "no_words": bool(text) and not query,
        "unavailable": False,
        "only_newest_ranked": False,
        "page_query": urlencode(
            {"q": text, **({"section": section.pk} if section else {})}
        ),
    }
    status = 200
    if query:
        try:
            context["results"], context["hits"] = services.search_results(
                request,
                query=query,
                locale=locale,
                section=section,
                per_page=settings.KMPRESS_PAGE_SIZE,
            )
        except SearchUnavailable:
            context["unavailable"] = True
            status = 503
        else:
            context["only_newest_ranked"] = services.only_newest_ranked(
                context["results"]
            )
            if page_number(request) == 1:
                context["promotions"] = services.promotions(
                    text=text, locale=locale, request=request
                )
                if section is None:
                    context["editions"] = services.edition_hits(
                        request, query=query, locale=locale
                    )
                services.record_hit(text)
    response = TemplateResponse(request, "search/search.html", context, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Titles for the search box as the reader types: at most a handful, JSON."""
    locale = active_locale(request)
    text = services.clean_query(
        request.GET.get("q", ""), services.MAX_SUGGEST_QUERY_LENGTH
    )
    try:
        found = services.suggestions(request, text=text, locale=locale)
    except SearchUnavailable:
        return JsonResponse({"query": text, "suggestions": []}, status=503)
    return JsonResponse({"query": text, "suggestions": found})
