"""A translator's journey and a reader's language switch, in Chromium.

The translator logs in through the admin's login form, opens the Kazakh
draft of a published Russian article in wagtail-localize's translation editor,
translates its segments one by one (typing, as a person does), and submits it
for review from the translation dashboard. A moderator approves it; a reader
on the Russian article clicks "Қазақша" and lands on the Kazakh one, and back.
Screenshots of each step go to tests/artifacts/screenshots/translator-*.png.

Also here, because it needs a JavaScript engine: the admin's slug script gives
exactly the slugs ``linguistics.slugify`` gives, title for title.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation
from wagtail_localize.operations import translate_object

from core.slugs import slug_rules
from linguistics import slugify
from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import (
    desktop_page,
    screenshot,
)
from tests.factories import NewsPageFactory
from tests.newsroom_support import make_staff
from tests.translation_support import approve, translation_for
from translations.status import IN_REVIEW, translation_status
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SLUG_SCRIPT = (
    Path(__file__).resolve().parents[2] / "core" / "static" / "core" / "js"
) / "kk-slugify.js"

TITLE_RU = "Конвейер на фабрике №5 работает без остановок"
LEAD_RU = "Руда идёт с дробильного комплекса без перегрузок."
TITLE_KK = "№5 фабрикадағы конвейер тоқтаусыз жұмыс істейді"
LEAD_KK = "Кен ұсақтау кешенінен қайта тиеусіз жетеді."

#: Titles the JavaScript must slug exactly as Python does.
SLUG_TITLES = [
    "Әлемдік рекорд",
    "Ғалымдар ғимараты",
    "Қазақстан қаласы",
    "Таң шапағы мен ең жақсы күн",
    "Өндіріс пен өнер",
    "Ұлттық ұжым",
    "Үздік үш маман",
    "Һ әрпі: һижра",
    "Іскер әріптестер",
    "ӘҒҚҢӨҰҮҺІ әғқңөұүһі",
    "ҚАЗАҚСТАН ЖӘНЕ ӨҢІРЛЕР",
    "Ёлка, съезд, щука и объём",
    "Карьер «Северный» — 2025: итоги",
    "Kазақстан және Aлматы",  # Latin K and A inside Kazakh words
    "Apple мен Samsung",  # Latin brand names stay Latin
    "Café Straße ﬁnance Øresund Łódź",
    "Don't stop: O'Brien's `code`",
    "Ağıl İstanbul'da ışık",
    "Кітап 📚 оқу",
    "   --- жаңа   бет ---   ",
    "Мемлекеттендірілмегендіктеріңізден туындаған өте ұзын тақырып "
    "сексен таңбадан асатын сөйлем ретінде жазылған",
    "Ə ɵ h: IPA пернетақтасынан",
]


def shoot(page, name: str) -> None:
    screenshot(page, f"translator-{name}")


# ------------------------------------------------------- slugs: JS == Python


def javascript_slugs(browser, titles: list[str]) -> list[str]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<script id="kmpress-slug-rules" type="application/json">'
            + json.dumps(slug_rules())
            + "</script>"
        )
        page.add_script_tag(content=SLUG_SCRIPT.read_text(encoding="utf-8"))
        return page.evaluate(
            "(titles) => titles.map((title) => window.kmpressSlugify(title))", titles
        )
    finally:
        context.close()


def test_the_admin_slug_script_agrees_with_python(browser):
    titles = SLUG_TITLES + [f"а{letter}б" for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ"]
    assert browser.run(lambda chromium: javascript_slugs(chromium, titles)) == [
        slugify(title) for title in titles
    ]


SETTLED_JS = """
([selector, previous]) => new Promise((resolve) => {
  // Wagtail syncs the slug after a pause in typing: wait until it holds still.
  let last = document.querySelector(selector).value, calm = 0;
  const tick = () => {
    const now = document.querySelector(selector).value;
    calm = now === last && now !== previous ? calm + 1 : 0;
    last = now;
    if (calm >= 5) resolve(now); else setTimeout(tick, 100);
  };
  tick();
})
"""


def typed_slug(browser, base: str, cookie: dict, section_id: int) -> dict:
    with desktop_page(browser, cookies=[cookie]) as page:
        page.goto(f"{base}/admin/pages/add/news/newspage/{section_id}/")
        page.locator("#id_title").press_sequentially("Қазақ әліпбиі: ң, ұ, ү, һ")
        page.locator("#id_title").blur()
        seen = {"after_title": page.evaluate(SETTLED_JS, ["#id_slug", ""])}
        page.locator("[role=tab]").nth(1).click()  # the promote tab, with the slug
        page.locator("#id_slug").fill("Өзгерген  Қала")
        page.locator("#id_slug").blur()
        seen["after_editing"] = page.locator("#id_slug").input_value()
        shoot(page, "0-admin-slug")
        return seen


def session_cookie(user, base: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": base,
    }


def test_the_admin_slug_field_keeps_kazakh_letters(browser, live_server):
    tree = build_tree()
    chief = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    cookie = session_cookie(chief, live_server.url)
    seen = browser.run(
        lambda chromium: typed_slug(
            chromium, live_server.url, cookie, tree.section_kk.pk
        )
    )
    assert seen == {
        "after_title": slugify("Қазақ әліпбиі: ң, ұ, ү, һ"),
        "after_editing": "oezgergen-qala",
    }
    assert seen["after_title"] == "qazaq-aelipbii-ng-u-ue-h"


# ------------------------------------------------------ the translator's day


def translator_translates(browser, base: str, draft_id: int, texts: dict) -> dict:
    with desktop_page(browser, base, "translator") as page:
        page.goto(f"{base}/admin/pages/{draft_id}/edit/")
        page.wait_for_selector(".js-translation-editor li.incomplete")
        shoot(page, "1-editor-untranslated")
        seen = {"segments_before": page.locator("li.incomplete").count()}
        for source, text in texts.items():
            segment = page.locator("li.incomplete", has_text=source).first
            segment.locator("button").first.click()
            editor = segment.locator("textarea")
            editor.press_sequentially(text)
            editor.press("Enter")
            page.locator("li.complete", has_text=text).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.get_by_text("Saving...").or_(page.get_by_text("Сохранение")).wait_for(
            state="detached"
        )
        shoot(page, "2-editor-translated")
        seen["segments_after"] = page.locator("li.incomplete").count()

        page.goto(f"{base}/admin/translations/?status=in_progress")
        row = page.locator("tr[data-status='in_progress']").first
        seen["dashboard_row"] = row.inner_text()
        shoot(page, "3-dashboard-in-progress")
        row.locator("form button[type=submit]").click()
        page.wait_for_url(f"{base}/admin/translations/**")
        seen["message"] = page.locator(".messages").inner_text()
        shoot(page, "4-submitted-for-review")
        return seen


def reader_switches(browser, base: str, ru_path: str) -> dict:
    with desktop_page(browser) as page:
        page.goto(base + ru_path)
        shoot(page, "5-reader-russian")
        page.locator(".language-switcher a[hreflang='kk']").click()
        page.wait_for_load_state()
        seen = {
            "kk_url": page.url,
            "kk_lang": page.locator("html").get_attribute("lang"),
            "kk_title": page.locator("h1").first.inner_text(),
        }
        shoot(page, "6-reader-kazakh")
        page.locator(".language-switcher a[hreflang='ru']").click()
        page.wait_for_load_state()
        seen["back_url"] = page.url
        return seen


def test_a_translator_translates_and_a_reader_switches_language(browser, live_server):
    tree = build_tree()
    staff = make_staff()
    ensure_locale_synchronisation()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=tree.section_ru, title=TITLE_RU, lead=LEAD_RU, slug="konveyer"
    )
    article.save_revision(user=staff.moderator).publish(user=staff.moderator)
    translate_object(article, [kk])
    draft = Page.objects.get(translation_key=article.translation_key, locale=kk)
    base = live_server.url

    seen = browser.run(
        lambda chromium: translator_translates(
            chromium, base, draft.pk, {TITLE_RU: TITLE_KK, LEAD_RU: LEAD_KK}
        )
    )

    assert seen["segments_after"] == seen["segments_before"] - 2
    assert TITLE_RU in seen["dashboard_row"]
    assert TITLE_KK in seen["message"]
    saved = set(
        StringTranslation.objects.filter(
            locale=kk,
            translation_of__in=StringSegment.objects.filter(
                source=translation_for(article, kk).source
            ).values("string"),
        ).values_list("data", flat=True)
    )
    assert {TITLE_KK, LEAD_KK} <= saved
    assert translation_status(target=kk).get(pk=article.pk).status == IN_REVIEW

    client = Client()
    client.force_login(staff.moderator)
    approve(client, draft)
    kk_article = NewsPage.objects.get(pk=draft.pk)
    assert kk_article.live and kk_article.title == TITLE_KK

    reader = browser.run(lambda chromium: reader_switches(chromium, base, article.url))

    assert reader["kk_url"] == base + kk_article.url
    assert reader["kk_lang"] == "kk"
    assert reader["kk_title"] == TITLE_KK
    assert reader["back_url"] == base + article.url
