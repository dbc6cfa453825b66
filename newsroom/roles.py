"""The newsroom's roles and workflows, declared once and compared with the database.

``setup_newsroom`` creates what is missing and, for groups and workflows that
already exist, reports every difference instead of overwriting an
administrator's change; ``--fix`` makes the database match this module.

Page permissions hang on the home page of each language ("the ru tree", "the
kk tree"); the chief editor's hang on the root, so they cover both trees and
any language added later.

Wagtail's own migrations leave groups "Editors" and "Moderators" with page
permissions on the root and a "Moderators approval" workflow on the root:
both reach every tree beside the declared roles, so they are drift too. The
fix removes those page permissions and the root's workflow; the groups (and
any members) are left for an administrator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from wagtail.models import (
    AbstractGroupApprovalTask,
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from home.models import HomePage

from .models import OVERRIDE_PERMISSION, TranslationApprovalTask

RU, KK, ROOT = "ru", "kk", "root"
TREES = (RU, KK)

EDITORS = "Корреспонденты"
MODERATORS = "Выпускающие редакторы"
TRANSLATORS = "Переводчики"
CHIEF = "Главный редактор"

WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")

ACCESS_ADMIN = "wagtailadmin.access_admin"
SUBMIT_TRANSLATION = "wagtail_localize.submit_translation"

IMAGES_USE = ("wagtailimages.add_image", "wagtailimages.choose_image")
DOCUMENTS_USE = ("wagtaildocs.add_document", "wagtaildocs.choose_document")
MEDIA_EDIT = ("wagtailimages.change_image", "wagtaildocs.change_document")
# Deleting an image or document (even one's own upload: it may be an article's
# cover) is for the roles holding MEDIA_DELETE; Wagtail alone would let anyone
# who may edit it delete it (enforced in newsroom.media_guards).
MEDIA_DELETE = ("wagtailimages.delete_image", "wagtaildocs.delete_document")
COLLECTIONS_MANAGE = (
    "wagtailcore.add_collection",
    "wagtailcore.change_collection",
    "wagtailcore.delete_collection",
)
# Readers' questions («Проблемная зона»): read, assign, answer, reject.
QUESTIONS_MODERATE = ("questions.view_question", "questions.change_question")
ALL_PAGE_PERMISSIONS = (
    "add_page",
    "bulk_delete_page",
    "change_page",
    "lock_page",
    "publish_page",
    "unlock_page",
)


@dataclass(frozen=True)
class Role:
    """A group and everything it may do.

    ``pages`` maps a tree (``ru``, ``kk`` or ``root``) to wagtailcore page
    permission codenames; ``collection`` and ``model`` hold ``app.codename``.
    """

    name: str
    pages: dict[str, tuple[str, ...]]
    collection: tuple[str, ...]
    model: tuple[str, ...]


@dataclass(frozen=True)
class WorkflowSpec:
    """A one-step workflow approved by groups, assigned to a tree's home page."""

    name: str
    tree: str
    task_name: str
    approvers: tuple[str, ...]
    task_model: type[Task] = GroupApprovalTask


ROLES: tuple[Role, ...] = (
    Role(
        name=EDITORS,
        # Write and edit drafts in the Russian tree, submit them; never publish.
        pages={RU: ("add_page", "change_page", "lock_page")},
        collection=IMAGES_USE + DOCUMENTS_USE + MEDIA_EDIT,
        model=(ACCESS_ADMIN, "news.add_author", "news.change_author"),
    ),
    Role(
        name=TRANSLATORS,
        # The Kazakh tree only; translations are created where one may add pages.
        pages={KK: ("add_page", "change_page", "lock_page")},
        collection=IMAGES_USE + DOCUMENTS_USE,
        # Site settings of their language only (translations.guards).
        model=(
            ACCESS_ADMIN,
            SUBMIT_TRANSLATION,
            "news.change_author",
            "home.change_sitesettings",
        ),
    ),
    Role(
        name=MODERATORS,
        # Review and publish (or schedule) in both trees.
        pages=dict.fromkeys(
            TREES,
            ("add_page", "change_page", "lock_page", "publish_page", "unlock_page"),
        ),
        collection=IMAGES_USE + DOCUMENTS_USE + MEDIA_EDIT + MEDIA_DELETE,
        model=(ACCESS_ADMIN, "news.add_author", "news.change_author")
        + QUESTIONS_MODERATE,
    ),
    Role(
        name=CHIEF,
        pages={ROOT: ALL_PAGE_PERMISSIONS},
        collection=IMAGES_USE
        + DOCUMENTS_USE
        + MEDIA_EDIT
        + MEDIA_DELETE
        + COLLECTIONS_MANAGE,
        model=(
            ACCESS_ADMIN,
            SUBMIT_TRANSLATION,
            OVERRIDE_PERMISSION,
            "news.add_author",
            "news.change_author",
            "news.delete_author",
            "home.add_sitesettings",
            "home.change_sitesettings",
            "home.delete_sitesettings",
            # The footer's «Информация» menu (core.FooterLink), per language.
            "core.add_footerlink",
            "core.change_footerlink",
            "core.delete_footerlink",
            "wagtailcore.add_workflow",
            "wagtailcore.change_workflow",
            "wagtailcore.add_task",
            "wagtailcore.change_task",
            "questions.add_questiondesk",
            "questions.change_questiondesk",
            "questions.delete_questiondesk",
        )
        + QUESTIONS_MODERATE
        + ("questions.delete_question",),
    ),
)

WORKFLOWS: tuple[WorkflowSpec, ...] = (
    WorkflowSpec(
        name="Редакционная проверка",
        tree=RU,
        task_name="Одобрение выпускающего редактора",
        approvers=(MODERATORS, CHIEF),
    ),
    WorkflowSpec(
        name="Проверка перевода",
        tree=KK,
        task_name="Одобрение перевода",
        approvers=(MODERATORS, CHIEF),
        # Approves only fully translated pages (newsroom.models).
        task_model=TranslationApprovalTask,
    ),
)


def convert_task(
    task: AbstractGroupApprovalTask, model: type[AbstractGroupApprovalTask]
) -> AbstractGroupApprovalTask:
    """``task`` as a ``model`` under the same id, its approver groups kept.

    The id stays, so the workflows using the task, reviews in progress and
    their history stay too: only the subclass row is swapped (multi-table
    inheritance: the ``Task`` row is shared).
    """
    pk, groups = task.pk, list(task.groups.all())
    model(task_ptr_id=pk, name=task.name, active=task.active).save_base(raw=True)
    task.delete(keep_parents=True)
    Task.objects.filter(pk=pk).update(
        content_type=ContentType.objects.get_for_model(model)
    )
    converted = model.objects.get(pk=pk)
    converted.groups.set(groups)
    return converted


# --------------------------------------------------------------------- trees


def tree_roots() -> dict[str, Page | None]:
    """The page each tree hangs on: the home page of each language, and the root.

    The home pages are the default site's root page and its translations;
    without a site, the first home page of each language.
    """
    homes: dict[str, Page | None] = dict.fromkeys(TREES)
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        for page in site.root_page.get_translations(inclusive=True).select_related(
            "locale"
        ):
            if page.locale.language_code in homes:
                homes[page.locale.language_code] = page
    for code in TREES:
        if homes[code] is None:
            homes[code] = (
                HomePage.objects.filter(locale__language_code=code)
                .order_by("path")
                .first()
            )
    return {ROOT: Page.get_first_root_node(), **homes}


def tree_label(tree: str, page: Page) -> str:
    return "the root" if tree == ROOT else f"«{page.title}» ({tree})"


# --------------------------------------------------------------- differences


@dataclass(frozen=True)
class Difference:
    """One way the database differs from the declaration."""

    subject: str
    text: str
    extra: bool = False

    def __str__(self) -> str:
        sign = "-" if self.extra else "+"
        return f"  {sign} {self.subject}: {self.text}"


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    drift: list[Difference] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    fixed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created) or (self.fixed and bool(self.drift))


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".", 1)
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist as error:
        raise ImproperlyConfigured(
            f"Permission {label!r} does not exist: is its app installed and migrated?"
        ) from error


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


class Newsroom:
    """Compares the declaration with the database and, when asked, applies it."""

    def __init__(self, roles: Iterable[Role] = ROLES, workflows=WORKFLOWS) -> None:
        self.roles = tuple(roles)
        self.workflows = tuple(workflows)
        self.roots = tree_roots()
        self.collection = Collection.get_first_root_node()
        self.report = Report()

    # ------------------------------------------------------------ entry point

    @transaction.atomic
    def sync(self, *, fix: bool = False) -> Report:
        self.report.fixed = fix
        for tree in TREES:
            if self.roots[tree] is None:
                self.report.skipped.append(
                    f"No home page in the {tree} tree yet: its page permissions "
                    "and workflow are left out; run setup_newsroom --fix once "
                    "it exists."
                )
        for role in self.roles:
            self.sync_role(role, fix=fix)
        for spec in self.workflows:
            self.sync_workflow(spec, fix=fix)
        self.sync_wagtail_defaults(fix=fix)
        return self.report

    # ----------------------------------------------------------------- groups

    def desired_page_permissions(self, role: Role) -> set[tuple[int, int]]:
        wanted = set()
        page_perm_type = ContentType.objects.get_for_model(Page)
        for tree, codenames in role.pages.items():
            page = self.roots[tree]
            if page is None:
                continue
            for codename in codenames:
                permission = Permission.objects.get(
                    content_type=page_perm_type, codename=codename
                )
                wanted.add((page.pk, permission.pk))
        return wanted

    def sync_role(self, role: Role, *, fix: bool) -> None:
        group = Group.objects.filter(name=role.name).first()
        is_new = group is None
        if is_new:
            group = Group.objects.create(name=role.name)
            self.report.created.append(f"group «{role.name}»")
        apply = is_new or fix
        self._sync_model_permissions(role, group, is_new=is_new, apply=apply)
        self._sync_page_permissions(role, group, is_new=is_new, apply=apply)
        self._sync_collection_permissions(role, group, is_new=is_new, apply=apply)

    def _sync_model_permissions(
        self, role: Role, group: Group, *, is_new: bool, apply: bool
    ) -> None:
        """Admin access, snippets, translation submission."""
        wanted = {_permission(label) for label in role.model}
        actual = set(group.permissions.select_related("content_type"))
        for permission in sorted(wanted - actual, key=_label):
            self._differ(is_new, role.name, f"permission {_label(permission)}")
        for permission in sorted(actual - wanted, key=_label):
            self._differ(is_new, role.name, f"permission {_label(permission)}", True)
        if apply:
            group.permissions.set(wanted)

    def _sync_page_permissions(
        self, role: Role, group: Group, *, is_new: bool, apply: bool
    ) -> None:
        """Page permissions, per tree."""
        wanted = self.desired_page_permissions(role)
        rows = GroupPagePermission.objects.filter(group=group).select_related(
            "page", "permission"
        )
        actual = {(row.page_id, row.permission_id): row for row in rows}
        labels = {page.pk: (tree, page) for tree, page in self.roots.items() if page}
        for page_id, permission_id in sorted(wanted - actual.keys()):
            tree, page = labels[page_id]
            codename = Permission.objects.get(pk=permission_id).codename
            self._differ(is_new, role.name, f"{codename} on {tree_label(tree, page)}")
            if apply:
                GroupPagePermission.objects.create(
                    group=group, page_id=page_id, permission_id=permission_id
                )
        for key in sorted(actual.keys() - wanted):
            row = actual[key]
            where = self.page_label(row.page)
            self._differ(
                False, role.name, f"{row.permission.codename} on {where}", True
            )
            if apply:
                row.delete()

    def _sync_collection_permissions(
        self, role: Role, group: Group, *, is_new: bool, apply: bool
    ) -> None:
        """Image, document and collection permissions on the root collection."""
        wanted = {(self.collection.pk, _permission(label)) for label in role.collection}
        wanted_keys = {(cid, perm.pk) for cid, perm in wanted}
        rows = GroupCollectionPermission.objects.filter(group=group).select_related(
            "collection", "permission__content_type"
        )
        actual = {(row.collection_id, row.permission_id): row for row in rows}
        for collection_id, permission in sorted(wanted, key=lambda x: _label(x[1])):
            if (collection_id, permission.pk) in actual:
                continue
            self._differ(
                is_new,
                role.name,
                f"{_label(permission)} on collection «{self.collection.name}»",
            )
            if apply:
                GroupCollectionPermission.objects.create(
                    group=group, collection_id=collection_id, permission=permission
                )
        for key in sorted(actual.keys() - wanted_keys):
            row = actual[key]
            self._differ(
                False,
                role.name,
                f"{_label(row.permission)} on collection «{row.collection.name}»",
                True,
            )
            if apply:
                row.delete()

    def page_label(self, page: Page) -> str:
        for tree, root in self.roots.items():
            if root is not None and root.pk == page.pk:
                return tree_label(tree, page)
        return f"«{page.title}» (page {page.pk})"

    def _differ(
        self, is_new: bool, subject: str, text: str, extra: bool = False
    ) -> None:
        """Records a difference; what a new object gets is creation, not drift."""
        if not is_new:
            self.report.drift.append(Difference(subject, text, extra))

    # -------------------------------------------------------------- workflows

    def sync_workflow(self, spec: WorkflowSpec, *, fix: bool) -> None:
        task = self._sync_task(spec, fix=fix)
        workflow, is_new = self._sync_workflow_tasks(spec, task, fix=fix)
        self._sync_assignment(spec, workflow, is_new=is_new, fix=fix)

    def _sync_task(self, spec: WorkflowSpec, *, fix: bool) -> Task:
        """The approval task: its type, its approver groups, active."""
        approvers = list(Group.objects.filter(name__in=spec.approvers))
        subject = f"task «{spec.task_name}»"
        task = Task.objects.filter(name=spec.task_name).first()
        if task is None:
            task = spec.task_model.objects.create(name=spec.task_name, active=True)
            task.groups.set(approvers)
            self.report.created.append(subject)
            return task
        task = task.specific
        if type(task) is not spec.task_model and isinstance(
            task, AbstractGroupApprovalTask
        ):
            self._differ(False, subject, f"type {spec.task_model.__name__}")
            if not fix:
                return task
            task = convert_task(task, spec.task_model)
        wanted = {group.name for group in approvers}
        actual = set(task.groups.values_list("name", flat=True))
        for name in sorted(wanted - actual):
            self._differ(False, subject, f"approver «{name}»")
        for name in sorted(actual - wanted):
            self._differ(False, subject, f"approver «{name}»", True)
        if not task.active:
            self._differ(False, subject, "active")
        if fix:
            task.groups.set(approvers)
            if not task.active:
                task.active = True
                task.save(update_fields=["active"])
        return task

    def _sync_workflow_tasks(
        self, spec: WorkflowSpec, task: Task, *, fix: bool
    ) -> tuple[Workflow, bool]:
        """The workflow, active, with the task as its only step; whether it is new."""
        subject = f"workflow «{spec.name}»"
        workflow = Workflow.objects.filter(name=spec.name).first()
        if workflow is None:
            workflow = Workflow.objects.create(name=spec.name, active=True)
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
            self.report.created.append(subject)
            return workflow, True
        task_names = list(workflow.tasks.values_list("name", flat=True))
        if task_names != [spec.task_name]:
            self._differ(
                False,
                subject,
                f"tasks {task_names} instead of [{spec.task_name!r}]",
                True,
            )
            if fix:
                WorkflowTask.objects.filter(workflow=workflow).delete()
                WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        if not workflow.active:
            self._differ(False, subject, "active")
            if fix:
                workflow.active = True
                workflow.save(update_fields=["active"])
        return workflow, False

    def _sync_assignment(
        self, spec: WorkflowSpec, workflow: Workflow, *, is_new: bool, fix: bool
    ) -> None:
        """The workflow is the one its tree's home page follows."""
        home = self.roots[spec.tree]
        if home is None:
            return
        subject = f"workflow «{spec.name}»"
        assignment = WorkflowPage.objects.filter(page=home).first()
        where = tree_label(spec.tree, home)
        if assignment is None:
            self._differ(is_new, subject, f"assigned to {where}")
            if is_new or fix:
                WorkflowPage.objects.create(page=home, workflow=workflow)
        elif assignment.workflow_id != workflow.pk:
            self._differ(
                False,
                subject,
                f"{where} follows «{assignment.workflow.name}» instead",
            )
            if fix:
                assignment.workflow = workflow
                assignment.save(update_fields=["workflow"])

    # ------------------------------------------------------- Wagtail defaults

    def sync_wagtail_defaults(self, *, fix: bool) -> None:
        """Wagtail's default groups hold no page permission, the root no workflow."""
        rows = list(
            GroupPagePermission.objects.filter(group__name__in=WAGTAIL_DEFAULT_GROUPS)
            .select_related("group", "page", "permission")
            .order_by("group__name", "page__path", "permission__codename")
        )
        for row in rows:
            self._differ(
                False,
                f"{row.group.name} (Wagtail's default group)",
                f"{row.permission.codename} on {self.page_label(row.page)}",
                True,
            )
        if fix and rows:
            GroupPagePermission.objects.filter(pk__in=[r.pk for r in rows]).delete()

        root = self.roots[ROOT]
        for assignment in WorkflowPage.objects.filter(page=root).select_related(
            "workflow"
        ):
            self._differ(
                False,
                f"workflow «{assignment.workflow.name}»",
                f"assigned to {tree_label(ROOT, root)}",
                True,
            )
            if fix:
                assignment.delete()
