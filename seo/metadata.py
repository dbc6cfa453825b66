"""What search engines and social networks read in a page's ``<head>``.

Canonical URL, OpenGraph and Twitter card, and JSON-LD (``WebSite`` with its
search action, ``BreadcrumbList``, ``NewsArticle``), built from what the page
already has on hand: the cached layout (home, sections, settings), the twins
the language switcher reads, the article's authors and cover from its context.
So the metadata adds no query to a page (tests/test_query_budgets.py), and it
is the same for every reader, as the page cache needs.

Every URL is absolute: the request's scheme and host, as feeds and the sitemap
build theirs; outside a request, ``WAGTAILADMIN_BASE_URL``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Page

from core.caching.fragments import kept
from core.layout import Layout
from core.text import excerpt
from core.twins import is_translated
from news.models import ArticlePage

SCHEMA = "https://schema.org"
DESCRIPTION_LENGTH = 200
HEADLINE_LENGTH = 110  # Google shows no more of a NewsArticle's headline
# og:locale wants language_TERRITORY.
OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ"}
FALLBACK_IMAGE = "core/metadata/og-default.png"
FALLBACK_IMAGE_SIZE = (1200, 630)
LOGO = "core/metadata/logo.png"
LOGO_SIZE = (60, 60)


def absolute(request, url: str) -> str:
    """``url`` with scheme and host: the request's, else the admin base URL.

    A page names the same few addresses many times (its home six times):
    each is built once per request.
    """
    if url.startswith(("http://", "https://")):
        return url
    if request is not None:
        built = request.__dict__.setdefault("_kmpress_absolute_urls", {})
        if url not in built:
            built[url] = request.build_absolute_uri(url)
        return built[url]
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def og_locale(language_code: str) -> str:
    return OG_LOCALES.get(language_code, language_code)


def local_iso(moment) -> str:
    """A date as schema.org wants it, in the newsroom's time zone (+05:00)."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@dataclass
class Metadata:
    canonical: str
    title: str
    description: str
    image: str
    image_size: tuple[int, int] | None
    og_type: str
    locale: str
    alternate_locales: list[str]
    site_name: str
    graphs: list[dict[str, Any]] = field(default_factory=list)

    def json_ld(self) -> str:
        """The graphs as one JSON-LD document, safe inside ``<script>``."""
        document = {"@context": SCHEMA, "@graph": self.graphs}
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return text.translate(
            {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
        )


def canonical_url(context, request) -> str:
    """The address on screen without its query, but for a listing's page number;
    a routed view may name its own (``canonical_path``: a month archive keeps
    its section).

    An untranslated placeholder (core.twins) points at the original it shows; a
    404 has none.
    """
    if context.get("original_url"):
        return absolute(request, context["original_url"])
    if is_not_found(context):
        return ""
    url = absolute(request, context.get("canonical_path") or request.path)
    number = request.GET.get("page", "")
    if number.isdigit() and int(number) > 1:
        url += f"{'&' if '?' in url else '?'}page={int(number)}"
    return url


def is_not_found(context) -> bool:
    """Django's 404 view renders 404.html with these two (views.defaults)."""
    return "exception" in context and "request_path" in context


def view_title(context, page) -> str:
    """What the page's ``<title>`` says before the newspaper's name."""
    if context.get("original_url"):
        return _("Not translated yet")  # its original's words are Russian
    if context.get("view_title"):  # a view the page routes (month archive)
        return context["view_title"]
    tag = context.get("tag")
    if tag is not None and getattr(tag, "name", None):
        return _("Tag: %(tag)s") % {"tag": tag.name}
    match = getattr(context.get("request"), "resolver_match", None)
    if match is not None and match.url_name == "search":
        query = context.get("search_query")
        if query:
            return _("Search: %(query)s") % {"query": query}
        return _("Search")
    if isinstance(page, Page):
        return page.seo_title or page.title
    return ""


def alternate_languages(context, page, layout: Layout, twins: list[Page]) -> list[str]:
    if "alternates" in context:  # a routed view's own twins (month archive)
        own = page.locale.language_code
        codes = [
            a.language_code for a in context["alternates"] if a.language_code != own
        ]
    elif isinstance(page, Page) and page.pk:
        if context.get("tag") is not None:
            return []  # a tag's listing has no twin (see hreflang_links)
        codes = [twin.locale.language_code for twin in twins]
        if not is_translated(page):
            codes = []
    elif is_not_found(context):
        codes = []
    else:
        codes = [
            code
            for locale_id, code, _name in layout.locales
            if locale_id != layout.locale_id
        ]
    return sorted({og_locale(code) for code in codes})


def website(request, layout: Layout, language_code: str) -> dict[str, Any]:
    """The newspaper of one language, with the search box search engines may show."""
    home = layout.home.url if layout.home else f"/{language_code}/"
    with translation.override(language_code):
        search = reverse("search")
    return {
        "@type": "WebSite",
        "@id": absolute(request, home) + "#website",
        "url": absolute(request, home),
        "name": layout.settings.newspaper_name,
        "inLanguage": language_code,
        "publisher": {"@id": absolute(request, home) + "#publisher"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(request, search) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def publisher(request, layout: Layout, language_code: str) -> dict[str, Any]:
    home = layout.home.url if layout.home else f"/{language_code}/"
    return {
        "@type": "NewsMediaOrganization",
        "@id": absolute(request, home) + "#publisher",
        "name": layout.settings.newspaper_name,
        "url": absolute(request, home),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(request, static(LOGO)),
            "width": LOGO_SIZE[0],
            "height": LOGO_SIZE[1],
        },
    }


def site_graphs(request, layout: Layout, language_code: str) -> tuple[dict, ...]:
    """The newspaper and its publisher: the same on every page of a language
    and host, so kept with the layout pieces (core.caching.fragments)."""
    host = absolute(request, "/")
    return kept(
        request,
        ("site-graphs", layout.locale_id, language_code, host),
        lambda: (
            website(request, layout, language_code),
            publisher(request, layout, language_code),
        ),
    )


def breadcrumbs(
    request, page, layout: Layout, title: str, canonical: str
) -> dict | None:
    """Home, the page's menu section, the page: from the layout, no query."""
    if layout.home is None or not isinstance(page, Page):
        return None
    trail = [(layout.home.title, absolute(request, layout.home.url))]
    section = layout.section_for(page.path) if page.depth > 2 else None
    if section is not None and section.page_id != page.pk:
        trail.append((section.title, absolute(request, section.url)))
    if page.depth > 2 or canonical != trail[0][1]:
        trail.append((title, canonical))
    if len(trail) < 2:
        return None
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": url}
            for number, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(
    context, request, page: ArticlePage, layout: Layout, meta: Metadata
) -> dict:
    """schema.org NewsArticle from the article's fields and its context."""
    published = page.publication_date
    modified = max(filter(None, [published, page.last_published_at]))
    authors = [
        {"@type": "Person", "name": author.name}
        for author in context.get("authors") or []
    ]
    home = layout.home.url if layout.home else f"/{page.locale.language_code}/"
    article = {
        "@type": "NewsArticle",
        "@id": meta.canonical + "#article",
        "mainEntityOfPage": meta.canonical,
        "url": meta.canonical,
        # A title is plain text (a "<" in it is a character): shortened only when long.
        "headline": page.title
        if len(page.title) <= HEADLINE_LENGTH
        else excerpt(page.title, HEADLINE_LENGTH),
        "description": meta.description,
        "datePublished": local_iso(published),
        "dateModified": local_iso(modified),
        "inLanguage": page.locale.language_code,
        "image": [meta.image],
        "author": authors or [{"@id": absolute(request, home) + "#publisher"}],
        "publisher": {"@id": absolute(request, home) + "#publisher"},
    }
    section = layout.section_for(page.path)
    if section is not None:
        article["isPartOf"] = {
            "@type": "CollectionPage",
            "@id": absolute(request, section.url),
            "url": absolute(request, section.url),
            "name": section.title,
        }
        article["articleSection"] = section.title
    return article


def page_metadata(context, layout: Layout, twins: list[Page]) -> Metadata:
    request = context.get("request")
    page = context.get("page")
    language_code = translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(page, Page):
        language_code = page.locale.language_code
    site_settings = layout.settings
    title = view_title(context, page) or site_settings.newspaper_name
    description = ""
    own_words = not (
        context.get("tag") or context.get("original_url") or context.get("view_title")
    )
    if isinstance(page, Page) and own_words:
        description = page.get_meta_description()
    description = description or excerpt(site_settings.about, DESCRIPTION_LENGTH)
    image, size = context.get("cover_absolute_url"), None
    cover = context.get("cover")
    if image and cover is not None:
        size = (cover.width, cover.height)
    if not image:
        image, size = absolute(request, static(FALLBACK_IMAGE)), FALLBACK_IMAGE_SIZE
    # A routed view (tag listing) or a placeholder is not the article itself.
    is_article = (
        isinstance(page, ArticlePage)
        and context.get("tag") is None
        and is_translated(page)
        and not context.get("original_url")
    )
    meta = Metadata(
        canonical=canonical_url(context, request),
        title=title,
        description=description,
        image=image,
        image_size=size,
        og_type="article" if is_article else "website",
        locale=og_locale(language_code),
        alternate_locales=alternate_languages(context, page, layout, twins),
        site_name=site_settings.newspaper_name,
    )
    meta.graphs = list(site_graphs(request, layout, language_code))
    trail = breadcrumbs(request, page, layout, title, meta.canonical)
    if trail is not None and meta.canonical and not context.get("original_url"):
        meta.graphs.append(trail)
    if is_article:
        meta.graphs.append(news_article(context, request, page, layout, meta))
    return meta
