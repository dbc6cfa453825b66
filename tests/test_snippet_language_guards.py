"""Creating and copying per-language snippets through the admin's own forms.

The permission matrix covers who may create and copy in which language; here
the admin's copy form round trip, and a second row where a language may have
only one (site settings), which the database refused with a 500.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from home.models import SiteSettings
from news.models import Author
from questions.models import Question
from tests.factories import AuthorFactory, locale
from tests.newsroom_support import make_staff
from translations.guards import guard_snippet_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    return make_staff()


def form_action(response) -> str:
    html = response.content.decode()
    return re.search(r'action="([^"]+)"\s+method="POST"', html)[1]


def test_copying_an_author_in_the_admin_creates_a_new_author(client, staff):
    original = AuthorFactory(name="Иван Петров", locale=locale("ru"))
    client.force_login(staff.editor)
    copy_form = client.get(
        reverse("wagtailsnippets_news_author:copy", args=[original.pk])
    )
    assert copy_form.status_code == 200
    action = form_action(copy_form).replace("&amp;", "&")
    response = client.post(action, {"name": "Пётр Иванов", "position": ""})
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.name == "Иван Петров"
    copy = Author.objects.get(name="Пётр Иванов")
    assert copy.locale.language_code == "ru"
    assert copy.translation_key != original.translation_key


def test_a_second_site_settings_row_for_a_language_is_a_form_error(client, staff):
    client.force_login(staff.chief)
    response = client.post(
        reverse("wagtailsnippets_home_sitesettings:add") + "?locale=kk",
        {"newspaper_name": "Екінші", "copyright_start_year": "2012"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SiteSettings.objects.filter(locale__language_code="kk").count() == 1


def test_copying_site_settings_into_a_language_that_has_them_is_a_form_error(
    client, staff
):
    client.force_login(staff.chief)
    ru = SiteSettings.objects.get(locale__language_code="ru")
    url = reverse("wagtailsnippets_home_sitesettings:copy", args=[ru.pk])
    response = client.post(
        f"{url}?locale=kk", {"newspaper_name": "Екінші", "copyright_start_year": "2012"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SiteSettings.objects.get(pk=ru.pk).newspaper_name == ru.newspaper_name


def test_a_locale_posted_in_the_form_does_not_move_an_author_to_another_language(
    client, staff
):
    client.force_login(staff.editor)
    kk = locale("kk")
    for field in ("locale", "locale_id"):
        response = client.post(
            reverse("wagtailsnippets_news_author:add") + "?locale=ru",
            {"name": f"Автор {field}", "position": "", field: kk.pk},
        )
        assert response.status_code == 302
    assert not Author.objects.filter(locale=kk).exists()
    assert Author.objects.filter(locale__language_code="ru").count() == 2


def test_a_snippet_without_a_language_is_left_to_its_model_permissions(
    client, rf, tree, staff
):
    """Reader questions have no locale: the language guard must not read one."""
    question = Question.objects.create(
        section=tree.section_ru, text="Когда починят дорогу?", consent=True
    )
    assert not hasattr(question, "locale")
    request = rf.get("/admin/")
    request.user = staff.moderator
    assert guard_snippet_language(request, question) is None
    client.force_login(staff.moderator)
    url = reverse("wagtailsnippets_questions_question:edit", args=[question.pk])
    assert client.get(url).status_code == 200
