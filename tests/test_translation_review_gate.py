"""No Russian goes live in the kk tree through review (issue 12, item 5).

A translation with untranslated segments cannot be sent to «Проверка
перевода» nor approved there: wagtail-localize would fill the gaps with the
Russian text. The chief editor may approve anyway, with a written reason that
lands in the page's history.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    PageLogEntry,
    Task,
    TaskState,
    WorkflowState,
)

from news.models import NewsPage
from newsroom.models import TranslationApprovalTask
from newsroom.roles import CHIEF, MODERATORS, convert_task
from tests.translation_support import (
    approve,
    newsroom_staff,
    translate_strings,
    translated_article,
)
from translations.review import submit_for_review

pytestmark = pytest.mark.django_db

TITLE_RU = "Фабрика перешла на новую смену"
LEAD_RU = "Смена начинается в семь утра."
TITLE_KK = "Фабрика жаңа ауысымға көшті"
LEAD_KK = "Ауысым таңғы жетіде басталады."


@pytest.fixture
def story(tree, django_capture_on_commit_callbacks):
    staff = newsroom_staff()
    _article, translation = translated_article(
        tree.section_ru, title=TITLE_RU, slug="smena", lead=LEAD_RU
    )
    return staff, translation, translation.get_target_instance()


def action_url(page, action: str) -> str:
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, action, state.current_task_state_id),
    )


def test_the_review_step_of_kazakh_pages_is_a_translation_approval(story):
    _staff, _translation, page = story
    assert isinstance(page.get_workflow().tasks.get().specific, TranslationApprovalTask)


def test_a_half_translated_page_is_not_sent_for_review_and_says_what_is_missing(
    client, story
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK})
    response = client.post(
        reverse("translations_submit", args=(translation.pk,)), follow=True
    )
    assert response.status_code == 200
    assert "1 непереведённый сегмент" in response.content.decode()
    assert not WorkflowState.objects.exists()
    page.refresh_from_db()
    assert not page.live


def test_the_dashboard_row_says_how_many_segments_are_left_instead_of_offering_review(
    client, story
):
    staff, translation, _page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK})
    html = client.get(reverse("translations_status")).content.decode()
    assert reverse("translations_submit", args=(translation.pk,)) not in html
    assert "translations-status-missing" in html
    translate_strings(client, translation, {LEAD_RU: LEAD_KK})
    html = client.get(reverse("translations_status")).content.decode()
    assert reverse("translations_submit", args=(translation.pk,)) in html


def test_the_translation_editor_says_how_many_segments_are_left(client, story):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK})
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content
    html = html.decode()
    assert "translation-review-bar__missing" in html
    assert reverse("translations_submit", args=(translation.pk,)) in html


def test_a_moderator_may_neither_see_nor_force_approval_of_an_incomplete_page(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    # The source changed under review, or the chief editor submitted it.
    submit_for_review(translation, staff.chief)
    client.force_login(staff.moderator)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert action_url(page, "approve") not in editor.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(page, "approve"), {"comment": ""})
    assert response.status_code == 302  # Wagtail's "no access" back to the admin
    page.refresh_from_db()
    assert not page.live
    assert TaskState.objects.get().status == TaskState.STATUS_IN_PROGRESS


def test_the_chief_editor_approves_an_incomplete_page_with_a_reason_in_history(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    submit_for_review(translation, staff.chief)
    client.force_login(staff.chief)
    url = action_url(page, "approve_untranslated")
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"comment": "  "})
    assert refused.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.live
    reason = "Срочное сообщение, перевод будет вечером"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"comment": reason})
    page.refresh_from_db()
    assert page.live
    entry = PageLogEntry.objects.get(page=page, action="newsroom.approve_untranslated")
    assert entry.data["reason"] == reason
    assert entry.data["untranslated"] == 2
    history = client.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    assert reason in history.content.decode()


def test_a_complete_translation_is_approved_as_before(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    client.post(reverse("translations_submit", args=(translation.pk,)))
    client.force_login(staff.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, page)
    page = NewsPage.objects.get(pk=page.pk)
    assert page.live and page.title == TITLE_KK and page.lead == LEAD_KK


def test_setup_newsroom_turns_an_existing_group_approval_into_a_translation_approval(
    story,
):
    staff, translation, page = story
    task = page.get_workflow().tasks.get().specific
    old = convert_task(task, GroupApprovalTask)  # an install from before
    call_command("setup_newsroom", verbosity=0)
    assert type(Task.objects.get(pk=old.pk).specific) is GroupApprovalTask
    call_command("setup_newsroom", "--fix", verbosity=0)
    converted = Task.objects.get(pk=old.pk).specific
    assert isinstance(converted, TranslationApprovalTask)
    approvers = set(converted.groups.values_list("name", flat=True))
    assert approvers == {MODERATORS, CHIEF}
    assert page.get_workflow().tasks.get().pk == old.pk
