"""``manage.py update_index`` without losing a write: journal, swap once, replay.

Upstream's atomic rebuilder (``ElasticsearchAtomicIndexRebuilder``) loads a new
index while the alias still names the old one, so a publish during the rebuild
lands in the old index, which ``finish()`` then drops; and ``finish()`` puts the
alias on the new index before removing the old one, so for a moment the alias
names two indices (writes answer "no write index is defined", searches return
duplicates). ``JournallingRebuilder`` replaces it:

1. ``start()`` commits an ``IndexRebuild`` marker *before* creating the new
   index and bulk-loading it. Every ``SearchBackend.write`` (web nodes, worker,
   shell) checks the marker in the database and, while it is fresh, journals
   the object and action (``IndexRebuildWrite``, latest action per object)
   *before* writing to the alias. A write that checked before the marker
   existed is of a change the bulk load reads, provided that change committed
   before the load: articles are indexed after commit (search.signal_handlers),
   but a delete is written from ``post_delete``, inside its transaction. So
   ``start()`` then waits (PostgreSQL, at most ``SETTLE_TIMEOUT`` seconds) for
   every transaction that began before the marker to end; later ones see it.
2. ``finish()`` replays the journal into the new index once (so it is nearly
   current), then swaps the alias in ONE ``_aliases`` request (``add`` the new
   index, ``remove_index`` the old ones, which also drops their alias: ES
   refuses a ``remove`` on an index the same request deletes). There is no
   moment with two indices behind the alias.
3. After the swap, writes go through the alias to the new index. Replay passes
   repeat until a pass ends with no write journalled since it began: a write
   landing between a pass's read of the database and the swap (or during the
   pass) bumps the marker's counter and is replayed again from a fresh read, so
   an older replayed state never stays over a newer one.
4. The marker is deleted (journal with it) under its row lock, and only if
   the counter did not move since the last pass: a writer holding the lock has
   journalled (and we pass again), a writer waiting for it finds no marker and
   writes through the alias, which already names the new index. After
   ``MAX_PASSES`` busy passes the marker goes anyway and what was journalled
   since the last pass is replayed once more. A replayed write that fails is
   queued for ``retry_search_index`` like any other failed write.

A rebuild that fails keeps the old index serving: the alias is untouched until
the swap. ``abandon()`` (called by our ``update_index`` on error) removes the
marker and the half-built index; a process killed outright leaves a marker
whose heartbeat goes stale after ``REBUILD_STALE_AFTER`` seconds (backend
setting, default 900): writers ignore it and the next rebuild replaces it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import socket
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, NotFoundError
from modelsearch.backends.elasticsearchbase import ElasticsearchAtomicIndexRebuilder

from .models import IndexRebuild, IndexRebuildWrite, PendingIndexUpdate
from .resilience import indexed_object, record_pending

logger = logging.getLogger("search")

DEFAULT_STALE_AFTER = 900
#: Seconds ``start()`` waits for transactions older than the marker to end.
SETTLE_TIMEOUT = 30
#: Replay passes after the swap before giving up on quiet (writes keep coming).
MAX_PASSES = 10

#: Set by our ``update_index`` command: where rebuilders report and register.
command_context: contextvars.ContextVar = contextvars.ContextVar(
    "search_rebuild_command", default=None
)


def stale_after(backend) -> timedelta:
    seconds = getattr(backend, "rebuild_stale_after", None) or DEFAULT_STALE_AFTER
    return timedelta(seconds=seconds)


def aliased(es, alias: str) -> list[str]:
    """The indices ``alias`` names (none if it is no alias)."""
    try:
        return list(es.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def _fresh(backend, alias: str):
    return IndexRebuild.objects.filter(
        backend=backend.name,
        alias=alias,
        heartbeat_at__gte=timezone.now() - stale_after(backend),
    )


def journal(backend, action: str, model, objects: list) -> None:
    """Records the writes if a rebuild of their index is running (one query if not).

    The first check takes no lock: a writer that finds no marker wrote a change
    committed before the marker (articles index after commit), or is inside a
    transaction that ``_settle`` waits for; either way the bulk load reads it.
    """
    alias = backend.get_index_for_model(model).name
    if not _fresh(backend, alias).exists():
        return
    with transaction.atomic():
        rebuild = _fresh(backend, alias).select_for_update().first()
        if rebuild is None:
            return
        rebuild.writes += 1
        IndexRebuild.objects.filter(pk=rebuild.pk).update(writes=rebuild.writes)
        rows = [
            IndexRebuildWrite(
                rebuild=rebuild,
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                action=action,
                seq=rebuild.writes,
            )
            for obj in objects
            if obj.pk is not None
        ]
        IndexRebuildWrite.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["rebuild", "content_type", "object_id"],
            update_fields=["action", "seq"],
        )


class HeartbeatIndex:
    """The new index as the command sees it: each bulk-loaded chunk is a heartbeat."""

    def __init__(self, index, rebuilder) -> None:
        self._index = index
        self._rebuilder = rebuilder

    def __getattr__(self, name):
        return getattr(self._index, name)

    def add_items(self, model, items):
        self._index.add_items(model, items)
        self._rebuilder.beat()

    def __str__(self):
        return str(self._index)


class JournallingRebuilder(ElasticsearchAtomicIndexRebuilder):
    """Atomic rebuild that swaps the alias in one request and replays the journal."""

    def __init__(self, index):
        super().__init__(index)
        self.backend = index.backend
        self.marker: IndexRebuild | None = None
        #: (content type, object id) of every object replayed.
        self.replayed_objects: set[tuple[int, str]] = set()
        self.finished = False

    # Start ------------------------------------------------------------------

    def start(self):
        self._claim()
        self._settle()
        context = command_context.get()
        if context is not None:
            context.rebuilders.append(self)
        try:
            self.index.put()
        except Exception:
            self.abandon()
            raise
        return HeartbeatIndex(self.index, self)

    def _claim(self) -> None:
        """Commits the marker, or refuses if a live rebuild of this alias runs."""
        now = timezone.now()
        with transaction.atomic():
            existing = (
                IndexRebuild.objects.select_for_update()
                .filter(backend=self.backend.name, alias=self.alias.name)
                .first()
            )
            if existing is not None:
                if existing.heartbeat_at >= now - stale_after(self.backend):
                    raise CommandError(
                        f"A rebuild of {self.alias.name} is already running "
                        f"(since {existing.started_at:%Y-%m-%d %H:%M:%S} UTC, "
                        f"{existing.owner}). Try again when it has finished."
                    )
                logger.warning("Replacing the stale rebuild marker %s.", existing)
                self._drop_index(existing.new_index)
                existing.delete()
            try:
                self.marker = IndexRebuild.objects.create(
                    backend=self.backend.name,
                    alias=self.alias.name,
                    new_index=self.index.name,
                    heartbeat_at=now,
                    owner=f"{socket.gethostname()} pid {os.getpid()}"[:255],
                )
            except IntegrityError as error:  # another rebuild claimed it just now
                raise CommandError(
                    f"A rebuild of {self.alias.name} is already running."
                ) from error

    def _settle(self) -> None:
        """Waits until no transaction that began before the marker is open."""
        if connection.vendor != "postgresql":
            return  # SQLite: one writer at a time, nothing is in flight
        deadline = time.monotonic() + SETTLE_TIMEOUT
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            (marked,) = cursor.fetchone()
            while time.monotonic() < deadline:
                # Within a transaction PostgreSQL keeps one statistics snapshot.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND xact_start < %s",
                    [marked],
                )
                if not cursor.fetchone()[0]:
                    return
                time.sleep(0.05)
        logger.warning(
            "Transactions older than the rebuild of %s are still open after %d s; "
            "going on (a delete they make may survive in the new index until the "
            "next write of that page).",
            self.alias.name,
            SETTLE_TIMEOUT,
        )

    def beat(self) -> None:
        IndexRebuild.objects.filter(pk=self.marker.pk).update(
            heartbeat_at=timezone.now()
        )

    # Finish -----------------------------------------------------------------

    def finish(self):
        self.index.refresh()
        seen = self._replay(0)
        self._swap()
        for _pass in range(MAX_PASSES):
            seen = self._replay(seen)
            if self._release(seen):
                break
        else:
            logger.warning(
                "Writes kept coming while replaying %s; replaying the rest once.",
                self.alias.name,
            )
            self._replay_entries(self._release_anyway(seen))
        self.finished = True
        self.index.refresh()
        self._report(
            f"{self.backend.name}: replayed {len(self.replayed_objects)} write(s) "
            f"made during the rebuild of {self.alias.name}"
        )

    def _swap(self) -> None:
        """One ``_aliases`` request: the alias moves, the old indices go."""
        es = self.backend.es
        actions = [{"add": {"index": self.index.name, "alias": self.alias.name}}]
        old = [n for n in aliased(es, self.alias.name) if n != self.index.name]
        if not old and es.indices.exists(index=self.alias.name):
            old = [self.alias.name]  # a concrete index (auto-created) by that name
        actions += [{"remove_index": {"index": name}} for name in old]
        es.indices.update_aliases(actions=actions)

    def _replay(self, after: int) -> int:
        """Replays entries journalled after ``after``; returns the counter seen."""
        self.marker.refresh_from_db(fields=["writes"])
        seen = self.marker.writes
        entries = IndexRebuildWrite.objects.filter(rebuild=self.marker, seq__gt=after)
        self._replay_entries(entries.select_related("content_type").order_by("seq"))
        return seen

    def _replay_entries(self, entries) -> None:
        for entry in entries:
            self._replay_one(entry)
            self.replayed_objects.add((entry.content_type_id, entry.object_id))

    def _replay_one(self, entry: IndexRebuildWrite) -> None:
        """Writes the object's current state; a failure goes to the retry queue."""
        model = entry.content_type.model_class()
        if model is None:
            return
        obj = None
        if entry.action == PendingIndexUpdate.Action.ADD:
            obj = indexed_object(model, entry.object_id)
        try:
            if obj is not None:
                self.index.add_item(obj)
            else:  # deleted, or no longer indexed (unpublished)
                self.index.delete_item(model(pk=entry.object_id))
        except (ApiError, TransportError) as error:
            action = PendingIndexUpdate.Action
            record_pending(
                backend=self.backend.name,
                action=action.ADD if obj is not None else action.DELETE,
                objects=[obj if obj is not None else model(pk=entry.object_id)],
                error=str(error),
            )
            logger.warning("Replaying %s failed (%s): queued for retry.", entry, error)

    def _release(self, seen: int) -> bool:
        """Deletes the marker unless a write was journalled since ``seen``."""
        with transaction.atomic():
            marker = IndexRebuild.objects.select_for_update().get(pk=self.marker.pk)
            if marker.writes != seen:
                return False
            marker.delete()
        return True

    def _release_anyway(self, seen: int) -> list[IndexRebuildWrite]:
        """Deletes the marker; returns the entries journalled since ``seen``."""
        with transaction.atomic():
            marker = IndexRebuild.objects.select_for_update().get(pk=self.marker.pk)
            rest = list(
                marker.journal.filter(seq__gt=seen)
                .select_related("content_type")
                .order_by("seq")
            )
            marker.delete()
        return rest

    # Failure ----------------------------------------------------------------

    def abandon(self) -> None:
        """The rebuild failed: the old index keeps serving, nothing is left behind."""
        if self.marker is not None:
            IndexRebuild.objects.filter(pk=self.marker.pk).delete()
        self._drop_index(self.index.name)

    def _drop_index(self, name: str) -> None:
        es = self.backend.es
        if not name or name in aliased(es, self.alias.name):
            return
        with contextlib.suppress(NotFoundError):
            es.indices.delete(index=name)

    def _report(self, message: str) -> None:
        context = command_context.get()
        if context is not None:
            context.write(message)
        else:
            logger.info(message)
