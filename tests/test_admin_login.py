"""Guessing passwords at the admin sign-in locks out the account and the address.

django-axes counts failures per account and per address; at the limit even
the right password is refused, with a message on Wagtail's sign-in form, until
the cool-off has passed. Django's own admin is not mounted at all.
"""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.login_guard import lockout_message
from site_project.settings import base
from tests.newsroom_support import PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS, OTHER_ADDRESS = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def users():
    model = get_user_model()
    return [
        model.objects.create_user(
            username=name, password=PASSWORD, is_superuser=True, is_staff=True
        )
        for name in ("redaktor", "perevodchik")
    ]


def sign_in(client, username, password=PASSWORD, address=ADDRESS, **headers):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def guess(client, username, times=20, address=ADDRESS, **headers):
    for attempt in range(times):
        sign_in(client, username, f"wrong-{attempt}", address, **headers)


def signed_in(client) -> bool:
    return client.get(reverse("wagtailadmin_home")).status_code == 200


def message(language: str = "ru") -> str:
    with translation.override(language):
        return lockout_message()


def test_twenty_wrong_passwords_then_the_right_one_is_refused_with_the_message(
    client, users
):
    guess(client, "redaktor")
    response = sign_in(client, "redaktor")
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.seconds))
    assert message() in response.content.decode()
    assert 'name="password"' in response.content.decode()  # the form, again
    assert not signed_in(client)


def test_the_message_speaks_kazakh_to_a_kazakh_browser(client, users):
    guess(client, "redaktor", HTTP_ACCEPT_LANGUAGE="kk")
    response = sign_in(client, "redaktor", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 429
    assert message("kk") != message("ru")
    assert message("kk") in response.content.decode()


def test_another_account_from_the_same_address_is_refused(client, users):
    guess(client, "redaktor")
    assert sign_in(client, "perevodchik").status_code == 429
    assert not signed_in(client)


def test_the_same_account_from_another_address_is_refused(client, users):
    guess(client, "redaktor")
    assert sign_in(client, "redaktor", address=OTHER_ADDRESS).status_code == 429
    assert not signed_in(client)


def test_after_the_cool_off_the_right_password_signs_in(client, users):
    guess(client, "redaktor")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert sign_in(client, "redaktor").status_code == 302
        assert signed_in(client)


def test_the_lock_still_holds_just_before_the_cool_off_ends(client, users):
    guess(client, "redaktor")
    almost = timezone.now() + settings.AXES_COOLOFF_TIME - timedelta(seconds=30)
    with time_machine.travel(almost, tick=False):
        assert sign_in(client, "redaktor").status_code == 429


def test_a_correct_sign_in_resets_the_count(client, users):
    below_limit = settings.AXES_FAILURE_LIMIT - 1
    for _ in range(3):
        guess(client, "redaktor", times=below_limit)
        assert sign_in(client, "redaktor").status_code == 302
        client.logout()


def test_the_admin_signs_in_normally(client, users):
    response = sign_in(client, "redaktor")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)


@override_settings(CLIENT_IP_HEADER="X-Forwarded-For")
def test_behind_a_proxy_only_the_address_the_proxy_saw_counts(client, users):
    """Addresses a client writes into X-Forwarded-For itself do not reset the count."""
    for attempt in range(20):
        sign_in(
            client,
            "redaktor",
            f"wrong-{attempt}",
            address="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {ADDRESS}",
        )
    proxied = {"address": "10.0.0.2"}
    spoofed = sign_in(
        client, "perevodchik", HTTP_X_FORWARDED_FOR=f"192.0.2.99, {ADDRESS}", **proxied
    )
    assert spoofed.status_code == 429
    neighbour = sign_in(client, "perevodchik", HTTP_X_FORWARDED_FOR=OTHER_ADDRESS)
    assert neighbour.status_code == 302


def test_without_a_configured_header_forwarded_addresses_are_ignored(client, users):
    for attempt in range(20):
        sign_in(
            client,
            "redaktor",
            f"wrong-{attempt}",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    refused = sign_in(client, "perevodchik", HTTP_X_FORWARDED_FOR="192.0.2.250")
    assert refused.status_code == 429


def test_a_password_reset_lifts_the_accounts_lock_out(client, users, mailoutbox):
    """Only the mailbox's owner can reset: the guesses at the old password are moot."""
    users[0].email = "redaktor@example.kz"
    users[0].save()
    guess(client, "redaktor")
    asked = client.post(
        reverse("wagtailadmin_password_reset"),
        {"email": "redaktor@example.kz"},
        REMOTE_ADDR=ADDRESS,
    )
    assert asked.status_code == 302
    link = re.search(
        r"https?://[^/\s]+(/admin/password_reset/confirm/\S+)", mailoutbox[0].body
    )
    form = client.get(link[1], follow=True)
    assert form.status_code == 200
    new_password = "novyi-parol-2026"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("wagtailadmin_password_reset_complete")
    assert sign_in(client, "redaktor", new_password).status_code == 302
    assert signed_in(client)


def test_django_admin_is_not_mounted(client, users):
    sign_in(client, "redaktor")
    response = client.get("/django-admin/", follow=True)
    assert response.status_code == 404
    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def test_the_limit_cool_off_and_proxy_header_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", "3")
    monkeypatch.setenv("LOGIN_COOLOFF_MINUTES", "45")
    monkeypatch.setenv("CLIENT_IP_HEADER", "X-Real-IP")
    try:
        configured = importlib.reload(base)
        assert configured.AXES_FAILURE_LIMIT == 3
        assert timedelta(minutes=45) == configured.AXES_COOLOFF_TIME
        assert configured.CLIENT_IP_HEADER == "X-Real-IP"
        for name in (
            "LOGIN_FAILURE_LIMIT",
            "LOGIN_COOLOFF_MINUTES",
            "CLIENT_IP_HEADER",
        ):
            monkeypatch.delenv(name)
        embedded = importlib.reload(base)
        assert embedded.AXES_FAILURE_LIMIT == 10
        assert timedelta(minutes=15) == embedded.AXES_COOLOFF_TIME
        assert embedded.CLIENT_IP_HEADER == ""
    finally:
        importlib.reload(base)
