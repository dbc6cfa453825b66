"""A correspondent's article through review and a schedule, in the browser.

The correspondent writes and submits; the moderator requests changes; the
correspondent fixes the lead (the editor autosaves the fix) and resubmits; the
moderator opens the comparison with the revision they reviewed and sees the
fix, then approves with a go-live time; "Recently published" shows it as
scheduled, and after the worker's tick the reader sees the go-live time as the
article's date. Screenshots: tests/artifacts/screenshots/correspondent-*.png.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import dateformat, timezone

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import close_date_pickers, desktop_page, screenshot
from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "На фабрике сменили график"
FIRST_LEAD = "Смены на фабрике теперь длятся десять часов."
FIXED_LEAD = "Смены на фабрике теперь длятся восемь часов."


def shoot(page, name: str) -> None:
    screenshot(page, f"correspondent-{name}")


def open_action_menu(page) -> None:
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


def autosaved(page, field: str, value: str) -> None:
    """Type into a field and wait for the editor's autosave of it."""
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/edit/" in response.url,
        timeout=30_000,
    ):
        page.fill(field, value)


def correspondent_submits(browser, base: str, section_id: int) -> None:
    with desktop_page(browser, base, "editor") as page:
        page.goto(f"{base}/admin/pages/add/news/newspage/{section_id}/")
        page.fill("#id_title", TITLE)
        page.fill("#id_lead", FIRST_LEAD)
        open_action_menu(page)
        shoot(page, "1-writes")
        page.locator("button[name='action-submit']").click()
        page.wait_for_url(f"{base}/admin/pages/{section_id}/")


def moderator_requests_changes(browser, base: str, page_id: int) -> None:
    with desktop_page(browser, base, "moderator") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        open_action_menu(page)
        page.locator("button[data-workflow-action-name='reject']").first.click()
        comment = page.locator(".modal textarea[name='comment']")
        comment.fill("Проверьте, сколько длится смена.")
        shoot(page, "2-moderator-requests-changes")
        with page.expect_navigation():
            page.locator(".modal form button[type='submit']").click()


def correspondent_fixes(browser, base: str, page_id: int) -> None:
    with desktop_page(browser, base, "editor") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        # The editor notes the form as loaded after 2 s; edits count from then.
        page.wait_for_timeout(2500)
        autosaved(page, "#id_lead", FIXED_LEAD[:30])
        autosaved(page, "#id_lead", FIXED_LEAD)
        open_action_menu(page)
        shoot(page, "3-fixed-and-autosaved")
        with page.expect_navigation():
            page.locator("button[name='action-submit']").click()


def moderator_compares_and_schedules(
    browser, base: str, page_id: int, go_live: str
) -> dict:
    with desktop_page(browser, base, "moderator") as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        seen = {"message": page.locator(".messages").inner_text()}
        shoot(page, "4-moderator-opens-the-resubmission")
        page.get_by_role("link", name="Сравнить с проверенной версией").click()
        page.wait_for_url("**/revisions/compare/**")
        seen["comparison"] = page.locator("main").inner_text()
        shoot(page, "5-comparison-with-the-reviewed-revision")

        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        page.locator("[data-side-panel-toggle='status']").click()
        page.locator(
            "[data-a11y-dialog-show='schedule-publishing-dialog']"
        ).first.click()
        dialog = page.locator("#schedule-publishing-dialog")
        dialog.locator("#id_go_live_at").fill(go_live)
        shoot(page, "6-schedule")
        close_date_pickers(page, dialog.locator(".w-dialog__title"))
        with page.expect_navigation():
            dialog.locator("button[type='submit']").click()
        open_action_menu(page)
        with page.expect_navigation():
            page.locator("button[data-workflow-action-name='approve']").first.click()
        seen["approved"] = page.locator(".messages").inner_text()

        page.goto(f"{base}/admin/")
        seen["recent"] = page.locator(
            "#newsroom-recently-published-section"
        ).inner_text()
        shoot(page, "7-recently-published-shows-the-schedule")
        return seen


def reader_sees(browser, url: str) -> str:
    with desktop_page(browser) as page:
        page.goto(url)
        shoot(page, "8-reader")
        return page.locator("meta[property='article:published_time']").get_attribute(
            "content"
        )


def test_a_fix_is_compared_with_the_reviewed_revision_and_a_schedule_shows(
    browser, live_server
):
    tree = build_tree()
    make_staff()
    base = live_server.url

    browser.run(
        lambda chromium: correspondent_submits(chromium, base, tree.section_ru.pk)
    )
    article = NewsPage.objects.get(title=TITLE, locale=tree.section_ru.locale)
    browser.run(lambda chromium: moderator_requests_changes(chromium, base, article.pk))
    article.refresh_from_db()
    assert article.current_workflow_state.status == "needs_changes"

    browser.run(lambda chromium: correspondent_fixes(chromium, base, article.pk))
    article.refresh_from_db()
    assert article.current_workflow_state.status == "in_progress"

    go_live = (timezone.localtime() + timedelta(days=2)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    moderator = browser.run(
        lambda chromium: moderator_compares_and_schedules(
            chromium, base, article.pk, go_live.strftime("%Y-%m-%d %H:%M")
        )
    )

    assert "Правки запрошены к более ранней версии" in moderator["message"]
    assert "Лид" in moderator["comparison"]
    assert "десять" in moderator["comparison"]  # struck out…
    assert "восемь" in moderator["comparison"]  # …and put in
    assert TITLE in moderator["recent"]
    assert (
        f"Запланировано на {go_live.strftime('%d.%m.%Y %H:%M')}"
        in (moderator["recent"])
    )
    article = NewsPage.objects.get(pk=article.pk)
    assert not article.live
    assert article.scheduled_revision is not None

    with time_machine.travel(go_live + timedelta(minutes=1), tick=False):
        call_command("run_worker", iterations=1, interval=0, verbosity=0)
    article = NewsPage.objects.get(pk=article.pk)
    assert article.live
    published = browser.run(lambda chromium: reader_sees(chromium, base + article.url))
    assert published == dateformat.format(go_live, "c")
