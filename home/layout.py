"""What every page shows around its content: navigation, settings, languages.

It is the same on every page of a language, so it is read once and kept in the
default cache under a generation number. Any change that could alter it or any
page (see signal_handlers) bumps the generation, so the next request rebuilds
it: exact, and simple. Template fragments (``{% wagtailcache %}``) carry the
generation in their key and go stale the same way.
Each process also keeps what it read for the current generation (layouts,
the site, restricted paths), so a request asks the cache for one number only.
When the cache is unreachable every call simply reads the database; when it
is local memory (no REDIS_URL), other processes never see a bump, so what a
process keeps lives at most ``LOCAL_SECONDS``, as whole pages do then.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from wagtail.models import Locale, Page, PageViewRestriction, Site

GENERATION_KEY = "kmpress:layout-generation"
TIMEOUT = 60 * 60 * 24
LOCAL_SECONDS = 60


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

    def section_for(self, path: str) -> MenuItem | None:
        """The menu section that contains the page at ``path``, if any."""
        for item in self.items:
            if path.startswith(item.path):
                return item
        return None


def generation() -> int | None:
    """The current generation, or None while the cache is unreachable.

    A fresh or flushed cache starts from the clock, never from a number an
    earlier generation of this process's memo already used.
    """
    value = cache.get(GENERATION_KEY)
    if not isinstance(value, int):
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY)
    return value if isinstance(value, int) else None


def request_generation(request=None) -> int | None:
    """The generation a request works under, read once per request."""
    if request is None:
        return generation()
    try:
        return request._kmpress_generation
    except AttributeError:
        request._kmpress_generation = generation()
        return request._kmpress_generation


def bump_generation() -> bool:
    """Makes every cached layout stale; False when the cache was unreachable
    (its errors are ignored: ``incr`` then answers None)."""
    try:
        return cache.incr(GENERATION_KEY) is not None
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)
        return True


def process_local() -> bool:
    """Whether the default cache lives in this process only."""
    return isinstance(caches["default"], LocMemCache)


class GenerationMemo:
    """Values derived from content, kept in this process for one generation.

    Nothing is kept without a generation (cache unreachable): every call then
    computes afresh, as it must when no process can learn of changes.
    """

    def __init__(self):
        self.generation: int | None = None
        self.values: dict = {}
        self.expires = 0.0

    LIMIT = 20_000

    def get(
        self,
        current: int | None,
        key,
        compute: Callable[[], Any],
        keep: Callable[[Any], bool] | None = None,
    ) -> Any:
        """The value for ``key``, computed once per generation; ``keep`` may
        refuse values not worth keeping (a page that was not found)."""
        if current is None:
            return compute()
        now = time.time()
        if (
            current != self.generation
            or len(self.values) >= self.LIMIT
            or now >= self.expires
        ):
            self.values, self.generation = {}, current
            self.expires = now + LOCAL_SECONDS if process_local() else math.inf
        try:
            return self.values[key]
        except KeyError:
            value = compute()
            if keep is None or keep(value):
                self.values[key] = value
            return value


memo = GenerationMemo()


def layout_for(locale: Locale, request=None) -> Layout:
    current = request_generation(request)

    def shared() -> Layout:
        key = f"kmpress:layout:{current}:{locale.pk}"
        layout = cache.get(key) if current is not None else None
        if layout is None:
            layout = build_layout(locale, request)
            layout.generation = current or 0
            if current is not None:
                cache.set(key, layout, LOCAL_SECONDS if process_local() else TIMEOUT)
        return layout

    return memo.get(current, ("layout", locale.pk), shared)


def site_for(request) -> Site | None:
    """``Site.find_for_request`` without its query on every request."""
    if not hasattr(request, "_wagtail_site"):
        host, port = request._get_raw_host(), request.get_port()
        request._wagtail_site = memo.get(
            request_generation(request),
            ("site", host, port),
            lambda: Site._find_for_request(request),
        )
    return request._wagtail_site


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


def build_layout(locale: Locale, request=None) -> Layout:
    from news import selectors
    from news.models import SectionPage

    from .models import SiteSettings

    home, items = None, []
    for page in selectors.navigation_pages(locale=locale):
        item = MenuItem(
            page_id=page.pk,
            title=page.title,
            url=page.get_url(request=request) or "",
            path=page.path,
            depth=page.depth,
            is_section=issubclass(page.specific_class or Page, SectionPage),
        )
        if page.depth == 2:
            home = item
        else:
            items.append(item)
    settings = SiteSettings.objects.filter(locale=locale).first()
    if settings is None and not locale.is_default:
        settings = SiteSettings.objects.filter(locale=Locale.get_default()).first()
    locales = [
        (other.pk, other.language_code, other.get_display_name())
        for other in Locale.objects.order_by("pk")
    ]
    return Layout(
        locale_id=locale.pk,
        home=home,
        items=items,
        settings=settings or SiteSettings(locale=locale),
        locales=locales,
    )
