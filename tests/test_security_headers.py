"""Content-Security-Policy and Permissions-Policy, on every response, cache hits too.

Reader pages run no inline script, so their policy refuses inline code; the
page cache stores pages whole, so the policy must be the same for every reader
(no nonce) and must come from the settings of the moment, not from the copy
the cache kept. The browser half (nothing breaks, the XSS corpus is refused)
is in tests/e2e/test_content_security_policy.py and test_translation_xss.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cache_support import build_newspaper, verdict
from tests.newsroom_support import page_form_data

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def directives(response, header: str = CSP) -> dict[str, list[str]]:
    policy = response[header]
    return {
        name: values
        for name, *values in (
            part.split() for part in policy.split(";") if part.strip()
        )
    }


def test_reader_pages_refuse_inline_script_plugins_foreign_bases_and_framing(
    client, tree
):
    paper = build_newspaper(tree)
    for url in paper.urls().values():
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_a_page_cache_hit_carries_the_same_policy_as_the_render(
    client, tree, page_cache
):
    url = build_newspaper(tree).article_kk.url
    first, second = client.get(url), client.get(url)
    assert (verdict(first), verdict(second)) == ("miss", "hit")
    assert first[CSP] == second[CSP]
    assert "nonce-" not in first[CSP]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_a_policy_change_reaches_pages_the_cache_already_holds(
    client, tree, page_cache, settings
):
    url = build_newspaper(tree).article_ru.url
    assert verdict(client.get(url)) == "miss"
    settings.CSP_FRAME_SOURCES = ["https://video.newsroom.example"]
    hit = client.get(url)
    assert verdict(hit) == "hit"
    assert directives(hit)["frame-src"] == ["'self'", "https://video.newsroom.example"]


def test_error_pages_carry_the_reader_policy(client, tree):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert directives(response)["script-src"] == ["'self'"]


def test_the_admin_allows_wagtails_inline_scripts_and_nothing_else_foreign(client):
    response = client.get(reverse("wagtailadmin_login"))
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "Permissions-Policy" in response


def test_an_admin_preview_of_a_page_gets_the_reader_policy(
    client, tree, django_user_model
):
    """Wagtail renders the preview through the middleware with the page's path,
    so an injected handler in a draft is refused in the moderator's browser."""
    paper = build_newspaper(tree)
    client.force_login(
        django_user_model.objects.create_superuser("chief", "c@example.kz", "pw")
    )
    article = paper.article_ru
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    posted = client.post(url, page_form_data(article, title="Черновик"))
    assert posted.json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Черновик" in preview.content.decode()
    policy = directives(preview)
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    revision = article.save_revision()
    revision_view = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=(article.pk, revision.pk))
    )
    assert directives(revision_view)["script-src"] == ["'self'"]


def test_report_only_mode_and_a_report_address_come_from_the_settings(
    client, tree, settings
):
    settings.CSP_REPORT_ONLY = True
    settings.CSP_REPORT_URI = "/csp-reports/"
    response = client.get(tree.home_ru.url)
    assert CSP not in response
    policy = directives(response, f"{CSP}-Report-Only")
    assert policy["report-uri"] == ["/csp-reports/"]


def test_media_and_static_files_on_another_host_are_allowed_by_origin(
    client, tree, settings
):
    settings.MEDIA_URL = "https://media.kmpress.example/media/"
    settings.CSP_IMAGE_SOURCES = ["https://cdn.example"]
    policy = directives(client.get(tree.home_ru.url))
    assert "https://media.kmpress.example" in policy["img-src"]
    assert "https://cdn.example" in policy["img-src"]
    assert policy["script-src"] == ["'self'"]
