"""Publishing a new page while Wagtail's autosave of it is on its way, in Chromium.

Wagtail's editor autosaves a new page (``w-autosave``): the first autosave
creates the page as a draft and only its answer turns the form's address from
"add" to "edit". A moderator who clicks Publish in between posts the page to
"add" a second time, and Wagtail refuses it: the slug is already in use, the
publish is lost and a stray draft stays behind. The test holds the autosave's
answer (the server has already created the draft) until after the click, which
is that moment made certain.
"""

from __future__ import annotations

import pytest

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.newsroom_support import make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Смена взяла рекорд по вскрыше"
WATCHING = """() => { window.kmpressWatching = false;
    document.addEventListener('w-unsaved:watch-edits',
        () => { window.kmpressWatching = true; }); }"""


def is_autosave(request) -> bool:
    return request.method == "POST" and "application/json" in (
        request.headers.get("accept", "")
    )


def publish_during_autosave(browser, base: str, parent_id: int) -> dict:
    held = []

    def hold_autosave(route):
        if is_autosave(route.request):
            held.append((route, route.fetch()))
        else:
            route.continue_()

    with desktop_page(browser, base, "moderator") as page:
        page.add_init_script(f"({WATCHING})()")
        page.route("**/admin/pages/**", hold_autosave)
        page.goto(f"{base}/admin/pages/add/news/newspage/{parent_id}/")
        # Wagtail notes the form as it stands 2 s after load; only later
        # changes are edits that autosave.
        page.wait_for_function("() => window.kmpressWatching", timeout=10_000)
        page.fill("#id_title", TITLE)
        page.fill("#id_lead", "Экипажи экскаваторов перевыполнили план смены.")
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the editor sent no autosave"
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        page.locator("button[name='action-publish']").click()
        page.wait_for_timeout(300)
        route, response = held[0]
        route.fulfill(response=response)
        page.wait_for_url(f"{base}/admin/pages/{parent_id}/", timeout=15_000)
        screenshot(page, "autosave-publish-moderator-published")
        return {"message": page.locator(".messages").inner_text()}


def test_a_publish_clicked_while_the_first_autosave_is_answered_publishes_that_page(
    browser, live_server
):
    tree = build_tree()
    make_staff()

    seen = browser.run(
        lambda chromium: publish_during_autosave(
            chromium, live_server.url, tree.section_ru.pk
        )
    )

    russian = NewsPage.objects.filter(title=TITLE, locale=tree.section_ru.locale)
    assert russian.count() == 1, "a stray draft beside the page, or no page"
    assert russian.get().live
    assert TITLE in seen["message"]
