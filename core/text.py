"""The one clean-text helper: teasers, meta tags, feeds and search results use it.

The newspaper's old site glued tag names into its teasers ("strongВ нашу…"),
because it cut raw HTML. Here markup is parsed, never cut: block-level tags become
spaces, entities are decoded, whitespace is collapsed, and only then is the text
shortened at a word boundary.

Tables give readers their caption only: cells glued into one line read as
nonsense ("Показатель 2025 2026 Руда 12 14"). The search index and the
comparison of a translation with its original ask for the cells too
(``table_cells=True``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from wagtail import blocks
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.rich_text import RichText

ELLIPSIS = "…"

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "template", "noscript", "iframe", "svg"}
_WHITESPACE = re.compile(r"\s+")
# Invisible characters that editors paste from word processors.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


class _TextExtractor(HTMLParser):
    def __init__(self, table_cells: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._table_cells = table_cells
        self._tables = 0
        self._captions = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "table":
            self._tables += 1
        elif tag == "caption":
            self._captions += 1
        if tag in _BLOCK_TAGS | {"caption"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "table":
            self._tables = max(0, self._tables - 1)
        elif tag == "caption":
            self._captions = max(0, self._captions - 1)
        if tag in _BLOCK_TAGS | {"caption"}:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        in_cells = self._tables and not self._captions and not self._table_cells
        if not self._skipping and not in_cells:
            self.parts.append(data)


def _html_to_text(markup: str, table_cells: bool) -> str:
    if "<" not in markup and "&" not in markup:
        return markup
    parser = _TextExtractor(table_cells)
    parser.feed(markup)
    parser.close()
    # A second unescape catches double-encoded entities such as "&amp;nbsp;".
    return html.unescape("".join(parser.parts))


def _stream_text(value: Any, table_cells: bool) -> Iterator[str]:
    """Yields the readable text of StreamField values in reading order.

    Walks the block definitions, so choice values ("h2"), images and other
    non-prose fields never end up in an excerpt. Lazily: a search result's
    excerpt stops at the block that holds the first matching word.
    """
    if value is None:
        return
    if isinstance(value, RichText):
        yield _html_to_text(value.source, table_cells)
        return
    if isinstance(value, str):
        yield _html_to_text(value, table_cells)
        return
    if isinstance(value, StreamValue):
        children = ((child.block, child.value) for child in value)
    elif isinstance(value, StructValue):
        children = (
            (child_block, value.get(name))
            for name, child_block in value.block.child_blocks.items()
        )
    elif isinstance(value, ListValue):
        children = ((value.list_block.child_block, child) for child in value)
    else:
        return
    for block, child in children:
        yield from _block_text(block, child, table_cells)


def _block_text(block: Any, value: Any, table_cells: bool) -> Iterator[str]:
    if isinstance(block, TableBlock):
        table = value or {}
        rows = (table.get("data") or []) if table_cells else []
        yield table.get("table_caption") or ""
        yield from (str(cell) for row in rows for cell in row if cell)
    elif isinstance(block, blocks.ChoiceBlock | blocks.BooleanBlock):
        return
    elif isinstance(
        block,
        blocks.CharBlock
        | blocks.TextBlock
        | blocks.RichTextBlock
        | blocks.StructBlock
        | blocks.StreamBlock
        | blocks.ListBlock,
    ):
        yield from _stream_text(value, table_cells)


def _clean_piece(text: str) -> str:
    text = text.translate(_INVISIBLE).replace("\xa0", " ")
    return _WHITESPACE.sub(" ", text).strip()


def text_pieces(value: Any, *, table_cells: bool = False) -> Iterator[str]:
    """``clean_text(value)`` piece by piece (a paragraph, a caption…), lazily:
    each piece cleaned and non-empty, and joined by single spaces they are
    ``clean_text(value)``. No word spans two pieces."""
    for text in _stream_text(value, table_cells):
        piece = _clean_piece(text)
        if piece:
            yield piece


def clean_text(value: Any, *, table_cells: bool = False) -> str:
    """Plain text of a string of HTML, a RichText or a StreamField value.

    Readers' text by default: a table gives its caption only.
    """
    return " ".join(text_pieces(value, table_cells=table_cells))


def excerpt(value: Any, max_length: int = 200) -> str:
    """Clean text cut at a word boundary, with an ellipsis when shortened."""
    text = clean_text(value)
    if len(text) <= max_length:
        return text
    cut = text[: max_length - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > max_length // 2 else cut[: max_length - len(ELLIPSIS)]
    return cut.rstrip(" ,;:.-–—(«\"'") + ELLIPSIS


# Typography ------------------------------------------------------------------
# Russian and Kazakh set quotes as «…» and keep a number on the line of its
# percent sign or unit. Applied where text is drawn (``typography`` filter on
# titles, leads and rendered rich text) so editors' straight quotes and plain
# spaces come out right; the demo's own texts are written that way already.

NBSP = "\u00a0"
_CYRILLIC_TAIL = "[а-яёәғқңөұүһі]*"
_UNITS = (
    r"%|‰|°C?|₸|"
    rf"(?:тонн{_CYRILLIC_TAIL}|тг|тенге{_CYRILLIC_TAIL}|млн|млрд|тыс\.?|"
    r"км|м|см|мм|м²|м³|кг|г|т|га|л|кВт|МВт|ч|мин|сек)(?![\w])"
)
_NUMBER_UNIT = re.compile(rf"(?<=\d)[ \t]+(?={_UNITS})", re.IGNORECASE)
_QUOTES = '"“”„'
_QUOTE = re.compile(f"[{_QUOTES}]")
_OPENS_AFTER = set(" \t\n\r\u00a0([{—–-«/")
_TAG_OR_TEXT = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_RAW_TAGS = re.compile(r"<(/?)(script|style|code|pre|textarea)\b", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(p|div|li|h[1-6]|br|td|th|blockquote)\b", re.IGNORECASE)


def _quotes(text: str, previous: str) -> tuple[str, str]:
    """Straight and English quotes as «…»; ``previous`` is the character before.

    Most text has no quote at all: it is returned as it is, without the walk
    through its characters (the heaviest line of a fully drawn article).
    """
    if not _QUOTE.search(text):
        return text, text[-1] if text else previous
    out = []
    for char in text:
        if char in _QUOTES:
            previous = "«" if previous in _OPENS_AFTER else "»"
        else:
            previous = char
        out.append(previous)
    return "".join(out), previous


def typography(markup: str) -> str:
    """``markup`` (HTML or plain text) with «…» quotes and no-break spaces
    before % and units; tags, attributes and code are left as they are."""
    if not markup:
        return markup
    out, previous, raw = [], " ", 0
    for part in _TAG_OR_TEXT.split(str(markup)):
        if part.startswith("<"):
            opening = _RAW_TAGS.match(part)
            if opening:
                raw = max(0, raw + (-1 if opening.group(1) else 1))
            if _BLOCK_TAG.match(part):
                previous = " "
            out.append(part)
        elif raw or not part:
            out.append(part)
        else:
            text = part.replace("&quot;", '"').replace("&#34;", '"')
            text, previous = _quotes(text, previous)
            out.append(_NUMBER_UNIT.sub(NBSP, text))
    return "".join(out)
