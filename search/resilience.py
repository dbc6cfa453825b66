"""What happens when the search service is down: a breaker and a retry queue.

Publishing must never wait on a dead Elasticsearch, and readers must get a
friendly page rather than an error. A failed write trips a per-process breaker
for ``RETRY_AFTER`` seconds: until then writes go straight to the retry queue
(``PendingIndexUpdate``) and searches fail fast with ``SearchUnavailable``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import PendingIndexUpdate

logger = logging.getLogger("search")


class SearchUnavailable(Exception):
    """The search service cannot answer now; the reader is asked to try later."""


class Breaker:
    """Remembers, per process, until when a backend is considered down."""

    def __init__(self) -> None:
        self._down_until: dict[str, float] = {}

    def is_open(self, name: str) -> bool:
        return time.monotonic() < self._down_until.get(name, 0.0)

    def trip(self, name: str, seconds: float) -> None:
        self._down_until[name] = time.monotonic() + seconds

    def reset(self, name: str | None = None) -> None:
        if name is None:
            self._down_until.clear()
        else:
            self._down_until.pop(name, None)


breaker = Breaker()


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
