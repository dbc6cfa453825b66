"""Nothing Russian reaches the Kazakh site by scheduling or resetting, in Chromium.

Issue 12, items 1 and 4, walked by the people who do them: a moderator
schedules a Russian article for later in the admin; the Kazakh address shows
the "not yet translated" notice (never the Russian body) and the Kazakh home
lists nothing, before and after the worker's go-live tick. The chief editor
converts a live Kazakh translation back to an alias through the confirmation
page: readers get the notice, and the Kazakh revision is restored from the
page's history. A translator's convert-to-alias is refused. Screenshots go to
tests/artifacts/screenshots/schedule-*.png.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.factories import NewsPageFactory
from tests.translation_support import newsroom_staff
from translations.sync import synchronise_trees

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE_RU = "Карьер переходит на летний график"
BODY_RU = "С июня смены в карьере начинаются на час раньше."
TITLE_KK = "Карьер жазғы кестеге көшеді"
BODY_KK = "Маусымнан бастап карьердегі ауысымдар бір сағат ерте басталады."
NOTICE = "әлі қазақ тіліне аударылмаған"


def shoot(page, name: str) -> None:
    screenshot(page, f"schedule-{name}")


def open_action_menu(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def moderator_schedules(browser, base: str, page_id: int, go_live: str) -> str:
    """Edit → "Set schedule" → go-live time → Publish, as the moderator would."""
    with desktop_page(browser, base, "moderator") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        page.locator("[data-side-panel-toggle='status']").first.click()
        page.locator(
            "[data-a11y-dialog-show='schedule-publishing-dialog']"
        ).first.click()
        field = page.locator("#schedule-publishing-dialog #id_go_live_at")
        field.fill(go_live)
        shoot(page, "1-moderator-sets-go-live")
        # The date picker's calendar stays open over "Save schedule" (no click
        # outside closes it in headless Chromium): the click goes to the button.
        save = page.locator("#schedule-publishing-dialog button[type=submit]")
        save.dispatch_event("click")
        page.wait_for_load_state()
        open_action_menu(page)
        page.locator("button[name='action-publish']").click()
        page.wait_for_url(f"{base}/admin/pages/**")
        shoot(page, "2-moderator-scheduled")
        return page.locator(".messages").inner_text()


def reader_sees(browser, base: str, url: str, name: str) -> dict:
    with desktop_page(browser) as page:
        response = page.goto(f"{base}{url}")
        seen = {"status": response.status, "text": page.locator("body").inner_text()}
        shoot(page, name)
        home = page.goto(f"{base}/kk/")
        seen["home"] = page.locator("body").inner_text() if home.ok else ""
        return seen


def chief_converts_and_restores(
    browser, base: str, page_id: int, revision_id: int, url: str
):
    seen = {}
    with desktop_page(browser, base, "chief") as page:
        page.goto(f"{base}/admin/localize/page/{page_id}/convert_to_alias/")
        seen["confirm"] = page.locator("main").inner_text()
        shoot(page, "5-chief-confirms-convert")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{base}/admin/**")
        shoot(page, "6-chief-converted")
        seen["after_convert"] = reader_sees(
            browser, base, url, "7-reader-after-convert"
        )
        page.goto(f"{base}/admin/pages/{page_id}/revisions/{revision_id}/revert/")
        shoot(page, "8-chief-restores-revision")
        open_action_menu(page)
        page.locator("button[name='action-publish']").click()
        page.wait_for_url(f"{base}/admin/pages/**")
        shoot(page, "9-chief-restored")
    return seen


def translator_tries_to_convert(browser, base: str, page_id: int) -> str:
    with desktop_page(browser, base, "translator") as page:
        page.goto(f"{base}/admin/localize/page/{page_id}/convert_to_alias/")
        shoot(page, "10-translator-refused")
        return page.locator("body").inner_text()


def test_a_moderator_schedules_and_the_chief_resets_without_russian_in_kazakh(
    browser, live_server
):
    tree = build_tree()
    newsroom_staff()
    base = live_server.url
    article = NewsPageFactory(
        parent=tree.section_ru,
        title=TITLE_RU,
        slug="letnii-grafik",
        body=[("paragraph", f"<p>{BODY_RU}</p>")],
        live=False,
    )
    synchronise_trees()  # its kk twin: wagtail-localize's alias, as in the newsroom
    kk_url = f"{tree.section_kk.url}letnii-grafik/"

    go_live = timezone.localtime(timezone.now() + timedelta(hours=2))
    message = browser.run(
        lambda chromium: moderator_schedules(
            chromium, base, article.pk, go_live.strftime("%Y-%m-%d %H:%M")
        )
    )
    assert TITLE_RU in message
    article.refresh_from_db()
    assert not article.live and article.scheduled_revision is not None
    before = browser.run(
        lambda chromium: reader_sees(chromium, base, kk_url, "3-reader-before-tick")
    )
    assert before["status"] == 404 or NOTICE in before["text"]
    assert BODY_RU not in before["text"] and TITLE_RU not in before["home"]

    with time_machine.travel(go_live + timedelta(minutes=1)):
        call_command("run_worker", iterations=1, interval=0, verbosity=0)
    assert NewsPage.objects.get(pk=article.pk).live
    after = browser.run(
        lambda chromium: reader_sees(chromium, base, kk_url, "4-reader-after-tick")
    )
    assert after["status"] == 200 and NOTICE in after["text"]
    assert BODY_RU not in after["text"] and TITLE_RU not in after["home"]

    # A live Kazakh translation the chief editor resets to the Russian original.
    translate_object(article, [tree.home_kk.locale])
    kazakh = NewsPage.objects.get(
        translation_key=article.translation_key, locale=tree.home_kk.locale
    )
    kazakh.title = TITLE_KK
    kazakh.body = [("paragraph", f"<p>{BODY_KK}</p>")]
    revision = kazakh.save_revision()
    revision.publish()
    chief = browser.run(
        lambda chromium: chief_converts_and_restores(
            chromium, base, kazakh.pk, revision.pk, kazakh.url
        )
    )
    assert TITLE_RU in chief["confirm"]
    reset = chief["after_convert"]
    assert reset["status"] == 200 and NOTICE in reset["text"]
    assert BODY_RU not in reset["text"] and BODY_KK not in reset["text"]
    assert TITLE_RU not in reset["home"] and TITLE_KK not in reset["home"]
    restored = Page.objects.get(pk=kazakh.pk)
    assert restored.live and restored.title == TITLE_KK

    refused = browser.run(
        lambda chromium: translator_tries_to_convert(chromium, base, kazakh.pk)
    )
    assert "нет доступа" in refused.lower() or "permission" in refused.lower()
    assert Page.objects.get(pk=kazakh.pk).live
