"""The update cycle in Chromium (issue 12, item 6), and the chief's override (item 5).

A live Kazakh article's Russian original changes. The translator sees "out of
date" with the number of changed segments on the dashboard, brings the changes
in from the row, sees the pending segment and the percentage, translates it in
wagtail-localize's editor and sends the update for review from inside the
editor. The moderator approves; the Kazakh page shows the new text at the same
address, with every earlier Kazakh string. Then the chief editor approves an
incomplete translation with a reason, which the page's history shows.
Screenshots go to tests/artifacts/screenshots/update-cycle-*.png.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.newsroom_support import make_staff
from tests.translation_support import approve, translate_strings, translation_for
from translations.review import submit_for_review
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE_RU = "Обогатительная фабрика сменила футеровку мельниц"
LEAD_RU = "Ремонт занял четыре дня."
NEW_LEAD_RU = "Ремонт занял четыре дня вместо шести."
TITLE_KK = "Байыту фабрикасы диірмендердің футеровкасын ауыстырды"
LEAD_KK = "Жөндеу төрт күнге созылды."
NEW_LEAD_KK = "Жөндеу алты күннің орнына төрт күнге созылды."


def shoot(page, name: str) -> None:
    screenshot(page, f"update-cycle-{name}")


def translator_updates(browser, base: str, article_id: int, kk_id: int) -> dict:
    with desktop_page(browser, base, "translator") as page:
        page.goto(f"{base}/admin/translations/?status=outdated")
        row = page.locator(f"tr[data-article='{article_id}']")
        seen = {"outdated_row": row.inner_text()}
        shoot(page, "1-dashboard-out-of-date")
        row.locator("button[data-action=sync]").click()
        page.wait_for_url(f"{base}/admin/translations/**")
        row = page.locator(f"tr[data-article='{article_id}']")
        seen["synced_status"] = row.get_attribute("data-status")
        seen["synced_row"] = row.inner_text()
        shoot(page, "2-dashboard-pending-segment")

        row.locator(f"a[href='/admin/pages/{kk_id}/edit/']").click()
        page.wait_for_selector(".js-translation-editor li.incomplete")
        seen["pending_in_editor"] = page.locator("li.incomplete").all_inner_texts()
        segment = page.locator("li.incomplete", has_text=NEW_LEAD_RU).first
        segment.locator("button").first.click()
        editor = segment.locator("textarea")
        editor.press_sequentially(NEW_LEAD_KK)
        editor.press("Enter")
        page.locator("li.complete", has_text=NEW_LEAD_KK).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.get_by_text("Saving...").or_(page.get_by_text("Сохранение")).wait_for(
            state="detached"
        )
        shoot(page, "3-editor-translated")
        page.locator("button[data-action=submit-for-review]").click()
        page.wait_for_url(f"{base}/admin/pages/{kk_id}/edit/")
        seen["message"] = page.locator(".messages").inner_text()
        shoot(page, "4-editor-submitted")
        return seen


def reader_sees(browser, base: str, path: str) -> str:
    with desktop_page(browser) as page:
        response = page.goto(base + path)
        assert response.status == 200
        shoot(page, "5-reader-kazakh-updated")
        return page.locator("main").inner_text()


def chief_reads_history(browser, base: str, page_id: int) -> str:
    with desktop_page(browser, base, "chief") as page:
        page.goto(f"{base}/admin/pages/{page_id}/history/")
        shoot(page, "6-history-override-reason")
        return page.locator("main").inner_text()


def published_translation(staff, tree, kk):
    """A Russian article with its reviewed, live Kazakh translation."""
    article = NewsPage(title=TITLE_RU, slug="futerovka", lead=LEAD_RU)
    tree.section_ru.add_child(instance=article)
    article.save_revision(user=staff.moderator).publish(user=staff.moderator)
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    client = Client()
    client.force_login(staff.translator)
    translate_strings(client, translation, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK})
    client.post(reverse("translations_submit", args=(translation.pk,)))
    client.force_login(staff.moderator)
    approve(client, translation.get_target_instance())
    return article, translation


def test_a_russian_change_reaches_the_live_kazakh_page_through_review(
    browser, live_server
):
    tree = build_tree()
    staff = make_staff()
    ensure_locale_synchronisation()
    kk = Locale.objects.get(language_code="kk")
    article, translation = published_translation(staff, tree, kk)
    kk_page = NewsPage.objects.get(pk=translation.get_target_instance().pk)
    address = kk_page.url
    article.lead = NEW_LEAD_RU
    article.save_revision(user=staff.moderator).publish(user=staff.moderator)
    base = live_server.url

    seen = browser.run(
        lambda chromium: translator_updates(chromium, base, article.pk, kk_page.pk)
    )

    assert "1 изменённый сегмент" in seen["outdated_row"]
    assert seen["synced_status"] == "in_progress"
    assert "50%" in seen["synced_row"]
    # The new lead, and the slug: an address, not text (newsroom.models).
    pending = [text for text in seen["pending_in_editor"] if "futerovka" not in text]
    assert len(pending) == 1 and NEW_LEAD_RU in pending[0]
    assert TITLE_KK in seen["message"]
    client = Client()
    client.force_login(staff.moderator)
    approve(client, kk_page)
    kk_page = NewsPage.objects.get(pk=kk_page.pk)
    assert kk_page.url == address
    text = browser.run(lambda chromium: reader_sees(chromium, base, address))
    assert TITLE_KK in text and NEW_LEAD_KK in text
    assert LEAD_RU not in text and NEW_LEAD_RU not in text


def test_the_chief_editor_overrides_with_a_reason_the_history_shows(
    browser, live_server
):
    tree = build_tree()
    staff = make_staff()
    ensure_locale_synchronisation()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPage(title=TITLE_RU, slug="futerovka", lead=LEAD_RU)
    tree.section_ru.add_child(instance=article)
    article.save_revision(user=staff.moderator).publish(user=staff.moderator)
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    page = translation.get_target_instance()
    state = submit_for_review(translation, staff.chief)
    reason = "Срочное сообщение: перевод будет к вечеру"
    client = Client()
    client.force_login(staff.chief)
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(page.pk, "approve_untranslated", state.current_task_state_id),
        ),
        {"comment": reason},
    )

    history = browser.run(
        lambda chromium: chief_reads_history(chromium, live_server.url, page.pk)
    )

    assert reason in history
