"""A hostile translator, in Chromium: nothing runs for the moderator or the reader.

A Переводчик puts the mutation-XSS corpus (tests/xss_support.py) into every
paragraph of a Kazakh translation through wagtail-localize's string editor API
and points a link at ``javascript:``, then sends it for review. The moderator
opens the workflow preview, the revision and wagtail-localize's own preview,
approves, and two anonymous readers open the Kazakh page (a page-cache miss,
then a hit). Chromium reports
every ``alert`` as a ``dialog`` event and every CSP refusal as a
``securitypolicyviolation`` event.

Three layers, three tests: with the sanitiser nothing of the corpus reaches a
page; with the sanitiser switched off the Content-Security-Policy alone
blocks it; with both off (the policy only reporting) the corpus really runs,
which is what makes the first two mean something.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    StringTranslation,
)

from tests.cache_support import reset_page_cache_health
from tests.conftest import build_tree
from tests.e2e.conftest import desktop_page, screenshot
from tests.newsroom_support import make_staff
from tests.translation_support import approve, complete_the_text
from tests.xss_support import HOSTILE_HREFS, PAYLOADS, hostile_translation
from translations import sanitiser
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WATCH_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__csp.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""
LINKS_JS = """
() => [...document.querySelectorAll('.block-paragraph a')].map((a) => a.protocol)
"""


@dataclass
class Seen:
    """What Chromium saw on one page."""

    dialogs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    link_protocols: list[str] = field(default_factory=list)
    paragraphs: int = 0
    status: int = 0
    page_cache: str = ""


@dataclass
class Story:
    translation: object
    page_id: int
    revision_id: int
    task_id: int
    kk_url: str


def hostile_translation_in_review() -> Story:
    """The translator's attack, through the admin's HTTP API, up to review."""
    ensure_locale_synchronisation()
    tree = build_tree()
    staff = make_staff()
    translation = hostile_translation(tree.section_ru)
    translator = Client()
    translator.force_login(staff.translator)
    segments = StringSegment.objects.filter(
        source=translation.source, string__data__startswith="Абзац"
    ).order_by("order")
    for segment, payload in zip(segments, PAYLOADS, strict=True):
        response = translator.put(
            reverse(
                "wagtail_localize:edit_string_translation",
                args=(translation.pk, segment.pk),
            ),
            urlencode({"value": payload}),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 201)
    overrides = OverridableSegment.objects.filter(source=translation.source)
    for override, href in zip(overrides, HOSTILE_HREFS, strict=False):
        translator.put(
            reverse(
                "wagtail_localize:edit_override", args=(translation.pk, override.pk)
            ),
            urlencode({"value": href}),
            content_type="application/x-www-form-urlencoded",
        )
    # Unsanitised, wagtail-localize flags the markup its validator refuses
    # (has_error) and would publish the source text in its place; the review
    # gate counts such strings as untranslated, so they get the source text here.
    StringTranslation.objects.filter(
        translation_of__segments__source=translation.source, has_error=True
    ).delete()
    complete_the_text(translation)  # only complete translations go to review
    response = translator.post(reverse("translations_submit", args=(translation.pk,)))
    assert response.status_code == 302
    page = translation.get_target_instance()
    state = WorkflowState.objects.active().get(object_id=str(page.pk))
    task_state = TaskState.objects.get(pk=state.current_task_state_id)
    return Story(
        translation=translation,
        page_id=page.pk,
        revision_id=page.latest_revision.pk,
        task_id=task_state.task_id,
        kk_url=page.get_url(),
    )


def watch(page) -> list[str]:
    """Every alert's message; the dialog is dismissed so the page goes on."""
    page.context.add_init_script(WATCH_JS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def look(page, url: str, dialogs: list[str]) -> Seen:
    seen = Seen()
    dialogs.clear()
    response = page.goto(url, wait_until="load")
    seen.status = response.status if response else 0
    seen.page_cache = (response.headers if response else {}).get("x-wagtail-cache", "")
    page.wait_for_timeout(300)  # broken images fire their onerror after load
    seen.violations = page.evaluate("window.__csp")
    seen.link_protocols = page.evaluate(LINKS_JS)
    seen.paragraphs = page.locator(".block-paragraph p").count()
    seen.dialogs = list(dialogs)
    return seen


def moderator_and_reader(chromium, base: str, story: Story, name: str) -> dict:
    seen = {}
    with desktop_page(chromium, base, "moderator") as page:
        dialogs = watch(page)
        seen["workflow preview"] = look(
            page,
            base
            + reverse(
                "wagtailadmin_pages:workflow_preview",
                args=(story.page_id, story.task_id),
            ),
            dialogs,
        )
        seen["revision"] = look(
            page,
            base
            + reverse(
                "wagtailadmin_pages:revisions_view",
                args=(story.page_id, story.revision_id),
            ),
            dialogs,
        )
        seen["translation editor preview"] = look(
            page,
            base
            + reverse(
                "wagtail_localize:preview_translation", args=(story.translation.pk,)
            ),
            dialogs,
        )
        screenshot(page, f"xss-{name}-revision")
    return seen


def reader(chromium, base: str, url: str, name: str) -> dict:
    """Two readers (two browsers' caches): the first renders, the second is served
    the page cache's copy."""
    seen = {}
    for visit in ("kk page", "kk page again"):
        with desktop_page(chromium) as page:
            seen[visit] = look(page, base + url, watch(page))
            screenshot(page, f"xss-{name}-public")
    return seen


def run_story(browser, live_server, settings, name: str) -> dict[str, Seen]:
    settings.WAGTAIL_CACHE = True
    reset_page_cache_health()
    caches["pagecache"].clear()
    story = hostile_translation_in_review()
    seen = browser.run(
        lambda chromium: moderator_and_reader(chromium, live_server.url, story, name)
    )
    moderator = Client()
    moderator.force_login(get_user_model().objects.get(username="moderator"))
    page = story.translation.get_target_instance()
    approve(moderator, page)
    page.refresh_from_db()
    assert page.live
    seen |= browser.run(
        lambda chromium: reader(chromium, live_server.url, page.get_url(), name)
    )
    reset_page_cache_health()
    # The reader's second visit is the page cache's copy.
    assert seen["kk page again"].page_cache == "hit"
    return seen


def test_the_corpus_runs_nowhere_in_the_review_or_on_the_kazakh_page(
    browser, live_server, settings
):
    seen = run_story(browser, live_server, settings, "sanitised")
    for where, what in seen.items():
        assert what.status == 200, where
        assert what.dialogs == [], where
        assert set(what.link_protocols) <= {"http:", "https:"}, where
        assert what.paragraphs == len(PAYLOADS), where
        # Nothing was even there for the policy to refuse.
        assert [v for v in what.violations if "script" in v] == [], where


def test_the_content_security_policy_alone_blocks_the_corpus(
    browser, live_server, settings, monkeypatch
):
    monkeypatch.setattr(sanitiser, "clean_translated_html", lambda h: h)
    monkeypatch.setattr(sanitiser, "safe_override_json", lambda data, source: data)
    seen = run_story(browser, live_server, settings, "csp")
    for where, what in seen.items():
        assert what.status == 200, where
        assert what.dialogs == [], where
        assert what.paragraphs == len(PAYLOADS), where
        # The payloads reached the page, and the policy refused to run them.
        assert any(v.startswith("script-src") for v in what.violations), where


def test_without_sanitiser_and_enforced_policy_the_corpus_does_run(
    browser, live_server, settings, monkeypatch
):
    """The control: the attack is real, so the two tests above can fail."""
    monkeypatch.setattr(sanitiser, "clean_translated_html", lambda h: h)
    monkeypatch.setattr(sanitiser, "safe_override_json", lambda data, source: data)
    settings.CSP_REPORT_ONLY = True
    seen = run_story(browser, live_server, settings, "unprotected")
    for where, what in seen.items():
        assert what.dialogs, where
        assert "javascript:" in what.link_protocols, where
