"""kk synchronised from ru, machine translation from the environment, snippets."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.users.models import UserProfile
from wagtail_localize.machine_translators.dummy import DummyTranslator
from wagtail_localize.models import (
    LocaleSynchronization,
    StringSegment,
    StringTranslation,
    Translation,
)
from wagtail_localize.operations import translate_object

from demo.management.commands._translations import link_demo_translations
from home.models import SiteSettings
from news.models import Author, NewsPage
from site_project.settings.base import machine_translator_from_env
from tests.factories import AuthorFactory, NewsPageFactory
from tests.translation_support import (
    article_with_body,
    create_in_admin,
    newsroom_staff,
    translate_strings,
)
from translations.status import PUBLISHED, translation_status
from translations.sync import ensure_locale_synchronisation

pytestmark = pytest.mark.django_db

MACHINE_ENV = (
    "WAGTAILLOCALIZE_MACHINE_TRANSLATOR",
    "DEEPL_API_KEY",
    "LIBRETRANSLATE_URL",
    "LIBRETRANSLATE_API_KEY",
    "GOOGLE_CLOUD_PROJECT",
)


@pytest.fixture
def kk(tree) -> Locale:
    return Locale.objects.get(language_code="kk")


# ------------------------------------------------------- locale synchronisation


def test_kk_is_synchronised_from_ru_once_however_often_it_is_set_up(tree, kk):
    assert ensure_locale_synchronisation() == ["kk synchronised from ru"]
    assert ensure_locale_synchronisation() == []
    sync = LocaleSynchronization.objects.get()
    assert (sync.locale, sync.sync_from.language_code) == (kk, "ru")


def test_the_sync_command_gives_every_russian_page_a_kazakh_draft(tree, kk):
    article = NewsPageFactory(parent=tree.section_ru, slug="odna")
    article.save_revision().publish()
    call_command("sync_translations", verbosity=0)
    twin = Page.objects.get(translation_key=article.translation_key, locale=kk)
    assert twin.alias_of_id is None
    assert not twin.live
    assert Translation.objects.filter(
        source__object_id=article.translation_key, target_locale=kk
    ).exists()
    before = Page.objects.count()
    call_command("sync_translations", verbosity=0)
    assert Page.objects.count() == before


def test_setting_up_the_newsroom_gives_every_russian_page_a_kazakh_draft(tree, kk):
    """A deploy runs setup_newsroom once; the kk tree is complete after it."""
    article = NewsPageFactory(parent=tree.section_ru, slug="pri-ustanovke")
    article.save_revision().publish()
    call_command("setup_newsroom", verbosity=0)
    twin = Page.objects.get(translation_key=article.translation_key, locale=kk)
    assert (twin.alias_of_id, twin.live) == (None, False)
    assert LocaleSynchronization.objects.get().locale == kk
    before = Page.objects.count()
    call_command("setup_newsroom", verbosity=0)
    assert Page.objects.count() == before


def test_a_page_published_straight_from_the_create_view_gets_a_draft_twin(
    client, tree, kk, django_capture_on_commit_callbacks
):
    staff = newsroom_staff()
    client.force_login(staff.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        create_in_admin(
            client,
            tree.section_ru,
            article_with_body(title="Сразу в номер", lead="Лид.", paragraph="Текст.")
            | {"action-publish": "1"},
        )
    article = NewsPage.objects.get(title="Сразу в номер", locale__language_code="ru")
    assert article.live
    twin = Page.objects.get(translation_key=article.translation_key, locale=kk)
    assert (twin.alias_of_id, twin.live) == (None, False)
    html_ = client.get(tree.section_kk.url).content.decode()
    assert "Сразу в номер" not in html_


# ------------------------------------------------------------ machine translation


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        (
            {"DEEPL_API_KEY": "key:fx"},
            {
                "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
                "OPTIONS": {"AUTH_KEY": "key:fx", "TIMEOUT": 10},
            },
        ),
        (
            {"LIBRETRANSLATE_URL": "http://127.0.0.1:5000"},
            {
                "CLASS": (
                    "wagtail_localize.machine_translators.libretranslate."
                    "LibreTranslator"
                ),
                "OPTIONS": {
                    "LIBRETRANSLATE_URL": "http://127.0.0.1:5000",
                    "API_KEY": "",
                    "TIMEOUT": 10,
                },
            },
        ),
        (
            {"WAGTAILLOCALIZE_MACHINE_TRANSLATOR": "dummy"},
            {
                "CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator",
                "OPTIONS": {},
            },
        ),
    ],
)
def test_machine_translation_is_configured_from_the_environment(
    monkeypatch, env, expected
):
    for name in MACHINE_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert machine_translator_from_env() == expected


@pytest.mark.parametrize(
    "env",
    [
        {"WAGTAILLOCALIZE_MACHINE_TRANSLATOR": "babelfish"},
        {"WAGTAILLOCALIZE_MACHINE_TRANSLATOR": "libretranslate"},
        {"WAGTAILLOCALIZE_MACHINE_TRANSLATOR": "deepl"},
    ],
)
def test_a_half_configured_machine_translator_refuses_to_start(monkeypatch, env):
    for name in MACHINE_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured):
        machine_translator_from_env()


@pytest.fixture
def draft_translation(tree, kk):
    article = NewsPageFactory(parent=tree.section_ru, title="Новый карьер", slug="k")
    article.save_revision().publish()
    translate_object(article, [kk])
    return Translation.objects.get(source__object_id=article.translation_key)


def editor_props(client, translation) -> dict:
    page = translation.get_target_instance()
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    raw = re.search(r'data-props="([^"]*)"', response.content.decode()).group(1)
    return json.loads(html.unescape(raw))


def test_without_a_machine_translator_the_editor_offers_none(client, draft_translation):
    client.force_login(newsroom_staff().translator)
    with override_settings(WAGTAILLOCALIZE_MACHINE_TRANSLATOR=None):
        assert editor_props(client, draft_translation)["machineTranslator"] is None
        response = client.post(
            reverse("wagtail_localize:machine_translate", args=(draft_translation.pk,))
        )
    # The admin's 404 (no redirect to /ru/admin/, tests/test_admin_not_found.py).
    assert response.status_code == 404
    assert not StringTranslation.objects.exists()


def test_the_dummy_machine_translator_fills_the_missing_strings(
    client, draft_translation
):
    client.force_login(newsroom_staff().translator)
    props = editor_props(client, draft_translation)
    assert props["machineTranslator"]["name"] == str(DummyTranslator.display_name)
    response = client.post(props["machineTranslator"]["url"], {"next": "/admin/"})
    assert response.status_code == 302
    title = StringTranslation.objects.get(
        translation_of__data="Новый карьер", locale=draft_translation.target_locale
    )
    assert (title.data, title.translation_type) == ("карьер Новый", "machine")


@override_settings(
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR={
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        # A closed loopback port: the service is down.
        "OPTIONS": {
            "LIBRETRANSLATE_URL": "http://127.0.0.1:9",
            "API_KEY": "",
            "TIMEOUT": 1,
        },
    }
)
def test_an_unreachable_machine_translator_is_a_message_not_an_error(
    client, draft_translation
):
    client.force_login(newsroom_staff().translator)
    response = client.post(
        reverse("wagtail_localize:machine_translate", args=(draft_translation.pk,)),
        {"next": "/admin/"},
    )
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("машинного перевода недоступен" in m for m in messages), messages
    assert not StringTranslation.objects.exists()


# ------------------------------------------------------------------- snippets


def test_translators_translate_author_snippets_segment_by_segment(client, tree, kk):
    staff = newsroom_staff()
    author = AuthorFactory(name="Асель Нурланова", position="корреспондент")
    translate_object(author, [kk])
    translation = Translation.objects.get(source__object_id=author.translation_key)
    client.force_login(staff.translator)
    translate_strings(
        client,
        translation,
        {"Асель Нурланова": "Әсел Нұрланова", "корреспондент": "тілші"},
    )
    kk_author = Author.objects.get(translation_key=author.translation_key, locale=kk)
    edit_url = reverse("wagtailsnippets_news_author:edit", args=(kk_author.pk,))
    response = client.post(edit_url, {"action": "publish"})
    assert response.status_code == 302
    kk_author.refresh_from_db()
    assert (kk_author.name, kk_author.position) == ("Әсел Нұрланова", "тілші")


def test_translators_translate_the_kazakh_site_settings_not_the_russian(
    client, tree, kk
):
    staff = newsroom_staff()
    ru_row = SiteSettings.objects.get(locale__language_code="ru")
    link_demo_translations(
        keys=[ru_row.translation_key],
        of_models=(SiteSettings,),
        source=ru_row.locale,
        target=kk,
    )
    translation = Translation.objects.get(source__object_id=ru_row.translation_key)
    client.force_login(staff.translator)
    translate_strings(client, translation, {ru_row.about: "Газет 2012 жылдан шығады."})
    kk_row = SiteSettings.objects.get(locale=kk)
    edit = "wagtailsnippets_home_sitesettings:edit"
    response = client.post(reverse(edit, args=(kk_row.pk,)), {"action": "publish"})
    assert response.status_code == 302
    kk_row.refresh_from_db()
    assert kk_row.about == "Газет 2012 жылдан шығады."

    # The Russian row is the source: not the translators' to change.
    response = client.post(
        reverse(edit, args=(ru_row.pk,)),
        {"newspaper_name": "Чужое название", "copyright_start_year": "2012"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    ru_row.refresh_from_db()
    assert ru_row.newspaper_name != "Чужое название"


# --------------------------------------------------------------- demo content


def test_demo_twins_become_translations_with_their_kazakh_text_kept(tree, kk):
    ru = NewsPageFactory(parent=tree.section_ru, title="Карьер", lead="Лид статьи.")
    ru.save_revision().publish()
    twin = NewsPageFactory(
        parent=tree.section_kk,
        locale=kk,
        title="Карьер туралы",
        lead="Мақала лиды.",
        translation_key=ru.translation_key,
    )
    twin.save_revision().publish()
    ru_locale = Locale.objects.get(language_code="ru")
    kwargs = {"keys": [ru.translation_key], "of_models": [Page], "source": ru_locale}
    assert link_demo_translations(**kwargs, target=kk) == 1
    assert link_demo_translations(**kwargs, target=kk) == 0  # idempotent
    twin.refresh_from_db()
    assert (twin.title, twin.lead) == ("Карьер туралы", "Мақала лиды.")
    segments = StringSegment.objects.filter(source__object_id=ru.translation_key)
    translated = dict(
        StringTranslation.objects.filter(locale=kk).values_list(
            "translation_of__data", "data"
        )
    )
    assert translated["Карьер"] == "Карьер туралы"
    assert translated["Лид статьи."] == "Мақала лиды."
    assert len(translated) == segments.count()
    assert translation_status(target=kk).get(pk=ru.pk).status == PUBLISHED


# ------------------------------------------------------------- language names


@pytest.mark.parametrize("url_name", ["wagtailadmin_account", "wagtaillocales:index"])
def test_the_admin_names_the_languages_natively(client, tree, url_name):
    admin = get_user_model().objects.create_superuser("chief", "c@example.kz", "pw")
    client.force_login(admin)
    html_ = client.get(reverse(url_name)).content.decode()
    assert "Қазақша" in html_
    assert "Русский" in html_
    assert "Kazakh" not in html_ and "казахский" not in html_.lower()


def test_a_kazakh_speaking_admin_reads_our_kazakh_and_wagtails_kazakh(client, tree):
    translator = newsroom_staff().translator
    profile = UserProfile.get_for_user(translator)
    profile.preferred_language = "kk"
    profile.save()
    client.force_login(translator)
    html_ = client.get(reverse("translations_status")).content.decode()
    assert '<html lang="kk"' in html_
    assert "Аудармалар" in html_  # ours, in Kazakh
    # Wagtail's menu in Kazakh too (locale_upstream/kk), neither Russian nor English.
    menu = json.dumps(["Беттер", "Суреттер", "Құжаттар"])[1:-1].split(", ")
    assert all(label in html_ for label in menu), menu
    assert '"Images"' not in html_
    assert json.dumps("Изображения") not in html_


def test_an_author_row_is_edited_only_by_staff_of_its_language(client, tree, kk):
    staff = newsroom_staff()
    ru_author = Author.objects.create(name="Асель Нурланова", position="корреспондент")
    kk_author = ru_author.copy_for_translation(kk)
    kk_author.save()
    edit = "wagtailsnippets_news_author:edit"

    def rename(user, author, name):
        client.force_login(user)
        client.post(
            reverse(edit, args=(author.pk,)), {"name": name, "position": "тілші"}
        )
        author.refresh_from_db()
        return author.name == name

    assert not rename(staff.translator, ru_author, "Чужая правка")
    assert rename(staff.translator, kk_author, "Әсел Нұрланова")
    assert not rename(staff.editor, kk_author, "Чужая правка")
    assert rename(staff.editor, ru_author, "Асель Нурланова-Ким")
