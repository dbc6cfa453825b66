"""Dashboard panels for the newsroom: my drafts, who reviews what, recently published.

Wagtail's own "Awaiting your review" panel stays as it is. Each panel here
runs a fixed number of queries however many pages it lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import (
    GroupApprovalTask,
    Page,
    PageLogEntry,
    Revision,
    WorkflowState,
    get_default_page_content_type,
)
from wagtail.permissions import page_permission_policy

from .review_comparison import comparison_url, reviewed_revisions

LIMIT = 10


def pages_in_reach(user) -> QuerySet:
    """Pages inside the trees where the user holds any page permission."""
    if user.is_superuser:
        return Page.objects.all()
    paths = {
        permission.page.path
        for permission in page_permission_policy.get_cached_permissions_for_user(user)
    }
    if not paths:
        return Page.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Page.objects.filter(condition)


def active_page_workflows() -> QuerySet:
    return WorkflowState.objects.active().filter(
        base_content_type=get_default_page_content_type()
    )


def page_ids_as_text(pages: QuerySet) -> QuerySet:
    """Workflow states point at pages by a text id."""
    return pages.annotate(text_id=Cast("pk", CharField())).values("text_id")


@dataclass
class DraftRow:
    page: Page
    edited_at: datetime | None
    state: WorkflowState | None
    scheduled_at: datetime | None = None


@dataclass
class ReviewRow:
    page: Page
    state: WorkflowState
    reviewers: list[tuple[str, list[str]]]
    reviewed_comparison: str | None = None


def edits_by(user) -> QuerySet:
    """The user's own saves in the editor (not revisions made on their behalf,
    such as the untranslated Kazakh drafts created when a page is published)."""
    return PageLogEntry.objects.filter(
        page_id=OuterRef("pk"), user=user, action="wagtail.edit"
    )


class PageTablePanel(Component):
    """A dashboard panel listing pages: title and language, then its own columns.

    Subclasses name the panel and give ``rows``; each row has a ``page``. Their
    templates extend ``newsroom/panels/page_table.html``.
    """

    name = ""
    heading = ""

    def rows(self, request) -> list:
        raise NotImplementedError

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        return {
            "rows": self.rows(request),
            "request": request,
            "panel_id": self.name.replace("_", "-"),
            "heading": self.heading,
        }


class MyDraftsPanel(PageTablePanel):
    """Pages I created or edited whose latest changes are not live yet
    (scheduled ones with their go-live time).

    Only in my trees: a Kazakh twin created for my Russian page is the
    translators' draft, not mine.
    """

    name = "newsroom_my_drafts"
    heading = _("My drafts")
    template_name = "newsroom/panels/my_drafts.html"
    order = 230

    def rows(self, request) -> list[DraftRow]:
        user = request.user
        pages = list(
            pages_in_reach(user)
            .filter(has_unpublished_changes=True)
            .filter(Q(owner=user) | Exists(edits_by(user)))
            .select_related("locale")
            .order_by("-latest_revision_created_at", "-pk")[:LIMIT]
        )
        states = {
            state.object_id: state
            for state in active_page_workflows()
            .filter(object_id__in=[str(page.pk) for page in pages])
            .select_related("current_task_state__task")
        }
        scheduled = dict(
            Revision.objects.filter(
                base_content_type=get_default_page_content_type(),
                object_id__in=[str(page.pk) for page in pages],
                approved_go_live_at__isnull=False,
            ).values_list("object_id", "approved_go_live_at")
        )
        return [
            DraftRow(
                page,
                page.latest_revision_created_at,
                states.get(str(page.pk)),
                scheduled.get(str(page.pk)),
            )
            for page in pages
        ]


class InReviewPanel(PageTablePanel):
    """Every page in review in my trees: who asked, which step, who reviews it,
    and what changed since changes were requested."""

    name = "newsroom_in_review"
    heading = _("In review: who is reviewing what")
    template_name = "newsroom/panels/in_review.html"
    order = 240

    def rows(self, request) -> list[ReviewRow]:
        states = list(
            active_page_workflows()
            .filter(object_id__in=page_ids_as_text(pages_in_reach(request.user)))
            .select_related("requested_by", "current_task_state__task")
            .order_by("-current_task_state__started_at", "-pk")[:LIMIT]
        )
        pages = Page.objects.select_related("locale", "locked_by").in_bulk(
            [int(state.object_id) for state in states]
        )
        reviewers = self.reviewers_by_task(
            {state.current_task_state.task_id for state in states}
        )
        reviewed = reviewed_revisions(states)
        return [
            ReviewRow(
                page=pages[int(state.object_id)],
                state=state,
                reviewers=reviewers.get(state.current_task_state.task_id, []),
                reviewed_comparison=comparison_url(
                    pages[int(state.object_id)], reviewed.get(state.pk)
                ),
            )
            for state in states
            if int(state.object_id) in pages
        ]

    @staticmethod
    def reviewers_by_task(task_ids: set[int]) -> dict[int, list[tuple[str, list]]]:
        """Task id → [(group name, [member names])] for group approval tasks."""
        if not task_ids:
            return {}
        memberships = GroupApprovalTask.groups.through.objects.filter(
            groupapprovaltask_id__in=task_ids
        ).select_related("group")
        group_ids = {membership.group_id for membership in memberships}
        members: dict[int, list[str]] = {}
        user_model = get_user_model()
        users = user_model.objects.filter(groups__in=group_ids, is_active=True).values(
            "groups", "first_name", "last_name", user_model.USERNAME_FIELD
        )
        for row in users.order_by("last_name", "first_name"):
            name = f"{row['first_name']} {row['last_name']}".strip()
            members.setdefault(row["groups"], []).append(
                name or row[user_model.USERNAME_FIELD]
            )
        result: dict[int, list[tuple[str, list]]] = {}
        for membership in memberships:
            result.setdefault(membership.groupapprovaltask_id, []).append(
                (membership.group.name, members.get(membership.group_id, []))
            )
        return result


PUBLISHED = ("wagtail.publish", "wagtail.publish.scheduled")
SCHEDULED = "wagtail.publish.schedule"


@dataclass
class PublishedRow:
    page: Page
    user: object | None
    at: datetime
    on_schedule: bool = False
    pending: bool = False


class RecentlyPublishedPanel(PageTablePanel):
    """The last pages published, by whom and when, and the ones scheduled.

    Wagtail logs a schedule as ``wagtail.publish.schedule`` (by the moderator)
    and its go-live as ``wagtail.publish.scheduled`` (by the worker, no user):
    a scheduled row names who scheduled it; a pending one its go-live time.
    """

    name = "newsroom_recently_published"
    heading = _("Recently published")
    template_name = "newsroom/panels/recently_published.html"
    order = 260

    def rows(self, request) -> list[PublishedRow]:
        entries = (
            PageLogEntry.objects.filter(
                Q(action__in=PUBLISHED, page__live=True)
                | Q(action=SCHEDULED, revision__approved_go_live_at__isnull=False)
            )
            .select_related("user", "page__locale", "revision")
            .order_by("-timestamp", "-pk")[: LIMIT * 3]
        )
        latest, seen = [], set()
        for entry in entries:
            if entry.page_id not in seen and len(latest) < LIMIT:
                seen.add(entry.page_id)
                latest.append(entry)
        schedulers = {
            entry.revision_id: entry.user
            for entry in PageLogEntry.objects.filter(
                action=SCHEDULED,
                revision_id__in=[
                    entry.revision_id
                    for entry in latest
                    if entry.action == "wagtail.publish.scheduled"
                ],
            ).select_related("user")
        }
        return [self.row(entry, schedulers) for entry in latest]

    @staticmethod
    def row(entry: PageLogEntry, schedulers: dict) -> PublishedRow:
        if entry.action == SCHEDULED:
            return PublishedRow(
                entry.page,
                entry.user,
                entry.revision.approved_go_live_at,
                on_schedule=True,
                pending=True,
            )
        if entry.action == "wagtail.publish.scheduled":
            return PublishedRow(
                entry.page,
                schedulers.get(entry.revision_id),
                entry.timestamp,
                on_schedule=True,
            )
        return PublishedRow(entry.page, entry.user, entry.timestamp)


def construct_panels(request, panels: list) -> None:
    """Adds the newsroom's panels to Wagtail's dashboard."""
    if page_permission_policy.user_has_any_permission(
        request.user, ["add", "change", "publish"]
    ):
        panels.extend([MyDraftsPanel(), InReviewPanel(), RecentlyPublishedPanel()])
