"""The document upload form: Wagtail's, refused while the media storage is away.

``WAGTAILDOCS_DOCUMENT_FORM_BASE`` points Wagtail's document forms (add, edit,
multiple upload, the chooser's upload) here.
"""

from wagtail.documents.forms import BaseDocumentForm

from core.storage import StorageCheckedForm


class DocumentForm(StorageCheckedForm, BaseDocumentForm):
    """Wagtail's document form; a new file is accepted only while storage answers."""
