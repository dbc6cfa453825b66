"""The edition form: the PDF is read when it is chosen, errors go to its field."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.slugs import ReadableSlugPageForm

from .pdf import PdfError, read_pdf

#: Larger files are refused before reading: a whole issue is tens of megabytes.
MAX_PDF_BYTES = 200 * 1024 * 1024


class EditionPageForm(ReadableSlugPageForm):
    def clean(self):
        cleaned = super().clean()
        document = cleaned.get("pdf")
        self.pdf_content = None
        if document is None:
            return cleaned
        unchanged = document.pk == self.instance.pdf_id and self.instance.cover_id
        if unchanged:
            return cleaned
        try:
            self.pdf_content = read_pdf(_document_bytes(document))
        except PdfError as error:
            self.add_error("pdf", error.message)
        return cleaned

    def save(self, commit=True):
        page = super().save(commit=False)
        if self.pdf_content is not None:
            page.apply_pdf(self.pdf_content)
        if commit:
            page.save()
            self.save_m2m()
        return page


def _document_bytes(document) -> bytes:
    try:
        if document.file.size > MAX_PDF_BYTES:
            raise PdfError(_("The PDF is larger than 200 MB."))
        with document.file.open("rb") as handle:
            return handle.read()
    except OSError as error:
        raise PdfError(_("The PDF file cannot be read from the storage.")) from error
