"""The Content-Security-Policy breaks nothing: admin screens and reader pages.

The newsroom's main screens — dashboard, page editor with its preview panel,
workflow preview, translations dashboard and wagtail-localize's translation
editor — and reader pages (anonymous, and with the userbar of a logged-in
editor) load with no CSP refusal in the page or in the preview's frame, and
the preview panel shows the page. Production settings turn on the security
headers that framing depends on and the page cache, so they are on here too.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse
from wagtail.models import Locale
from wagtail.rich_text import RichText
from wagtail_localize.operations import translate_object

from tests.cache_support import reset_page_cache_health
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.factories import NewsPageFactory
from tests.newsroom_support import make_staff
from tests.translation_support import translation_for
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WATCH_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const what = `${event.violatedDirective} ${event.blockedURI || 'inline'}`;
  window.__csp.push(`${what} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def watched(page) -> list[str]:
    """CSP refusals reported on the console, in any frame."""
    refused: list[str] = []
    page.context.add_init_script(WATCH_JS)
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and refused.append(message.text)
        ),
    )
    return refused


def refusals(page, console: list[str]) -> list[str]:
    found = list(console)
    for frame in page.frames:
        if not frame.is_detached():
            found += frame.evaluate("window.__csp || []")
    return found


def newsroom_content():
    ensure_locale_synchronisation()
    tree = build_tree()
    make_staff()
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=tree.section_ru,
        title="Конвейер запущен",
        slug="konveier",
        body=[
            (
                "paragraph",
                RichText('<p>Текст <a href="https://example.kz/">ссылка</a></p>'),
            ),
            ("embed", "https://video.example/clip"),
        ],
    )
    article.save_revision().publish()
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    return article, translation.get_target_instance()


def admin_screens(chromium, base: str, article_id: int, draft_id: int) -> dict:
    seen: dict[str, list[str]] = {}
    with desktop_page(chromium, base, "chief") as page:
        console = watched(page)
        for name, path in (
            ("dashboard", reverse("wagtailadmin_home")),
            ("translations", reverse("translations_status")),
            ("explorer", reverse("wagtailadmin_explore", args=(article_id,))),
        ):
            console.clear()
            page.goto(base + path, wait_until="networkidle")
            seen[name] = refusals(page, console)
        console.clear()
        page.goto(
            base + reverse("wagtailadmin_pages:edit", args=(article_id,)),
            wait_until="networkidle",
        )
        page.locator('[data-side-panel-toggle="preview"]').click()
        preview = page.frame_locator("#w-preview-iframe")
        preview.locator(".block-paragraph").wait_for()
        seen["page editor with preview"] = refusals(page, console)
        seen["preview shows the page"] = (
            [] if preview.locator(".block-embed iframe").count() == 1 else ["no embed"]
        )
        screenshot(page, "csp-editor-preview")
        console.clear()
        page.goto(base + "/ru/novosti/konveier/", wait_until="networkidle")
        seen["reader page with userbar"] = refusals(page, console)
        assert page.locator("wagtail-userbar, .wagtail-userbar").count() >= 1
    with desktop_page(chromium, base, "translator") as page:
        console = watched(page)
        page.goto(
            base + reverse("wagtailadmin_pages:edit", args=(draft_id,)),
            wait_until="networkidle",
        )
        page.wait_for_selector(".js-translation-editor li.incomplete")
        seen["translation editor"] = refusals(page, console)
        screenshot(page, "csp-translation-editor")
    with desktop_page(chromium) as page:
        console = watched(page)
        page.goto(base + "/ru/novosti/konveier/", wait_until="networkidle")
        seen["reader page"] = refusals(page, console)
    return seen


def test_admin_screens_and_reader_pages_load_without_policy_refusals(
    browser, live_server, settings
):
    # As production: framing headers, nosniff, the page cache on.
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.SECURE_REFERRER_POLICY = "same-origin"
    settings.WAGTAIL_CACHE = True
    reset_page_cache_health()
    caches["pagecache"].clear()
    article, draft = newsroom_content()
    seen = browser.run(
        lambda chromium: admin_screens(chromium, live_server.url, article.pk, draft.pk)
    )
    reset_page_cache_health()
    assert seen == dict.fromkeys(seen, [])
