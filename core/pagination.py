"""Forgiving pagination: readers' odd ``?page=`` values land on a real page."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

MAX_PAGE_PARAM_LENGTH = 12


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1").strip()[:MAX_PAGE_PARAM_LENGTH]
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int) -> PaginatorPage:
    """Page ``?page=`` of the queryset; garbage → first page, too far → last.

    The number served is noted on the request: the page cache keeps a
    ``?page=`` only when it is the page shown (core.caching.hooks).
    """
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(page_number(request))
    request.page_number_served = page.number
    return page
