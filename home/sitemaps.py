"""sitemap.xml with every language's pages and their hreflang alternates.

Wagtail's own sitemap lists one language tree. Here every live, public page
of every language is listed once, each with ``xhtml:link`` alternates to its
live translations and x-default to the Russian page. Untranslated
placeholders (drafts, aliases mirroring the Russian page) are not Kazakh pages,
so they appear neither as entries nor as alternates.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .translation import source_language


class TranslatedSitemap(Sitemap):
    def items(self):
        """Pages under the site's home page and its translations: two queries."""
        if not hasattr(self, "_pages"):
            homes = (
                self.get_wagtail_site()
                .root_page.get_translations(inclusive=True)
                .values_list("path", flat=True)
            )
            under_a_home = Q()
            for path in homes:
                under_a_home |= Q(path__startswith=path)
            self._pages = list(
                Page.objects.live()
                .public()
                .filter(under_a_home, alias_of__isnull=True)
                .select_related("locale")
                .order_by("path")
            )
        return self._pages

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        locations: dict[int, str] = {}
        for item in self.items():
            with translation.override(item.locale.language_code):
                url = item.get_url(self.request)
            if url:
                # The address readers use, as hreflang on the pages gives it.
                locations[item.pk] = self.request.build_absolute_uri(url)
        twins = defaultdict(list)
        for item in self.items():
            if item.pk in locations:
                twins[item.translation_key].append(item)

        urls, last_mods = [], set()
        for item in pages:
            if item.pk not in locations:
                continue
            alternates = [
                {"lang_code": twin.locale.language_code, "location": locations[twin.pk]}
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
                    "item": item,
                    "location": locations[item.pk],
                    "lastmod": lastmod,
                    "alternates": alternates,
                }
            )
            last_mods.add(lastmod)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
