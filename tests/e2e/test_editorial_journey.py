"""The newsroom in a browser: an editor submits an article, a moderator approves it.

Both log in through the admin's own login form. The editor writes a news item
in the Russian tree, finds no "Publish" anywhere and submits it for review;
the moderator finds it on the dashboard, reviews and approves it, and the
article is live. Screenshots of each step go to tests/artifacts/screenshots/
(editorial-*.png). Debian's Chromium, see conftest.py.
"""

from __future__ import annotations

import pytest
from wagtail.models import PageLogEntry

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import (
    desktop_page,
    screenshot,
)
from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Обогатительная фабрика перешла на новый график"
LEAD = "С понедельника смены на фабрике длятся по восемь часов."


def shoot(page, name: str) -> None:
    screenshot(page, f"editorial-{name}")


def open_action_menu(page) -> None:
    """The editor's footer: a main button and a drop-up with the other actions."""
    toggle = page.locator("footer [data-w-dropdown-target='toggle']").first
    toggle.click()


def editor_submits(browser, base: str, section_id: int) -> dict:
    with desktop_page(browser, base, "editor") as page:
        shoot(page, "1-editor-dashboard")

        page.goto(f"{base}/admin/pages/add/news/newspage/{section_id}/")
        page.fill("#id_title", TITLE)
        page.fill("#id_lead", LEAD)
        open_action_menu(page)
        seen = {
            "publish_buttons": page.locator("[name='action-publish']").count(),
            "submit_label": page.locator("button[name='action-submit']").inner_text(),
        }
        shoot(page, "2-editor-new-article")
        page.locator("button[name='action-submit']").click()
        page.wait_for_url(f"{base}/admin/pages/{section_id}/")
        seen["message"] = page.locator(".messages").inner_text()
        shoot(page, "3-editor-submitted")

        page.goto(f"{base}/admin/")
        seen["in_review"] = page.locator("#newsroom-in-review-section").inner_text()
        shoot(page, "4-editor-sees-who-reviews")
        return seen


def moderator_approves(browser, base: str, page_id: int) -> dict:
    with desktop_page(browser, base, "moderator") as page:
        awaiting = page.locator("#awaiting-review-section")
        seen = {"awaiting": awaiting.inner_text()}
        shoot(page, "5-moderator-dashboard")

        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        open_action_menu(page)
        approve = page.locator("button[data-workflow-action-name='approve']").first
        seen["approve_label"] = approve.inner_text()
        shoot(page, "6-moderator-review")
        approve.click()
        page.wait_for_url(f"{base}/admin/pages/**")
        seen["message"] = page.locator(".messages").inner_text()
        shoot(page, "7-moderator-approved")

        page.goto(f"{base}/admin/pages/{page_id}/history/")
        seen["history"] = page.locator("main").inner_text()
        shoot(page, "8-history")
        return seen


def test_an_editor_submits_and_a_moderator_approves_in_the_browser(
    browser, live_server
):
    tree = build_tree()
    make_staff()
    base = live_server.url

    editor = browser.run(
        lambda chromium: editor_submits(chromium, base, tree.section_ru.pk)
    )

    assert editor["publish_buttons"] == 0
    assert "Редакционная проверка" in editor["submit_label"]
    assert TITLE in editor["message"]
    assert "Выпускающие редакторы" in editor["in_review"]
    assert "Moderator Тестов" in editor["in_review"]
    article = NewsPage.objects.get(title=TITLE, locale=tree.section_ru.locale)
    assert article.slug.isascii() and article.slug  # the admin's own slug
    assert article.workflow_in_progress
    assert not article.live

    moderator = browser.run(
        lambda chromium: moderator_approves(chromium, base, article.pk)
    )

    assert TITLE in moderator["awaiting"]
    assert TITLE in moderator["message"]
    for name in ("Editor Тестов", "Moderator Тестов"):
        assert name in moderator["history"]
    article.refresh_from_db()
    assert article.live
    assert PageLogEntry.objects.filter(
        page=article, action="wagtail.workflow.approve"
    ).exists()
