"""On a phone every section of the menu can be seen and tapped (issue 16).

The sections used to scroll sideways inside the bar with no sign that more
were there. At 375 px each menu link must now lie inside the screen and be
the element a tap on its middle reaches; screenshots at 375 and 1280 px.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE, DESKTOP = 375, 1280

MENU_LINKS_JS = """
() => [...document.querySelectorAll('.main-nav a')].map((link) => {
  const box = link.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {
    text: link.textContent.trim(),
    left: box.left, right: box.right, width: box.width, height: box.height,
    tappable: hit === link || link.contains(hit),
  };
})
"""


def menu_links(page):
    return page.evaluate(MENU_LINKS_JS)


def unreachable(links, width: int) -> list[str]:
    return [
        link["text"]
        for link in links
        if not link["tappable"]
        or link["left"] < 0
        or link["right"] > width
        or not link["width"]
        or not link["height"]
    ]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_section_link_is_on_screen_and_tappable_on_a_phone(
    visit, newspaper, language
):
    seen = visit(
        f"/{language}/",
        f"mobile-nav-{language}",
        PHONE,
        screenshot=True,
        inspect=menu_links,
    )
    links = seen.inspected
    assert len(links) >= 9, "home and the sections"
    assert unreachable(links, PHONE) == []
    assert not seen.scrolls_sideways


def test_the_desktop_menu_shows_every_section_too(visit, newspaper):
    seen = visit(
        "/ru/", "mobile-nav-desktop", DESKTOP, screenshot=True, inspect=menu_links
    )
    assert unreachable(seen.inspected, DESKTOP) == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_404_page_offers_search_and_latest_articles_on_phone_and_desktop(
    visit, newspaper, width
):
    seen = visit(
        "/ru/takoy-stranitsy-net/",
        "not-found-ru",
        width,
        screenshot=True,
        inspect=lambda page: {
            "search": page.locator("#not-found-search").is_visible(),
            "latest": page.locator(".error-page__latest .teaser").count(),
        },
    )
    assert seen.inspected["search"]
    assert seen.inspected["latest"] >= 1
    assert not seen.scrolls_sideways
