"""Static files as production serves them: hashed, compressed and minified.

WhiteNoise hashes and compresses what ``collectstatic`` collects but leaves
stylesheets as written, comments and indentation included. Minifying while
they are saved keeps one readable source in the repository (no committed
``.min.css`` to fall out of date) and needs no Node tool chain.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.base import ContentFile
from rcssmin import cssmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedUrls:
    """Each static file's hashed URL found once per process.

    ``ManifestStaticFilesStorage.url`` finds it anew on every call (it
    unquotes and splits the name, looks it up in the manifest, joins it to
    ``STATIC_URL`` and unquotes the result): nine ``{% static %}`` tags on
    every page. The manifest is read when the process starts and changes
    only when this storage collects again (``post_process``), which forgets
    what was remembered. In ``DEBUG`` (names unhashed) or with ``force`` it
    is left to Django.
    """

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        remembered = self.__dict__.setdefault("_remembered_urls", {})
        try:
            return remembered[name]
        except KeyError:
            remembered[name] = url = super().url(name)
            return url

    def post_process(self, *args, **kwargs):
        self.__dict__.pop("_remembered_urls", None)
        yield from super().post_process(*args, **kwargs)
        self.__dict__.pop("_remembered_urls", None)


class HashedStaticFilesStorage(RememberedUrls, ManifestStaticFilesStorage):
    """Hashed names as production serves them, not compressed nor minified:
    for benchmarks, which collect on every run and never serve these files."""


class MinifiedStaticFilesStorage(RememberedUrls, CompressedManifestStaticFilesStorage):
    """Every stylesheet is written minified: the plain copy ``collectstatic``
    makes and each hashed one the manifest writes after rewriting its URLs,
    so the compressed files WhiteNoise serves are minified too."""

    def _save(self, name, content):
        if name.endswith(".css"):
            content.seek(0)
            content = ContentFile(cssmin(content.read().decode("utf-8")).encode())
        return super()._save(name, content)
