"""The release a process runs: rendered HTML is kept under it.

A deploy changes templates and code, not content, so the content generation
does not move: without this, pages and fragments the previous release drew
would be served by the new one until the next publish (and, during a rolling
deploy, old nodes would keep writing theirs for the new ones to read). The
keys of the page cache and of template fragments therefore carry the release:
``KMPRESS_RELEASE`` when the deploy sets it (an image tag, a commit), else a
fingerprint of the code itself — every module, template, catalogue and static
file of the project and the lock file — taken once per process, so nodes of
one build agree without being told. Entries of an earlier release are never
read again; Redis evicts them (``allkeys-lru``) and the next publish's clear
removes them. The front caches (Varnish) are emptied once per deploy by
``manage.py clear_caches`` in the migrate job.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

#: What a page is drawn from; tests, media and tool folders are not.
_SUFFIXES = (".py", ".html", ".txt", ".xml", ".css", ".js", ".svg", ".mo", ".json")
_SKIPPED = {"tests", "media", "staticfiles", "node_modules", "backups"}


@functools.cache
def release() -> str:
    """``KMPRESS_RELEASE``, or the code's fingerprint (16 hex digits)."""
    if settings.KMPRESS_RELEASE:
        return settings.KMPRESS_RELEASE
    root = Path(settings.BASE_DIR)
    digest = hashlib.blake2b(digest_size=8)
    for path in _code_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _code_files(root: Path):
    lock = root / "uv.lock"
    if lock.exists():
        yield lock
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if _code_folder(name))
        for name in sorted(files):
            if name.endswith(_SUFFIXES):
                yield Path(folder, name)


def _code_folder(name: str) -> bool:
    """Not a tool's, the tests' or a cache's (``db.sqlite3-cache``) folder."""
    return not (name in _SKIPPED or name.startswith(".") or name.endswith("-cache"))


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Django's key function with the release after the alias's prefix."""
    return f"{key_prefix}:{release()}:{version}:{key}"
