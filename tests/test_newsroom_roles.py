"""setup_newsroom: groups, permissions, workflows; idempotence and drift."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import (
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
)

from newsroom.roles import CHIEF, EDITORS, MODERATORS, TRANSLATORS, Newsroom
from tests.conftest import build_tree
from tests.factories import HomePageFactory, locale
from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db


def setup_newsroom(*args) -> str:
    out = io.StringIO()
    call_command("setup_newsroom", *args, stdout=out)
    return out.getvalue()


def page_permissions(group_name: str) -> set[tuple[str, str]]:
    return {
        (row.page.title, row.permission.codename)
        for row in GroupPagePermission.objects.filter(
            group__name=group_name
        ).select_related("page", "permission")
    }


def model_permissions(group_name: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related(
            "content_type"
        )
    }


def state() -> dict:
    """Everything setup_newsroom owns, to compare before and after a run."""
    return {
        "pages": sorted(
            GroupPagePermission.objects.values_list(
                "group__name", "page_id", "permission__codename"
            )
        ),
        "collections": sorted(
            GroupCollectionPermission.objects.values_list(
                "group__name", "collection_id", "permission__codename"
            )
        ),
        "model": sorted(
            Group.objects.values_list("name", "permissions__codename").exclude(
                permissions=None
            )
        ),
        "workflows": sorted(
            WorkflowPage.objects.values_list("page_id", "workflow__name")
        ),
        "tasks": sorted(GroupApprovalTask.objects.values_list("name", "groups__name")),
    }


@pytest.fixture
def newsroom(tree):
    setup_newsroom()
    return tree


# ------------------------------------------------------------------ the roles


def test_editors_add_and_edit_in_the_russian_tree_only(newsroom):
    assert page_permissions(EDITORS) == {
        ("Главная", "add_page"),
        ("Главная", "change_page"),
        ("Главная", "lock_page"),
    }
    assert "wagtailadmin.access_admin" in model_permissions(EDITORS)
    assert "wagtail_localize.submit_translation" not in model_permissions(EDITORS)


def test_translators_edit_in_the_kazakh_tree_and_submit_translations(newsroom):
    assert page_permissions(TRANSLATORS) == {
        ("Басты бет", "add_page"),
        ("Басты бет", "change_page"),
        ("Басты бет", "lock_page"),
    }
    assert "wagtail_localize.submit_translation" in model_permissions(TRANSLATORS)
    # The Kazakh row only: translations.guards keeps the Russian one out.
    assert "home.change_sitesettings" in model_permissions(TRANSLATORS)
    assert "home.delete_sitesettings" not in model_permissions(TRANSLATORS)


def test_moderators_publish_both_trees(newsroom):
    granted = page_permissions(MODERATORS)
    for home in ("Главная", "Басты бет"):
        assert (home, "publish_page") in granted
        assert (home, "change_page") in granted
        assert (home, "bulk_delete_page") not in granted


def test_the_chief_editor_holds_every_page_permission_from_the_root(newsroom):
    root = Page.get_first_root_node()
    assert page_permissions(CHIEF) == {
        (root.title, codename)
        for codename in (
            "add_page bulk_delete_page change_page lock_page publish_page unlock_page"
        ).split()
    }
    assert "home.change_sitesettings" in model_permissions(CHIEF)
    for group in (EDITORS, MODERATORS):
        assert "home.change_sitesettings" not in model_permissions(group)


def test_image_and_document_permissions_follow_the_roles(newsroom):
    def media(group):
        return set(
            GroupCollectionPermission.objects.filter(group__name=group).values_list(
                "permission__codename", flat=True
            )
        )

    assert {"add_image", "change_image", "choose_image"} <= media(EDITORS)
    assert "delete_image" not in media(EDITORS)
    assert media(TRANSLATORS) == {
        "add_image",
        "choose_image",
        "add_document",
        "choose_document",
    }
    assert {"delete_image", "delete_document"} <= media(MODERATORS)


def test_each_tree_follows_its_own_workflow_approved_by_moderators(newsroom):
    assert WorkflowPage.objects.get(page=newsroom.home_ru).workflow.name == (
        "Редакционная проверка"
    )
    assert WorkflowPage.objects.get(page=newsroom.home_kk).workflow.name == (
        "Проверка перевода"
    )
    for page in (newsroom.section_ru, newsroom.section_kk):
        task = page.get_workflow().tasks.get().specific
        assert set(task.groups.values_list("name", flat=True)) == {MODERATORS, CHIEF}


def test_the_roles_behave_as_declared_in_wagtail(newsroom):
    staff = make_staff()
    ru, kk = newsroom.section_ru, newsroom.section_kk
    assert ru.permissions_for_user(staff.editor).can_edit()
    assert not ru.permissions_for_user(staff.editor).can_publish()
    assert not kk.permissions_for_user(staff.editor).can_edit()
    assert kk.permissions_for_user(staff.translator).can_edit()
    assert not kk.permissions_for_user(staff.translator).can_publish()
    assert not ru.permissions_for_user(staff.translator).can_edit()
    assert ru.permissions_for_user(staff.moderator).can_publish()
    assert kk.permissions_for_user(staff.moderator).can_publish()
    assert ru.permissions_for_user(staff.chief).can_delete()


# --------------------------------------------------------- idempotence, drift


def test_running_it_twice_changes_nothing_and_says_so(newsroom):
    setup_newsroom("--fix")  # Wagtail's defaults are reported until fixed
    before = state()
    output = setup_newsroom()
    assert state() == before
    assert "no changes" in output
    assert Group.objects.filter(name=EDITORS).count() == 1
    assert Workflow.objects.filter(name="Редакционная проверка").count() == 1


def test_an_admins_change_is_reported_not_overwritten(newsroom):
    publish = Permission.objects.get(codename="publish_page")
    editors = Group.objects.get(name=EDITORS)
    GroupPagePermission.objects.create(
        group=editors, page=newsroom.home_ru, permission=publish
    )
    editors.permissions.remove(Permission.objects.get(codename="access_admin"))
    before = state()

    output = setup_newsroom()

    assert "- Корреспонденты: publish_page on «Главная» (ru)" in output
    assert "+ Корреспонденты: permission wagtailadmin.access_admin" in output
    assert "--fix" in output
    assert state() == before


def test_fix_applies_the_declaration_and_then_there_is_nothing_left(newsroom):
    editors = Group.objects.get(name=EDITORS)
    GroupPagePermission.objects.create(
        group=editors,
        page=newsroom.home_kk,
        permission=Permission.objects.get(codename="change_page"),
    )
    GroupPagePermission.objects.filter(
        group=editors, permission__codename="add_page"
    ).delete()

    output = setup_newsroom("--fix")

    assert "Fixed" in output
    assert page_permissions(EDITORS) == {
        ("Главная", "add_page"),
        ("Главная", "change_page"),
        ("Главная", "lock_page"),
    }
    assert "no changes" in setup_newsroom()


def test_workflow_drift_is_reported_and_fixed(newsroom):
    other = Workflow.objects.create(name="Без проверки")
    WorkflowPage.objects.filter(page=newsroom.home_kk).update(workflow=other)
    task = GroupApprovalTask.objects.get(name="Одобрение выпускающего редактора")
    task.groups.remove(Group.objects.get(name=CHIEF))

    output = setup_newsroom()

    assert "«Басты бет» (kk) follows «Без проверки» instead" in output
    assert "+ task «Одобрение выпускающего редактора»: approver «Главный редактор»" in (
        output
    )
    assert WorkflowPage.objects.get(page=newsroom.home_kk).workflow == other

    setup_newsroom("--fix")
    assert WorkflowPage.objects.get(page=newsroom.home_kk).workflow.name == (
        "Проверка перевода"
    )
    assert task.groups.filter(name=CHIEF).exists()
    assert "no changes" in setup_newsroom()


def test_without_a_kazakh_home_the_roles_set_up_what_they_can_and_say_so(db):
    tree = build_tree()
    tree.home_kk.delete()

    report = Newsroom().sync()

    assert any("No home page in the kk tree yet" in note for note in report.skipped)
    assert Group.objects.filter(name=TRANSLATORS).exists()
    assert page_permissions(TRANSLATORS) == set()
    assert WorkflowPage.objects.filter(page=tree.home_ru).exists()
    assert Workflow.objects.filter(name="Проверка перевода").exists()


def test_a_missing_kazakh_home_is_made_and_given_its_roles_in_one_run(db):
    tree = build_tree()
    tree.home_kk.delete()

    output = setup_newsroom()

    assert "No home page" not in output
    home_kk = Page.objects.get(
        translation_key=tree.home_ru.translation_key, locale__language_code="kk"
    )
    assert not home_kk.live  # an untranslated draft, like every new kk page
    assert (home_kk.title, "change_page") in page_permissions(TRANSLATORS)
    assert WorkflowPage.objects.get(page=home_kk).workflow.name == "Проверка перевода"


def test_a_kazakh_home_created_later_is_reported_and_taken_in_by_fix(db):
    tree = build_tree()
    kk_home_pk = tree.home_kk.pk
    Page.objects.get(pk=kk_home_pk).delete()
    Newsroom().sync()
    tree = build_tree_again_kazakh(tree)

    output = setup_newsroom()
    assert "+ Переводчики: add_page on «Басты бет» (kk)" in output

    setup_newsroom("--fix")
    assert ("Басты бет", "change_page") in page_permissions(TRANSLATORS)
    assert WorkflowPage.objects.get(page=tree.home_kk).workflow.name == (
        "Проверка перевода"
    )


def build_tree_again_kazakh(tree):
    tree.home_kk = HomePageFactory(
        parent=Page.get_first_root_node(),
        locale=locale("kk"),
        slug="home-kk",
        title="Басты бет",
        translation_key=tree.home_ru.translation_key,
    )
    return tree


# ------------------------------------------------------------ Wagtail's defaults


def wagtail_defaults() -> Workflow:
    """What Wagtail's migrations set up (made here if a test emptied it)."""
    root = Page.get_first_root_node()
    for name, codenames in (
        ("Editors", ("add_page", "change_page")),
        ("Moderators", ("add_page", "change_page", "publish_page")),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    workflow, _ = Workflow.objects.get_or_create(name="Moderators approval")
    WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def test_wagtails_default_groups_and_root_workflow_are_reported(newsroom):
    workflow = wagtail_defaults()
    before = state()

    output = setup_newsroom()

    assert "- Editors (Wagtail's default group): change_page on the root" in output
    assert "- Moderators (Wagtail's default group): publish_page on the root" in (
        output
    )
    assert f"- workflow «{workflow.name}»: assigned to the root" in output
    assert "--fix" in output
    assert state() == before


def test_fix_strips_wagtails_defaults_and_keeps_the_groups(newsroom):
    wagtail_defaults()

    output = setup_newsroom("--fix")

    assert "Fixed" in output
    assert not GroupPagePermission.objects.filter(
        group__name__in=("Editors", "Moderators")
    ).exists()
    assert not WorkflowPage.objects.filter(page=Page.get_first_root_node()).exists()
    assert Group.objects.filter(name__in=("Editors", "Moderators")).count() == 2
    assert WorkflowPage.objects.get(page=newsroom.home_ru).workflow.name == (
        "Редакционная проверка"
    )
    assert "no changes" in setup_newsroom()
