"""The deploy step points the Site at WAGTAILADMIN_BASE_URL, so admin previews work.

Wagtail builds a preview request from the Site's host and port; with the
seeded ``localhost:80`` under production settings the moderator's review
preview answered 301 to ``https://localhost/…``.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Site

from tests.factories import NewsPageFactory
from tests.newsroom_support import make_staff, page_form_data

pytestmark = pytest.mark.django_db

PUBLIC = "https://news.example.kz"
# What site_project/settings/production.py turns on.
PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["news.example.kz", "localhost"],
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "WAGTAILADMIN_BASE_URL": PUBLIC,
}
# TLS ends at the proxy, which says so in a header, or at the WSGI server.
TLS = {
    "proxy header": {"HTTP_X_FORWARDED_PROTO": "https"},
    "wsgi server": {"secure": True},
}


def default_site() -> tuple[str, int]:
    site = Site.objects.get(is_default_site=True)
    return site.hostname, site.port


def setup_newsroom(*args: str) -> str:
    output = io.StringIO()
    call_command("setup_newsroom", *args, stdout=output)
    return output.getvalue()


@pytest.mark.parametrize("tls", TLS.values(), ids=TLS.keys())
@override_settings(**PRODUCTION)
def test_the_moderator_previews_an_article_in_review_behind_tls(client, tree, tls):
    staff = make_staff()  # runs setup_newsroom, as a deploy does
    assert default_site() == ("news.example.kz", 443)
    request = {"HTTP_HOST": "news.example.kz", **tls}
    page = NewsPageFactory(
        parent=tree.section_ru, title="Статья в обзоре", slug="v-obzore", live=False
    )
    client.force_login(staff.editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**page_form_data(page), "action-submit": "on"},
        **request,
    )
    assert response.status_code == 302
    page.refresh_from_db()

    client.force_login(staff.moderator)
    preview = client.get(
        reverse(
            "wagtailadmin_pages:workflow_preview",
            args=[page.pk, page.current_workflow_task.pk],
        ),
        **request,
    )
    assert preview.status_code == 200, preview.get("Location")
    assert "Статья в обзоре" in preview.content.decode()


@override_settings(WAGTAILADMIN_BASE_URL=PUBLIC)
def test_a_second_deploy_finds_the_address_set_and_changes_nothing(tree):
    first = setup_newsroom("--fix")
    assert "site address news.example.kz:443" in first
    assert default_site() == ("news.example.kz", 443)
    assert "news.example.kz" not in setup_newsroom()


@override_settings(WAGTAILADMIN_BASE_URL=PUBLIC)
def test_an_address_an_administrator_chose_is_reported_and_changed_only_with_fix(
    tree,
):
    Site.objects.filter(is_default_site=True).update(
        hostname="gazeta.example.kz", port=443
    )
    output = setup_newsroom()
    assert (
        "+ default site: address news.example.kz:443 (WAGTAILADMIN_BASE_URL) "
        "instead of gazeta.example.kz:443"
    ) in output
    assert default_site() == ("gazeta.example.kz", 443)

    setup_newsroom("--fix")
    assert default_site() == ("news.example.kz", 443)


def test_make_run_serves_the_demo_site_at_its_local_address(tree, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    setup_newsroom()
    assert default_site() == ("127.0.0.1", 8000)
