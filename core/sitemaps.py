"""sitemap.xml with every language's pages and their hreflang alternates.

Wagtail's own sitemap lists one language tree. Here every live, public page
of every language (public with its twins, core.privacy) is listed once, each
with ``xhtml:link`` alternates to its live translations and x-default to the
Russian page. Untranslated placeholders (drafts, aliases mirroring the Russian
page) are not Kazakh pages, so they appear neither as entries nor as
alternates.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.contrib.sites.requests import RequestSite
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page, Site

from .privacy import public_listing
from .twins import source_language

# What Django's reverse() leaves unquoted in a path.
SAFE = "/~:@!$&'()*+,;="


class Entry(NamedTuple):
    pk: int
    url_path: str
    translation_key: object
    language_code: str
    last_published_at: datetime | None
    latest_revision_created_at: datetime | None


class TranslatedSitemap(Sitemap):
    def items(self) -> list[Entry]:
        """Pages under the site's home page and its translations.

        Plain rows, not page instances: building thousands of Page objects is
        most of the cost of a sitemap.
        """
        if not hasattr(self, "_entries"):
            homes = (
                self.get_wagtail_site()
                .root_page.get_translations(inclusive=True)
                .values_list("path", flat=True)
            )
            under_a_home = Q()
            for path in homes:
                under_a_home |= Q(path__startswith=path)
            rows = (
                public_listing(Page.objects.live(), self.request)
                .filter(under_a_home, alias_of__isnull=True)
                .order_by("path")
                .values_list(
                    "pk",
                    "url_path",
                    "translation_key",
                    "locale__language_code",
                    "last_published_at",
                    "latest_revision_created_at",
                )
            )
            self._entries = [Entry(*row) for row in rows]
        return self._entries

    def locations(self) -> dict[int, str]:
        """Absolute URL of every item, without Wagtail's per-page URL routing.

        ``Page.get_url`` resolves the site and reverses the URL for each page
        (seconds for a few thousand pages); under a language's home page the
        URL is that home's URL plus the rest of the page's ``url_path``.
        """
        prefixes = []
        site_id = self.get_wagtail_site().pk
        for root in Site.get_site_root_paths():
            if root.site_id != site_id:
                continue
            with translation.override(root.language_code):
                base = reverse("wagtail_serve", args=("",))
            prefixes.append((root.root_path, root.language_code, base))
        locations = {}
        for item in self.items():
            for root_path, language_code, base in prefixes:
                if item.language_code == language_code and (
                    item.url_path.startswith(root_path)
                ):
                    path = base + quote(item.url_path[len(root_path) :], safe=SAFE)
                    locations[item.pk] = self.request.build_absolute_uri(path)
                    break
        return locations

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        locations = self.locations()
        twins = defaultdict(list)
        for item in self.items():
            if item.pk in locations:
                twins[item.translation_key].append(item)

        urls, last_mods = [], set()
        for item in pages:
            if item.pk not in locations:
                continue
            alternates = [
                {"lang_code": twin.language_code, "location": locations[twin.pk]}
                for twin in twins[item.translation_key]
            ]
            if len(alternates) > 1:
                alternates += [
                    {"lang_code": "x-default", "location": alternate["location"]}
                    for alternate in alternates
                    if alternate["lang_code"] == source_language()
                ]
            else:
                alternates = []
            lastmod = item.last_published_at or item.latest_revision_created_at
            urls.append(
                {
                    "location": locations[item.pk],
                    "lastmod": lastmod,
                    "alternates": alternates,
                }
            )
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def render_urlset(urls: list[dict]) -> str:
    """The sitemap XML, written directly: the template engine needs seconds for
    a few thousand entries with their alternates."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url in urls:
        lines.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            lines.append(f"<lastmod>{url['lastmod']:%Y-%m-%d}</lastmod>")
        lines.extend(
            f'<xhtml:link rel="alternate" hreflang="{escape(alternate["lang_code"])}" '
            f'href="{escape(alternate["location"])}"/>'
            for alternate in url["alternates"]
        )
        lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines)


def sitemap(request):
    """sitemap.xml of every language (see TranslatedSitemap)."""
    generator = TranslatedSitemap(request)
    urls = (
        generator.get_urls(page=1, site=RequestSite(request), protocol=request.scheme)
        if generator.items()
        else []
    )
    response = HttpResponse(render_urlset(urls), content_type="application/xml")
    if generator.items() and getattr(generator, "latest_lastmod", None):
        response.headers["Last-Modified"] = http_date(
            generator.latest_lastmod.timestamp()
        )
    return response
