"""Forgiving pagination: readers' odd ``?page=`` values land on a real page."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

MAX_PAGE_PARAM_LENGTH = 12


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1").strip()[:MAX_PAGE_PARAM_LENGTH]
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


class CappedPaginator(Paginator):
    """Pages over the first ``max_results`` items only; ``total`` is the true count.

    Elasticsearch refuses ``from + size`` past ``index.max_result_window``
    (10,000 by default) with a 400: a deep page of a broad search would be an
    error. Pages past the cap do not exist (``num_pages`` stops there), so a
    link is never made to one and ``?page=`` beyond lands on the last page
    within it. A last page short of ``per_page`` ends exactly at the cap.
    """

    def __init__(self, object_list, per_page, *, max_results: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_results = max(int(max_results), 1)

    @cached_property
    def total(self) -> int:
        """How many items there are, the ones past the cap included."""
        return Paginator.count.func(self)

    @cached_property
    def count(self) -> int:
        return min(self.total, self.max_results)

    @property
    def capped(self) -> bool:
        """Whether items past the cap are left out."""
        return self.total > self.max_results


class CountedPaginator(Paginator):
    """A paginator told its count: the queryset is only sliced, never counted.

    For listings whose count is kept (news.selectors.section_count): counting
    a section's articles grows with the archive, its pages do not. The count
    must be the queryset's own, or the last page would be wrong.
    """

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int,
    *,
    max_results: int | None = None,
    count: int | None = None,
) -> PaginatorPage:
    """Page ``?page=`` of the queryset; garbage → first page, too far → last.

    With ``max_results`` only the first that many items are paged
    (``CappedPaginator``); with ``count`` the queryset is not counted
    (``CountedPaginator``). The number served is noted on the request: the
    page cache keeps a ``?page=`` only when it is the page shown
    (core.caching.hooks).
    """
    if max_results is not None:
        paginator = CappedPaginator(queryset, per_page, max_results=max_results)
    elif count is not None:
        paginator = CountedPaginator(queryset, per_page, count=count)
    else:
        paginator = Paginator(queryset, per_page)
    page = paginator.get_page(page_number(request))
    request.page_number_served = page.number
    return page
