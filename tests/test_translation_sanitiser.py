"""Translated rich text is untrusted: every path that writes it keeps Wagtail's tags.

A translator's string reaches a page through the string editor, a PO upload
or machine translation, then our review path (or wagtail-localize's own
publish); a link's address through an override. Each path here gets the whole
mutation-XSS corpus (tests/xss_support.py) the way a person sends it, and what
lands in the strings, in the reviewed revision and in the moderator's preview
is plain Wagtail rich text. The browser half is tests/e2e/test_translation_xss.py.
"""

from __future__ import annotations

import json
import re
from importlib import import_module
from urllib.parse import urlencode

import polib
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
)
from wagtail_localize.strings import StringValue

from news.models import NewsPage
from tests.translation_support import complete_the_text, newsroom_staff
from tests.xss_support import (
    HOSTILE_HREFS,
    PAYLOADS,
    disallowed_markup,
    hostile_translation,
)
from translations.sanitiser import clean_translated_html

pytestmark = pytest.mark.django_db

SANITISING_MIGRATION = import_module(
    "translations.migrations.0001_sanitise_translated_strings"
)

PARAGRAPH = re.compile(r'<div class="block-paragraph">(.*?)</div>', re.DOTALL)


class HostileTranslator(BaseMachineTranslator):
    """A machine translation service that answers with the corpus."""

    display_name = "Hostile"

    def translate(self, source_locale, target_locale, strings):
        return {
            string: StringValue(PAYLOADS[index % len(PAYLOADS)])
            for index, string in enumerate(sorted(strings, key=lambda s: s.data))
        }

    def can_translate(self, source_locale, target_locale):
        return True


@pytest.fixture
def staff(tree):
    return newsroom_staff()


@pytest.fixture
def translation(tree, staff):
    return hostile_translation(tree.section_ru)


def paragraph_segments(translation) -> list[StringSegment]:
    return list(
        StringSegment.objects.filter(
            source=translation.source, string__data__startswith="Абзац"
        ).order_by("order")
    )


def stored_strings(translation) -> list[str]:
    return list(
        StringTranslation.objects.filter(
            locale=translation.target_locale,
            context__object_id=translation.source.object_id,
        ).values_list("data", flat=True)
    )


def put_string(client, translation, segment, value: str):
    return client.put(
        reverse(
            "wagtail_localize:edit_string_translation",
            args=(translation.pk, segment.pk),
        ),
        urlencode({"value": value}),
        content_type="application/x-www-form-urlencoded",
    )


def submit_and_preview(client, staff, translation) -> tuple[str, str]:
    """Translator submits for review; the moderator's preview and the revision.

    Only complete translations go to review (``complete_the_text``).
    """
    complete_the_text(translation)
    client.force_login(staff.translator)
    response = client.post(reverse("translations_submit", args=(translation.pk,)))
    assert response.status_code == 302
    page = translation.get_target_instance()
    revision = page.latest_revision
    body = revision.as_object().body
    source = "".join(block.value.source for block in body)
    client.force_login(staff.moderator)
    preview = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=(page.pk, revision.pk))
    )
    assert preview.status_code == 200
    return source, preview.content.decode()


def rendered_paragraphs(html: str) -> str:
    return "".join(PARAGRAPH.findall(html))


def assert_clean(source: str, preview: str) -> None:
    """The revision's rich text and what the moderator's preview printed of it."""
    assert disallowed_markup(source) == []
    rendered = rendered_paragraphs(preview)
    assert rendered.count("<p>") == len(PAYLOADS)
    assert disallowed_markup(rendered) == []


def assert_stored_and_shown_clean(client, staff, translation) -> None:
    """Every stored string is clean, and so are the review and the preview."""
    strings = stored_strings(translation)
    assert len(strings) >= len(PAYLOADS)
    assert [disallowed_markup(data) for data in strings] == [[]] * len(strings)
    source, preview = submit_and_preview(client, staff, translation)
    assert_clean(source, preview)


def test_strings_put_in_the_translation_editor_keep_only_rich_text_tags(
    client, staff, translation
):
    client.force_login(staff.translator)
    for segment, payload in zip(paragraph_segments(translation), PAYLOADS, strict=True):
        response = put_string(client, translation, segment, payload)
        assert response.status_code in (200, 201)
        data = response.json()["data"]
        assert disallowed_markup(data) == [], payload
        assert "<!" not in data and "<?" not in data

    source, preview = submit_and_preview(client, staff, translation)
    assert_clean(source, preview)
    # Text the translator typed stays, escaped, not dropped with the markup.
    assert "текст" in source and "мәтін" in source and "сілтеме" in source


def test_a_po_file_upload_of_hostile_strings_keeps_only_rich_text_tags(
    client, staff, translation
):
    client.force_login(staff.translator)
    po = polib.pofile(
        client.get(
            reverse("wagtail_localize:download_pofile", args=(translation.pk,))
        ).content.decode("utf-8")
    )
    paragraphs = [entry for entry in po if entry.msgid.startswith("Абзац")]
    for entry, payload in zip(paragraphs, PAYLOADS, strict=True):
        entry.msgstr = payload
    response = client.post(
        reverse("wagtail_localize:upload_pofile", args=(translation.pk,)),
        {
            "file": SimpleUploadedFile("kk.po", str(po).encode(), "text/x-po"),
            "next": "/admin/",
        },
    )
    assert response.status_code == 302
    assert_stored_and_shown_clean(client, staff, translation)


def test_machine_translation_answering_with_markup_keeps_only_rich_text_tags(
    client, staff, translation, settings
):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": f"{__name__}.HostileTranslator"
    }
    client.force_login(staff.translator)
    response = client.post(
        reverse("wagtail_localize:machine_translate", args=(translation.pk,)),
        {"next": "/admin/"},
    )
    assert response.status_code == 302
    assert_stored_and_shown_clean(client, staff, translation)


@pytest.mark.parametrize("href", HOSTILE_HREFS)
def test_a_link_override_to_a_script_address_keeps_the_source_address(
    client, staff, translation, href
):
    client.force_login(staff.translator)
    override = OverridableSegment.objects.filter(source=translation.source).first()
    response = client.put(
        reverse("wagtail_localize:edit_override", args=(translation.pk, override.pk)),
        urlencode({"value": href}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201)
    stored = SegmentOverride.objects.get(context=override.context)
    assert json.loads(stored.data_json) == override.data

    source, preview = submit_and_preview(client, staff, translation)
    assert_clean(source, preview)
    assert "xss-href" not in preview
    assert f'href="{override.data}"' in source


def test_a_safe_link_override_is_kept(client, staff, translation):
    client.force_login(staff.translator)
    override = OverridableSegment.objects.filter(source=translation.source).first()
    client.put(
        reverse("wagtail_localize:edit_override", args=(translation.pk, override.pk)),
        urlencode({"value": "https://example.kz/kk/esep"}),
        content_type="application/x-www-form-urlencoded",
    )
    source, _preview = submit_and_preview(client, staff, translation)
    assert 'href="https://example.kz/kk/esep"' in source


def test_plain_and_ordinary_strings_are_stored_as_typed():
    for text in (
        "Том & Джерри",
        "5 > 3, «кавычки» и 'апостроф'",
        'Біз <b>бірге</b> <a id="a1">жұмыс</a> істейміз<br/>',
    ):
        assert clean_translated_html(text) == text


def hostile_row_saved_before_the_guard(translation) -> StringTranslation:
    """A stored string the pre_save guard never saw (an update skips it)."""
    segment = paragraph_segments(translation)[0]
    row = StringTranslation.objects.create(
        translation_of_id=segment.string_id,
        locale=translation.target_locale,
        context_id=segment.context_id,
        data="мәтін",
    )
    StringTranslation.objects.filter(pk=row.pk).update(data=PAYLOADS[0] + "мәтін")
    return row


def test_strings_saved_before_the_guard_are_cleaned_by_the_migration(
    client, staff, translation
):
    row = hostile_row_saved_before_the_guard(translation)
    SANITISING_MIGRATION.sanitise(apps, None)
    row.refresh_from_db()
    assert row.data == "мәтін"


def test_a_database_migrated_while_newsroom_held_the_migration_runs_it_again(
    staff, translation
):
    """Before the translations app this migration was newsroom's 0001: such a
    database plans exactly translations' 0001, which cleans what came since."""
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("translations", "0001_sanitise_translated_strings")
    recorder.record_applied("newsroom", "0001_sanitise_translated_strings")
    row = hostile_row_saved_before_the_guard(translation)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert [(migration.app_label, migration.name) for migration, _ in plan] == [
        ("translations", "0001_sanitise_translated_strings")
    ]
    # What migrate runs, on migration-state models (migrate itself cannot run
    # inside the test's transaction on SQLite).
    SANITISING_MIGRATION.sanitise(executor.loader.project_state().apps, None)
    row.refresh_from_db()
    assert row.data == "мәтін"


def test_the_published_kazakh_page_shows_no_payload(client, staff, translation):
    """wagtail-localize's own publish reads the same strings."""
    client.force_login(staff.translator)
    for segment, payload in zip(paragraph_segments(translation), PAYLOADS, strict=True):
        put_string(client, translation, segment, payload)
    translation.save_target(user=staff.moderator, publish=True)
    page = NewsPage.objects.get(pk=translation.get_target_instance().pk)
    page.get_latest_revision().publish()
    page.refresh_from_db()
    client.logout()
    response = client.get(page.url)
    assert response.status_code == 200
    assert disallowed_markup("".join(block.value.source for block in page.body)) == []
    rendered = rendered_paragraphs(response.content.decode())
    assert rendered.count("<p>") == len(PAYLOADS)
    assert disallowed_markup(rendered) == []
