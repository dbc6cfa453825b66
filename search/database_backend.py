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
``RANKED_CANDIDATES`` newest matching articles (highest page id). Results
and their count are that set, so a broad query pages through its newest
``RANKED_CANDIDATES`` matches, best first, and the page says "at least".
Queries with fewer matches are ranked exactly as before.

The candidates are found, and ranked, in one query per search, one of two
ways chosen from the planner's estimate of the matching entries (``EXPLAIN``,
planning only): few matches are read whole from the GIN index and their
articles by primary key; many are found by walking the articles newest first,
probing each one's entry, until enough match. Left to choose, PostgreSQL
hashed every article to meet a rare word's few entries and walked the whole
archive for a word in one article out of ten. The count is the candidates'
number (no ``COUNT`` query) and a page reads its own dozen rows by primary
key; before, a second query ranked every candidate again, reading its page
row and entry, and a third counted them.

Selected with ``"BACKEND": "search.database_backend"``; ``"RANKED_CANDIDATES"``
in the backend's settings changes the bound.
"""

from __future__ import annotations

import json

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import (
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
    PostgresSearchResults,
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
    #: The candidates' pks, best first (see ``ranked``).
    ranked_pks: list[int] | None = None
    #: True once the candidates were cut to the newest (the page says so).
    only_newest_ranked = False

    def ranked(self, search_query, backend) -> list[int]:
        """The newest matching pks, best first, fetched once for the count and
        every page.

        The query that finds them reads each candidate's index entry anyway,
        so it ranks them too (``ts_rank`` in the same row); a page then reads
        its own rows only, by pk. Ranking in a second query read every
        candidate's page row and entry again, and counting them a third time.
        """
        if self.ranked_pks is None:
            limit = getattr(backend, "ranked_candidates", RANKED_CANDIDATES)
            rank = SearchRank(
                F("index_entries__body"), search_query, weights=self.sql_weights
            )
            if self._few_matches(search_query, limit):
                found = self.queryset.filter(
                    _in_array(self.queryset.model, self._matching_pks(search_query))
                )
            else:
                found = self.queryset.filter(
                    _in_array(
                        self.queryset.model, self._newest_pks(search_query, limit)
                    )
                ).filter(index_entries__body=search_query)
            newest = found.annotate(_rank_=rank).order_by("-pk")
            rows = list(newest.values_list("pk", "_rank_")[: limit + 1])
            self.only_newest_ranked = len(rows) > limit
            del rows[limit:]
            # The order of ``ORDER BY rank DESC, pk DESC``, on the same floats.
            rows.sort(key=lambda row: (-row[1], -row[0]))
            self.ranked_pks = [pk for pk, _rank in rows]
        return self.ranked_pks

    def _entries(self):
        model = self.queryset.model
        return (
            get_app_config()
            .get_model("IndexEntry")
            .objects.filter(
                content_type_id__in=get_descendants_content_types_pks(model)
            )
        )

    def _newest_pks(self, search_query, limit: int):
        """The ``limit + 1`` newest matching pks, found without ranking.

        Ranked in the same query, every match's index entry (its tsvector,
        about a kilobyte) was carried through the sort by pk: thousands of
        rows, past ``work_mem``, sorted on disk (README "Benchmarks" has the
        plan). Only the newest are ranked now, each entry read by its key."""
        return (
            self.queryset.filter(index_entries__body=search_query)
            .order_by("-pk")
            .values_list("pk", flat=True)[: limit + 1]
        )

    def _matching_pks(self, search_query):
        """Every matching entry's object, by the GIN index."""
        return (
            self._entries()
            .filter(body=search_query)
            .values_list(Cast("object_id", BigIntegerField()), flat=True)
        )

    def _few_matches(self, search_query, limit: int) -> bool:
        """Whether PostgreSQL expects so few matching entries that reading
        them all (by the GIN index) costs less than walking the newest pages.

        The walk probes about ``limit * total / matches`` entries before it
        has ``limit`` matches; reading every match reads ``matches``. So the
        matches are read when ``matches² ≤ limit * total``: at 10,000 articles
        a language, words in up to about a fifth of the entries. The
        planner's own estimates decide (``EXPLAIN``, planning only: the
        tsvector column's statistics). Left to the planner, a rare word hashed
        every article (a scan of the table) and a word in a few hundred was
        walked through the whole archive.
        """
        entries = self._entries()
        matches, total = _planned_rows(entries.filter(body=search_query), entries)
        return matches * matches <= limit * total

    def takes_keys_query(self) -> bool:
        """Whether ``search`` builds our query (else Wagtail's)."""
        return not (
            self.fields is not None
            or isinstance(self.query, MatchAll | Fuzzy | Not)
            or _title_is_indexed(self.queryset.model)
        )

    def candidate_count(self, config, backend) -> int | None:
        """The number of results when they are the ranked candidates
        (relevance order), without a query of its own; else ``None``."""
        if not (self.order_by_relevance and self.takes_keys_query()):
            return None
        search_query = self.build_tsquery(self.query, config=config)
        return len(self.ranked(search_query, backend))

    def search(self, config, start, stop, score_field=None, backend=None):
        if not self.takes_keys_query():
            return super().search(config, start, stop, score_field, backend)
        search_query = self.build_tsquery(self.query, config=config)
        rank = SearchRank(
            F("index_entries__body"), search_query, weights=self.sql_weights
        )
        if self.order_by_relevance:
            page = self.ranked(search_query, backend)[start:stop]
            queryset = self.queryset.filter(pk__in=page).order_by(
                Case(*(When(pk=pk, then=Value(place)) for place, pk in enumerate(page)))
            )
        else:
            queryset = self._matches(search_query)
            if not queryset.query.order_by:
                queryset = queryset.order_by("-pk")
            queryset = queryset[start:stop]
        if score_field is not None:
            queryset = queryset.annotate(**{score_field: rank})
        return queryset

    def _matches(self, search_query):
        """The queryset's rows whose index entry matches the query."""
        # A probe of the page's own entry: the newest pages first, so a
        # broad word stops after a few index lookups per candidate.
        return self.queryset.filter(
            Exists(
                self._entries().filter(
                    object_id=Cast(OuterRef("pk"), CharField(max_length=50)),
                    body=search_query,
                )
            )
        )


def _planned_rows(*querysets) -> list[int]:
    """The rows PostgreSQL expects each queryset to return: one ``EXPLAIN``
    of them all (``UNION ALL``), planning only.

    Asked on the database driver's own cursor, so Django's query log (and
    the tests that count matches in it) sees only queries that read rows;
    it is one round trip more per search.
    """
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset.values("pk").query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(part_params)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {' UNION ALL '.join(parts)}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return [int(part["Plan Rows"]) for part in plan[0]["Plan"]["Plans"]]


def _in_array(model, pks) -> RawSQL:
    """``pk = ANY(ARRAY(…))``: the subquery runs once, then the rows are read
    by primary key. As a join or ``IN (…)`` the planner hashed every article
    to meet a few matches."""
    sql, params = pks.query.sql_with_params()
    column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
    # Names from the model's meta; the subquery compiled by Django.
    return RawSQL(f"{column} = ANY(ARRAY({sql}))", params, output_field=BooleanField())  # noqa: S611


class KeysSearchResults(PostgresSearchResults):
    def _do_search(self):
        """A relevance page: its rows read by primary key and put in the
        candidates' order here. Ordered in SQL (``CASE pk WHEN … THEN place``)
        Django spent more time compiling and hashing the dozen ``When``
        expressions than the database took (profile of the search page)."""
        compiler = self.query_compiler
        if not (
            isinstance(compiler, KeysQueryCompiler)
            and compiler.order_by_relevance
            and compiler.takes_keys_query()
            and self._score_field is None
        ):
            return super()._do_search()
        config = compiler.get_config(self.backend)
        search_query = compiler.build_tsquery(compiler.query, config=config)
        page = compiler.ranked(search_query, self.backend)[self.start : self.stop]
        if not page:
            return []
        rows = {row.pk: row for row in compiler.queryset.filter(pk__in=page).order_by()}
        return [rows[pk] for pk in page if pk in rows]

    def _do_count(self):
        compiler = self.query_compiler
        total = None
        if isinstance(compiler, KeysQueryCompiler):  # not autocomplete's
            config = compiler.get_config(self.backend)
            total = compiler.candidate_count(config, self.backend)
        if total is None:
            return super()._do_count()
        stop = total if self.stop is None else min(self.stop, total)
        return max(stop - self.start, 0)


class KeysPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = KeysQueryCompiler
    results_class = KeysSearchResults

    def __init__(self, params):
        super().__init__(params)
        self.ranked_candidates = params.get("RANKED_CANDIDATES", RANKED_CANDIDATES)


def SearchBackend(params):
    """Wagtail loads the module's ``SearchBackend``: ours on PostgreSQL only."""
    if connection.vendor != "postgresql":
        return DatabaseSearchBackend(params)
    return KeysPostgresSearchBackend(params)
