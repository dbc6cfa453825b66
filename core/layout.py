"""What every page shows around its content: navigation, settings, languages.

It is the same on every page of a language, so it is read once and kept in the
default cache under the content generation (core.caching.generation), which
every content change bumps: the next request rebuilds it. Template fragments
(``{% wagtailcache %}``) carry the generation in their key and go stale the
same way.

The site settings model is ``settings.KMPRESS_SITE_SETTINGS_MODEL`` (a label,
as Django's ``AUTH_USER_MODEL``), so the base of every page knows no feature app.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import translation
from wagtail.models import Locale, Page, PageViewRestriction, Site

from .caching.generation import TIMEOUT, memo, request_generation
from .models import FooterLink
from .privacy import own_language, public_listing


@dataclass(frozen=True)
class MenuItem:
    page_id: int
    title: str
    url: str
    path: str
    depth: int
    is_section: bool


@dataclass
class Layout:
    locale_id: int
    home: MenuItem | None
    items: list[MenuItem]
    settings: object
    locales: list[tuple[int, str, str]] = field(default_factory=list)
    # The generation it was built under: template fragments key on it too.
    generation: int = 0
    # The footer's «Информация» menu: (title, url) in the editors' order.
    footer_links: list[tuple[str, str]] = field(default_factory=list)

    def section_for(self, path: str) -> MenuItem | None:
        """The menu section that contains the page at ``path``, if any."""
        for item in self.items:
            if path.startswith(item.path):
                return item
        return None


def _shape() -> str:
    """The layout's fields, as a key part: a release that changes them never
    reads a layout the previous release pickled (it would lack an attribute
    and answer 500 until the next content change)."""
    names = [f"{c.__name__}.{f.name}" for c in (Layout, MenuItem) for f in fields(c)]
    return hashlib.sha256(" ".join(names).encode()).hexdigest()[:8]


SHAPE = _shape()


def layout_for(locale: Locale, request=None) -> Layout:
    current = request_generation(request)

    def shared() -> Layout:
        key = f"kmpress:layout:{SHAPE}:{current}:{locale.pk}"
        layout = cache.get(key) if current is not None else None
        if layout is None:
            layout = build_layout(locale, request)
            layout.generation = current or 0
            if current is not None:
                cache.set(key, layout, TIMEOUT)
        return layout

    return memo.get(current, ("layout", locale.pk), shared)


def site_for(request) -> Site | None:
    """``Site.find_for_request`` without its query on every request, and the
    sites' root paths without Wagtail's read of them from the default cache
    on a request's first page address (a Redis round trip per page)."""
    if not hasattr(request, "_wagtail_site"):
        current = request_generation(request)
        host, port = request._get_raw_host(), request.get_port()
        request._wagtail_site = memo.get(
            current, ("site", host, port), lambda: Site._find_for_request(request)
        )
        if not hasattr(request, "_wagtail_cached_site_root_paths"):
            # Where Page.get_url_parts looks first (Page._get_site_root_paths).
            request._wagtail_cached_site_root_paths = memo.get(
                current, "site-root-paths", Site.get_site_root_paths
            )
    return request._wagtail_site


def active_locale(request=None) -> Locale:
    """``Locale.get_active()`` without its query on every call: the locale of
    the active language, kept in the process memo for the content generation
    (saving or deleting a Locale bumps it, core.caching.signals). A view of
    its own (search) and its layout tags asked for it five times a request."""
    language = translation.get_language()
    return memo.get(
        request_generation(request), ("locale", language), Locale.get_active
    )


def restricted_paths(request=None) -> frozenset[str]:
    """Tree paths of the pages that carry a view restriction."""
    return memo.get(
        request_generation(request),
        "restricted-paths",
        lambda: frozenset(
            PageViewRestriction.objects.filter(page__alias_of__isnull=True).values_list(
                "page__path", flat=True
            )
        ),
    )


def navigation_pages(*, locale: Locale) -> QuerySet[Page]:
    """A language's home page and the live menu pages right under it."""
    queryset = Page.objects.live().filter(
        Q(depth=2) | Q(depth=3, show_in_menus=True), locale=locale
    )
    return public_listing(own_language(queryset)).order_by("path")


def site_settings_model():
    return apps.get_model(django_settings.KMPRESS_SITE_SETTINGS_MODEL)


def build_layout(locale: Locale, request=None) -> Layout:
    home, items = None, []
    for page in navigation_pages(locale=locale):
        item = MenuItem(
            page_id=page.pk,
            title=page.title,
            url=page.get_url(request=request) or "",
            path=page.path,
            depth=page.depth,
            # Sections (news.SectionPage) say so; the home page lists them.
            is_section=getattr(page.specific_class, "is_section", False),
        )
        if page.depth == 2:
            home = item
        else:
            items.append(item)
    model = site_settings_model()
    settings = model.objects.filter(locale=locale).first()
    if settings is None and not locale.is_default:
        settings = model.objects.filter(locale=Locale.get_default()).first()
    locales = [
        (other.pk, other.language_code, other.get_display_name())
        for other in Locale.objects.order_by("pk")
    ]
    return Layout(
        locale_id=locale.pk,
        home=home,
        items=items,
        settings=settings or model(locale=locale),
        locales=locales,
        footer_links=footer_links(locale, request),
    )


def footer_links(locale: Locale, request=None) -> list[tuple[str, str]]:
    """The language's footer links; a link to a page not live is left out."""
    links = []
    for link in FooterLink.objects.filter(locale=locale).select_related("link_page"):
        if link.link_url:
            links.append((link.title, link.link_url))
        elif link.link_page and link.link_page.live:
            url = link.link_page.get_url(request=request)
            if url:
                links.append((link.title, url))
    return links
