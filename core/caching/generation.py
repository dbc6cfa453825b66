"""The content generation: one number that every change bumps.

Everything derived from content (layouts, template fragments, the process
memo below) is kept under the generation it was built in, so a bump makes it
all stale at once: exact, and simple. The number lives in the default cache,
where every process sees it: Redis, or without Redis files beside the SQLite
database (core.caching.files), so a bump by the worker, a shell or another
server reaches every process's next request.

Each process also keeps what it read for the current generation (layouts,
the site, restricted paths, routes), so a request asks the cache for one
number only. When the cache is unreachable every call simply reads the
database.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

GENERATION_KEY = "kmpress:layout-generation"
TIMEOUT = 60 * 60 * 24


class _Uncommitted:
    """This process's own generation while a change it made is not committed.

    Other processes cannot read an uncommitted change, so bumping the shared
    number then only made every one of them rebuild its memo, layouts and
    fragments from the old content, once per signal of the change (three or
    more per publish), and throw away each page rendered meanwhile (issue 18:
    that is what a publish a second under load drowned in). The process that
    made the change sees it at once under a number nobody else uses (negative);
    every process sees it at the one shared bump after the commit
    (core.caching.invalidation). A rolled-back change leaves the number
    until the shared one moves.
    """

    shared: int | None = None
    number: int | None = None


def shared_generation() -> int | None:
    """The number every process reads (changes made here not counted)."""
    value = cache.get(GENERATION_KEY)
    if not isinstance(value, int):
        cache.add(GENERATION_KEY, time.time_ns(), None)
        value = cache.get(GENERATION_KEY)
    return value if isinstance(value, int) else None


def generation() -> int | None:
    """The current generation, or None while the cache is unreachable.

    A fresh or flushed cache starts from the clock, never from a number an
    earlier generation of this process's memo already used.
    """
    shared = shared_generation()
    if _Uncommitted.number is not None:
        if shared is not None and shared == _Uncommitted.shared:
            return _Uncommitted.number
        _Uncommitted.shared = _Uncommitted.number = None
    return shared


def uncommitted_change() -> None:
    """A change inside a transaction: this process sees it at once, the
    others once it commits (``_Uncommitted``)."""
    _Uncommitted.shared = shared_generation()
    _Uncommitted.number = -secrets.randbits(62) - 1


def request_generation(request=None) -> int | None:
    """The generation a request works under, read once per request."""
    if request is None:
        return generation()
    try:
        return request._kmpress_generation
    except AttributeError:
        request._kmpress_generation = generation()
        return request._kmpress_generation


def bump_generation() -> bool:
    """Makes every cached layout stale; False when the cache was unreachable
    (its errors are ignored: ``incr`` then answers None)."""
    try:
        return cache.incr(GENERATION_KEY) is not None
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)
        return True


class GenerationMemo:
    """Values derived from content, kept in this process for one generation.

    Why it exists: uncached pages whose site, layout, privacy index, routes
    and sidebars come from it are clearly faster, in fewer queries, than when
    each is read again (``make bench BENCH=pages``, the "no process memo" row;
    figures in README's Benchmarks). Nothing is kept without a generation
    (cache unreachable): every call then computes afresh, as it must when no
    process can learn of changes.
    """

    def __init__(self):
        self.generation: int | None = None
        self.values: dict = {}

    LIMIT = 20_000

    def get(
        self,
        current: int | None,
        key,
        compute: Callable[[], Any],
        keep: Callable[[Any], bool] | None = None,
    ) -> Any:
        """The value for ``key``, computed once per generation; ``keep`` may
        refuse values not worth keeping (a page that was not found)."""
        if current is None:
            return compute()
        if current != self.generation or len(self.values) >= self.LIMIT:
            self.values, self.generation = {}, current
        try:
            return self.values[key]
        except KeyError:
            value = compute()
            if keep is None or keep(value):
                self.values[key] = value
            return value


memo = GenerationMemo()
