"""Wagtail's database search backend, with a PostgreSQL query that scales.

Wagtail's PostgreSQL query matches ``title || body`` row by row from the pages
side: every page of the queryset is joined to its index entry and its vectors
concatenated and tested, so even a rare word costs a pass over the whole
archive, and each ``Or`` branch
adds two ``ts_rank`` calls per row. Article keys live in ``body`` alone (the
raw title is not indexed, see ``ArticlePage.get_search_fields``), so this
compiler keeps the pages whose entry matches ``body @@ query`` (a semi-join
the GIN index can drive: a rare word costs milliseconds) and ranks with a
single ``ts_rank`` on ``body``, whose field weights carry the boosts. Models
whose title is indexed, fuzzy and field-restricted searches keep Wagtail's
query. SQLite and other databases use Wagtail's backends unchanged.

A broad word (one article in two mentions "комбинат") matches thousands of
articles, and ranking them all meant reading and joining every matching index
entry twice, for the page and for its count (README, Benchmarks: search at
scale). A relevance search therefore ranks a bounded candidate set: the
``RANKED_CANDIDATES`` newest matching articles (highest page id), found by
walking the pages newest first and probing each one's index entry, which
stops as soon as enough match; a rare word still goes through the GIN index.
Results and their count are that set, so a broad query pages through its
newest ``RANKED_CANDIDATES`` matches, best first, and the page says "at
least". Queries with fewer matches are ranked exactly as before.

Selected with ``"BACKEND": "search.database_backend"``; ``"RANKED_CANDIDATES"``
in the backend's settings changes the bound.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import (
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.conf import get_app_config
from modelsearch.query import Fuzzy, MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

#: Matching articles ranked by relevance, newest first (see the docstring).
RANKED_CANDIDATES = 1000


def _title_is_indexed(model) -> bool:
    return any(
        field.field_name == "title" for field in model.get_searchable_search_fields()
    )


class KeysQueryCompiler(PostgresSearchQueryCompiler):
    candidate_pks: list[int] | None = None
    #: True once the candidates were cut to the newest (the page says so).
    only_newest_ranked = False

    def candidates(self, matches, backend) -> list[int]:
        """The newest matching pks, fetched once for the count and the pages."""
        if self.candidate_pks is None:
            limit = getattr(backend, "ranked_candidates", RANKED_CANDIDATES)
            newest = matches.order_by("-pk").values_list("pk", flat=True)
            self.candidate_pks = list(newest[: limit + 1])
            self.only_newest_ranked = len(self.candidate_pks) > limit
            del self.candidate_pks[limit:]
        return self.candidate_pks

    def search(self, config, start, stop, score_field=None, backend=None):
        model = self.queryset.model
        if (
            self.fields is not None
            or isinstance(self.query, MatchAll | Fuzzy | Not)
            or _title_is_indexed(model)
        ):
            return super().search(config, start, stop, score_field, backend)
        search_query = self.build_tsquery(self.query, config=config)
        entries = (
            get_app_config()
            .get_model("IndexEntry")
            .objects.filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            )
        )
        # A probe of the page's own entry: the newest pages first, so a
        # broad word stops after a few index lookups per candidate.
        matches = self.queryset.filter(
            Exists(
                entries.filter(
                    object_id=Cast(OuterRef("pk"), CharField(max_length=50)),
                    body=search_query,
                )
            )
        )
        rank = SearchRank(
            F("index_entries__body"), search_query, weights=self.sql_weights
        )
        if self.order_by_relevance:
            # One array parameter, not a thousand: binding each costs more.
            candidates = RawSQL(
                "SELECT unnest(%s::bigint[])", [self.candidates(matches, backend)]
            )
            queryset = self.queryset.filter(pk__in=candidates).order_by(
                rank.desc(), "-pk"
            )
        else:
            queryset = matches
            if not queryset.query.order_by:
                queryset = queryset.order_by("-pk")
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: rank})
        return queryset[start:stop]


class KeysPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = KeysQueryCompiler

    def __init__(self, params):
        super().__init__(params)
        self.ranked_candidates = params.get("RANKED_CANDIDATES", RANKED_CANDIDATES)


def SearchBackend(params):
    """Wagtail loads the module's ``SearchBackend``: ours on PostgreSQL only."""
    if connection.vendor != "postgresql":
        return DatabaseSearchBackend(params)
    return KeysPostgresSearchBackend(params)
