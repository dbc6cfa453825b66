"""A reader's view of the newspaper in a real browser, on a phone and a desktop.

Home, a section and an article in both languages are opened at 375 px and
1280 px; full-page screenshots go to tests/artifacts/screenshots/. The checks
run in Debian's Chromium (``make browser``); see conftest.py for the set-up.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import KAZAKH_LETTERS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE, DESKTOP = 375, 1280
WIDTHS = [pytest.param(PHONE, id="phone-375"), pytest.param(DESKTOP, id="desktop-1280")]
LANGUAGES = [pytest.param("ru", id="ru"), pytest.param("kk", id="kk")]

# Every page test below checks the same things a reader would notice, see
# Visit.problems(): no sideways scrolling, no console or HTTP errors, an alt
# attribute on every <img>, no image wider than its box, and body text set in
# PT Serif that has actually loaded (for Kazakh pages: its Kazakh letters too).
# Each one saves a full-page screenshot as tests/artifacts/screenshots/<name>.png.


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_fits_the_screen_in_the_shipped_font_without_errors(
    visit, newspaper, language, width
):
    home = visit(f"/{language}/", f"home-{language}", width, screenshot=True)

    # kk: two featured covers and two section thumbnails; a featured article
    # is not shown again in its section's block (issue 16).
    assert home.image_count >= 4, "featured covers and section thumbnails"
    assert home.problems(kazakh=language == "kk") == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_section_page_fits_the_screen_in_the_shipped_font_without_errors(
    visit, newspaper, width
):
    section = visit(newspaper.tree.section_ru.url, "section-ru", width, screenshot=True)

    assert section.image_count >= 2
    assert section.problems() == {}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_article_fits_the_screen_in_the_shipped_font_without_errors(
    visit, newspaper, language, width
):
    article = newspaper.article_ru if language == "ru" else newspaper.article_kk

    seen = visit(article.url, f"article-{language}", width, screenshot=True)

    assert seen.image_count >= 5, "cover, body image, gallery"
    assert seen.problems(kazakh=language == "kk") == {}


MEASURE_KAZAKH_JS = """
(letters) => {
  const context = document.createElement("canvas").getContext("2d");
  const measure = (family) => {
    context.font = `40px ${family}`;
    return context.measureText(letters).width;
  };
  return {
    shipped: measure('"PT Serif"'),
    fallback: measure("monospace"),
    loadedFaces: [...document.fonts]
      .filter((face) => face.status === "loaded")
      .map((face) => `${face.family} ${face.style} ${face.unicodeRange}`),
  };
}
"""


def test_kazakh_letters_are_drawn_by_the_shipped_font_not_a_fallback(visit, newspaper):
    measured = visit(
        newspaper.article_kk.url,
        "kazakh-letters",
        DESKTOP,
        inspect=lambda page: page.evaluate(MEASURE_KAZAKH_JS, KAZAKH_LETTERS),
    ).inspected

    # One file per style holds Russian and Kazakh (site_project/webfonts.py;
    # its glyphs are checked in tests/test_first_paint.py).
    serif = [face for face in measured["loadedFaces"] if "PT Serif" in face]
    assert serif, measured["loadedFaces"]
    assert measured["shipped"] != measured["fallback"]


NAVIGATION_JS = """
() => {
  const list = document.querySelector(".main-nav__list");
  const last = list.querySelector("li:last-child a");
  list.scrollLeft = list.scrollWidth;
  const box = list.getBoundingClientRect();
  const lastBox = last.getBoundingClientRect();
  return {
    items: list.querySelectorAll("li").length,
    listRight: box.right,
    lastItemVisible: lastBox.left >= box.left - 1 && lastBox.right <= box.right + 1,
    pageWidth: document.documentElement.scrollWidth,
  };
}
"""


def test_main_navigation_scrolls_inside_its_own_box_on_a_phone(visit, newspaper):
    nav = visit(
        "/ru/",
        "navigation",
        PHONE,
        inspect=lambda page: page.evaluate(NAVIGATION_JS),
    ).inspected

    assert nav["items"] >= 9
    assert nav["listRight"] <= PHONE
    assert nav["lastItemVisible"], "the last section can be scrolled into view"
    assert nav["pageWidth"] <= PHONE


TABLE_JS = """
() => {
  const box = document.querySelector(".block-table");
  return {
    scrollWidth: box.scrollWidth,
    clientWidth: box.clientWidth,
    overflowX: getComputedStyle(box).overflowX,
    pageWidth: document.documentElement.scrollWidth,
  };
}
"""


def test_wide_table_scrolls_inside_its_box_on_a_phone(visit, newspaper):
    table = visit(
        newspaper.article_ru.url,
        "table",
        PHONE,
        inspect=lambda page: page.evaluate(TABLE_JS),
    ).inspected

    assert table["overflowX"] == "auto"
    assert table["scrollWidth"] > table["clientWidth"], "the 8-column table is wider"
    assert table["pageWidth"] <= PHONE


SIDEBAR_JS = """
() => {
  const text = document.querySelector(".article").getBoundingClientRect();
  const side = document.querySelector(".sidebar").getBoundingClientRect();
  return {textRight: text.right, textBottom: text.bottom,
          sideLeft: side.left, sideTop: side.top};
}
"""


def test_article_sidebar_sits_beside_the_text_on_desktop_and_below_it_on_a_phone(
    visit, newspaper
):
    def geometry(width):
        return visit(
            newspaper.article_ru.url,
            "sidebar",
            width,
            inspect=lambda page: page.evaluate(SIDEBAR_JS),
        ).inspected

    desktop, phone = geometry(DESKTOP), geometry(PHONE)

    assert desktop["sideLeft"] >= desktop["textRight"]
    assert desktop["sideTop"] < desktop["textBottom"]
    assert phone["sideTop"] >= phone["textBottom"]


def press_tab(page):
    hidden = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Tab")
    return {
        "hidden": hidden,
        "shown": page.locator(".skip-link").bounding_box(),
        "focused": page.evaluate("document.activeElement.className"),
        "outline": page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle"
        ),
    }


def test_skip_link_appears_when_focused_from_the_keyboard(visit, newspaper):
    tab = visit("/ru/", "skip-link", PHONE, inspect=press_tab).inspected

    assert tab["hidden"]["y"] + tab["hidden"]["height"] <= 0, "hidden until focused"
    assert tab["focused"] == "skip-link"
    assert tab["shown"]["y"] >= 0
    assert tab["outline"] != "none"
