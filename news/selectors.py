"""Reads that listings share. Templates and tags call these, never the ORM.

Each returns a queryset of bounded size in a constant number of queries,
however many articles the newspaper has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber, Substr
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from core.caching.generation import memo
from core.privacy import (
    exclude_private,
    foreign_aliases,
    own_language,
    public_listing,
)

from .models import ArticlePage, ArticlePageTag, SectionPage

TEASER_RENDITIONS = ("fill-640x400", "fill-160x100")
# Home pages sit at depth 2 and sections at depth 3 of every language's tree.
SECTION_PATH_LENGTH = 3 * Page.steplen


def _public(queryset: QuerySet) -> QuerySet:
    """Drops pages that a view restriction binds, inside the same SQL query.

    Wagtail's ``.public()`` runs an extra query to list restrictions first and
    sees one tree only; here a page is also private when any of its
    translations is (core.privacy, twins from the generation's memo).
    """
    return public_listing(queryset)


def _with_cover(queryset: QuerySet) -> QuerySet:
    """Joins cover images and prefetches their teaser renditions: one query."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=TEASER_RENDITIONS)
    )
    return queryset.select_related("cover_image").prefetch_related(
        Prefetch("cover_image__renditions", queryset=renditions)
    )


def articles(*, locale: Locale) -> QuerySet[ArticlePage]:
    """Live public articles of one language, newest first, for listings."""
    section_title = Page.objects.filter(
        path=Substr(OuterRef("path"), 1, SECTION_PATH_LENGTH)
    ).values("title")[:1]
    queryset = (
        own_language(ArticlePage.objects.live().filter(locale=locale))
        .defer_streamfields()
        .annotate(section_title=Subquery(section_title))
        .order_by("-publication_date", "-pk")
    )
    return _public(queryset)


def searchable_articles(
    *, locale: Locale, section: Page | None = None
) -> QuerySet[ArticlePage]:
    """Live public articles of one language in the shape search backends accept.

    Search backends take plain filters only: no annotations, no subqueries.
    """
    queryset = exclude_private(
        ArticlePage.objects.live().filter(locale=locale)
    ).exclude(id__in=foreign_aliases())
    if section is not None:
        queryset = queryset.descendant_of(section)
    return queryset


def search_sections(*, locale: Locale) -> QuerySet[SectionPage]:
    """The live sections of a language a reader may narrow a search to."""
    return _public(
        own_language(SectionPage.objects.live().filter(locale=locale)).order_by("path")
    ).only("id", "title", "path", "locale_id")


def section_titles(*, articles: list[Page]) -> dict[int, str]:
    """Section title of each article (by article pk), in one query."""
    paths = {article.pk: article.path[:SECTION_PATH_LENGTH] for article in articles}
    if not paths:
        return {}
    titles = dict(
        Page.objects.filter(path__in=set(paths.values())).values_list("path", "title")
    )
    return {pk: titles.get(path, "") for pk, path in paths.items()}


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    return _with_cover(articles(locale=section.locale).descendant_of(section))


def featured_articles(
    *,
    locale: Locale,
    limit: int,
    exclude: Page | None = None,
    with_cover: bool = True,
) -> QuerySet[ArticlePage]:
    queryset = articles(locale=locale).filter(featured=True)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return (_with_cover(queryset) if with_cover else queryset)[:limit]


def latest_articles(
    *, locale: Locale, limit: int, exclude: Page | None = None
) -> QuerySet[ArticlePage]:
    queryset = articles(locale=locale)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset[:limit]


@dataclass(frozen=True)
class Sidebar:
    """An article's sidebar lists, and the fragment key of that combination."""

    interesting: list[ArticlePage]
    see_also: list[ArticlePage]
    key: int


SIDEBAR_INTERESTING, SIDEBAR_SEE_ALSO = 4, 6


def sidebar(*, page: Page, generation: int | None) -> Sidebar:
    """The language's sidebar lists without ``page`` itself.

    Every article of a language shows the same lists but for itself, so they
    are read once per content generation per process (one longer than shown,
    to drop the page) and every article outside them shares one fragment key.
    """

    def read() -> tuple[list[ArticlePage], list[ArticlePage]]:
        featured = featured_articles(
            locale=page.locale, limit=SIDEBAR_INTERESTING + 1, with_cover=False
        )
        latest = latest_articles(locale=page.locale, limit=SIDEBAR_SEE_ALSO + 1)
        return list(featured), list(latest)

    featured, latest = memo.get(generation, ("sidebar", page.locale_id), read)
    shown = {article.pk for article in (*featured, *latest)}
    return Sidebar(
        interesting=[a for a in featured if a.pk != page.pk][:SIDEBAR_INTERESTING],
        see_also=[a for a in latest if a.pk != page.pk][:SIDEBAR_SEE_ALSO],
        key=page.pk if page.pk in shown else 0,
    )


def tagged_articles(*, locale: Locale, tag_slug: str) -> QuerySet[ArticlePage]:
    return _with_cover(articles(locale=locale).filter(tags__slug=tag_slug).distinct())


def tag_in_language(*, tag, locale: Locale) -> bool:
    """Whether a live public article of the language carries the tag."""
    return (
        ArticlePageTag.objects.filter(
            tag=tag,
            content_object__in=_public(
                ArticlePage.objects.live().filter(locale=locale)
            ),
        )
        .exclude(content_object__in=foreign_aliases())
        .exists()
    )


@dataclass
class SectionBlock:
    section: Page
    articles: list[ArticlePage] = field(default_factory=list)


def latest_by_section(
    *, home: Page, sections: list, per_section: int
) -> list[SectionBlock]:
    """The newest articles of each given section (``path``-keyed), in one query."""
    if not sections:
        return []
    ranked = _with_cover(
        articles(locale=home.locale)
        .descendant_of(home)
        .annotate(
            section_path=Substr("path", 1, SECTION_PATH_LENGTH),
            rank=Window(
                RowNumber(),
                partition_by=[F("section_path")],
                order_by=[F("publication_date").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per_section)
    )
    blocks = {section.path: SectionBlock(section=section) for section in sections}
    for article in ranked:
        block = blocks.get(article.section_path)
        if block is not None:
            block.articles.append(article)
    return [block for block in blocks.values() if block.articles]
