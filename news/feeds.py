"""RSS of the newest articles: a whole language's, or one section's.

Feeds live under the language prefix (``/ru/feed/``, ``/kk/feed/<section>/``),
so the page cache keeps them like pages and empties them on the same changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from wagtail.models import Locale

from core.layout import layout_for
from core.text import excerpt

from . import selectors
from .models import ArticlePage, SectionPage

FEED_SIZE = 20
SUMMARY_LENGTH = 300
SLUG = re.compile(r"[\w-]{1,255}")


@dataclass(frozen=True)
class Channel:
    locale: Locale
    title: str
    link: str
    description: str
    section: SectionPage | None
    request: HttpRequest


class ArticlesFeed(Feed):
    """The newest articles of the request's language, or of one of its sections."""

    def get_object(self, request, section: str | None = None) -> Channel:
        locale = Locale.get_active()
        layout = layout_for(locale, request)
        if layout.home is None:
            raise Http404
        name = layout.settings.newspaper_name
        if section is None:
            about = layout.settings.about
            return Channel(locale, name, layout.home.url, about, None, request)
        if not SLUG.fullmatch(section):  # NUL bytes and the like never reach SQL
            raise Http404
        page = selectors.search_sections(locale=locale).filter(slug=section).first()
        if page is None:
            raise Http404
        title = f"{name}: {page.title}"
        return Channel(locale, title, page.get_url(request), name, page, request)

    def title(self, channel: Channel) -> str:
        return channel.title

    def link(self, channel: Channel) -> str:
        return channel.link

    def description(self, channel: Channel) -> str:
        return channel.description

    def items(self, channel: Channel) -> list[ArticlePage]:
        if channel.section is not None:
            articles = selectors.in_section(section=channel.section)[:FEED_SIZE]
        else:
            articles = selectors.newest(locale=channel.locale, limit=FEED_SIZE)
        items = list(articles)
        for article in items:
            article.feed_url = article.get_url(channel.request)
        return items

    def item_title(self, article: ArticlePage) -> str:
        return article.title

    def item_description(self, article: ArticlePage) -> str:
        return excerpt(article.lead, SUMMARY_LENGTH)

    def item_link(self, article: ArticlePage) -> str:
        return article.feed_url

    def item_pubdate(self, article: ArticlePage):
        return article.publication_date

    def item_categories(self, article: ArticlePage) -> list[str]:
        return [article.section_title] if article.section_title else []
