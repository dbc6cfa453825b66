"""StreamField blocks of the article body; each renders with its own template.

Every text a reader sees in a block is a translation segment of
wagtail-localize, so the Kazakh page shows none of the Russian one
(tests/test_translation_blocks.py walks every block type).
"""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import StreamFieldSegmentExtractor

from core.form_guards import UNREADABLE

# Limited on purpose: a newspaper body needs emphasis, links and lists, not fonts.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def segments_as_shown(value: blocks.StructValue, **stand_ins: str) -> list:
    """wagtail-localize's segments of a StructBlock, empty fields as readers see them.

    ``StreamFieldSegmentExtractor`` drops empty strings, but a template shows
    a stand-in for some of them: an image's or a document's title, which are
    not translatable models, so the Kazakh page read them in Russian. Given
    as the empty field's source text, the stand-in is translated with the
    page, and ingest (``StreamFieldSegmentsWriter.handle_struct_block``)
    writes the translation into that field of the Kazakh block.
    """
    shown = blocks.StructValue(
        value.block,
        [(name, child or stand_ins.get(name, child)) for name, child in value.items()],
    )
    return StreamFieldSegmentExtractor(field=None).handle_struct_block(shown)


def has_words(text) -> bool:
    """Numbers, dates and signs read the same in Russian and Kazakh."""
    return isinstance(text, str) and any(char.isalpha() for char in text)


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph.html"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=255)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=500)
    credit = blocks.CharBlock(
        label=_("credit"),
        required=False,
        max_length=255,
        help_text=_("Only the name: the site adds «Photo:» itself."),
    )
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=255,
        help_text=_(
            "What the image shows, for readers who cannot see it. "
            "Empty: the caption, else the image's title."
        ),
    )

    def get_translatable_segments(self, value) -> list:
        """The image's title is the alt text of an image with neither."""
        image = value.get("image")
        stand_in = "" if value.get("caption") or image is None else image.title
        return segments_as_shown(value, alt_text=stand_in)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.TextBlock(label=_("question"))
    answer = ParagraphBlock(label=_("answer"))

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "blocks/question_answer.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    images = blocks.ListBlock(CaptionedImageBlock(), label=_("images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "blocks/gallery.html"


class VideoEmbedBlock(EmbedBlock):
    class Meta:
        icon = "media"
        label = _("Embedded media")
        template = "blocks/embed.html"


def _is_table(value) -> bool:
    """Rows of plain cells and a text caption: what the table editor posts."""
    if not isinstance(value, dict):
        return False
    rows = value.get("data") or []
    cells_ok = isinstance(rows, list) and all(
        isinstance(row, list)
        and all(cell is None or isinstance(cell, str | int | float) for cell in row)
        for row in rows
    )
    return cells_ok and isinstance(value.get("table_caption") or "", str)


class NewsTableBlock(TableBlock):
    """A table whose caption and cells translate.

    wagtail-localize's ``StreamFieldSegmentExtractor.handle_block`` ignores
    block types it does not know, ``TableBlock`` among them, so a Kazakh
    article showed its tables in Russian; these two methods are its
    documented extension point for such blocks.
    """

    def get_translatable_segments(self, value) -> list[StringSegmentValue]:
        """The caption and every cell with words in it."""
        if not value:
            return []
        texts = [("table_caption", value.get("table_caption"))] + [
            (f"data.{row}.{column}", cell)
            for row, cells in enumerate(value.get("data") or [])
            for column, cell in enumerate(cells)
        ]
        return [
            StringSegmentValue(path, text) for path, text in texts if has_words(text)
        ]

    def restore_translated_segments(self, value, segments) -> dict:
        """The source table with the translations in the places they came from."""
        table = copy.deepcopy(value)
        for segment in segments:
            key, _dot, place = segment.path.partition(".")
            if key == "data":
                row, column = (int(index) for index in place.split("."))
                table["data"][row][column] = segment.render_text()
            else:
                table[key] = segment.render_text()
        return table

    def clean(self, value):
        """Refuses what the table editor never posts.

        Upstream ``TableBlock.clean`` calls ``value.get()``: a posted JSON list
        or number was an AttributeError (500), and a dict whose ``data`` is not
        rows of cells was saved, then broke the page's template and indexing.
        """
        if value and not _is_table(value):
            raise ValidationError(UNREADABLE, code="unreadable")
        return super().clean(value)

    class Meta:
        icon = "table"
        label = _("Table")
        template = "blocks/table.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"),
        required=False,
        help_text=_("Leave empty to use the document's title."),
    )

    def get_translatable_segments(self, value) -> list:
        """The document's title is the link text of a link without one."""
        document = value.get("document")
        return segments_as_shown(value, title=document.title if document else "")

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "blocks/document_link.html"


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    facts = blocks.ListBlock(blocks.CharBlock(label=_("fact")), label=_("facts"))

    class Meta:
        icon = "list-ul"
        label = _("Fact box")
        template = "blocks/fact_box.html"


class TimelineEventBlock(blocks.StructBlock):
    date_label = blocks.CharBlock(
        label=_("date or year"),
        max_length=64,
        help_text=_("For example 1965 or May 1987."),
    )
    title = blocks.CharBlock(label=_("title"))
    text = blocks.TextBlock(label=_("text"), required=False)
    image = ImageChooserBlock(label=_("archive photo"), required=False)

    class Meta:
        icon = "time"
        label = _("Timeline event")
        template = "blocks/timeline_event.html"


class StandardBodyBlock(blocks.StreamBlock):
    """The blocks of plain pages such as contacts."""

    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    table = NewsTableBlock()
    document = DocumentLinkBlock()
    fact_box = FactBoxBlock()


class ArticleBodyBlock(StandardBodyBlock):
    """Every block an article body may hold."""

    question_answer = QuestionAnswerBlock()
    gallery = GalleryBlock()
    embed = VideoEmbedBlock()
    timeline_event = TimelineEventBlock()
