"""Our indices exist with our settings and mappings before anything writes to them.

Elasticsearch auto-creates a missing index on the first write, with dynamic
mappings: no ``kmpress_keys`` analyzer, titles as plain ``text`` (sorting on
them is a 400), so reader search finds nothing and the admin's title-sorted
search fails. Nothing obliges an operator to run ``update_index`` first (a
fresh ``docker compose up``, a wiped data volume), so the backend sees to it:

* **Before a process first writes to an index** (``GuardedIndex``) it looks at
  it, once per process and again after a failed write. Missing: created here
  with the backend's settings and every model's mapping, marked *unfilled* in
  its ``_meta`` for the worker. Fields missing: added (``put_mapping``, as
  ``update_index`` would). Auto-created or conflicting: nothing is written into
  it; the write fails with ``IndexNotReady`` (so it is queued for retry) and an
  error names the fix, ``manage.py update_index``.
* **The worker** (``retry_search_index``, every tick) creates a missing index
  and indexes everything into a missing or unfilled one, in chunks, logging
  its progress: at most ``KMPRESS_SEARCH_FILL_PER_TICK`` objects a tick, the
  next tick resuming from the progress kept in the index's ``_meta``; it stops
  at a cluster failure, and a document Elasticsearch refuses goes to the retry
  queue while the fill goes on.
* **Readiness** (core.health) reports the page index as missing, empty,
  unfilled or wrongly mapped.
"""

from __future__ import annotations

import logging
import threading
from copy import deepcopy
from dataclasses import dataclass, field

from django.conf import settings
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, TransportError
from elasticsearch import ApiError, NotFoundError
from elasticsearch.helpers import BulkIndexError
from modelsearch.backends.elasticsearch9 import Elasticsearch9Index
from modelsearch.index import get_indexed_models
from modelsearch.management.commands.rebuild_modelsearch_index import (
    group_models_by_index,
)

from linguistics.keys import KEYS_ANALYZER

from .models import PendingIndexUpdate
from .resilience import cluster_failed, record_pending

logger = logging.getLogger("search")

READY, MISSING, UNFILLED, WRONG = "ready", "missing", "unfilled", "wrong mapping"
#: Our key in an index's mapping ``_meta``; absent means "built by update_index".
META_KEY = "kmpress"
FILL_CHUNK = 500
FILL_PER_TICK = 5000
FIX = "run `manage.py update_index` to rebuild it"


class IndexNotReady(ApiError):
    """The index exists but is not ours to write into (auto-created, or a
    mapping conflict). A 503 to the callers: the write is queued and replayed
    once ``update_index`` has rebuilt the index, never parked as the document's
    own fault."""

    def __init__(self, index: str, reason: str) -> None:
        meta = ApiResponseMeta(
            status=503,
            http_version="1.1",
            headers=HttpHeaders(),
            duration=0.0,
            node=NodeConfig("http", "localhost", 9200),
        )
        message = f"search index {index} is not usable ({reason}); {FIX}"
        super().__init__(message, meta, {"error": message})

    def __str__(self) -> str:
        return self.message


@dataclass
class IndexState:
    status: str
    reason: str = ""
    #: Models whose mapping lacks fields (put_mapping adds them).
    incomplete: tuple = ()
    #: An unfilled index: the last primary key indexed, by model label.
    progress: dict = field(default_factory=dict)


def models_of(backend, name: str) -> list[type]:
    return [
        model
        for model in get_indexed_models()
        if backend.get_index_for_model(model).name == name
    ]


def _analyzers(settings: dict) -> dict:
    index = settings.get("index", settings)
    analysis = index.get("analysis") or settings.get("analysis") or {}
    return analysis.get("analyzer", {})


def _conflict(ours: dict, theirs: dict) -> str:
    """Why the existing mapping cannot take our fields ("" if it can)."""
    for name, spec in ours.items():
        existing = theirs.get(name)
        if existing is None:
            continue
        kind, their_kind = spec.get("type", "object"), existing.get("type", "object")
        if kind != their_kind:
            return f"field {name} is {their_kind}, not {kind}"
        if spec.get("analyzer", "default") != existing.get("analyzer", "default"):
            return f"field {name} has analyzer {existing.get('analyzer', 'default')}"
    return ""


def inspect(es, backend, name: str, models: list[type] | None = None) -> IndexState:
    """What the index (or alias) ``name`` is like; raises on a cluster failure."""
    try:
        described = es.indices.get(index=name)
    except NotFoundError:
        return IndexState(MISSING)
    models = models_of(backend, name) if models is None else models
    incomplete = []
    ours_meta = None
    for spec in described.values():
        if not isinstance(spec, dict):
            continue  # not an index description (a recording test server)
        if KEYS_ANALYZER not in _analyzers(spec.get("settings", {})):
            return IndexState(WRONG, f"no {KEYS_ANALYZER} analyzer: auto-created")
        mappings = spec.get("mappings", {})
        ours_meta = mappings.get("_meta", {}).get(META_KEY) or ours_meta
        theirs = mappings.get("properties", {})
        for model in models:
            ours = backend.mapping_class(model).get_mapping()["properties"]
            reason = _conflict(ours, theirs)
            if reason:
                return IndexState(WRONG, reason)
            if set(ours) - set(theirs) and model not in incomplete:
                incomplete.append(model)
    if ours_meta and ours_meta.get("filled") is False:
        progress = dict(ours_meta.get("progress") or {})
        return IndexState(UNFILLED, incomplete=tuple(incomplete), progress=progress)
    return IndexState(READY, incomplete=tuple(incomplete))


def create(es, backend, name: str, models: list[type]) -> None:
    """The index with our settings and mappings, marked unfilled for the worker.

    A concrete index under the alias's name, so that processes racing to create
    it agree (the loser's "already exists" is success); ``update_index`` later
    replaces it with an aliased one as usual."""
    try:
        body = deepcopy(backend.settings)
        body.setdefault("mappings", {})["_meta"] = {META_KEY: {"filled": False}}
        es.indices.create(index=name, **body)
    except ApiError as error:
        if "resource_already_exists_exception" not in str(error):
            raise
    logger.warning(
        "Search index %s was missing: created with our mappings; the worker "
        "indexes everything into it.",
        name,
    )
    put_mappings(es, backend, name, models)


def put_mappings(es, backend, name: str, models) -> None:
    for model in models:
        es.indices.put_mapping(index=name, **backend.mapping_class(model).get_mapping())


# Before writes ------------------------------------------------------------------

_checked: set[tuple[str, str]] = set()
_lock = threading.Lock()


def _key(backend, name: str) -> tuple[str, str]:
    return (repr(backend.hosts), name)


def forget() -> None:
    """Every index is checked again at its next write (tests; a wiped cluster)."""
    with _lock:
        _checked.clear()


def ensure(index) -> None:
    """Makes ``index`` safe to write into, or raises ``IndexNotReady``."""
    backend, key = index.backend, _key(index.backend, index.name)
    if key in _checked:
        return
    models = models_of(backend, index.name)
    state = inspect(index.es, backend, index.name, models)
    if state.status == WRONG:
        logger.error(
            "Search index %s is not usable (%s): writes are queued, not sent; %s.",
            index.name,
            state.reason,
            FIX,
        )
        raise IndexNotReady(index.name, state.reason)
    if state.status == MISSING:
        create(index.es, backend, index.name, models)
    elif state.incomplete:
        put_mappings(index.es, backend, index.name, state.incomplete)
    with _lock:
        _checked.add(key)


class GuardedIndex(Elasticsearch9Index):
    """Upstream's index, checked (``ensure``) before its first write."""

    def _guarded(self, write, *args):
        ensure(self)
        try:
            return write(*args)
        except Exception:
            with _lock:
                _checked.discard(_key(self.backend, self.name))
            raise

    def readiness(self) -> str:
        """For /readyz (core.health, which may not import this app): READY,
        MISSING, UNFILLED or WRONG; raises on a cluster failure."""
        return inspect(self.es, self.backend, self.name).status

    def add_item(self, item):
        return self._guarded(super().add_item, item)

    def add_items(self, model, items):
        return self._guarded(super().add_items, model, items)

    def delete_item(self, item):
        return self._guarded(super().delete_item, item)


# The worker ---------------------------------------------------------------------


def repair(backend, write=print) -> None:
    """Creates missing indices and fills missing or unfilled ones; never raises.

    ``write`` gets the progress lines (the command's stdout); the log gets them
    too."""
    es = getattr(backend, "es", None)
    if es is None or not issubclass(
        getattr(backend, "index_class", object), GuardedIndex
    ):
        return
    budget = fill_per_tick()
    grouped = group_models_by_index(backend, get_indexed_models())
    for index, models in grouped.items():
        try:
            state = inspect(es, backend, index.name, models)
            if state.status == WRONG:
                logger.error("Search index %s: %s; %s.", index.name, state.reason, FIX)
            elif state.status in (MISSING, UNFILLED):
                if state.status == MISSING:
                    create(es, backend, index.name, models)
                budget -= fill(
                    es, backend, index.name, models, state.progress, budget, write
                )
        except (TransportError, ApiError, BulkIndexError) as error:
            logger.warning("Search index %s not repaired: %s", index.name, error)
            write(f"Search index {index.name}: not repaired ({error}); will retry.")
            return


def fill_per_tick() -> int:
    """Objects a worker tick indexes at most (``KMPRESS_SEARCH_FILL_PER_TICK``),
    so a big site's fill never holds up scheduled publishing for long."""
    return max(1, int(getattr(settings, "KMPRESS_SEARCH_FILL_PER_TICK", FILL_PER_TICK)))


def fill(es, backend, name: str, models, progress: dict, budget: int, write) -> int:
    """Indexed objects into ``name``, a chunk at a time from where the last tick
    stopped (``progress`` in the index's ``_meta``), at most ``budget``; the
    index is marked filled once every model is through. Returns how many."""
    index = Elasticsearch9Index(backend, name)
    index.es = es
    total = sum(model.get_indexed_objects().count() for model in models)
    say = _progress(name, total, write)
    done = 0
    for model in models:
        label = model._meta.label_lower
        objects = model.get_indexed_objects().order_by("pk")
        while True:
            if budget - done <= 0:
                say(done, finished=False)
                return done
            after = progress.get(label)
            todo = objects if after is None else objects.filter(pk__gt=after)
            chunk = list(todo[: min(FILL_CHUNK, budget - done)])
            if not chunk:
                break
            try:
                index.add_items(model, chunk)
            except BulkIndexError as error:
                if cluster_failed(error):
                    raise
                queue_refused(backend, model, chunk, error)
            done += len(chunk)
            progress[label] = chunk[-1].pk
            es.indices.put_mapping(
                index=name, meta={META_KEY: {"filled": False, "progress": progress}}
            )
    es.indices.refresh(index=name)
    es.indices.put_mapping(index=name, meta={META_KEY: {"filled": True}})
    with _lock:
        _checked.discard(_key(backend, name))
    say(done, finished=True)
    return done


def queue_refused(backend, model, chunk: list, error: BulkIndexError) -> None:
    """Documents Elasticsearch refused during a fill go to the retry queue (and
    its report), so that one bad document neither stops the fill nor goes
    missing unnoticed."""
    refused = {
        str(result.get("_id")) for item in error.errors for result in item.values()
    }
    mapping = backend.mapping_class(model)
    objects = [obj for obj in chunk if str(mapping.get_document_id(obj)) in refused]
    reason = str(error.errors[0])[:500] if error.errors else str(error)
    queued = record_pending(
        backend=getattr(backend, "name", "default"),
        action=PendingIndexUpdate.Action.ADD,
        objects=objects,
        error=reason,
    )
    logger.warning("Search index fill: %d document(s) refused and queued.", queued)


def _progress(name: str, total: int, write):
    def say(done: int, *, finished: bool) -> None:
        rest = "done" if finished else "the next tick goes on"
        line = (
            f"Search index {name}: {done} objects indexed this tick of {total}; {rest}."
        )
        logger.info(line)
        write(line)

    return say
