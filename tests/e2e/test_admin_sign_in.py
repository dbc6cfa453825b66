"""Guessing passwords in the browser: the sign-in form says the account is locked.

A person types wrong passwords into Wagtail's sign-in form until the limit,
then the right one: they stay on the form, which now explains the lock-out
in Russian. Screenshot: tests/artifacts/screenshots/sign-in-locked.png.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from newsroom.login_guard import lockout_message
from tests.e2e.conftest import desktop_page, screenshot
from tests.newsroom_support import PASSWORD, make_staff

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def guess_then_sign_in(browser, base: str, guesses: int) -> dict:
    with desktop_page(browser) as page:
        for attempt in range(guesses + 1):
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "editor")
            password = PASSWORD if attempt == guesses else f"wrong-{attempt}"
            page.fill("#id_password", password)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_load_state()
        screenshot(page, "sign-in-locked")
        return {"url": page.url, "messages": page.locator(".messages").inner_text()}


def test_after_too_many_guesses_the_form_explains_the_lock_out(browser, live_server):
    make_staff()
    base = live_server.url
    seen = browser.run(
        lambda chromium: guess_then_sign_in(chromium, base, settings.AXES_FAILURE_LIMIT)
    )
    assert seen["url"].startswith(f"{base}/admin/login/")
    with translation.override("ru"):
        assert lockout_message() in seen["messages"]
