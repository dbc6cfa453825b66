"""Mail from the environment (EMAIL_URL), delivered for real to an SMTP server
on loopback (tests/smtp_support.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from news.models import NewsPage
from tests.embedded import without_services
from tests.newsroom_support import article_form_data, make_staff
from tests.settings_support import base_settings_reloader
from tests.smtp_support import running_smtp_sink

ROOT = Path(__file__).resolve().parent.parent
MAIL_ENV = ("EMAIL_URL", "DEFAULT_FROM_EMAIL", "SERVER_EMAIL")


@pytest.fixture
def smtp_sink():
    with running_smtp_sink() as sink:
        yield sink


@pytest.fixture
def reload_base(monkeypatch):
    with base_settings_reloader(monkeypatch, MAIL_ENV) as reload:
        yield reload


def test_without_email_url_mail_goes_to_the_console(reload_base):
    settings = reload_base()
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert settings.DEFAULT_FROM_EMAIL
    assert settings.SERVER_EMAIL == settings.DEFAULT_FROM_EMAIL


def test_email_url_names_the_server_its_credentials_tls_and_timeout(reload_base):
    settings = reload_base(
        EMAIL_URL="submission://news%40gazeta.kz:p%40ss@mail.gazeta.kz:2587",
        DEFAULT_FROM_EMAIL="Газета <news@gazeta.kz>",
        SERVER_EMAIL="errors@gazeta.kz",
    )
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings.EMAIL_HOST, settings.EMAIL_PORT) == ("mail.gazeta.kz", 2587)
    assert settings.EMAIL_HOST_USER == "news@gazeta.kz"
    assert settings.EMAIL_HOST_PASSWORD == "p@ss"
    assert settings.EMAIL_USE_TLS is True
    # A hung mail server never holds an editor's request for ever.
    assert 0 < settings.EMAIL_TIMEOUT <= 30
    assert settings.DEFAULT_FROM_EMAIL == "Газета <news@gazeta.kz>"
    assert settings.SERVER_EMAIL == "errors@gazeta.kz"


def test_the_url_timeout_wins_over_the_default(reload_base):
    settings = reload_base(EMAIL_URL="smtp://mail.gazeta.kz:25?timeout=3")
    assert settings.EMAIL_TIMEOUT == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://user:secret-pw@mail.gazeta.kz:not-a-port", "port"),
        ("smtp://user:secret-pw@mail.gazeta.kz:25?timeout=soon", "timeout"),
        ("mail.gazeta.kz:25", "unknown scheme"),
        ("smtpx://user:secret-pw@mail.gazeta.kz", "unknown scheme"),
        ("submission://user:secret-pw@", "no mail server host"),
    ],
    ids=["port", "timeout", "no-scheme", "unknown-scheme", "no-host"],
)
def test_a_bad_email_url_is_refused_without_repeating_the_password(
    reload_base, url, message
):
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        reload_base(EMAIL_URL=url)
    assert "secret-pw" not in str(refused.value)
    assert "EMAIL_URL" in str(refused.value)


def test_a_bad_email_url_stops_the_site_at_start_up():
    env = without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "gazeta.example.kz",
        "EMAIL_URL": "smtp://user:secret-pw@mail.gazeta.kz:smtp",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_URL cannot be read" in result.stderr
    assert "secret-pw" not in result.stderr + result.stdout


@pytest.mark.django_db
def test_submitting_for_review_mails_the_moderators_through_smtp(
    client, tree, settings, smtp_sink, django_capture_on_commit_callbacks
):
    """Wagtail's workflow notification, through Django's SMTP backend, to a
    real SMTP server on loopback."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_sink.host, smtp_sink.port
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Редакция <newsroom@gazeta.example.kz>"
    staff = make_staff()
    client.force_login(staff.editor)
    title = "Карьер перевыполнил план"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "wagtailadmin_pages:add",
                args=["news", "newspage", tree.section_ru.pk],
            ),
            {
                **article_form_data(title=title, slug="karer-plan"),
                "action-submit": "on",
            },
        )
    assert response.status_code == 302
    page = NewsPage.objects.get(slug="karer-plan", locale=tree.section_ru.locale)
    assert page.workflow_in_progress

    to_moderator = [
        mail for mail in smtp_sink.delivered if staff.moderator.email in mail.rcpt_tos
    ]
    assert len(to_moderator) == 1, [m.rcpt_tos for m in smtp_sink.delivered]
    delivered = to_moderator[0]
    assert title in delivered.subject
    assert delivered.mail_from == "newsroom@gazeta.example.kz"
    assert staff.moderator.email in str(delivered.message["To"])
    # The author is not told about their own submission.
    assert all(staff.editor.email not in m.rcpt_tos for m in smtp_sink.delivered)


def test_development_settings_follow_email_url_too():
    """`make run` prints mail (base's default); an EMAIL_URL still wins there."""
    env = without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.dev",
        "EMAIL_URL": "smtp://mail.internal:2525",
    }
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.EMAIL_BACKEND, settings.EMAIL_PORT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "2525",
    ]
