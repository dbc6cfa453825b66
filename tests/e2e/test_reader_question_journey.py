"""«Проблемная зона» in Chromium: a reader asks on the cached section page, a
release editor answers in the admin, the reader sees the answer there.

The page cache is on: the form gets its CSRF token from the fetch in ask.js.
Screenshots (375 and 1280 px) go to tests/artifacts/screenshots/questions-*.png.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches

from questions.models import Question, QuestionDesk, Status
from tests.cache_support import reset_page_cache_health
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.factories import SectionPageFactory
from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUESTION = "Третью неделю в подъезде дома № 12 на улице Победы не горит свет."
ANSWER = "Электрики заменили щиток 24 ноября, свет в подъезде есть."


def reader_asks(browser, url: str) -> dict:
    def run(chromium):
        # An earlier reader's visit fills the page cache...
        earlier = chromium.new_context()
        earlier.new_page().goto(url)
        earlier.close()
        context = chromium.new_context(viewport={"width": 375, "height": 800})
        try:
            page = context.new_page()
            # ...and this reader gets the cached copy.
            cache = page.goto(url).headers.get("x-wagtail-cache")
            page.wait_for_function(
                "() => document.querySelector('.question-form [name=started]').value"
            )
            screenshot(page, "questions-section-375")
            page.fill("#question_text", QUESTION)
            page.fill("#question_name", "Айгуль")
            page.fill("#question_contact", "reader@example.kz")
            page.check("#question_consent")
            page.click(".question-form button[type=submit]")
            page.wait_for_load_state()
            screenshot(page, "questions-thanks-375")
            return {"cache": cache, "heading": page.locator("h1").inner_text()}
        finally:
            context.close()

    return browser.run(run)


def editor_answers(browser, base: str, question_id: int) -> str:
    def run(chromium):
        with desktop_page(chromium, base, "moderator") as page:
            page.goto(f"{base}/admin/snippets/questions/question/edit/{question_id}/")
            page.select_option("#id_status", Status.ANSWERED)
            page.fill("#id_answer", ANSWER)
            screenshot(page, "questions-admin-1280")
            page.locator("form button.action-save").first.click()
            page.wait_for_load_state()
            return page.url

    return browser.run(run)


def reader_reads(browser, url: str) -> str:
    def run(chromium):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url)
            screenshot(page, "questions-answered-1280")
            page.set_viewport_size({"width": 375, "height": 800})
            screenshot(page, "questions-answered-375")
            return page.locator(".answers").inner_text()
        finally:
            context.close()

    return browser.run(run)


def test_a_reader_asks_an_editor_answers_and_the_reader_sees_the_answer(
    browser, live_server, settings
):
    settings.WAGTAIL_CACHE = True
    settings.READER_QUESTIONS_MIN_FILL_SECONDS = 0
    tree = build_tree()
    section = SectionPageFactory(
        parent=tree.home_ru, title="Проблемная зона", slug="problemy"
    )
    QuestionDesk.objects.create(section=section)
    reset_page_cache_health()
    caches["pagecache"].clear()
    url = live_server.url + section.url

    asked = reader_asks(browser, url)
    assert asked["cache"] == "hit"
    assert "Спасибо" in asked["heading"]
    question = Question.objects.get()
    assert (question.text, question.status) == (QUESTION, Status.NEW)

    make_staff()
    editor_answers(browser, live_server.url, question.pk)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED

    shown = reader_reads(browser, url)
    assert ANSWER in shown and QUESTION in shown
    assert "reader@example.kz" not in shown


KK_QUESTION = "Жеңіс көшесіндегі аялдамада кешке жарық жоқ, қараңғыда күтеміз."


def kazakh_reader_without_javascript(browser, url: str, width: int) -> dict:
    def run(chromium):
        context = chromium.new_context(
            viewport={"width": width, "height": 900}, java_script_enabled=False
        )
        try:
            page = context.new_page()
            page.goto(url)
            page.fill("#question_text", KK_QUESTION)
            page.click(".question-form button[type=submit]")
            page.wait_for_load_state()
            # No token on the cached page: the form comes back with one.
            first = page.locator(".form-message").inner_text()
            kept = page.locator("#question_text").input_value()
            page.click(".question-form button[type=submit]")  # consent not ticked
            page.wait_for_load_state()
            error = page.locator(".form-error").first.inner_text()
            screenshot(page, f"questions-ask-kk-{width}")
            page.check("#question_consent")
            page.click(".question-form button[type=submit]")
            page.wait_for_load_state()
            screenshot(page, f"questions-thanks-kk-{width}")
            heading = page.locator("h1").inner_text()
            return {"first": first, "kept": kept, "error": error, "heading": heading}
        finally:
            context.close()

    return browser.run(run)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_kazakh_reader_without_javascript_asks_in_kazakh(
    browser, live_server, settings, width
):
    settings.WAGTAIL_CACHE = True
    settings.READER_QUESTIONS_MIN_FILL_SECONDS = 0
    tree = build_tree()
    section = SectionPageFactory(
        parent=tree.home_ru, title="Проблемная зона", slug="problemy"
    )
    twin = SectionPageFactory(
        parent=tree.home_kk,
        locale=tree.home_kk.locale,
        title="Проблемалық аймақ",
        slug="maseleler",
        translation_key=section.translation_key,
    )
    QuestionDesk.objects.create(section=section)
    reset_page_cache_health()
    caches["pagecache"].clear()

    seen = kazakh_reader_without_javascript(browser, live_server.url + twin.url, width)
    assert seen["first"] == "Сұрағыңызды тексеріп, қайта жіберіңіз."
    assert seen["kept"] == KK_QUESTION
    assert seen["error"] == "Дербес деректерді өңдеуге келісім беріңіз."
    assert seen["heading"] == "Рахмет, сұрағыңыз жіберілді"
    question = Question.objects.get()
    assert (question.text, question.section_id) == (KK_QUESTION, twin.pk)
