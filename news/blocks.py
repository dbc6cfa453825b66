"""StreamField blocks of the article body; each renders with its own template."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from core.form_guards import UNREADABLE

# Limited on purpose: a newspaper body needs emphasis, links and lists, not fonts.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


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
