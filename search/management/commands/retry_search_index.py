"""Replays the search index writes that failed while Elasticsearch was down.

The worker runs it every minute. It stops at the first connection failure
(the service is still down) and leaves the rest queued.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import F
from modelsearch.backends import get_search_backends_with_name

from core.caching.breaker import breaker, search_circuit
from search.elasticsearch_backend import WRITE_ERRORS
from search.indices import repair
from search.models import PendingIndexUpdate

BATCH = 200


class Command(BaseCommand):
    help = "Retry search index updates queued while the search service was down."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=5000,
            help="At most this many queued updates per run (default 5000).",
        )

    def handle(self, *args, **options):
        done = failed = 0
        for name, backend in get_search_backends_with_name(with_auto_update=True):
            repair(backend, self.stdout.write)  # a missing index first (search.indices)
            if not getattr(backend, "replays_pending_writes", False):
                continue
            breaker.reset(search_circuit(name))
            queued = PendingIndexUpdate.objects.filter(backend=name).select_related(
                "content_type"
            )
            for row in queued.order_by("updated_at")[: options["limit"]]:
                if replay(backend, row):
                    row.delete()
                    done += 1
                else:
                    failed += 1
                    break
        remaining = PendingIndexUpdate.objects.count()
        self.stdout.write(
            f"Search index: {done} update(s) replayed, {remaining} still queued."
        )
        if failed:
            self.stderr.write("The search service is still unavailable; will retry.")


def replay(backend, row: PendingIndexUpdate) -> bool:
    """One queued write; False (and the row kept) if the service failed again."""
    model = row.content_type.model_class()
    if model is None:
        return True  # the model is gone: nothing left to index
    action = row.action
    obj = None
    if action == PendingIndexUpdate.Action.ADD:
        # The queue names the specific model, so this is the indexed instance.
        obj = model._default_manager.filter(pk=row.object_id).first()
        if obj is None:
            action = PendingIndexUpdate.Action.DELETE
    if obj is None:
        obj = model(pk=row.object_id)
    try:
        backend.write(action, model, [obj])
    except WRITE_ERRORS as error:
        PendingIndexUpdate.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=str(error)[:500]
        )
        return False
    return True
