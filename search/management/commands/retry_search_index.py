"""Replays the search index writes that failed while Elasticsearch was down.

The worker runs it every minute. A run stops at the first failure of the
cluster (connection, timeout, 5xx, 429: search.resilience.cluster_failed) and
leaves the rest queued; a document Elasticsearch refuses is counted and passed
over, and parked after ``KMPRESS_SEARCH_PARK_AFTER`` refusals, so one bad
document never holds up the queue. Parked rows wait in the admin
(Reports → Search index queue) and are skipped here.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand
from modelsearch.backends import get_search_backends_with_name

from core.caching.breaker import breaker
from search.indices import repair
from search.models import PendingIndexUpdate
from search.resilience import Outcome, replay


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
        counts: Counter[Outcome] = Counter()
        for name, backend in get_search_backends_with_name(with_auto_update=True):
            repair(backend, self.stdout.write)  # a missing index first (search.indices)
            if not getattr(backend, "replays_pending_writes", False):
                continue
            # This run is the probe: its writes go to the cluster even if this
            # process's write circuit is open.
            breaker.reset(backend.write_circuit)
            counts.update(replay_queue(name, backend, options["limit"]))
        queued = PendingIndexUpdate.objects.filter(parked_at__isnull=True).count()
        parked = PendingIndexUpdate.objects.filter(parked_at__isnull=False).count()
        failed = counts[Outcome.REFUSED] + counts[Outcome.UNAVAILABLE]
        self.stdout.write(
            f"Search index: {counts[Outcome.REPLAYED]} update(s) replayed, "
            f"{counts[Outcome.DROPPED]} dropped (object gone), {failed} failed, "
            f"{counts[Outcome.PARKED]} parked now; {queued} still queued, "
            f"{parked} parked in all."
        )
        if counts[Outcome.UNAVAILABLE]:
            self.stderr.write("The search service is still unavailable; will retry.")


def replay_queue(name: str, backend, limit: int) -> Counter[Outcome]:
    """The backend's queue, oldest first, until the cluster fails or ``limit``."""
    counts: Counter[Outcome] = Counter()
    rows = (
        PendingIndexUpdate.objects.filter(backend=name, parked_at__isnull=True)
        .select_related("content_type")
        .order_by("updated_at", "pk")
    )
    for row in rows[:limit]:
        outcome = replay(backend, row)
        counts[outcome] += 1
        if outcome is Outcome.UNAVAILABLE:
            break
    return counts
