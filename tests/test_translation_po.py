"""A translation goes out as a PO file and comes back without loss.

Translators who work offline (or an agency) download the PO file of a
translation from wagtail-localize's editor and upload it back; both views run
here as a translator with permissions on the Kazakh tree only.
"""

from __future__ import annotations

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText
from wagtail_localize.models import StringTranslation, Translation
from wagtail_localize.operations import translate_object

from tests.factories import NewsPageFactory
from tests.translation_support import download, newsroom_staff, upload

pytestmark = pytest.mark.django_db

BODY = [
    (
        "paragraph",
        RichText(
            "<p>Карьер «Северный» вышел на проектную мощность — "
            '<a href="https://example.kz/otchet">отчёт</a> уже готов.</p>'
        ),
    ),
    ("quote", {"text": "Техника слушается терпения.", "attribution": "Мастер"}),
    ("heading", {"text": "Что изменилось", "level": "h2"}),
]
KAZAKH = {
    "Карьер запущен": "Карьер іске қосылды",
    "Короткое вступление к статье.": "Мақалаға қысқаша кіріспе.",
    "Техника слушается терпения.": "Техника шыдамдылыққа бағынады.",
    "Мастер": "Шебер",
    "Что изменилось": "Не өзгерді",
}


@pytest.fixture
def translation(tree):
    kk = Locale.objects.get(language_code="kk")
    article = NewsPageFactory(
        parent=tree.section_ru, title="Карьер запущен", slug="karer", body=BODY
    )
    article.save_revision().publish()
    translate_object(article, [kk])
    return Translation.objects.get(
        source__object_id=article.translation_key, target_locale=kk
    )


@pytest.fixture
def translator_client(client, tree):
    client.force_login(newsroom_staff().translator)
    return client


def entries(po: polib.POFile) -> list[tuple[str, str, str]]:
    return sorted((e.msgctxt, e.msgid, e.msgstr) for e in po if not e.obsolete)


def test_a_translated_po_file_round_trips_without_loss(translator_client, translation):
    po = download(translator_client, translation)
    assert {e.msgid for e in po} >= set(KAZAKH)
    link = next(e for e in po if "отчёт" in e.msgid)
    assert '<a id="a1">отчёт</a>' in link.msgid
    for entry in po:
        entry.msgstr = KAZAKH.get(
            entry.msgid,
            entry.msgid.replace("Карьер", "Карьер (kk)").replace("отчёт", "есеп"),
        )
    upload(translator_client, translation, po)

    again = download(translator_client, translation)
    assert entries(again) == entries(po)
    saved = StringTranslation.objects.filter(locale=translation.target_locale)
    assert saved.count() == len(po)
    assert set(saved.values_list("tool_name", flat=True)) == {"PO File"}


def test_a_partly_translated_file_keeps_what_is_already_translated(
    translator_client, translation
):
    first = download(translator_client, translation)
    for entry in first:
        entry.msgstr = KAZAKH.get(entry.msgid, "")
    upload(translator_client, translation, first)
    second = download(translator_client, translation)
    assert entries(second) == entries(first)
    # An empty msgstr in a later upload never erases a translation.
    for entry in second:
        entry.msgstr = ""
    upload(translator_client, translation, second)
    assert entries(download(translator_client, translation)) == entries(first)


def test_publishing_after_an_upload_shows_the_kazakh_text(
    client, translator_client, translation, tree, django_capture_on_commit_callbacks
):
    po = download(translator_client, translation)
    for entry in po:
        entry.msgstr = KAZAKH.get(entry.msgid, entry.msgid)
    upload(translator_client, translation, po)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    page = Page.objects.get(
        translation_key=translation.source.object_id,
        locale=translation.target_locale,
    ).specific
    assert page.title == "Карьер іске қосылды"
    html = client.get(page.url).content.decode()
    assert "Техника шыдамдылыққа бағынады." in html
    assert 'href="https://example.kz/otchet"' in html


def test_a_po_file_of_another_translation_is_refused(
    translator_client, translation, tree
):
    po = download(translator_client, translation)
    po.metadata["X-WagtailLocalize-TranslationID"] = "00000000-0000-0000-0000-0000"
    for entry in po:
        entry.msgstr = "жоқ"
    upload(translator_client, translation, po)
    assert not StringTranslation.objects.exists()


def test_a_broken_file_is_a_message_not_an_error(translator_client, translation):
    response = translator_client.post(
        reverse("wagtail_localize:upload_pofile", args=(translation.pk,)),
        {"file": SimpleUploadedFile("kk.po", b"\xff\xfe not a po file", "text/plain")},
    )
    assert response.status_code == 302
    assert not StringTranslation.objects.exists()


def test_the_russian_tree_is_not_the_translators(client, tree, translation):
    client.force_login(newsroom_staff().translator)
    ru_source = Translation.objects.create(
        source=translation.source, target_locale=Locale.objects.get(language_code="ru")
    )
    response = client.get(
        reverse("wagtail_localize:download_pofile", args=(ru_source.pk,))
    )
    assert response.status_code in (302, 403)
