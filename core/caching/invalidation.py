"""Invalidation: what a content change costs, in one call.

``content_changed`` is the call every change kind makes (core.caching.signals
wires pages, snippets, media, tags, privacy, redirects and sites to it). The
process making the change sees it at once (a generation of its own while the
transaction runs, so the same request sees the new navigation), and once the
transaction commits every cached copy of the old content is emptied
(``_empty_caches``: the shared generation, and the whole-page cache, then the
caches in front of Django: Varnish, a CDN; core.caching.frontend). For a
newspaper that publishes a few times an hour, emptying everything is exact
and simple.

Whatever Redis did not get is recorded in the database (``PageCacheDebt``):
the process that next reaches Redis pays it before serving anything from the
page cache (``page_cache_usable``). A failed page-cache call trips the page
cache's circuit (core.caching.breaker): for ``PAGE_CACHE_RETRY_SECONDS`` the
page cache is not asked, and the outage is logged once.

The front caches are emptied after the page cache (emptied before, they would
fetch the old pages from it again), and also when Redis failed: Django then
serves pages uncached, which Varnish does not keep. What a front cache did
not get is owed by this process (core.caching.frontend) and asked again on
its next reader request: a separate debt, so that a Varnish away never stops
the page cache from serving.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from wagtailcache.settings import wagtailcache_settings

from core.models import PageCacheDebt

from .breaker import PAGE_CACHE, breaker
from .frontend import clear_frontend_caches, frontend_debt, pay_frontend_debt
from .generation import bump_generation, uncommitted_change

logger = logging.getLogger(__name__)


class _Debt:
    """Per process: whether a clear and bump are known to be unpaid.

    ``owed``: this process's own, or read from the debt table, which is
    looked at most every ``PAGE_CACHE_DEBT_CHECK_SECONDS``.
    """

    owed = False
    checked_at = -math.inf


def content_changed(**signal) -> None:
    """The one call for any change a reader could see; a signal receiver as is.

    A subtree delete sends a signal per page; the transaction still empties
    the caches once (``schedule_clear``). Inside a transaction only this
    process sees the change before it commits (core.caching.generation).
    """
    if transaction.get_connection().in_atomic_block:
        uncommitted_change()
    # Outside a transaction the clear runs now, and its payment bumps the
    # shared generation first (``_empty_caches``): bumping here too was a
    # second bump for the same change.
    schedule_clear()


class _ClearAfterCommit:
    """One on-commit payment; ``pending`` until it has run."""

    def __init__(self):
        self.pending = True

    def __call__(self):
        self.pending = False
        if not pay_debt():
            _record_debt()
            clear_frontend_caches()


def schedule_clear() -> None:
    """Empties the caches once the current transaction commits; at once
    outside one.

    After the commit, not before: a request between the two would otherwise
    cache the old content again.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "pending", False) and isinstance(func, _ClearAfterCommit)
        for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_ClearAfterCommit(), robust=True)


def empty_now() -> tuple[bool, bool]:
    """Every cache of rendered content emptied now, outside any publish (a
    deploy, a template edited on a live site): whether the page cache and the
    front caches confirmed it. What Redis missed is owed as after a publish
    (the payment bumps the generation and empties the page cache)."""
    _ClearAfterCommit()()
    return not _Debt.owed, not frontend_debt()


def _empty_caches() -> bool:
    """Every cached copy of content made stale; True when all of it was."""
    return bump_generation() and clear_page_cache()


def pay_debt() -> bool:
    """Empties the caches, then forgets the debts recorded before; True when
    the page cache was emptied (the front caches owe their own debt)."""
    try:
        last = PageCacheDebt.objects.order_by("-pk").values_list("pk", flat=True)[:1]
        last = next(iter(last), None)
    except DatabaseError:
        last = None
    if not _empty_caches():
        return False
    clear_frontend_caches()
    _Debt.owed = False
    if last is not None:
        # Debts recorded meanwhile (a higher pk) are paid next time; one left
        # by a database error is paid again later: a clear too many costs nothing.
        with contextlib.suppress(DatabaseError):
            PageCacheDebt.objects.filter(pk__lte=last).delete()
    return True


def _record_debt() -> None:
    """Notes an unpaid clear and bump where every process, now or later, sees it.

    A partition can keep Redis's pages while publishing cannot reach it; a
    note in this process alone would die with it, and other processes would
    serve the old pages (and the old layout generation) for an hour.
    """
    _Debt.owed = True
    try:
        PageCacheDebt.objects.create()
    except DatabaseError as error:
        logger.warning(
            "Could not record the owed page-cache clear (%s); this process "
            "pays it when Redis answers again.",
            error,
        )


def _debt_outstanding() -> bool:
    """Whether a clear and bump are owed, here or by any process."""
    if _Debt.owed:
        return True
    now = time.monotonic()
    if now - _Debt.checked_at < settings.PAGE_CACHE_DEBT_CHECK_SECONDS:
        return False
    _Debt.checked_at = now
    try:
        _Debt.owed = PageCacheDebt.objects.exists()
    except DatabaseError:
        return False  # nothing can be known: cached pages beat no pages
    return _Debt.owed


def page_cache() -> object:
    return caches[wagtailcache_settings.WAGTAIL_CACHE_BACKEND]


def page_cache_failed(error: Exception, action: str) -> None:
    """Rests the page cache; the first failure of an outage is logged."""
    if breaker.trip(PAGE_CACHE, settings.PAGE_CACHE_RETRY_SECONDS):
        logger.warning(
            "Page cache unavailable (%s failed: %s: %s); serving pages uncached "
            "for %s s.",
            action,
            type(error).__name__,
            error,
            settings.PAGE_CACHE_RETRY_SECONDS,
        )


def page_cache_usable() -> bool:
    """False while resting after a failure, or while an owed clear still fails.

    A front cache's owed emptying is asked for here too (it never makes the
    page cache unusable).
    """
    pay_frontend_debt()
    if breaker.is_open(PAGE_CACHE):
        return False
    return not _debt_outstanding() or pay_debt()


def clear_page_cache() -> bool:
    """Empties the page cache; True when it is known to be empty.

    While the cache rests after a failure it is not asked, so publishing never
    waits on a Redis known to be away.
    """
    if breaker.is_open(PAGE_CACHE):
        return False
    try:
        page_cache().clear()
    except Exception as error:  # noqa: BLE001 - any backend failure: retry later
        page_cache_failed(error, "clear")
        return False
    return True
