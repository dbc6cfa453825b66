"""Elasticsearch down, in a browser: an editor still finds an article in the admin.

The editor searches from the admin's sidebar while the cluster's port is
closed; the search page lists the article, found by title in the database,
and says that search is unavailable and these are simple title matches
(search.fallback). Screenshot: search-fallback.png. Debian's Chromium, see
conftest.py.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from core.caching.breaker import breaker
from search.fallback import NOTICE
from tests.conftest import build_tree
from tests.e2e.conftest import IN_CI, desktop_page, screenshot
from tests.factories import NewsPageFactory
from tests.newsroom_support import make_staff
from tests.search_support import closed_port, elasticsearch_settings

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Конвейер на обогатительной фабрике"
OTHER = "Смена в карьере"
NOTICE_MIDDLEWARE = "search.fallback.FallbackNoticeMiddleware"


def editor_searches(browser, base: str) -> dict:
    with desktop_page(browser, base, "editor") as page:
        page.locator("input[name='q']").first.fill("Конвейер")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/admin/pages/search/?q=*")
        message = page.locator(".messages li").first
        message.wait_for(state="visible")
        seen = {
            "messages": message.inner_text(),
            "results": page.locator("main").inner_text(),
            "language": page.evaluate("document.documentElement.lang"),
        }
        screenshot(page, "search-fallback")
        return seen


def test_an_editor_finds_an_article_by_title_while_elasticsearch_is_down(
    browser, live_server
):
    # The live server loaded its middleware at start: override_settings cannot
    # add the notice's, so this test needs it in the settings themselves.
    if NOTICE_MIDDLEWARE not in settings.MIDDLEWARE:
        missing = f"{NOTICE_MIDDLEWARE} is not in settings.MIDDLEWARE"
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    tree = build_tree()
    make_staff()
    NewsPageFactory(parent=tree.section_ru, title=TITLE)
    NewsPageFactory(parent=tree.section_ru, title=OTHER)
    breaker.reset()
    try:
        with override_settings(
            WAGTAILSEARCH_BACKENDS=elasticsearch_settings(
                f"http://127.0.0.1:{closed_port()}"
            )
        ):
            seen = browser.run(
                lambda chromium: editor_searches(chromium, live_server.url)
            )
    finally:
        breaker.reset()

    assert TITLE in seen["results"]
    assert OTHER not in seen["results"]
    with translation.override(seen["language"] or "ru"):
        assert str(NOTICE) in seen["messages"]
