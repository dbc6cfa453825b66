"""Admin errors stay in the admin: an unknown admin address is the admin's 404.

The page catch-all inside ``i18n_patterns`` matches every path, so Django's
``LocaleMiddleware`` took any 404 without a language prefix for a reader's
address that lacks one and redirected ``/admin/…`` to ``/ru/admin/…``, where
the public site answered with its own 404. The admin answers itself, in the
person's admin language, and readers' addresses behave as before.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail.users.models import UserProfile
from wagtail_localize.models import StringSegment
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.translation_support import newsroom_staff, translation_for

pytestmark = pytest.mark.django_db

ADMIN_404 = "wagtailadmin/404.html"
RUSSIAN = "Запрошенная страница не найдена."
KAZAKH = "Сұралған бет табылмады."


@pytest.fixture
def staff(tree):
    return newsroom_staff()


def speaking(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.mark.parametrize(("language", "message"), [("ru", RUSSIAN), ("kk", KAZAKH)])
def test_an_unknown_admin_address_shows_the_admins_404_in_the_users_language(
    client, staff, language, message
):
    client.force_login(speaking(staff.translator, language))
    response = client.get("/admin/no-such-thing/")
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert ADMIN_404 in template_names(response)
    assert message in response.content.decode()


def test_an_unknown_admin_address_without_a_slash_gets_one_not_a_language(
    client, staff
):
    client.force_login(staff.editor)
    response = client.get("/admin/no-such-thing")
    assert response.status_code == 301
    assert response.headers["Location"] == "/admin/no-such-thing/"


def test_an_anonymous_visitor_is_sent_to_the_admin_login_never_to_a_language(
    client, tree
):
    response = client.get("/admin/no-such-thing/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_an_unknown_object_in_an_admin_view_is_the_admins_404(client, staff):
    client.force_login(staff.chief)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(999999,)))
    assert response.status_code == 404
    assert "Location" not in response.headers
    assert ADMIN_404 in template_names(response)


def test_clearing_an_untranslated_string_in_the_editor_is_answered_not_redirected(
    client, tree, staff
):
    """The editor's "save empty" sends DELETE; with nothing to delete upstream's
    ``edit_string_translation`` answers 404, which the redirect turned into
    the public site's page at ``/ru/admin/…``."""
    article = NewsPage(title="Отчёт о смене", slug="otchet", lead="Смена прошла.")
    tree.section_ru.add_child(instance=article)
    article.save_revision().publish()
    kk = Locale.objects.get(language_code="kk")
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    segment = StringSegment.objects.filter(source=translation.source).first()
    url = reverse(
        "wagtail_localize:edit_string_translation", args=(translation.pk, segment.pk)
    )
    client.force_login(staff.translator)
    response = client.delete(url)
    assert response.status_code == 404
    assert "Location" not in response.headers
    missing = client.delete(
        reverse(
            "wagtail_localize:edit_string_translation",
            args=(translation.pk, 999999),
        )
    )
    assert missing.status_code == 404
    assert "Location" not in missing.headers


@pytest.mark.parametrize(
    ("path", "language"),
    [("/ru/no-such-page/", "ru"), ("/kk/no-such-page/", "kk")],
)
def test_a_readers_unknown_address_still_gets_the_sites_404(
    client, tree, path, language
):
    response = client.get(path)
    assert response.status_code == 404
    assert ADMIN_404 not in template_names(response)
    assert f'<html lang="{language}">' in response.content.decode()


def test_a_readers_address_without_a_language_is_still_sent_to_one(client, tree):
    response = client.get(f"/{tree.section_ru.slug}/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ru/{tree.section_ru.slug}/"
