"""Readers' search: the query, the results page, excerpts, promotions, hits."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from wagtail.contrib.search_promotions.models import (
    Query,
    QueryDailyHits,
    SearchPromotion,
)
from wagtail.models import Locale, Page
from wagtail.search.utils import normalise_query_string

from core.caching.generation import memo, request_generation
from core.pagination import paginate
from core.privacy import public
from core.text import ELLIPSIS, clean_text, excerpt, text_pieces
from editions.models import EditionPage, editions_matching, live_editions
from linguistics import tokenize
from news import selectors
from news.models import ArticlePage, SectionPage

from .analysis import AnalysedQuery, first_match, highlight
from .fallback import strict_results

logger = logging.getLogger("search")

#: What is kept of a typed query; the form field has the same ``maxlength``.
MAX_QUERY_LENGTH = 200
EXCERPT_LENGTH = 220
#: Characters of context kept before the first matching word of an excerpt.
EXCERPT_LEAD_IN = 60
MAX_SUGGESTIONS = 8
MAX_SUGGEST_QUERY_LENGTH = 60
MIN_SUGGEST_QUERY_LENGTH = 2
#: Results a reader can page through (``settings.KMPRESS_SEARCH_MAX_RESULTS``):
#: Elasticsearch's ``index.max_result_window``, past which ``from + size`` is
#: refused. The count shown stays the true one.
MAX_RESULTS = 10_000


def max_results() -> int:
    """The pagination cap; keep it at or below the index's result window."""
    return int(getattr(settings, "KMPRESS_SEARCH_MAX_RESULTS", MAX_RESULTS))


def clean_query(raw: str, max_length: int = MAX_QUERY_LENGTH) -> str:
    """Drops control characters (NUL…) and caps the length of what a reader typed."""
    text = "".join(ch for ch in raw[: max_length * 4] if ch.isprintable() or ch == " ")
    return " ".join(text.split())[:max_length]


@dataclass(frozen=True)
class SearchHit:
    article: ArticlePage
    section_title: str
    excerpt: SafeString


def result_excerpt(
    article: ArticlePage, query: AnalysedQuery, language: str
) -> SafeString:
    """Clean text around the first matching word, the query's words marked.

    The lead, else the body; the body is cleaned block by block only as far
    as the excerpt needs (``_body_text``): whole bodies were cleaned for
    every result, the page's largest cost after the template (issue 18).
    """
    lead = clean_text(article.lead)
    position = first_match(lead, query, language)
    if position is not None:
        return _marked_excerpt(lead, position, query, language)
    body, position = _body_text(article.body, query, language)
    return _marked_excerpt(
        lead or body if position is None else body, position, query, language
    )


def _excerpt_start(text: str, position: int | None) -> int:
    """Where an excerpt of ``text`` around ``position`` begins."""
    if position is None or position <= EXCERPT_LEAD_IN:
        return 0
    return text.rfind(" ", 0, position - EXCERPT_LEAD_IN) + 1


def _marked_excerpt(
    text: str, position: int | None, query: AnalysedQuery, language: str
) -> SafeString:
    start = _excerpt_start(text, position)
    # excerpt() reads a string as HTML: escape the plain text so that words
    # such as "<script>" in an article stay words.
    snippet = excerpt(escape(text[start:]), EXCERPT_LENGTH)
    return highlight((ELLIPSIS if start else "") + snippet, query, language)


def _body_text(body, query: AnalysedQuery, language: str) -> tuple[str, int | None]:
    """The body's clean text as far as its excerpt needs, and the position of
    its first matching word (None: the whole text, nothing matched).

    ``text_pieces`` joined are ``clean_text(body)`` and no word spans two, so
    pieces are matched one by one. After the match the excerpt reads at most
    ``EXCERPT_LENGTH`` characters of clean text, the same in a prefix that
    holds them as in the whole: a clean text without "&" is its own
    ``clean_text(escape(…))`` (``excerpt``'s reading). With an "&" (an
    entity typed as text) the whole body is read, as before.
    """
    pieces = text_pieces(body)
    parts: list[str] = []
    length, position = 0, None
    for piece in pieces:
        offset = length + 1 if parts else 0
        parts.append(piece)
        length = offset + len(piece)
        found = first_match(piece, query, language)
        if found is not None:
            position = offset + found
            break
    if position is None:
        return " ".join(parts), None
    text = " ".join(parts)
    start = _excerpt_start(text, position)
    while "&" in text[start:] or len(text) - start <= EXCERPT_LENGTH:
        piece = next(pieces, None)
        if piece is None:
            break
        text = f"{text} {piece}"
    return text, position


def search_sections(request: HttpRequest, *, locale: Locale) -> list[SectionPage]:
    """The sections a reader may narrow a search to (the form's list), read
    once per content generation (core.caching.generation's memo): a query on
    every search page before."""
    return memo.get(
        request_generation(request),
        ("search-sections", locale.pk),
        lambda: list(selectors.search_sections(locale=locale)),
    )


def section_titles(
    request: HttpRequest, *, articles: list[ArticlePage], locale: Locale
) -> dict[int, str]:
    """``selectors.section_titles`` from the titles of the language's sections,
    read once per content generation; its query only for a section not among
    them."""
    titles = memo.get(
        request_generation(request),
        ("section-titles", locale.pk),
        lambda: dict(
            SectionPage.objects.filter(locale=locale).values_list("pk", "title")
        ),
    )
    if any(
        article.section_id is not None and article.section_id not in titles
        for article in articles
    ):
        return selectors.section_titles(articles=articles)
    return {article.pk: titles.get(article.section_id, "") for article in articles}


@strict_results()
def search_results(
    request: HttpRequest,
    *,
    query: AnalysedQuery,
    locale: Locale,
    section: Page | None,
    per_page: int,
) -> tuple[PaginatorPage, list[SearchHit]]:
    """One page of results with their sections and excerpts, within the first
    ``max_results()`` (``page.paginator.capped`` says whether more matched).

    Raises ``SearchUnavailable`` when the search service is down.
    """
    results = selectors.searchable_articles(locale=locale, section=section).search(
        query.search_query()
    )
    page = paginate(request, results, per_page, max_results=max_results())
    articles = list(page.object_list)
    page.object_list = articles
    titles = section_titles(request, articles=articles, locale=locale)
    hits = [
        SearchHit(
            article=article,
            section_title=titles.get(article.pk, ""),
            excerpt=result_excerpt(article, query, locale.language_code),
        )
        for article in articles
    ]
    return page, hits


#: Print editions listed above the articles: the newest issues that match.
MAX_EDITIONS = 5


@dataclass(frozen=True)
class EditionHit:
    edition: EditionPage
    excerpt: SafeString


def text_excerpt(text: str, query: AnalysedQuery, language: str) -> SafeString:
    """Plain text around its first matching word, the query's words marked."""
    position, start = first_match(text, query, language), 0
    if position is not None and position > EXCERPT_LEAD_IN:
        start = text.rfind(" ", 0, position - EXCERPT_LEAD_IN) + 1
    snippet = excerpt(escape(" ".join(text[start:].split())), EXCERPT_LENGTH)
    return highlight((ELLIPSIS if start else "") + snippet, query, language)


def edition_hits(
    request: HttpRequest, *, query: AnalysedQuery, locale: Locale
) -> list[EditionHit]:
    """Print editions whose PDF has every word of the query, newest first.

    Matched in the database on the editions' analysed keys (editions.models),
    so they are found the same way on every search backend.
    """
    terms = [term.keys for term in query.terms]
    # The matching editions' ids first, among the live public ones of the
    # language (read once per content generation): a query on one table that
    # Django compiles quickly. Compiling the live, public, own-language
    # filters of every search cost more than the match (profile of the
    # search page); most searches match no edition.
    live = EditionPage.objects.filter(pk__in=live_edition_ids(request, locale))
    found = list(
        editions_matching(terms, locale, request, among=live)
        .order_by("-issue_date", "-number")
        .values_list("pk", flat=True)[:MAX_EDITIONS]
    )
    if not found:
        return []
    editions = live_editions(locale, request).filter(pk__in=found).defer(None)
    return [
        EditionHit(
            edition=edition,
            excerpt=text_excerpt(edition.pdf_text, query, locale.language_code),
        )
        for edition in editions
    ]


def live_edition_ids(request: HttpRequest, locale: Locale) -> list[int]:
    """Ids of a language's live public editions, once per content generation
    (publishing, unpublishing and privacy changes bump it)."""
    return memo.get(
        request_generation(request),
        ("live-edition-ids", locale.pk),
        lambda: list(live_editions(locale, request).values_list("pk", flat=True)),
    )


def only_newest_ranked(page: PaginatorPage) -> bool:
    """Whether the query matched so many articles that the backend ranked only
    its newest ones (PostgreSQL, see ``search.database_backend``)."""
    compiler = getattr(page.paginator.object_list, "query_compiler", None)
    return getattr(compiler, "only_newest_ranked", False)


def promoted_queries(request: HttpRequest | None = None) -> frozenset[str]:
    """The (normalised) queries that have editors' picks, read once per content
    generation: a promotion saved or deleted bumps it (search.signal_handlers).
    Few queries have picks, and asking for them cost every search a query."""
    return memo.get(
        request_generation(request),
        "promoted-queries",
        lambda: frozenset(
            SearchPromotion.objects.values_list("query__query_string", flat=True)
        ),
    )


def promotions(
    *, text: str, locale: Locale, request: HttpRequest | None = None
) -> list[SearchPromotion]:
    """Editors' picks for this query: live public pages of the reader's language
    (never an alias of another language's page), links. A private page's title
    is never shown (core.privacy); its check costs a query only when a pick is
    a page. No query for a query without picks (``promoted_queries``)."""
    query_string = normalise_query_string(text)
    if query_string not in promoted_queries(request):
        return []
    picks = list(
        SearchPromotion.objects.filter(query__query_string=query_string)
        .filter(Q(page__isnull=True) | Q(page__live=True, page__locale=locale))
        .exclude(page__in=selectors.foreign_aliases())
        .select_related("page")
        .order_by("sort_order")
    )
    pages = {pick.page_id for pick in picks if pick.page_id is not None}
    if pages:
        pages = set(
            public(Page.objects.filter(pk__in=pages)).values_list("pk", flat=True)
        )
    return [pick for pick in picks if pick.page_id is None or pick.page_id in pages]


def record_hit(text: str) -> None:
    """Counts the query for the popular-queries report; never breaks a search."""
    try:
        if not _upserted_hit(text):
            Query.get(text).add_hit()
    except DatabaseError:
        logger.warning("Could not record the search query hit.", exc_info=True)


#: Wagtail's ``Query.get(text).add_hit()`` in one statement: the query row
#: made if missing, today's hits made or incremented (``ON CONFLICT`` on the
#: unique query string and on the unique (query, date) pair, so concurrent
#: searches never lose a hit nor fail on a duplicate). Wagtail's way was three
#: statements a search (a SELECT of each row and an UPDATE).
_ASYNCHRONOUS = """asynchronous AS (
    SELECT set_config('synchronous_commit', 'off', true)
), """
_UPSERT_HIT = """
WITH {asynchronous}new AS (
    INSERT INTO {queries} (query_string) VALUES (%(text)s)
    ON CONFLICT (query_string) DO NOTHING
    RETURNING id
), found AS (
    SELECT id FROM new
    UNION ALL
    SELECT id FROM {queries} WHERE query_string = %(text)s
)
INSERT INTO {hits} (query_id, date, hits)
SELECT id, %(date)s, 1 FROM found{join} LIMIT 1
ON CONFLICT (query_id, date) DO UPDATE SET hits = {hits}.hits + 1
"""


def _upserted_hit(text: str) -> bool:
    """Records the hit in one statement on PostgreSQL; False when it could
    not: another database, or a search that made the same new query row
    concurrently (committed after this statement's snapshot: neither half
    of ``found`` sees it). Wagtail's three statements then do it."""
    if connection.vendor != "postgresql":
        return False
    statement = _UPSERT_HIT.format(
        queries=connection.ops.quote_name(Query._meta.db_table),
        hits=connection.ops.quote_name(QueryDailyHits._meta.db_table),
        # Outside a transaction the statement is one: its commit need not
        # wait for the WAL flush (``synchronous_commit`` for this transaction
        # only). A crash of PostgreSQL may then lose the last fraction of a
        # second of hits, never make a count wrong; the wait was most of the
        # statement's time (README "Benchmarks").
        asynchronous="" if connection.in_atomic_block else _ASYNCHRONOUS,
        join="" if connection.in_atomic_block else ", asynchronous",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            {"text": normalise_query_string(text), "date": timezone.now().date()},
        )
        return cursor.rowcount == 1


@strict_results()
def suggestions(
    request: HttpRequest, *, text: str, locale: Locale
) -> list[dict[str, str]]:
    """Titles of the reader's language that start like the typed words.

    Raises ``SearchUnavailable`` when the search service is down.
    """
    words = tokenize(text)[:MAX_SUGGESTIONS]
    if not words or len(text) < MIN_SUGGEST_QUERY_LENGTH:
        return []
    pages = selectors.searchable_articles(locale=locale).autocomplete(" ".join(words))
    return [
        {"title": page.title, "url": page.get_url(request) or ""}
        for page in pages[:MAX_SUGGESTIONS]
    ]
