"""The admin while Elasticsearch is down: simple database matches, not a 500.

An editor who looks for a page, an image, a document or an author must find it
during an outage too. When an Elasticsearch read fails or its circuit is open
(``SearchUnavailable``), ``DatabaseFallback`` answers the same search from the
database instead: modelsearch's fallback backend (``icontains`` over the
model's text search fields, no index needed) over the same queryset, query,
fields, operator and ordering. Autocomplete (the admin's listings and
choosers) matches the autocomplete fields, usually the title.

Readers' search asks for ``strict_results()``: an archive-wide ``icontains``
is no search for readers (no morphology, no ranking), so their page keeps its
friendly 503. ``FallbackNoticeMiddleware`` tells the editor, with a message on
full admin pages, that the results are simple title matches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelsearch.backends.database.fallback import (
    MATCH_NONE,
    DatabaseSearchQueryCompiler,
    DatabaseSearchResults,
)
from modelsearch.backends.elasticsearchbase import (
    ElasticsearchAutocompleteQueryCompilerImpl,
)
from modelsearch.query import Fuzzy, MatchAll, PlainText

from .resilience import SearchUnavailable

logger = logging.getLogger("search")

NOTICE = _("Search service unavailable: showing simple title matches")

T = TypeVar("T")

_strict: ContextVar[bool] = ContextVar("search_strict_results", default=False)
#: The models a request fell back for; ``None`` outside the middleware.
_fallbacks: ContextVar[list | None] = ContextVar("search_fallbacks", default=None)


@contextmanager
def strict_results():
    """Searches in this block raise ``SearchUnavailable`` instead of falling
    back (readers' search). Also a decorator: ``@strict_results()``."""
    token = _strict.set(True)
    try:
        yield
    finally:
        _strict.reset(token)


def _is_text_field(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, models.CharField | models.TextField)


class FallbackQueryCompiler(DatabaseSearchQueryCompiler):
    """modelsearch's ``icontains`` compiler, on text columns only.

    Upstream drops indexed callables (our articles' analysed keys) and then,
    with no field left, builds an empty ``Q()`` that matches every row; here a
    model without text search fields is searched by its title, or matches
    nothing.
    """

    def __init__(self, queryset, query, *, fields, order_by_relevance, autocomplete):
        self.autocomplete = autocomplete
        if isinstance(query, Fuzzy):  # not supported by the database fallback
            query = PlainText(query.query_string, operator=query.operator)
        super().__init__(
            queryset, query, fields=fields, order_by_relevance=order_by_relevance
        )

    def get_fields_names(self):
        model = self.queryset.model
        if self.fields:
            names = list(self.fields)
        elif self.autocomplete:
            names = [f.field_name for f in model.get_autocomplete_search_fields()]
        else:
            names = [f.field_name for f in model.get_searchable_search_fields()]
        names = [name for name in dict.fromkeys(names) if _is_text_field(model, name)]
        if not names and _is_text_field(model, "title"):
            names = ["title"]
        return names

    def build_database_filter(self, query, boost=1.0):
        if not self.fields_names and not isinstance(query, MatchAll):
            return MATCH_NONE
        return super().build_database_filter(query, boost=boost)


class DatabaseFallback:
    """Mixed into the Elasticsearch ``SearchResults`` (before it): every read
    that raises ``SearchUnavailable`` is answered by the database instead,
    unless the caller asked for ``strict_results()``."""

    def _fallback_results(self) -> DatabaseSearchResults:
        compiler = self.query_compiler
        fallback = DatabaseSearchResults(
            self.backend,
            FallbackQueryCompiler(
                compiler.queryset,
                compiler.query,
                fields=compiler.fields,
                order_by_relevance=compiler.order_by_relevance,
                autocomplete=isinstance(
                    compiler, ElasticsearchAutocompleteQueryCompilerImpl
                ),
            ),
            prefetch_related=self.prefetch_related,
        )
        fallback.start, fallback.stop = self.start, self.stop
        fallback._score_field = self._score_field
        return fallback

    def _or_fallback(self, read: Callable[[], T], fallback: Callable[..., T]) -> T:
        try:
            return read()
        except SearchUnavailable:
            if _strict.get():
                raise
        model = self.query_compiler.queryset.model
        logger.info("Search unavailable: database fallback for %s.", model.__name__)
        noted = _fallbacks.get()
        if noted is not None:
            noted.append(model)
        return fallback(self._fallback_results())

    def results(self):
        if self._results_cache is None:
            self._results_cache = self._or_fallback(
                super().results, lambda db: list(db.results())
            )
        return self._results_cache

    def count(self):
        if self._count_cache is None:
            self._count_cache = self._or_fallback(super().count, lambda db: db.count())
        return self._count_cache

    def facet(self, field_name):
        return self._or_fallback(
            lambda: super(DatabaseFallback, self).facet(field_name),
            lambda db: db.facet(field_name),
        )


def fell_back() -> bool:
    """Whether a search of this request answered from the database fallback."""
    return bool(_fallbacks.get())


class FallbackNoticeMiddleware:
    """Warns the editor (messages framework) that results are simple matches.

    The message is added before the page renders, so only to full pages whose
    search ran in the view (Wagtail's listings count their results there);
    never to the admin's XMLHttpRequest fragments and modals, which do not show
    messages: it would pop up on a later, unrelated page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _fallbacks.set([])
        try:
            return self.get_response(request)
        finally:
            _fallbacks.reset(token)

    def process_template_response(self, request, response):
        if (
            fell_back()
            and hasattr(request, "_messages")
            and request.headers.get("x-requested-with") != "XMLHttpRequest"
        ):
            messages.warning(request, NOTICE)
        return response
