"""A reader's browser counts a reading through the beacon, and finds a month's
articles from a section; the month archive at 375 and 1280 px in both
languages (screenshots in tests/artifacts/screenshots/)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from news.models import ArticleReads

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE, DESKTOP = 375, 1280
WIDTHS = [pytest.param(PHONE, id="phone-375"), pytest.param(DESKTOP, id="desktop-1280")]
LANGUAGES = [pytest.param("ru", id="ru"), pytest.param("kk", id="kk")]
# Headless Chromium names itself HeadlessChrome, which the beacon takes for a
# robot (news.most_read.ROBOTS): this reader's browser says what a desktop says.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def this_month() -> str:
    today = timezone.localdate()
    return f"archive/{today.year}/{today.month:02d}/"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_month_archive_fits_the_screen_without_errors(
    visit, newspaper, language, width
):
    home = newspaper.tree.home_ru if language == "ru" else newspaper.tree.home_kk
    seen = visit(
        f"{home.url}{this_month()}",
        f"month-archive-{language}",
        width,
        screenshot=True,
        inspect=lambda page: page.locator("h1").inner_text(),
    )
    assert seen.problems(kazakh=language == "kk") == {}
    assert str(timezone.localdate().year) in seen.inspected


def test_a_reader_goes_from_a_section_to_its_month_and_reads_an_article(
    browser, live_server, newspaper
):
    section_url = live_server.url + newspaper.tree.section_ru.url
    title = newspaper.article_ru.title

    def journey(chromium):
        context = chromium.new_context(user_agent=READER_AGENT)
        try:
            page = context.new_page()
            page.goto(section_url)
            page.locator(".month-list a").first.click()
            page.wait_for_load_state("load")
            heading = page.locator("h1").inner_text()
            with page.expect_request(lambda r: "/beacon/read/" in r.url) as sent:
                page.get_by_role("link", name=title).first.click()
            response = sent.value.response()
            return heading, response.status if response else None
        finally:
            context.close()

    heading, beacon_status = browser.run(journey)
    assert "Новости" in heading
    assert beacon_status == 204
    call_command("flush_most_read", verbosity=0)
    counted = ArticleReads.objects.get(page=newspaper.article_ru)
    assert counted.count == 1


def test_a_headless_browser_is_not_counted(browser, live_server, newspaper):
    article_url = live_server.url + newspaper.article_ru.url

    def read(chromium):
        context = chromium.new_context()
        try:
            page = context.new_page()
            with page.expect_request(lambda r: "/beacon/read/" in r.url):
                page.goto(article_url)
        finally:
            context.close()

    browser.run(read)
    call_command("flush_most_read", verbosity=0)
    assert not ArticleReads.objects.exists()
