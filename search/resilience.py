"""What happens when the search service is down: fail fast, queue the writes.

Publishing must never wait on a dead Elasticsearch, and readers must get a
friendly page rather than an error. Reads and writes have a circuit each
(``search_circuit`` of core.caching.breaker, the write one suffixed): a failed
call trips its own circuit for ``RETRY_AFTER`` seconds, during which writes go
straight to the retry queue (``PendingIndexUpdate``) or searches fail fast with
``SearchUnavailable``. A slow write therefore never takes search down, and a
failed search never stops a publish from indexing.

The queue is replayed by ``retry_search_index`` (the worker, every minute) and
by the admin's "Retry now" (search.admin_views), both through ``replay``.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError
from elasticsearch.helpers import BulkIndexError

from .models import PendingIndexUpdate

logger = logging.getLogger("search")

WRITE_ERRORS = (TransportError, ApiError, BulkIndexError)
#: Refusals after which a queued write is parked (``KMPRESS_SEARCH_PARK_AFTER``).
DEFAULT_PARK_AFTER = 5
#: Statuses that speak of the cluster, not the document: overloaded or failing
#: (429, 5xx), our credentials (401, 403) or a missing index (404 on a write).
CLUSTER_STATUSES = {401, 403, 404, 408, 429}


class SearchUnavailable(Exception):
    """The search service cannot answer now; the reader is asked to try later."""


class Outcome(enum.Enum):
    REPLAYED = "replayed"
    DROPPED = "dropped"  # the object no longer exists (its document was deleted)
    UNAVAILABLE = "unavailable"  # the cluster failed: stop, keep the rest queued
    REFUSED = "refused"  # the document was refused: count it, go on
    PARKED = "parked"  # refused once too often: skipped until an editor acts


def _status(error: Exception) -> int | None:
    status = getattr(error, "status_code", None)
    if status is None:
        meta = getattr(error, "meta", None)
        status = getattr(meta, "status", None)
    return status if isinstance(status, int) else None


def cluster_failed(error: Exception) -> bool:
    """True when the failure says nothing about the document: the next one would
    fail too, so a run stops and a write circuit opens.

    Connection failures and timeouts, 5xx, 429 (back off), 401/403 (our
    credentials) and a missing index. Anything else Elasticsearch answered (400
    ``document_parsing_exception``, 413, a serialisation error of ours) is the
    document's own: skipping it lets the rest of the queue through.
    """
    if isinstance(error, TransportConnectionError | ConnectionTimeout):
        return True
    if isinstance(error, BulkIndexError):
        statuses = [
            next(iter(item.values()), {}).get("status") for item in error.errors
        ]
        return bool(statuses) and all(
            isinstance(s, int) and (s >= 500 or s in CLUSTER_STATUSES) for s in statuses
        )
    status = _status(error)
    if status is None:
        return False
    return status >= 500 or status in CLUSTER_STATUSES


def park_after() -> int:
    return max(
        1, int(getattr(settings, "KMPRESS_SEARCH_PARK_AFTER", DEFAULT_PARK_AFTER))
    )


def record_pending(
    *, backend: str, action: str, objects: Iterable[models.Model], error: str
) -> int:
    """Queues the objects' index writes for ``retry_search_index``; returns how many.

    The latest action per object wins: an update queued after a delete is what
    the index must end up with, and the other way round. A new failure is a new
    version of the object, so a parked row starts over (unparked, no refusals).
    """
    rows = [
        PendingIndexUpdate(
            backend=backend,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action=action,
            last_error=error[:500],
            refusals=0,
            parked_at=None,
        )
        for obj in objects
        if obj.pk is not None
    ]
    PendingIndexUpdate.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["backend", "content_type", "object_id"],
        update_fields=["action", "last_error", "updated_at", "refusals", "parked_at"],
    )
    return len(rows)


def indexed_object(model, pk):
    """What the index should hold for ``pk`` now (the queue and the journal
    name the specific model), or None when it should hold nothing: deleted, or
    no longer among the model's indexed objects."""
    indexed = getattr(model, "get_indexed_objects", model._default_manager.all)
    return indexed().filter(pk=pk).first()


def replay(backend, row: PendingIndexUpdate) -> Outcome:
    """One queued write. The row is deleted when done, else its failure recorded."""
    model = row.content_type.model_class()
    if model is None:
        row.delete()
        return Outcome.DROPPED  # the model is gone: nothing left to index
    action = row.action
    obj = None
    if action == PendingIndexUpdate.Action.ADD:
        obj = indexed_object(model, row.object_id)
        if obj is None:
            action = PendingIndexUpdate.Action.DELETE
    gone = obj is None and row.action == PendingIndexUpdate.Action.ADD
    if obj is None:
        obj = model(pk=row.object_id)
    try:
        backend.write(action, model, [obj])
    except WRITE_ERRORS as error:
        return _failed(row, error)
    row.delete()
    return Outcome.DROPPED if gone else Outcome.REPLAYED


def _failed(row: PendingIndexUpdate, error: Exception) -> Outcome:
    """Counts the failure; a refusal also counts towards parking. The row moves
    to the back of the queue (``updated_at``) so that the next run starts with
    the others."""
    now = timezone.now()
    changes = {
        "attempts": F("attempts") + 1,
        "last_error": str(error)[:500],
        "updated_at": now,
    }
    if cluster_failed(error):
        outcome = Outcome.UNAVAILABLE
    else:
        changes["refusals"] = F("refusals") + 1
        outcome = Outcome.REFUSED
        if row.refusals + 1 >= park_after():
            changes["parked_at"] = now
            outcome = Outcome.PARKED
    PendingIndexUpdate.objects.filter(pk=row.pk).update(**changes)
    logger.warning(
        "Search index %s of %s:%s %s: %s",
        row.action,
        row.content_type_id,
        row.object_id,
        outcome.value,
        error,
    )
    return outcome
