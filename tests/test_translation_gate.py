"""The last publish paths that could put Russian live in the kk tree (issue 12).

The translation editor's "Publish", "Update translations" with "Publish
immediately", and Wagtail's own editor once synchronising stopped all refuse
a page whose Kazakh text is missing; deleting a kk page keeps the Kazakh
strings for its recreated draft.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import StringTranslation, TranslationSource

from news.models import NewsPage
from tests.newsroom_support import page_form_data
from tests.translation_support import (
    newsroom_staff,
    translate_strings,
    translated_article,
)

pytestmark = pytest.mark.django_db

TITLE_RU = "Фабрика перешла на новую смену"
LEAD_RU = "Смена начинается в семь утра."
TITLE_KK = "Фабрика жаңа ауысымға көшті"
LEAD_KK = "Ауысым таңғы жетіде басталады."


@pytest.fixture
def story(tree):
    staff = newsroom_staff()
    _article, translation = translated_article(
        tree.section_ru, title=TITLE_RU, slug="smena", lead=LEAD_RU
    )
    return staff, translation, translation.get_target_instance()


def refreshed(page) -> NewsPage:
    return NewsPage.objects.get(pk=page.pk)


def shown_messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def publish_in_translation_editor(client, page, capture):
    with capture(execute=True):
        return client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)), {"action": "publish"}
        )


def stop_synchronising(client, staff, translation):
    client.force_login(staff.translator)
    response = client.post(
        reverse("wagtail_localize:stop_translation", args=(translation.pk,)),
        {"next": "/admin/"},
    )
    assert response.status_code == 302


# 1. the translation editor's "Publish"


def test_the_translation_editor_refuses_to_publish_and_names_the_missing_segments(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK})
    client.force_login(staff.moderator)
    response = publish_in_translation_editor(
        client, page, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert "1 сегмент ещё не переведён" in shown_messages(response)
    page = refreshed(page)
    assert not page.live
    assert page.title == TITLE_RU  # nothing was written to the page either


def test_the_chief_editor_is_refused_too_and_pointed_to_the_review(
    client, story, django_capture_on_commit_callbacks
):
    staff, _translation, page = story
    client.force_login(staff.chief)
    response = publish_in_translation_editor(
        client, page, django_capture_on_commit_callbacks
    )
    assert "главный редактор может утвердить" in shown_messages(response)
    assert not refreshed(page).live


def test_a_translator_who_may_not_publish_gets_upstreams_refusal_not_the_count(
    client, story, django_capture_on_commit_callbacks
):
    staff, _translation, page = story
    client.force_login(staff.translator)
    response = publish_in_translation_editor(
        client, page, django_capture_on_commit_callbacks
    )
    # Wagtail's "no access": back to the dashboard, not to the editor.
    assert response.status_code == 302 and response.url == "/admin/"
    assert not refreshed(page).live


def test_a_complete_translation_is_published_from_the_translation_editor(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    client.force_login(staff.moderator)
    publish_in_translation_editor(client, page, django_capture_on_commit_callbacks)
    page = refreshed(page)
    assert page.live and page.title == TITLE_KK


# 2. "Update translations" with "Publish immediately"


def update_and_publish(client, staff, article, capture):
    source = TranslationSource.objects.get(
        object_id=article.translation_key, locale__language_code="ru"
    )
    client.force_login(staff.chief)
    with capture(execute=True):
        return client.post(
            reverse("wagtail_localize:update_translations", args=(source.pk,)),
            {"publish_translations": "on"},
        )


def test_update_and_publish_syncs_an_incomplete_translation_but_does_not_publish(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    article = translation.source.get_source_instance()
    article.lead = "Смена теперь начинается в восемь утра."
    article.save_revision().publish()
    response = update_and_publish(
        client, staff, article, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert "синхронизирован, но не опубликован: 2 сегмента" in shown_messages(response)
    assert not refreshed(page).live
    # Synced: the editor has the new source text to translate.
    translation.source.refresh_from_db()
    assert "Смена теперь начинается в восемь утра." in [
        segment.string.data
        for segment in translation.source.stringsegment_set.select_related("string")
    ]


def test_update_and_publish_publishes_a_complete_translation(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    article = translation.source.get_source_instance()
    update_and_publish(client, staff, article, django_capture_on_commit_callbacks)
    page = refreshed(page)
    assert page.live and page.title == TITLE_KK


# 3. Wagtail's own editor once synchronising stopped


def publish_in_wagtail_editor(client, page, capture, **overrides):
    with capture(execute=True):
        return client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            page_form_data(page, **overrides) | {"action-publish": "1"},
        )


def test_a_stopped_page_still_in_russian_is_not_published_but_its_draft_is_kept(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    stop_synchronising(client, staff, translation)
    client.force_login(staff.moderator)
    response = publish_in_wagtail_editor(
        client, page, django_capture_on_commit_callbacks, lead=LEAD_KK
    )
    assert response.status_code == 302
    assert "всё ещё как в русском оригинале" in shown_messages(response)
    page = refreshed(page)
    assert not page.live
    # The draft is kept.
    assert page.get_latest_revision_as_object().lead == LEAD_KK


def test_a_stopped_page_still_in_russian_is_not_scheduled(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    stop_synchronising(client, staff, translation)
    client.force_login(staff.moderator)
    publish_in_wagtail_editor(
        client, page, django_capture_on_commit_callbacks, go_live_at="2099-01-01 10:00"
    )
    page = refreshed(page)
    assert not page.live and page.scheduled_revision is None


def test_a_stopped_page_is_published_once_rewritten_in_kazakh(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    stop_synchronising(client, staff, translation)
    client.force_login(staff.moderator)
    publish_in_wagtail_editor(
        client, page, django_capture_on_commit_callbacks, title=TITLE_KK, lead=LEAD_KK
    )
    assert refreshed(page).live


def test_the_review_of_a_stopped_page_still_in_russian_cannot_approve_it(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    stop_synchronising(client, staff, translation)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            page_form_data(page) | {"action-submit": "1"},
        )
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    client.force_login(staff.moderator)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", state.current_task_state_id),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"comment": ""})
    assert not refreshed(page).live


def test_bulk_publishing_refuses_a_batch_with_an_untranslated_page(
    client, story, django_capture_on_commit_callbacks
):
    staff, _translation, page = story
    client.force_login(staff.moderator)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{url}?id={page.pk}&next=/admin/", {"include_descendants": ""}
        )
    assert response.status_code == 302
    assert "Ничего не опубликовано" in shown_messages(response)
    assert not refreshed(page).live


def test_bulk_publishing_with_descendants_refuses_an_untranslated_draft_below(
    client, story, django_capture_on_commit_callbacks
):
    staff, _translation, page = story
    section = page.get_parent()
    client.force_login(staff.moderator)
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{url}?id={section.pk}&next=/admin/", {"include_descendants": "on"}
        )
    assert not refreshed(page).live


# 4. deleting a kk page


def test_deleting_a_kk_page_keeps_its_kazakh_strings_for_the_recreated_draft(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK})
    client.force_login(staff.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailadmin_pages:delete", args=(page.pk,)))
    assert response.status_code == 302
    assert StringTranslation.objects.filter(data=TITLE_KK).exists()
    recreated = Page.objects.get(
        translation_key=page.translation_key, locale=page.locale
    )
    assert not recreated.live  # half translated: back to review, not to readers
    client.force_login(staff.translator)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=(recreated.pk,)))
    assert TITLE_KK in editor.content.decode()


# 5. the slug of a live page


def test_the_translation_editor_of_a_live_page_says_the_slug_keeps_its_address(
    client, story, django_capture_on_commit_callbacks
):
    staff, translation, page = story
    client.force_login(staff.translator)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert "translation-live-address" not in editor.content.decode()
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    client.force_login(staff.moderator)
    publish_in_translation_editor(client, page, django_capture_on_commit_callbacks)
    client.force_login(staff.translator)
    html = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).content
    assert "перевод слага не меняет его адрес" in html.decode()
