"""The update cycle, for the people who do it (issue 12, item 6).

The Russian original changes: the dashboard row says "out of date" with the
number of changed segments; the translator brings the changes in from the
row, sees the pending segments and the percentage, translates them and sends
the update for review; the moderator approves; the live Kazakh page has the
new text, every earlier Kazakh string and its address. Nobody is offered a
control that answers "no access".
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page

from news.models import NewsPage
from tests.translation_support import (
    approve,
    newsroom_staff,
    translate_strings,
    translated_article,
)

pytestmark = pytest.mark.django_db

TITLE_RU = "Карьер получил новые самосвалы"
LEAD_RU = "Пять машин вышли на линию."
NEW_LEAD_RU = "Пять машин вышли на линию в первую смену."
TITLE_KK = "Карьер жаңа самосвалдар алды"
LEAD_KK = "Бес көлік желіге шықты."
NEW_LEAD_KK = "Бес көлік бірінші ауысымда желіге шықты."


def row_html(client, article) -> str:
    html = client.get(reverse("translations_status")).content.decode()
    start = html.rindex("<tr", 0, html.index(f'data-article="{article.pk}"'))
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def live_translation(client, tree, django_capture_on_commit_callbacks):
    """A Russian article and its reviewed, live Kazakh translation."""
    staff = newsroom_staff()
    article, translation = translated_article(
        tree.section_ru, title=TITLE_RU, slug="samosvaly", lead=LEAD_RU
    )
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    client.post(reverse("translations_submit", args=(translation.pk,)))
    client.force_login(staff.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, translation.get_target_instance())
    return staff, article, translation


def change_original(article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = NewsPage.objects.get(pk=article.pk)
        article.lead = NEW_LEAD_RU
        article.save_revision().publish()


def test_the_translator_brings_an_update_from_the_dashboard_to_the_live_kazakh_page(
    client, live_translation, django_capture_on_commit_callbacks
):
    staff, article, translation = live_translation
    kk_page = NewsPage.objects.get(pk=translation.get_target_instance().pk)
    address = kk_page.url
    change_original(article, django_capture_on_commit_callbacks)

    client.force_login(staff.translator)
    row = row_html(client, article)
    assert 'data-status="outdated"' in row
    assert "1 изменённый сегмент" in row
    sync = reverse(
        "wagtail_localize:update_translations", args=(translation.source_id,)
    )
    assert f'action="{sync}"' in row

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sync, {"next": reverse("translations_status")})
    assert response.status_code == 302
    row = row_html(client, article)
    assert 'data-status="in_progress"' in row
    assert "50%" in row and "translations-status-missing" in row

    translate_strings(client, translation, {NEW_LEAD_RU: NEW_LEAD_KK})
    row = row_html(client, article)
    assert "translations-status-update" in row  # live, the update not reviewed
    submit = reverse("translations_submit", args=(translation.pk,))
    assert f'action="{submit}"' in row
    client.post(submit, {"next": reverse("translations_status")})
    assert NewsPage.objects.get(pk=kk_page.pk).lead == LEAD_KK  # until approved

    client.force_login(staff.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        approve(client, kk_page)
    kk_page = NewsPage.objects.get(pk=kk_page.pk)
    assert (kk_page.title, kk_page.lead) == (TITLE_KK, NEW_LEAD_KK)
    assert kk_page.url == address
    row = row_html(client, article)
    assert 'data-status="published"' in row
    assert "translations-status-update" not in row


def test_the_translator_sends_the_update_for_review_from_inside_the_translation_editor(
    client, live_translation, django_capture_on_commit_callbacks
):
    staff, article, translation = live_translation
    change_original(article, django_capture_on_commit_callbacks)
    client.force_login(staff.translator)
    sync = reverse(
        "wagtail_localize:update_translations", args=(translation.source_id,)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sync)
    translate_strings(client, translation, {NEW_LEAD_RU: NEW_LEAD_KK})
    editor_url = reverse(
        "wagtailadmin_pages:edit", args=(translation.get_target_instance().pk,)
    )
    editor = client.get(editor_url).content.decode()
    submit = reverse("translations_submit", args=(translation.pk,))
    assert f'action="{submit}"' in editor
    response = client.post(submit, {"next": editor_url})
    assert response.url == editor_url
    page = Page.objects.get(pk=translation.get_target_instance().pk)
    assert page.current_workflow_state.workflow.name == "Проверка перевода"


def test_publish_immediately_is_offered_only_to_those_who_may_publish(
    client, live_translation, django_capture_on_commit_callbacks
):
    staff, article, translation = live_translation
    change_original(article, django_capture_on_commit_callbacks)
    sync = reverse(
        "wagtail_localize:update_translations", args=(translation.source_id,)
    )
    client.force_login(staff.translator)
    assert 'name="publish_translations"' not in client.get(sync).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sync, {"publish_translations": "on"})
    assert response.status_code in (302, 403)
    assert NewsPage.objects.get(pk=translation.get_target_instance().pk).lead == LEAD_KK
    client.force_login(staff.chief)
    assert 'name="publish_translations"' in client.get(sync).content.decode()


@pytest.mark.parametrize(
    ("role", "title_link", "translate", "sync"),
    [
        ("editor", True, False, False),
        ("translator", False, True, True),
        # Moderators review; syncing is the translators' (and the chief's) work.
        ("moderator", True, True, False),
        ("chief", True, True, True),
    ],
)
def test_each_role_is_offered_only_the_dashboard_controls_that_work_for_it(
    client,
    live_translation,
    django_capture_on_commit_callbacks,
    role,
    title_link,
    translate,
    sync,
):
    staff, article, translation = live_translation
    change_original(article, django_capture_on_commit_callbacks)
    user = staff[role]
    client.force_login(user)
    row = row_html(client, article)
    kk_page = translation.get_target_instance()
    links = {
        "title": reverse("wagtailadmin_pages:edit", args=(article.pk,)),
        "translate": reverse("wagtailadmin_pages:edit", args=(kk_page.pk,)),
        "sync": reverse(
            "wagtail_localize:update_translations", args=(translation.source_id,)
        ),
    }
    offered = {name: url in row for name, url in links.items()}
    assert offered == {"title": title_link, "translate": translate, "sync": sync}
    for name, url in links.items():
        if offered[name]:
            assert client.get(url).status_code == 200, name
