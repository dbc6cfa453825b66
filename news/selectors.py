"""Reads that listings share. Templates and tags call these, never the ORM.

Each returns a queryset of bounded size in a constant number of queries,
however many articles the newspaper has.

Plans that need no statistics (issue 14, item 9): straight after a bulk load,
before PostgreSQL had analysed the tables, a window function over every
article of a language took the home page 90 s. A newest-first list of a
section walks the (section, publication date) index backwards and stops at
its LIMIT; a list over several sections (home blocks, a language's latest) is
one such walk per section joined by UNION ALL (``newest_each``), so no plan
reads more rows than it shows, whatever the planner believes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from core.caching.generation import memo, request_generation
from core.privacy import (
    exclude_private,
    foreign_aliases,
    own_language,
    public_listing,
)

from .models import (
    SECTION_PATH_LENGTH,
    ArticlePage,
    ArticlePageTag,
    ArticleReads,
    SectionPage,
)

__all__ = ["SECTION_PATH_LENGTH"]

#: Cards' covers (news_tags.teaser_image): each size in two widths, as AVIF and
#: WebP with a JPEG fallback, smallest first per format (the ``src``).
TEASER_SPECS = {
    size: tuple(
        f"fill-{fill}|format-{image_format}"
        for image_format in ("avif", "webp", "jpeg")
        for fill in fills
    )
    for size, fills in {
        "large": ("400x250", "800x500"),
        "small": ("160x100", "320x200"),
    }.items()
}
TEASER_RENDITIONS = TEASER_SPECS["large"] + TEASER_SPECS["small"]
NEWEST_FIRST = ("-publication_date", "-pk")


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


def _visible() -> QuerySet[ArticlePage]:
    """Live public articles, newest first: the bare rows.

    Whether a page is shown (live, its own language's, public) is asked per
    article in a scalar subquery, and nothing filters on the language: a
    section implies it. So the plan has one table to start from, the
    article's, read in the index's order. Joined instead, these filters
    look so selective to a planner without statistics (``IS NULL`` and
    equality guessed at 0.5 %) that it drives the plan from the page table
    and sorts every article (issue 14, item 9); PostgreSQL guesses a
    subquery's test at 50 % and keeps to the index.
    """
    shown = (
        _public(own_language(Page.objects.live()))
        .filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
    )
    return (
        ArticlePage.objects.alias(shown=Subquery(shown[:1]))
        .filter(shown__isnull=False)
        .order_by(*NEWEST_FIRST)
    )


def _listed(queryset: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Rows as teasers show them: no bodies, the section's title joined."""
    section_title = Page.objects.filter(pk=OuterRef("section_id")).values("title")
    return queryset.defer_streamfields().annotate(
        section_title=Subquery(section_title[:1])
    )


def articles(*, locale: Locale) -> QuerySet[ArticlePage]:
    """Live public articles of one language, newest first, for listings that
    filter further (tags); the newest of a language are ``newest``'s."""
    return _listed(_visible().filter(locale=locale))


def in_section(*, section: Page) -> QuerySet[ArticlePage]:
    """A section's live public articles, newest first: its index, backwards."""
    return _listed(_visible().filter(section_id=section.pk))


def newest_each(queryset: QuerySet, *, sections: list[int], limit: int) -> RawSQL:
    """Ids of the ``limit`` newest rows of ``queryset`` in each section.

    One ``SELECT … WHERE section = s ORDER BY date DESC LIMIT n`` per section,
    each an index walk that stops after n rows, glued by UNION ALL and wrapped
    so that SQLite too accepts a LIMIT in each part. Filter with
    ``among(newest_each(…))``.
    """
    parts, params = [], []
    for number, section in enumerate(sections or [0]):
        part = queryset.filter(section_id=section).order_by(*NEWEST_FIRST)
        sql, part_params = part.values("pk")[:limit].query.sql_with_params()
        # Django compiled each part; its values stay parameters.
        parts.append(f"SELECT * FROM ({sql}) newest_{number}")  # noqa: S608
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611


def among(ids: RawSQL) -> QuerySet[ArticlePage]:
    """Articles whose id ``newest_each`` chose.

    On PostgreSQL as ``id = ANY(ARRAY(…))``: the ids are computed once and
    looked up by primary key. As ``id IN (…)`` a planner without statistics
    may instead read the page table whole and match it against the ids.
    """
    if connection.vendor != "postgresql":
        return ArticlePage.objects.filter(pk__in=ids)
    chosen = RawSQL(  # noqa: S611 - newest_each's SQL, its values parameters
        f'"news_articlepage"."page_ptr_id" = ANY(ARRAY({ids.sql}))',
        ids.params,
        output_field=BooleanField(),
    )
    return ArticlePage.objects.filter(chosen)


def language_sections(*, locale: Locale) -> list[int]:
    """Ids of every section of a language (live or not: a filter, not a menu),
    read once per content generation."""

    def read() -> list[int]:
        return list(
            SectionPage.objects.filter(locale=locale)
            .order_by("path")
            .values_list("pk", flat=True)
        )

    return memo.get(request_generation(), ("sections", locale.pk), read)


def newest(
    *,
    locale: Locale,
    limit: int,
    featured: bool = False,
    exclude: Page | None = None,
) -> QuerySet[ArticlePage]:
    """The ``limit`` newest articles of a language, read section by section
    (``newest_each``) rather than over the whole language."""
    candidates = _visible()
    if featured:
        candidates = candidates.filter(featured=True)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    ids = newest_each(
        candidates, sections=language_sections(locale=locale), limit=limit
    )
    return _listed(among(ids)).order_by(*NEWEST_FIRST)[:limit]


def searchable_articles(
    *, locale: Locale, section: Page | None = None
) -> QuerySet[ArticlePage]:
    """Live public articles of one language in the shape search backends accept.

    Search backends take plain filters only: no annotations, no subqueries.
    A section is matched by its id (the ``section`` column), not by tree
    path: moving or reordering sections shifts paths, and an index that still
    held the old ones would answer with another section's articles.
    """
    queryset = exclude_private(
        ArticlePage.objects.live().filter(locale=locale)
    ).exclude(id__in=foreign_aliases())
    if section is not None:
        queryset = queryset.filter(section_id=section.pk)
    return queryset


def search_sections(*, locale: Locale) -> QuerySet[SectionPage]:
    """The live sections of a language a reader may narrow a search to."""
    return _public(
        own_language(SectionPage.objects.live().filter(locale=locale)).order_by("path")
    ).only("id", "title", "path", "locale_id")


def section_titles(*, articles: list[ArticlePage]) -> dict[int, str]:
    """Section title of each article (by article pk), in one query, by the
    ``section`` column that search filters on too."""
    sections = {article.pk: article.section_id for article in articles}
    if not sections:
        return {}
    titles = dict(
        Page.objects.filter(pk__in=set(sections.values())).values_list("pk", "title")
    )
    return {pk: titles.get(section, "") for pk, section in sections.items()}


def section_articles(*, section: SectionPage) -> QuerySet[ArticlePage]:
    return _with_cover(in_section(section=section))


def section_count(*, section: Page, generation: int | None) -> int:
    """How many articles ``section_articles`` lists, counted once per content
    generation (core.caching.generation.memo).

    The count visits every article of the section (a section's first page
    grew with the archive, ``make bench BENCH=scale``), while a page reads
    one index walk of its own. Every change that can show or hide an article bumps the
    generation, so the count is the listing's own: the last page stays
    right.
    """
    return memo.get(
        generation,
        ("section-count", section.pk),
        lambda: in_section(section=section).count(),
    )


def featured_articles(
    *,
    locale: Locale,
    limit: int,
    exclude: Page | None = None,
    with_cover: bool = True,
) -> QuerySet[ArticlePage]:
    queryset = newest(locale=locale, limit=limit, featured=True, exclude=exclude)
    return _with_cover(queryset) if with_cover else queryset


def latest_articles(
    *, locale: Locale, limit: int, exclude: Page | None = None
) -> QuerySet[ArticlePage]:
    return newest(locale=locale, limit=limit, exclude=exclude)


#: Days a «most read» list covers, today included.
MOST_READ_DAYS = 7
#: Most-read candidates read: some may be unpublished or private meanwhile.
MOST_READ_CANDIDATES = 30


def most_read(*, locale: Locale, limit: int = 6) -> list[ArticlePage]:
    """The language's live public articles most read in the last
    ``MOST_READ_DAYS`` days (news.most_read counts them), most first.

    Two queries: the window's totals (a few days of rows, by the day index),
    then those articles as teasers; the ranking is the first query's.
    """
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    totals = dict(
        ArticleReads.objects.filter(day__gte=since, page__locale=locale)
        .values("page_id")
        .annotate(total=Sum("count"))
        .order_by("-total", "-page_id")
        .values_list("page_id", "total")[:MOST_READ_CANDIDATES]
    )
    if not totals:
        return []
    shown = _listed(_visible().filter(pk__in=list(totals)))
    ranked = sorted(shown, key=lambda a: (-totals[a.pk], -a.pk))
    return ranked[:limit]


def countable(page_id: int) -> bool:
    """Whether a reading of this page counts: a live public article."""
    return _visible().filter(pk=page_id).exists()


@dataclass(frozen=True)
class Sidebar:
    """An article's sidebar lists, and the fragment key of that combination."""

    interesting: list[ArticlePage]
    see_also: list[ArticlePage]
    key: int
    most_read: list[ArticlePage] = field(default_factory=list)


SIDEBAR_INTERESTING, SIDEBAR_SEE_ALSO, SIDEBAR_MOST_READ = 4, 6, 5


def sidebar(*, page: Page, generation: int | None) -> Sidebar:
    """The language's sidebar lists without ``page`` itself.

    Every article of a language shows the same lists but for itself, so they
    are read once per content generation per process (one longer than shown,
    to drop the page) and every article outside them shares one fragment key.
    """

    def read() -> tuple[list[ArticlePage], ...]:
        featured = featured_articles(
            locale=page.locale, limit=SIDEBAR_INTERESTING + 1, with_cover=False
        )
        # Enough to fill "see also" after the interesting ones and the page.
        latest = latest_articles(
            locale=page.locale, limit=SIDEBAR_SEE_ALSO + SIDEBAR_INTERESTING + 2
        )
        # Enough to fill the list after dropping the page and the other lists'.
        popular = most_read(
            locale=page.locale,
            limit=SIDEBAR_MOST_READ + SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 1,
        )
        return list(featured), list(latest), popular

    featured, latest, popular = memo.get(generation, ("sidebar", page.locale_id), read)
    shown = {article.pk for article in (*featured, *latest, *popular)}
    interesting = [a for a in featured if a.pk != page.pk][:SIDEBAR_INTERESTING]
    # No article twice in one page's sidebars.
    taken = {page.pk, *(article.pk for article in interesting)}
    see_also = [a for a in latest if a.pk not in taken][:SIDEBAR_SEE_ALSO]
    taken |= {a.pk for a in see_also}
    return Sidebar(
        interesting=interesting,
        see_also=see_also,
        most_read=[a for a in popular if a.pk not in taken][:SIDEBAR_MOST_READ],
        key=page.pk if page.pk in shown else 0,
    )


def month_articles(
    *, locale: Locale, year: int, month: int, section: Page | None = None
) -> QuerySet[ArticlePage]:
    """A month's live public articles of a language (or of one section),
    newest first; the month in the site's time zone."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    queryset = in_section(section=section) if section else articles(locale=locale)
    return _with_cover(
        queryset.filter(publication_date__gte=start, publication_date__lt=end)
    )


def archive_months(
    *, locale: Locale, section: Page | None = None, generation: int | None = None
) -> list[tuple[int, int]]:
    """(year, month) of every month with a live public article of a language
    (or section), newest first; read once per content generation."""

    def read() -> list[tuple[int, int]]:
        queryset = _visible().filter(locale=locale)
        if section is not None:
            queryset = queryset.filter(section_id=section.pk)
        months = (
            queryset.annotate(month=TruncMonth("publication_date"))
            .order_by("-month")
            .values_list("month", flat=True)
            .distinct()
        )
        return [(m.year, m.month) for m in (timezone.localtime(m) for m in months)]

    key = ("archive_months", locale.pk, section.pk if section else None)
    return memo.get(generation, key, read)


RELATED_ARTICLES = 4


def related_articles(
    *, page: ArticlePage, exclude: list[int] = (), limit: int = RELATED_ARTICLES
) -> list[ArticlePage]:
    """Live public articles of the page's language sharing a tag with it,
    newest first, without the page and without ``exclude`` (the sidebar's):
    one query, the tags read inside it."""
    tags = ArticlePageTag.objects.filter(content_object_id=page.pk).values("tag_id")
    tagged = ArticlePageTag.objects.filter(tag_id__in=tags).values("content_object_id")
    candidates = (
        _visible()
        .filter(locale_id=page.locale_id, pk__in=tagged)
        .exclude(pk__in=[page.pk, *exclude])
    )
    return list(_listed(candidates)[:limit])


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
    *, home: Page, sections: list, per_section: int, exclude: frozenset = frozenset()
) -> list[SectionBlock]:
    """The newest articles of each given section (menu items), in one query.

    One index walk per section (``newest_each``): a window over every
    article of the language was the 90-second home page of issue 14.
    Articles in ``exclude`` (ids already on the page, the featured ones) are
    skipped, and the walk reads that many more so that blocks stay full.
    """
    if not sections:
        return []
    ids = [section.page_id for section in sections]
    limit = per_section + len(exclude)
    shown = _listed(among(newest_each(_visible(), sections=ids, limit=limit))).order_by(
        *NEWEST_FIRST
    )
    blocks = {section.page_id: SectionBlock(section=section) for section in sections}
    for article in _with_cover(shown):
        block = blocks.get(article.section_id)
        if (
            block is not None
            and article.pk not in exclude
            and len(block.articles) < per_section
        ):
            block.articles.append(article)
    return [block for block in blocks.values() if block.articles]
