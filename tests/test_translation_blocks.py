"""Every word a reader sees in an article body is translated: tables and fallbacks too.

The test walks the article body's block types (``news.blocks``) and builds an
article with each of them twice, every field filled and only the required
ones, posted through the admin's form. Whatever text of it the Russian page
shows must be a segment in wagtail-localize's editor, and the Kazakh page
must show the translation in its place. A new block type whose values the
walk cannot fill fails here until it is taught what readers see of it.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field

import pytest
import wagtail_factories
from django.urls import reverse
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale
from wagtail.test.utils.form_data import rich_text
from wagtail_localize.models import StringSegment

from news import blocks as news_blocks
from news.models import NewsPage
from tests.factories import ImageFactory
from tests.newsroom_support import article_form_data
from tests.translation_support import (
    approve,
    create_in_admin,
    newsroom_staff,
    translate_strings,
    translation_for,
)

pytestmark = pytest.mark.django_db

TITLE = ("Таблица добычи за год", "Жылдық өндіріс кестесі")
LEAD = ("Цифры комбината в одной таблице.", "Комбинат көрсеткіштері бір кестеде.")
NUMBER = "1 250"  # no letters: the same in every language, not a segment


@dataclass
class Sampler:
    """Fills blocks with numbered Russian strings and knows their Kazakh twins."""

    where: dict[str, str] = field(default_factory=dict)

    def text(self, path: str) -> str:
        marker = f"Русский текст {len(self.where) + 1:03d}"
        self.where[marker] = path
        return marker

    @staticmethod
    def kazakh(marker: str) -> str:
        return marker.replace("Русский текст", "Қазақша мәтін")

    def value(self, block, path: str, full: bool):
        """What the admin's form posts; optional parts only when ``full``."""
        if not full and not block.required and not isinstance(block, StructOrList):
            return ""
        if isinstance(block, blocks.StructBlock):
            return {
                name: self.value(child, f"{path}.{name}", full)
                for name, child in block.child_blocks.items()
            }
        if isinstance(block, blocks.ListBlock):
            items = [
                self.value(block.child_block, f"{path}[{index}]", full)
                for index in range(2 if full else 1)
            ]
            return {"count": str(len(items))} | {
                str(index): {
                    "value": item,
                    "id": "",
                    "deleted": "",
                    "order": str(index),
                }
                for index, item in enumerate(items)
            }
        return self.leaf(block, path, full)

    def leaf(self, block, path: str, full: bool):
        if isinstance(block, TableBlock):
            return json.dumps(self.table(path, full))
        if isinstance(block, EmbedBlock):
            return f"https://video.example/{len(self.where)}"
        if isinstance(block, ImageChooserBlock):
            return ImageFactory(title=self.text(f"{path} (image title)")).pk
        if isinstance(block, DocumentChooserBlock):
            document = wagtail_factories.DocumentFactory(
                title=self.text(f"{path} (document title)")
            )
            return document.pk
        if isinstance(block, blocks.ChoiceBlock):
            return block.get_default() or next(iter(block.field.choices))[0]
        if isinstance(block, blocks.RichTextBlock):
            return rich_text(f"<p>{self.text(path)}</p>")
        if isinstance(block, blocks.CharBlock | blocks.TextBlock):
            return self.text(path)
        pytest.fail(
            f"{path}: no sample for {type(block).__name__}; teach Sampler what "
            "readers see of it, and make sure it becomes translation segments"
        )

    def table(self, path: str, full: bool) -> dict:
        header = "row" if full else "neither"
        return {
            "data": [
                [self.text(f"{path}.data[0][0]"), self.text(f"{path}.data[0][1]")],
                [self.text(f"{path}.data[1][0]"), NUMBER],
                [None, ""],
            ],
            "cell": [],
            "mergeCells": [],
            "first_row_is_table_header": full,
            "first_col_is_header": False,
            "table_header_choice": header,
            "table_caption": self.text(f"{path}.table_caption") if full else "",
        }


StructOrList = blocks.StructBlock | blocks.ListBlock


def body_of_every_block(sampler: Sampler) -> dict:
    """Each of the article body's block types twice: filled, then bare."""
    stream = NewsPage._meta.get_field("body").stream_block
    entries = [
        (name, sampler.value(child, name if full else f"{name} (bare)", full))
        for name, child in stream.child_blocks.items()
        for full in (True, False)
    ]
    data = {"count": str(len(entries))}
    for index, (name, value) in enumerate(entries):
        data[str(index)] = {
            "type": name,
            "value": value,
            "deleted": "",
            "order": str(index),
            "id": "",
        }
    return data


def block_classes(block, seen=None) -> set[type]:
    seen = set() if seen is None else seen
    seen.add(type(block))
    children = getattr(block, "child_blocks", None) or {}
    if isinstance(block, blocks.ListBlock):
        children = {"item": block.child_block}
    for child in children.values():
        block_classes(child, seen)
    return seen


def test_every_block_type_of_news_blocks_is_in_the_article_body():
    """The walk below covers every block the module declares."""
    declared = {
        cls
        for _, cls in inspect.getmembers(news_blocks, inspect.isclass)
        if issubclass(cls, blocks.Block) and cls.__module__ == news_blocks.__name__
    }
    article = NewsPage._meta.get_field("body").stream_block
    walked = block_classes(article)
    assert declared - walked <= {news_blocks.StandardBodyBlock}
    assert set(news_blocks.StandardBodyBlock().child_blocks) <= set(
        article.child_blocks
    )


def test_every_text_a_reader_sees_in_a_body_is_translated_into_kazakh(
    client, tree, django_capture_on_commit_callbacks
):
    staff = newsroom_staff()
    kk = Locale.objects.get(language_code="kk")
    sampler = Sampler()
    data = article_form_data(
        title=TITLE[0], slug="dobycha", lead=LEAD[0], body=body_of_every_block(sampler)
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(staff.moderator)
        create_in_admin(client, tree.section_ru, data | {"action-publish": "1"})
    article = NewsPage.objects.get(locale__language_code="ru", slug="dobycha")
    assert article.live
    client.logout()
    ru_html = client.get(article.url).content.decode()
    shown = {
        marker: path for marker, path in sampler.where.items() if marker in ru_html
    }
    # The walk reached the table, its caption, and what stands in for an empty
    # alt text or link text: the image's and the document's titles.
    assert any(".table_caption" in path for path in shown.values())
    assert any("(image title)" in path for path in shown.values())
    assert any("(document title)" in path for path in shown.values())
    assert NUMBER in ru_html

    translation = translation_for(article, kk)
    sources = set(
        StringSegment.objects.filter(source=translation.source).values_list(
            "string__data", flat=True
        )
    )
    missing = {path for marker, path in shown.items() if marker not in sources}
    assert not missing, f"shown to readers but not a segment: {sorted(missing)}"
    assert NUMBER not in sources

    kk_draft = translation.get_target_instance()
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(staff.translator)
        # The translator meets those segments in the editor, which renders them.
        editor = client.get(reverse("wagtailadmin_pages:edit", args=(kk_draft.pk,)))
        assert editor.status_code == 200
        assert "translation-editor" in editor.content.decode()
        texts = {marker: sampler.kazakh(marker) for marker in sources & set(shown)}
        translate_strings(
            client,
            translation,
            texts
            | {source: f"Қазақша: {source}" for source in sources - set(texts)}
            | dict([TITLE, LEAD]),
        )
        response = client.post(reverse("translations_submit", args=(translation.pk,)))
        assert response.status_code == 302
        kk_page = NewsPage.objects.get(pk=kk_draft.pk)
        client.force_login(staff.moderator)
        approve(client, kk_page)

    kk_page.refresh_from_db()
    assert kk_page.live
    client.logout()
    kk_html = client.get(kk_page.url).content.decode()
    still_russian = {path for marker, path in shown.items() if marker in kk_html}
    assert not still_russian, f"Russian on the Kazakh page: {sorted(still_russian)}"
    untranslated = {
        path for marker, path in shown.items() if sampler.kazakh(marker) not in kk_html
    }
    assert not untranslated, f"translation not shown: {sorted(untranslated)}"
    assert NUMBER in kk_html
