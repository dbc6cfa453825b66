from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexWrite(models.Model):
    """An object's latest index action: what the retry queue and a rebuild's
    journal both record."""

    class Action(models.TextChoices):
        ADD = "add", _("add or update")
        DELETE = "delete", _("delete")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("object ID"), max_length=64)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)

    class Meta:
        abstract = True


class PendingIndexUpdate(IndexWrite):
    """A search index write that failed (Elasticsearch down) and waits for a retry.

    One row per object: a later failure for the same object replaces the action,
    since only the latest state matters. ``manage.py retry_search_index`` (run
    by the worker) replays and deletes the rows.

    ``attempts`` counts every failure; ``refusals`` only those where
    Elasticsearch answered and refused the document (a 4xx), since an outage
    says nothing about the document. After ``KMPRESS_SEARCH_PARK_AFTER``
    refusals the row is parked: later runs skip it, so one bad document never
    holds up the queue, and the error waits in the admin report
    (search.admin_views) for a superuser to retry or discard it.
    """

    backend = models.CharField(_("search backend"), max_length=64, default="default")
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    refusals = models.PositiveIntegerField(_("refusals"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    parked_at = models.DateTimeField(_("parked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pending search index update")
        verbose_name_plural = _("pending search index updates")
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "content_type", "object_id"],
                name="one_pending_index_update_per_object",
            )
        ]

    def __str__(self):
        return f"{self.action} {self.content_type_id}:{self.object_id}"


class IndexRebuild(models.Model):
    """An ``update_index`` in progress for one alias: while this row is fresh,
    every process (web nodes, worker, shell) journals its index writes so the
    rebuild can replay them into the new index after the alias swap.

    ``heartbeat_at`` moves on with every bulk-loaded chunk; a row whose heartbeat
    is older than the stale timeout belongs to a crashed rebuild and is ignored
    (and replaced by the next rebuild), so it never blocks anything for long.
    """

    backend = models.CharField(_("search backend"), max_length=64)
    alias = models.CharField(_("index alias"), max_length=255)
    new_index = models.CharField(_("new index"), max_length=255)
    #: Bumped by every journalled write, under the row's lock: the rebuild
    #: knows whether anything was journalled since its last replay pass.
    writes = models.PositiveBigIntegerField(_("journalled writes"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("heartbeat at"))
    owner = models.CharField(_("owner"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("search index rebuild")
        verbose_name_plural = _("search index rebuilds")
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "alias"], name="one_index_rebuild_per_alias"
            )
        ]

    def __str__(self):
        return f"{self.backend}:{self.alias} -> {self.new_index}"


class IndexRebuildWrite(IndexWrite):
    """One object written while a rebuild ran; only its latest action is kept."""

    rebuild = models.ForeignKey(
        IndexRebuild,
        verbose_name=_("rebuild"),
        on_delete=models.CASCADE,
        related_name="journal",
    )
    #: ``IndexRebuild.writes`` when this entry was last journalled.
    seq = models.PositiveBigIntegerField(_("sequence"))

    class Meta:
        verbose_name = _("write journalled during a rebuild")
        verbose_name_plural = _("writes journalled during a rebuild")
        constraints = [
            models.UniqueConstraint(
                fields=["rebuild", "content_type", "object_id"],
                name="one_rebuild_write_per_object",
            )
        ]

    def __str__(self):
        return f"{self.action} {self.content_type_id}:{self.object_id}"
