"""What happens when the search service is down: fail fast, queue the writes.

Publishing must never wait on a dead Elasticsearch, and readers must get a
friendly page rather than an error. A failed call trips the backend's circuit
(``search_circuit`` of core.caching.breaker) for ``RETRY_AFTER`` seconds: until
then writes go straight to the retry queue (``PendingIndexUpdate``) and
searches fail fast with ``SearchUnavailable``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import PendingIndexUpdate

logger = logging.getLogger("search")


class SearchUnavailable(Exception):
    """The search service cannot answer now; the reader is asked to try later."""


def record_pending(
    *, backend: str, action: str, objects: Iterable[models.Model], error: str
) -> int:
    """Queues the objects' index writes for ``retry_search_index``; returns how many.

    The latest action per object wins: an update queued after a delete is what
    the index must end up with, and the other way round.
    """
    rows = [
        PendingIndexUpdate(
            backend=backend,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action=action,
            last_error=error[:500],
        )
        for obj in objects
        if obj.pk is not None
    ]
    PendingIndexUpdate.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["backend", "content_type", "object_id"],
        update_fields=["action", "last_error", "updated_at"],
    )
    return len(rows)
