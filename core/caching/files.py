"""The embedded default's caches: files every process of the site reads.

Without Redis the site is still several processes (runserver, the worker, a
shell, a second server), and local memory would keep each one's copy of the
content generation and of whole pages: another process's change stayed
invisible until those copies expired (issue 14). Django's file cache is shared
by every process on the machine: a bump or a ``clear()`` (which deletes the
files) is seen by the next request of every process.

Two things Django's file cache does not do, added here:

* ``incr`` keeps the key's lifetime. Django's (``BaseCache.incr``: a get and a
  set) gives the key the alias's default timeout, so the generation, stored
  for good, would expire minutes after each bump and every layout and
  fragment be rebuilt for nothing.
* ``IGNORE_EXCEPTIONS`` (the name django-redis uses): a directory that cannot
  be read or written (permissions, a full disk) is a miss, never an error
  page. Only ``FileNotFoundError`` is a miss upstream. The page cache alias
  leaves it off: core.caching catches its errors itself (``X-Wagtail-Cache:
  err``, one log line, a clear owed).
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import time
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

logger = logging.getLogger("kmpress.cache")


class SharedFileCache(FileBasedCache):
    def __init__(self, dir, params):
        self.ignore_errors = params.get("OPTIONS", {}).get("IGNORE_EXCEPTIONS", False)
        # Upstream makes the folder here, last; a folder that cannot be made
        # must not stop the site from starting. Each write makes it again and
        # reports (or ignores) the failure then.
        with contextlib.suppress(OSError):
            super().__init__(dir, params)

    def _failed(self, action: str, error: OSError, answer):
        """What a call answers when the directory failed it (or it raises)."""
        if not self.ignore_errors:
            raise error
        logger.warning("File cache %s failed in %s: %s", action, self._dir, error)
        return answer

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OSError as error:
            return self._failed("get", error, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OSError as error:
            self._failed("set", error, None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Upstream's add calls the (failure-swallowing) set above: a failed
        # add would answer True.
        try:
            if super().has_key(key, version):
                return False
            super().set(key, value, timeout, version)
        except OSError as error:
            return self._failed("add", error, False)
        return True

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OSError as error:
            return self._failed("delete", error, False)

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OSError as error:
            return self._failed("has_key", error, False)

    def clear(self):
        try:
            super().clear()
        except OSError as error:
            self._failed("clear", error, None)

    def incr(self, key, delta=1, version=None):
        """``delta`` added, the key's expiry kept; ValueError when it is missing,
        None when the directory failed (errors ignored)."""
        try:
            with open(self._key_to_file(key, version), "rb") as file:
                # The file cache's own format, as Django reads it.
                expiry = pickle.load(file)  # noqa: S301
                value = pickle.loads(zlib.decompress(file.read()))  # noqa: S301
            if expiry is not None and expiry < time.time():
                raise FileNotFoundError
            value += delta
            timeout = None if expiry is None else max(expiry - time.time(), 0.001)
            super().set(key, value, timeout, version)
        except FileNotFoundError:
            raise ValueError(f"Key '{key}' not found") from None
        except OSError as error:
            return self._failed("incr", error, None)
        return value
