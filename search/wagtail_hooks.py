"""Editors' side of search: the popular-queries report beside search promotions.

Wagtail's own "Search terms" report is for superusers only; editors who manage
promotions need to see what readers look for, so this report replaces it in
the Reports menu and also shows how many promoted results each query has.
Superusers also get the search index queue (search.admin_views).
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.contrib.search_promotions.views.reports import SearchTermsReportView

from . import admin_views

PROMOTION_PERMISSIONS = (
    "wagtailsearchpromotions.add_searchpromotion",
    "wagtailsearchpromotions.change_searchpromotion",
)


def can_see_popular_queries(user) -> bool:
    return user.is_superuser or any(user.has_perm(p) for p in PROMOTION_PERMISSIONS)


class PopularQueriesReportView(SearchTermsReportView):
    page_title = _("Popular queries")
    index_url_name = "search_popular_queries"
    index_results_url_name = "search_popular_queries_results"
    columns = [
        Column("query_string", label=_("Query"), sort_key="query_string"),
        NumberColumn("_hits", label=_("Searches"), sort_key="_hits"),
        NumberColumn("_promotions", label=_("Promoted results")),
    ]
    export_headings = {
        "query_string": _("Query"),
        "_hits": _("Searches"),
        "_promotions": _("Promoted results"),
    }
    list_export = ["query_string", "_hits", "_promotions"]

    def get_base_queryset(self):
        # A subquery, not a join: joining promotions would multiply the hit sums.
        promotions = (
            SearchPromotion.objects.filter(query=OuterRef("pk"))
            .order_by()
            .values("query")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Query.get_most_popular().annotate(
            _promotions=Subquery(promotions, output_field=IntegerField())
        )

    def dispatch(self, request, *args, **kwargs):
        if not can_see_popular_queries(request.user):
            return permission_denied(request)
        return ReportView.dispatch(self, request, *args, **kwargs)


class PopularQueriesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_popular_queries(request.user)


@hooks.register("register_admin_urls")
def register_popular_queries_urls():
    return [
        path(
            "reports/popular-queries/",
            PopularQueriesReportView.as_view(),
            name="search_popular_queries",
        ),
        path(
            "reports/popular-queries/results/",
            PopularQueriesReportView.as_view(results_only=True),
            name="search_popular_queries_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_popular_queries_menu_item():
    return PopularQueriesMenuItem(
        _("Popular queries"),
        reverse("search_popular_queries"),
        name="popular-queries",
        icon_name="search",
        order=1290,
    )


@hooks.register("construct_reports_menu")
def hide_superuser_only_search_terms(request, menu_items):
    """Ours lists the same queries for more editors; one report is enough."""
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]


@hooks.register("register_admin_urls")
def register_index_queue_urls():
    queue = admin_views.INDEX_URL
    return [
        path(
            "reports/search-index-queue/",
            admin_views.IndexQueueReportView.as_view(),
            name=queue,
        ),
        path(
            "reports/search-index-queue/results/",
            admin_views.IndexQueueReportView.as_view(results_only=True),
            name=f"{queue}_results",
        ),
        path(
            "reports/search-index-queue/<int:pk>/retry/",
            admin_views.retry,
            name=f"{queue}_retry",
        ),
        path(
            "reports/search-index-queue/<int:pk>/discard/",
            admin_views.discard,
            name=f"{queue}_discard",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_index_queue_menu_item():
    return admin_views.IndexQueueMenuItem(
        _("Search index queue"),
        reverse(admin_views.INDEX_URL),
        name="search-index-queue",
        icon_name="warning",
        order=1295,
    )
