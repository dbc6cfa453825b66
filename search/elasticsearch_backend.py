"""Wagtail's Elasticsearch 9 backend, fitted to kmpress.

* **Analysis.** Articles reach Elasticsearch as keys our Python analysis made
  (``search.analysis``): Russian Snowball and our Kazakh stemmer, the same for
  every backend. Elasticsearch must not analyse them again, so the keys fields
  and the catch-all ``_all_text*`` fields of the page index use ``kmpress_keys``:
  split on whitespace, lower-case, nothing else (no stemming, no folding, no
  stop words). Elasticsearch ships no Kazakh analyzer; with this choice SQLite,
  PostgreSQL and Elasticsearch find the same articles.
* **Outages.** Reads and writes have a circuit each (core.caching.breaker):
  a slow or failed write opens only the write circuit, so search keeps
  answering while a publish's write is queued, and a failed search never
  stops publishes from indexing. A write has ``INDEX_TIMEOUT`` and no retries;
  a failure is logged and queued in ``PendingIndexUpdate`` for
  ``retry_search_index`` (search.resilience). Searches raise
  ``SearchUnavailable``, which the search page turns into a friendly 503.

Selected in settings with ``"BACKEND": "search.elasticsearch_backend"``.
"""

from __future__ import annotations

import logging
from copy import deepcopy

from elastic_transport import TransportError
from elasticsearch import ApiError
from modelsearch.backends.base import get_model_root
from modelsearch.backends.elasticsearch9 import (
    Elasticsearch9Mapping,
    Elasticsearch9SearchResults,
)
from modelsearch.utils import deep_update
from wagtail.models import Page
from wagtail.search.backends.elasticsearch9 import (
    Elasticsearch9AutocompleteQueryCompiler,
    Elasticsearch9SearchBackend,
    Elasticsearch9SearchQueryCompiler,
)

from core.caching.breaker import breaker, search_circuit
from linguistics.keys import KEYS_ANALYZER

from .fallback import DatabaseFallback
from .indices import GuardedIndex
from .models import PendingIndexUpdate
from .rebuild import JournallingRebuilder, journal
from .resilience import WRITE_ERRORS, SearchUnavailable, cluster_failed, record_pending

logger = logging.getLogger("search")


#: Merged into Wagtail's own index settings (its n-gram analyzers stay for
#: autocomplete). ``INDEX_SETTINGS`` in the Django setting can add more.
INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "analyzer": {
                KEYS_ANALYZER: {
                    "type": "custom",
                    "tokenizer": "whitespace",
                    "filter": ["lowercase"],
                },
            },
        },
    },
}

READ_ERRORS = (TransportError, ApiError)
#: Seconds a publish waits for its one write (see ``SearchBackend._write``).
DEFAULT_INDEX_TIMEOUT = 5.0


class KeysMapping(Elasticsearch9Mapping):
    """Page documents: the catch-all fields take keys, so they get the keys analyzer.

    Every model of one index must agree on ``_all_text``, so the rule follows
    the index (all pages), not the article models alone.
    """

    def get_mapping(self):
        mapping = super().get_mapping()
        if issubclass(get_model_root(self.model), Page):
            for name, field in mapping["properties"].items():
                if name == "_all_text" or name.startswith("_all_text_boost_"):
                    field["analyzer"] = KEYS_ANALYZER
        return mapping


class SearchQueryCompiler(Elasticsearch9SearchQueryCompiler):
    mapping_class = KeysMapping


class AutocompleteQueryCompiler(Elasticsearch9AutocompleteQueryCompiler):
    mapping_class = KeysMapping


class SearchResults(DatabaseFallback, Elasticsearch9SearchResults):
    """Reads with the search timeout; any failure becomes ``SearchUnavailable``.

    Only the read circuit counts here: a write that timed out says nothing
    about whether the cluster can answer a search.
    """

    def _guard(self, call):
        backend = self.backend
        if breaker.is_open(backend.circuit):
            raise SearchUnavailable(backend.name)
        try:
            return call()
        except READ_ERRORS as error:
            if isinstance(error, TransportError):
                breaker.trip(backend.circuit, backend.retry_after)
            logger.warning("Search backend %r failed: %s", backend.name, error)
            raise SearchUnavailable(backend.name) from error

    def _backend_do_search(self, body, **kwargs):
        return self._guard(lambda: self.backend.read_es.search(**body, **kwargs))

    def _do_count(self):
        index = self.backend.get_index_for_model(self.query_compiler.queryset.model)
        body = self._get_es_body(for_count=True)
        count = self._guard(
            lambda: self.backend.read_es.count(index=index.name, **body)["count"]
        )
        count -= self.start
        if self.stop is not None:
            count = min(count, self.stop - self.start)
        return max(count, 0)


class SearchBackend(Elasticsearch9SearchBackend):
    """Extra settings: ``NAME`` (the alias, for the retry queue), ``INDEX_TIMEOUT``
    (seconds a publish may wait for one write, default 5), ``SEARCH_TIMEOUT``
    and ``RETRY_AFTER`` (seconds a circuit stays open after a failure).

    ``circuit`` guards reads, ``write_circuit`` writes.
    """

    mapping_class = KeysMapping
    query_compiler_class = SearchQueryCompiler
    #: Never lets Elasticsearch auto-create our indices (search.indices).
    index_class = GuardedIndex
    autocomplete_query_compiler_class = AutocompleteQueryCompiler
    results_class = SearchResults
    #: Swaps the alias in one request and replays writes made during the rebuild.
    atomic_rebuilder_class = JournallingRebuilder
    #: ``manage.py retry_search_index`` replays the queue of such backends.
    replays_pending_writes = True
    settings = deep_update(
        deepcopy(Elasticsearch9SearchBackend.settings), INDEX_SETTINGS
    )

    def __init__(self, params):
        params = dict(params)
        self.name = params.pop("NAME", "default")
        self.circuit = search_circuit(self.name)
        self.write_circuit = f"{self.circuit} writes"
        self.index_timeout = float(params.pop("INDEX_TIMEOUT", DEFAULT_INDEX_TIMEOUT))
        self.search_timeout = float(params.pop("SEARCH_TIMEOUT", 3))
        self.retry_after = float(params.pop("RETRY_AFTER", 30))
        self.rebuild_stale_after = float(params.pop("REBUILD_STALE_AFTER", 900))
        super().__init__(params)
        self.write_es = self.es.options(
            request_timeout=self.index_timeout, max_retries=0
        )
        self.read_es = self.es.options(
            request_timeout=self.search_timeout, max_retries=0
        )

    # Writes from publishing: short, never raising, queued on failure.

    def add(self, obj):
        self._write(PendingIndexUpdate.Action.ADD, type(obj), [obj])

    def add_bulk(self, model, obj_list):
        self._write(PendingIndexUpdate.Action.ADD, model, list(obj_list))

    def delete(self, obj):
        self._write(PendingIndexUpdate.Action.DELETE, type(obj), [obj])

    def _write(self, action: str, model, objects: list) -> None:
        """Writes from the request, never raising; a failure is queued.

        Why in the request, not the worker: a publish writes one small
        document, milliseconds on a healthy cluster, and readers expect the
        article to be findable at once; the worker would delay every publish
        by up to a tick and make search depend on it running. ``INDEX_TIMEOUT``
        (5 s by default) covers a cluster that is busy (merges, a rebuild, a GC
        pause) rather than down; a down one costs the first write that long,
        then the write circuit queues later publishes without waiting. Nothing
        is lost: a timed-out write is queued and replayed (an index write is
        idempotent, so replaying one that did land is harmless).
        """
        if not objects:
            return
        if breaker.is_open(self.write_circuit):
            queued = record_pending(
                backend=self.name,
                action=action,
                objects=objects,
                error="search backend marked down",
            )
            logger.warning(
                "Search backend %r is down: %d index update(s) queued for retry.",
                self.name,
                queued,
            )
            return
        # One object is a publish waiting: short timeout. Bulk writes come
        # from tools (seeding) and get the client's normal timeout.
        client = self.write_es if len(objects) == 1 else self.es
        try:
            self.write(action, model, objects, client=client)
        except WRITE_ERRORS as error:
            if cluster_failed(error):
                breaker.trip(self.write_circuit, self.retry_after)
            queued = record_pending(
                backend=self.name, action=action, objects=objects, error=str(error)
            )
            logger.warning(
                "Search index %s failed on %r (%s): %d update(s) queued for retry.",
                action,
                self.name,
                error,
                queued,
            )

    def write(self, action: str, model, objects: list, *, client=None) -> None:
        """One write, raising on failure; the retry command calls it directly."""
        journal(self, action, model, objects)  # replayed if a rebuild is running
        index = self.get_index_for_model(model)
        index.es = client or self.es
        if action == PendingIndexUpdate.Action.DELETE:
            for obj in objects:
                index.delete_item(obj)
        elif len(objects) == 1:
            index.add_item(objects[0])
        else:
            index.add_items(model, objects)
