"""The search index queue in the admin: what is waiting, what was refused and why.

``retry_search_index`` parks a queued write that Elasticsearch keeps refusing
(search.resilience); the error must reach someone who can act on it. This
report lists the queue for superusers (the errors name indices and fields, and
the fix is usually in code or mappings), with "Retry now" (one replay at once,
back into the queue if it fails) and "Discard" as POST actions with CSRF.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from modelsearch.backends import InvalidSearchBackendError, get_search_backend
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView

from .models import PendingIndexUpdate
from .resilience import Outcome, replay

INDEX_URL = "search_index_queue"


def forbidden(request):
    """A plain 403: Wagtail's admin turns a raised ``PermissionDenied`` into a
    redirect to the dashboard, which hides the refusal from clients and tests."""
    return permission_denied(request, PermissionDenied())


class ObjectColumn(Column):
    """The queued object by its title, or its type and id once it is gone."""

    def get_value(self, instance):
        obj = getattr(instance, "_object", None)
        if obj is not None:
            return str(obj)
        model = instance.content_type.model_class()
        name = model._meta.verbose_name if model else instance.content_type.model
        return gettext("%(type)s #%(id)s (no longer exists)") % {
            "type": name,
            "id": instance.object_id,
        }


class StatusColumn(Column):
    def get_value(self, instance):
        return gettext("parked") if instance.parked_at else gettext("queued")


class ActionsColumn(Column):
    """Retry now and Discard, each a POST form (cell templates get no CSRF context)."""

    cell_template_name = "search/admin/queue_actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["csrf_token"] = get_token(request) if request else ""
        return context


class IndexQueueReportView(ReportView):
    page_title = _("Search index queue")
    header_icon = "search"
    index_url_name = INDEX_URL
    index_results_url_name = f"{INDEX_URL}_results"
    columns = [
        ObjectColumn("object", label=_("Object")),
        Column("action", label=_("Action"), accessor="get_action_display"),
        StatusColumn("status", label=_("Status")),
        NumberColumn("attempts", label=_("Attempts")),
        NumberColumn("refusals", label=_("Refusals")),
        Column("last_error", label=_("Last error")),
        DateColumn("updated_at", label=_("Last tried")),
        ActionsColumn("actions", label=_("Actions")),
    ]
    list_export = [
        "content_type",
        "object_id",
        "action",
        "attempts",
        "refusals",
        "last_error",
        "parked_at",
        "updated_at",
    ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return PendingIndexUpdate.objects.select_related("content_type").order_by(
            F("parked_at").desc(nulls_last=True), "updated_at", "pk"
        )

    def decorate_paginated_queryset(self, object_list):
        """One query per content type for the objects' titles, not one per row."""
        rows = list(object_list)
        wanted: dict[int, list[str]] = {}
        for row in rows:
            wanted.setdefault(row.content_type_id, []).append(row.object_id)
        found = {}
        for row in rows:
            if row.content_type_id in found:
                continue
            model = row.content_type.model_class()
            ids = wanted[row.content_type_id]
            objects = model._default_manager.filter(pk__in=ids) if model else []
            found[row.content_type_id] = {str(obj.pk): obj for obj in objects}
        for row in rows:
            row._object = found[row.content_type_id].get(row.object_id)
        return rows


class IndexQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@require_POST
def retry(request, pk: int):
    """Replays one row now; a failure puts it back in the queue, unparked."""
    if not request.user.is_superuser:
        return forbidden(request)
    row = get_object_or_404(
        PendingIndexUpdate.objects.select_related("content_type"), pk=pk
    )
    PendingIndexUpdate.objects.filter(pk=row.pk).update(refusals=0, parked_at=None)
    row.refusals, row.parked_at = 0, None
    try:
        backend = get_search_backend(row.backend)
    except InvalidSearchBackendError:
        backend = None  # a backend since removed from settings
    if not getattr(backend, "replays_pending_writes", False):
        row.delete()
        messages.warning(request, gettext("That search backend is no longer in use."))
        return redirect(INDEX_URL)
    outcome = replay(backend, row)
    if outcome in (Outcome.REPLAYED, Outcome.DROPPED):
        messages.success(request, gettext("The search index is up to date."))
    elif outcome is Outcome.UNAVAILABLE:
        messages.warning(
            request,
            gettext("The search service is unavailable; the update stays queued."),
        )
    else:
        row.refresh_from_db()
        messages.error(
            request,
            gettext("The search service refused it again: %(error)s")
            % {"error": row.last_error},
        )
    return redirect(INDEX_URL)


@require_POST
def discard(request, pk: int):
    if not request.user.is_superuser:
        return forbidden(request)
    get_object_or_404(PendingIndexUpdate, pk=pk).delete()
    messages.success(request, gettext("Queued index update discarded."))
    return redirect(INDEX_URL)
