"""Wagtail's database search backend, with a PostgreSQL query that scales.

Wagtail's PostgreSQL query matches ``title || body`` row by row from the pages
side: every page of the queryset is joined to its index entry and its vectors
concatenated and tested, so even a rare word costs a pass over the whole
archive (0.7 s at 10,000 articles per language here), and each ``Or`` branch
adds two ``ts_rank`` calls per row. Article keys live in ``body`` alone (the
raw title is not indexed, see ``ArticlePage.get_search_fields``), so this
compiler keeps the pages whose entry matches ``body @@ query`` (a semi-join
the GIN index can drive: a rare word costs milliseconds) and ranks with a
single ``ts_rank`` on ``body``, whose field weights carry the boosts. Models
whose title is indexed, fuzzy and field-restricted searches keep Wagtail's
query. SQLite and other databases use Wagtail's backends unchanged.

Selected with ``"BACKEND": "search.database_backend"``.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.conf import get_app_config
from modelsearch.query import Fuzzy, MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


def _title_is_indexed(model) -> bool:
    return any(
        field.field_name == "title" for field in model.get_searchable_search_fields()
    )


def SearchBackend(params):
    if connection.vendor != "postgresql":
        return DatabaseSearchBackend(params)

    from modelsearch.backends.database.postgres.postgres import (
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    IndexEntry = get_app_config().get_model("IndexEntry")

    class KeysQueryCompiler(PostgresSearchQueryCompiler):
        def search(self, config, start, stop, score_field=None, backend=None):
            model = self.queryset.model
            if (
                self.fields is not None
                or isinstance(self.query, MatchAll | Fuzzy | Not)
                or _title_is_indexed(model)
            ):
                return super().search(config, start, stop, score_field, backend)
            search_query = self.build_tsquery(self.query, config=config)
            entries = IndexEntry.objects.filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            )
            # pk IN (matching entries): a rare word is a few index lookups.
            matching = (
                entries.filter(body=search_query)
                .annotate(page_id=Cast("object_id", BigIntegerField()))
                .values("page_id")
            )
            queryset = self.queryset.filter(pk__in=matching)
            rank = SearchRank(
                F("index_entries__body"), search_query, weights=self.sql_weights
            )
            if self.order_by_relevance:
                queryset = queryset.order_by(rank.desc(), "-pk")
            elif not queryset.query.order_by:
                queryset = queryset.order_by("-pk")
            if score_field is not None:
                queryset = queryset.annotate(**{score_field: rank})
            return queryset[start:stop]

    class KeysPostgresSearchBackend(PostgresSearchBackend):
        query_compiler_class = KeysQueryCompiler

    return KeysPostgresSearchBackend(params)
