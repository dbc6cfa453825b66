"""In Chromium: a translator's translation editor offers no "Convert to alias page".

wagtail-localize's React editor draws the link in its footer's action menu on
edit permission; the guard wants publish permission too (translations/controls).
The chief editor, who may publish, still sees it: the check is on the drawn page.
Screenshots: tests/artifacts/screenshots/controls-*.png.
"""

from __future__ import annotations

import pytest
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.newsroom_support import make_staff
from tests.translation_support import translation_for
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CONVERT_LINK = ".js-translation-editor a[href*='convert_to_alias']"


def convert_links_in_editor(browser, base: str, user: str, page_id: int) -> int:
    with desktop_page(browser, base, user) as page:
        page.goto(f"{base}/admin/pages/{page_id}/edit/")
        page.wait_for_selector(
            ".js-translation-editor footer, .js-translation-editor li"
        )
        toggle = page.locator(".js-translation-editor footer .w-dropdown__toggle")
        if toggle.count():
            toggle.last.click()
        screenshot(page, f"controls-{user}-footer")
        return page.locator(CONVERT_LINK).count()


def test_a_translator_is_not_offered_convert_to_alias_in_the_editor_footer(
    browser, live_server
):
    tree = build_tree()
    ensure_locale_synchronisation()
    make_staff()
    article = NewsPage(
        title="Фабрика перешла на новый график", slug="grafik", lead="Лид."
    )
    tree.section_ru.add_child(instance=article)
    article.save_revision().publish()
    kk = tree.home_kk.locale
    translate_object(article, [kk])
    kk_id = translation_for(article, kk).get_target_instance().pk

    def count(user):
        return browser.run(
            lambda chromium: convert_links_in_editor(
                chromium, live_server.url, user, kk_id
            )
        )

    assert count("translator") == 0
    assert count("chief") == 1
