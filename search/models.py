from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingIndexUpdate(models.Model):
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

    class Action(models.TextChoices):
        ADD = "add", _("add or update")
        DELETE = "delete", _("delete")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE
    )
    object_id = models.CharField(_("object ID"), max_length=64)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
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
