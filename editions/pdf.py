"""What an uploaded edition PDF gives the site: its text and a cover picture.

pypdf reads the text, pypdfium2 renders the first page. A PDF that either
cannot read (truncated, not a PDF, password-protected, no pages) raises
``PdfError`` with a message for the editor: the upload form shows it instead
of a 500.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("editions")

#: Width of the rendered cover in pixels: sharp on a retina teaser, small file.
COVER_WIDTH = 900
#: Extracted text kept per edition: a 24-page tabloid is ~300 000 characters.
MAX_TEXT_LENGTH = 2_000_000


class PdfError(ValueError):
    """The PDF cannot be used; ``message`` says why, in the editor's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PdfContent:
    text: str
    cover_jpeg: bytes
    page_count: int


def _text(data: bytes) -> tuple[str, int]:
    # pypdf raises many exception types on damaged files (PdfReadError,
    # ValueError, KeyError, struct errors…): any of them means "unreadable".
    from pypdf import PdfReader  # noqa: PLC0415

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError(
                _(
                    "The PDF is protected with a password. Save it without a "
                    "password and upload it again."
                )
            )
        parts, length = [], 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            length += len(part)
            if length >= MAX_TEXT_LENGTH:
                break
        return "\n".join(parts)[:MAX_TEXT_LENGTH], len(reader.pages)
    except PdfError:
        raise
    except Exception as error:
        logger.info("Unreadable edition PDF: %r", error)
        raise PdfError(_unreadable()) from error


def _unreadable():
    return _(
        "The file is not a readable PDF (it may be damaged or incomplete). "
        "Export the PDF again and upload it."
    )


def _cover(data: bytes) -> bytes:
    import pypdfium2 as pdfium  # noqa: PLC0415

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        logger.info("Unrenderable edition PDF: %r", error)
        raise PdfError(_unreadable()) from error
    try:
        page = document[0]
        scale = COVER_WIDTH / max(page.get_width(), 1)
        image = page.render(scale=min(scale, 10)).to_pil().convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
        return out.getvalue()
    except Exception as error:
        logger.info("Unrenderable edition PDF page: %r", error)
        raise PdfError(_unreadable()) from error
    finally:
        document.close()


def read_pdf(data: bytes) -> PdfContent:
    """Text and cover of an edition PDF, or ``PdfError``."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfError(_("The file is not a PDF."))
    text, pages = _text(data)
    if not pages:
        raise PdfError(_("The PDF has no pages."))
    return PdfContent(text=text, cover_jpeg=_cover(data), page_count=pages)
