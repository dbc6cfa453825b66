"""What every page shows around its content: navigation, settings, languages.

It is the same on every page of a language, so it is read once and kept in the
default cache under a generation number. Any change that could alter it or any
page (see signal_handlers) bumps the generation, so the next request rebuilds
it: exact, and simple. Template fragments (``{% wagtailcache %}``) carry the
generation in their key and go stale the same way.
When the cache is unreachable every call simply reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from wagtail.models import Locale, Page

GENERATION_KEY = "kmpress:layout-generation"
TIMEOUT = 60 * 60 * 24


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


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return value if isinstance(value, int) else 0


def bump_generation() -> None:
    """Makes every cached layout stale; called from signal handlers."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def layout_for(locale: Locale, request=None) -> Layout:
    current = generation()
    key = f"kmpress:layout:{current}:{locale.pk}"
    layout = cache.get(key)
    if layout is None:
        layout = build_layout(locale, request)
        layout.generation = current
        cache.set(key, layout, TIMEOUT)
    return layout


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
