"""robots.txt, the web manifest and the Google news sitemap.

They live outside the language prefix, at the addresses crawlers and browsers
ask for, and name both languages.
"""

from __future__ import annotations

from datetime import timedelta
from xml.sax.saxutils import escape

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from core.layout import layout_for
from news import selectors

from .metadata import absolute, local_iso

NEWS_WINDOW = timedelta(days=2)  # Google News takes the last two days' articles
NEWS_LIMIT = 1000  # and at most a thousand per sitemap
ICON_SIZES = (192, 512)
THEME_COLOR = "#161616"


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /documents/",
        "",
        f"Sitemap: {absolute(request, reverse('sitemap'))}",
        f"Sitemap: {absolute(request, reverse('news_sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


@require_GET
def web_manifest(request):
    """The default language's name and start page; icons from static files."""
    locale = Locale.get_default()
    layout = layout_for(locale, request)
    name = layout.settings.newspaper_name or "kmpress"
    manifest = {
        "name": name,
        "short_name": name[:12],
        "lang": locale.language_code,
        "start_url": layout.home.url if layout.home else f"/{locale.language_code}/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {
                "src": static(f"core/metadata/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in ICON_SIZES
        ]
        + [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def recent_articles(request) -> list[tuple[str, str, object]]:
    """(language, publication name, article) of the last two days, newest first."""
    since = timezone.now() - NEWS_WINDOW
    rows = []
    for locale in Locale.objects.order_by("pk"):
        name = layout_for(locale, request).settings.newspaper_name
        articles = selectors.articles(locale=locale).filter(
            publication_date__gte=since, publication_date__lte=timezone.now()
        )[:NEWS_LIMIT]
        rows += [(locale.language_code, name, article) for article in articles]
    rows.sort(key=lambda row: row[2].publication_date, reverse=True)
    return rows[:NEWS_LIMIT]


@require_GET
def news_sitemap(request):
    """Google news sitemap: the last two days' live public articles, all languages."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for code, name, article in recent_articles(request):
        with translation.override(code):
            url = article.get_url(request=request)
        if not url:
            continue
        lines += [
            f"<url><loc>{escape(absolute(request, url))}</loc>",
            "<news:news><news:publication>",
            f"<news:name>{escape(name)}</news:name>",
            f"<news:language>{escape(code)}</news:language>",
            "</news:publication>",
            f"<news:publication_date>{local_iso(article.publication_date)}</news:publication_date>",
            f"<news:title>{escape(article.title)}</news:title>",
            "</news:news></url>",
        ]
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines), content_type="application/xml")


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page links."""
    return HttpResponseRedirect(static("core/metadata/icon-192.png"))
