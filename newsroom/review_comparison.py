"""What changed since the reviewer asked for changes.

Wagtail's "Compare with previous version" (``workflow_status.html`` and the
"Awaiting your review" panel) compares a revision with the one just before
it. The editor's autosave keeps the correspondent's fix as revisions of its
own and "submit" saves one more copy, so at resubmission that comparison shows
no differences. The revision the reviewer saw is the one their "request
changes" was made on: the newest revision when the task state was rejected
(the rejected ``TaskState``'s own revision, also that of the
``wagtail.workflow.reject`` log entry, unless the reviewer edited the page
while requesting changes). We offer the comparison of that revision with the
latest one.
"""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.models import Page, Revision, TaskState, WorkflowState


def reviewed_revisions(states: list[WorkflowState] | QuerySet) -> dict[int, int]:
    """Workflow state id → the revision its latest "request changes" saw."""
    newest_then = Revision.objects.filter(
        base_content_type_id=OuterRef("workflow_state__base_content_type_id"),
        object_id=OuterRef("workflow_state__object_id"),
        created_at__lte=OuterRef("finished_at"),
    ).order_by("-created_at", "-pk")
    rejected = (
        TaskState.objects.filter(
            workflow_state__in=states, status=TaskState.STATUS_REJECTED
        )
        .order_by("workflow_state_id", "finished_at", "pk")
        .values_list(
            "workflow_state_id",
            Coalesce(Subquery(newest_then.values("pk")[:1]), "revision_id"),
        )
    )
    return dict(rejected)  # the latest rejection of each state wins


def comparison_url(page: Page, reviewed_revision_id: int | None) -> str | None:
    """The reviewed revision against the latest one, when they differ.

    ``page`` is a page row: a page made from a revision (what the edit view
    hands its hooks) names the revision before it as its latest.
    """
    latest = page.latest_revision_id
    if reviewed_revision_id is None or reviewed_revision_id == latest:
        return None
    return reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[page.pk, reviewed_revision_id, latest],
    )


def offer_comparison(request, page: Page) -> None:
    """``before_edit_page``: the editor opens with a link to what changed since
    the review, for the reviewer and for the correspondent fixing it."""
    if request.method != "GET":
        return
    state = page.current_workflow_state
    if state is None:
        return
    row = Page.objects.only("latest_revision_id").get(pk=page.pk)
    url = comparison_url(row, reviewed_revisions([state]).get(state.pk))
    if url:
        messages.info(
            request,
            _("Changes were requested on an earlier revision."),
            buttons=[messages.button(url, _("Compare with the reviewed revision"))],
        )
