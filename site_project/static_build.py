"""Static files as production serves them: hashed, compressed and minified.

WhiteNoise hashes and compresses what ``collectstatic`` collects but leaves
stylesheets as written, comments and indentation included. Minifying while
they are saved keeps one readable source in the repository (no committed
``.min.css`` to fall out of date) and needs no Node tool chain.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from rcssmin import cssmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every stylesheet is written minified: the plain copy ``collectstatic``
    makes and each hashed one the manifest writes after rewriting its URLs,
    so the compressed files WhiteNoise serves are minified too."""

    def _save(self, name, content):
        if name.endswith(".css"):
            content.seek(0)
            content = ContentFile(cssmin(content.read().decode("utf-8")).encode())
        return super()._save(name, content)
