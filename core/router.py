"""Serving pages in a fixed number of queries, whatever their depth.

Why it exists: uncached pages served through it are clearly faster, in fewer
queries, than through Wagtail's own ``serve`` view (``make bench BENCH=pages``,
the "no page router" row; figures in README's Benchmarks).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    CharField,
    ExpressionWrapper,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from .caching.generation import memo, request_generation
from .layout import restricted_paths, site_for
from .queries import CompiledQuery
from .twins import keep_twins

# Each page model's load by id, compiled once (core.queries).
_PAGE_LOADS: dict[type[Page], CompiledQuery] = {}


def page_load(model: type[Page]) -> CompiledQuery:
    """The page of ``model`` by id, with its locale and the model's
    ``serve_select_related`` joined."""
    load = _PAGE_LOADS.get(model)
    if load is None:
        related = ("locale", *getattr(model, "serve_select_related", ()))
        load = _PAGE_LOADS[model] = CompiledQuery(
            model,
            lambda pk: (
                model._default_manager.select_related(*related).filter(pk=pk).order_by()
            ),
        )
    return load


def route(request, path: str) -> RouteResult | None:
    """Finds the page for ``path`` under the home page of the active language.

    Wagtail's router walks the tree with a query and a ``.specific`` per level.
    Below our home pages every page routes by its ``url_path``, so one lookup
    finds it at any depth. Paths that a page routes itself (the home page's tag
    listings) miss here and go to Wagtail's router, so behaviour is unchanged.
    The site, the restricted paths and each found address's page id come from
    the process memo (core.layout), so a known address costs only the page's
    own load.
    """
    site = site_for(request)
    if site is None:
        return None
    relative = "/".join(part for part in path.split("/") if part)
    language = translation.get_language()

    def lookup() -> tuple[int, int] | None:
        home_url_path = Page.objects.filter(
            translation_key=Subquery(
                Page.objects.filter(pk=site.root_page_id).values("translation_key")[:1]
            ),
            locale__language_code=language,
        ).values("url_path")[:1]
        address = Concat(
            Subquery(home_url_path),
            Value(f"{relative}/" if relative else ""),
            output_field=CharField(),
        )
        # The page and its live twins in one query: hreflang and the language
        # switcher need the twins, and a query of their own was one in five
        # of an article's first visit.
        rows = list(
            Page.objects.filter(
                Q(url_path=address) | Q(live=True, alias_of__isnull=True),
                translation_key=Subquery(
                    Page.objects.filter(url_path=address).values("translation_key")[:1]
                ),
            )
            .annotate(routed=ExpressionWrapper(Q(url_path=address), BooleanField()))
            .select_related("locale")
            .order_by("locale_id")
        )
        found = next((row for row in rows if row.routed), None)
        if found is None:
            return None
        twins = [row for row in rows if row.pk != found.pk]
        keep_twins(request_generation(request), found.pk, twins)
        return found.pk, found.content_type_id

    # Only addresses of pages are kept: unknown ones cannot fill the memo.
    key = ("route", site.pk, language, relative)
    match = memo.get(request_generation(request), key, lookup, keep=bool)
    if match is None:
        return Page.route_for_request(request, path)
    model = ContentType.objects.get_for_id(match[1]).model_class()
    if model is None:
        return None
    found = page_load(model)(match[0])
    if not found:
        raise model.DoesNotExist(f"No {model.__name__} with id {match[0]}")
    page = found[0]
    if not page.alias_of_id and not any(
        page.path.startswith(restricted) for restricted in restricted_paths(request)
    ):
        # What BasePage.get_view_restrictions would have read: nothing (an
        # empty answer that, unlike an empty queryset, compiles no SQL when
        # Wagtail's privacy check iterates it).
        page._view_restrictions = ()
    if type(page).route is not Page.route:
        try:
            return page.route(request, [])
        except Http404:
            return None
    return RouteResult(page) if page.live else None


def serve(request, path):
    """Wagtail's serve view, with its hooks, fed by the router above."""
    if not hasattr(request, "_wagtail_route_for_request"):
        request._wagtail_route_for_request = route(request, path)
    return wagtail_views.serve(request, path)
