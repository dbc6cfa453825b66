"""A translated address, in Chromium: Kazakh when it first goes live, then fixed.

The translator translates a published Russian article in wagtail-localize's
editor, the slug segment on the promote tab included, and submits it for
review from the translations dashboard; the moderator approves it from the
admin dashboard, and the Kazakh page is live at the translator's Kazakh slug
(not the Russian transliteration, not Django's "no2"). The translator then
changes a segment and the slug segment, the moderator publishes the update
from the translation editor ("Опубликовать: Қазақша"), and readers find the
new text at the same address. Screenshots: tests/artifacts/screenshots/
slug-journey-*.png.
"""

from __future__ import annotations

import pytest
from wagtail.models import Locale, Page
from wagtail_localize.operations import translate_object

from linguistics import slugify
from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.factories import NewsPageFactory
from tests.newsroom_support import make_staff
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RU_TITLE = "Обогатительная фабрика №2 вышла на проектную мощность"
RU_SLUG = "obogatitelnaya-fabrika-no2-vyshla-na-proektnuyu-moshchnost"
RU_LEAD = "Фабрика работает в три смены."
KK_TITLE = "Екінші байыту фабрикасы жобалық қуатына шықты"
KK_SLUG_TEXT = "байыту-фабрикасы-no2-жобалық-қуатына-шықты"
KK_LEAD = "Фабрика үш ауысыммен жұмыс істейді."
NEW_KK_LEAD = "Фабрика енді тәулік бойы үш ауысыммен жұмыс істейді."
NEW_KK_SLUG_TEXT = "фабрика-тәулік-бойы"


def shoot(page, name: str) -> None:
    screenshot(page, f"slug-journey-{name}")


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()


def type_translation(page, source: str, text: str) -> None:
    """Opens a segment's editor, types as a person does, and saves with Enter."""
    segment = page.locator(".js-translation-editor li", has_text=source).first
    segment.locator("button").first.click()
    editor = segment.locator("textarea")
    editor.fill("")
    editor.press_sequentially(text)
    editor.press("Enter")
    page.locator("li.complete", has_text=text).first.wait_for()


def saved(page) -> None:
    page.wait_for_load_state("networkidle")
    page.get_by_text("Saving...").or_(page.get_by_text("Сохранение")).wait_for(
        state="detached"
    )


def translator_translates_and_submits(browser, base: str, draft_id: int) -> dict:
    with desktop_page(browser, base, "translator") as page:
        page.goto(f"{base}/admin/pages/{draft_id}/edit/")
        page.wait_for_selector(".js-translation-editor li.incomplete")
        type_translation(page, RU_TITLE, KK_TITLE)
        type_translation(page, RU_LEAD, KK_LEAD)
        open_tab(page, "Продвижение")
        type_translation(page, RU_SLUG, KK_SLUG_TEXT)
        saved(page)
        shoot(page, "1-translator-slug-segment")
        seen = {"untranslated": page.locator("li.incomplete").count()}

        page.goto(f"{base}/admin/translations/?status=in_progress")
        row = page.locator("tr[data-status='in_progress']").first
        row.locator("form button[type=submit]").click()
        page.wait_for_url(f"{base}/admin/translations/**")
        seen["message"] = page.locator(".messages").inner_text()
        shoot(page, "2-translator-submitted")
        return seen


def moderator_approves(browser, base: str) -> dict:
    with desktop_page(browser, base, "moderator") as page:
        awaiting = page.locator("#awaiting-review-section")
        seen = {"awaiting": awaiting.inner_text()}
        awaiting.locator("[data-w-dropdown-target='toggle']").first.click()
        shoot(page, "3-moderator-dashboard")
        with page.expect_navigation():
            page.get_by_role("button", name="Одобрить", exact=True).click()
        page.wait_for_load_state("networkidle")
        shoot(page, "4-moderator-approved")  # Wagtail shows the page, no message
        return seen


def translator_changes_a_segment(browser, base: str, page_id: int) -> None:
    with desktop_page(browser, base, "translator") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        page.wait_for_selector(".js-translation-editor li.complete")
        type_translation(page, RU_LEAD, NEW_KK_LEAD)
        open_tab(page, "Продвижение")
        type_translation(page, RU_SLUG, NEW_KK_SLUG_TEXT)
        saved(page)
        shoot(page, "6-translator-changes-segments")


def moderator_publishes(browser, base: str, page_id: int) -> str:
    with desktop_page(browser, base, "moderator") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        page.locator("button[name='action'][value='publish']").click()
        page.locator(".messages").wait_for()
        shoot(page, "7-moderator-published-update")
        return page.locator(".messages").inner_text()


def reader_reads(browser, url: str, name: str) -> dict:
    with desktop_page(browser) as page:
        response = page.goto(url)
        shoot(page, name)
        return {
            "status": response.status,
            "url": page.url,
            "title": page.locator("h1").first.inner_text(),
            "text": page.locator("main").inner_text(),
        }


def test_a_translated_address_is_kazakh_at_first_and_never_moves(browser, live_server):
    tree = build_tree()
    staff = make_staff()
    ensure_locale_synchronisation()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=tree.section_ru, title=RU_TITLE, slug=RU_SLUG, lead=RU_LEAD
    )
    article.save_revision(user=staff.moderator).publish(user=staff.moderator)
    translate_object(article, [kk])  # what "Sync translated pages" does
    draft = Page.objects.get(translation_key=article.translation_key, locale=kk)
    base = live_server.url

    translator = browser.run(
        lambda chromium: translator_translates_and_submits(chromium, base, draft.pk)
    )
    assert translator["untranslated"] == 0
    assert KK_TITLE in translator["message"]
    assert "Проверка перевода" in translator["message"]

    moderator = browser.run(lambda chromium: moderator_approves(chromium, base))
    assert KK_TITLE in moderator["awaiting"]
    kk_page = NewsPage.objects.get(pk=draft.pk)
    assert kk_page.live
    assert kk_page.slug == slugify(KK_SLUG_TEXT)
    assert kk_page.url == f"/kk/zhanalyqtar/{slugify(KK_SLUG_TEXT)}/"
    address = base + kk_page.url
    first = browser.run(lambda chromium: reader_reads(chromium, address, "5-reader"))
    assert (first["status"], first["url"], first["title"]) == (200, address, KK_TITLE)

    browser.run(
        lambda chromium: translator_changes_a_segment(chromium, base, kk_page.pk)
    )
    message = browser.run(
        lambda chromium: moderator_publishes(chromium, base, kk_page.pk)
    )
    assert "Қазақша" in message
    kk_page.refresh_from_db()
    assert kk_page.lead == NEW_KK_LEAD
    assert base + kk_page.url == address
    update = browser.run(lambda chromium: reader_reads(chromium, address, "8-reader"))
    assert (update["status"], update["url"]) == (200, address)
    assert NEW_KK_LEAD in update["text"]
