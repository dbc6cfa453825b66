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
    """Page ``?page=`` of the queryset; garbage → first page, too far → last."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(page_number(request))
