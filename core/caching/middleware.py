"""The whole-page cache: what is kept, how browsers revalidate, when it is emptied.

wagtail-cache keeps anonymous GET/HEAD responses of reader pages in the
``pagecache`` alias, a Redis database of its own (clearing it is a FLUSHDB).
This module narrows what wagtail-cache would cache, answers a hit before the
session, locale, CSRF and auth middlewares run, and empties the cache after
every content change commits: for a newspaper that publishes a few times an
hour, clearing everything is exact and simple.

A page is kept under exactly the URL routing saw: the raw path (never one
with dot segments), the Host without a port routing ignores, and the page
number of a listing; other query parameters never reach the key, and only
200s are kept, so hostile URLs cannot fill the cache or take a page's place.

A Redis outage never breaks a page: the request is served uncached with
``X-Wagtail-Cache: err``, the worker logs one line and leaves the page cache
alone for ``PAGE_CACHE_RETRY_SECONDS``. A clear (and layout generation bump)
that failed is recorded in the database (``PageCacheDebt``): the process that
next reaches Redis pays it before serving anything from the page cache.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_cache_key,
    get_conditional_response,
    set_response_etag,
)
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date, parse_http_date_safe
from wagtailcache import cache as wagtailcache
from wagtailcache.settings import wagtailcache_settings

from core.models import PageCacheDebt
from core.pagination import page_number

from .breaker import PAGE_CACHE, breaker
from .generation import bump_generation

logger = logging.getLogger(__name__)

HIT, MISS, ERROR = "hit", "miss", "err"
# URL names under the language prefix whose responses are not pages.
UNCACHED_URL_NAMES = ("search",)


class _Health:
    """Per process: what is owed while the page cache's circuit
    (core.caching.breaker) has been open.

    ``owes``: a clear and bump this process knows are unpaid (its own, or read
    from the debt table, checked at most every
    ``PAGE_CACHE_DEBT_CHECK_SECONDS``).
    """

    owes = False
    debt_checked_at = -math.inf


def _backend():
    return caches[wagtailcache_settings.WAGTAIL_CACHE_BACKEND]


def _failed(error: Exception, action: str) -> None:
    if breaker.trip(PAGE_CACHE, settings.PAGE_CACHE_RETRY_SECONDS):
        logger.warning(
            "Page cache unavailable (%s failed: %s: %s); serving pages uncached "
            "for %s s.",
            action,
            type(error).__name__,
            error,
            settings.PAGE_CACHE_RETRY_SECONDS,
        )


def _usable() -> bool:
    """False while resting after a failure, or while an owed clear still fails."""
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
        _backend().clear()
    except Exception as error:  # noqa: BLE001 - any backend failure: retry later
        _failed(error, "clear")
        return False
    return True


def _record_debt() -> None:
    """Notes an unpaid clear and bump where every process, now or later, sees it.

    A partition can keep Redis's pages while publishing cannot reach it; a
    note in this process alone would die with it, and other processes would
    serve the old pages (and the old layout generation) for an hour.
    """
    _Health.owes = True
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
    if _Health.owes:
        return True
    now = time.monotonic()
    if now - _Health.debt_checked_at < settings.PAGE_CACHE_DEBT_CHECK_SECONDS:
        return False
    _Health.debt_checked_at = now
    try:
        _Health.owes = PageCacheDebt.objects.exists()
    except DatabaseError:
        return False  # nothing can be known: cached pages beat no pages
    return _Health.owes


def pay_debt() -> bool:
    """Bumps the layout generation and empties the page cache, then forgets
    the debts recorded before; True when both happened."""
    try:
        last = PageCacheDebt.objects.order_by("-pk").values_list("pk", flat=True)[:1]
        last = next(iter(last), None)
    except DatabaseError:
        last = None
    if not (bump_generation() and clear_page_cache()):
        return False
    _Health.owes = False
    if last is not None:
        try:
            # Debts recorded meanwhile (a higher pk) are paid next time.
            PageCacheDebt.objects.filter(pk__lte=last).delete()
        except DatabaseError:
            pass  # paid again later: one clear too many costs nothing
    return True


def content_changed_after_commit() -> None:
    """What a content change costs once it is committed: fresh layout, no pages.

    Whatever Redis did not get is recorded as owed (``_record_debt``).
    """
    if not pay_debt():
        _record_debt()


class _ClearAfterCommit:
    """One on-commit clear; ``pending`` until it has run."""

    def __init__(self):
        self.pending = True

    def __call__(self):
        self.pending = False
        content_changed_after_commit()


def schedule_clear() -> None:
    """Clears once the current transaction commits; at once outside one.

    After the commit, not before: a request between the two would otherwise
    cache the old content again. A subtree delete sends a signal per page; the
    transaction still clears once.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "pending", False) and isinstance(func, _ClearAfterCommit)
        for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_ClearAfterCommit(), robust=True)


@functools.cache
def _reader_paths() -> tuple[re.Pattern, tuple[str, ...]]:
    codes = [code for code, _ in settings.LANGUAGES]
    pattern = re.compile(rf"^/({'|'.join(map(re.escape, codes))})/")
    excluded = []
    for code in codes:
        with translation.override(code):
            for name in UNCACHED_URL_NAMES:
                try:
                    excluded.append(reverse(name))
                except NoReverseMatch:
                    continue
    return pattern, tuple(excluded)


def reader_language(request: HttpRequest) -> str | None:
    """The language of a cacheable reader path (``/ru/…``, ``/kk/…``), else None."""
    pattern, excluded = _reader_paths()
    match = pattern.match(request.path_info)
    if match is None or request.path_info.startswith(excluded):
        return None
    return match.group(1)


class _VaryMemo:
    """The Vary header list of each URL, remembered by the process.

    Django's cache keys take two reads: the URL's list of Vary headers, then
    the page under a key made of those headers' values. Pages here vary on
    nothing a reader sends, so the list is the same on every hit and the
    process can remember it: a hit is one Redis read. A remembered list is
    only used to build the page's key, so at worst it causes a miss, after
    which it is forgotten and read again.
    """

    lists: dict[str, list] = {}
    LIMIT = 10_000

    def __init__(self, cache):
        self.cache = cache
        self.key = None

    def get(self, key, default=None):
        self.key = key
        headers = self.lists.get(key)
        if headers is None:
            headers = self.cache.get(key, default)
            if headers is not None:
                if len(self.lists) >= self.LIMIT:
                    self.lists.clear()
                self.lists[key] = headers
        return headers

    def forget(self) -> None:
        self.lists.pop(self.key, None)


def canonical_path(path: str) -> bool:
    """No empty, ``.`` or ``..`` segment: the path routing sees is the page's.

    Django's cache keys come from ``build_absolute_uri()``, which resolves dot
    segments, while routing reads the raw path: ``/ru/./`` would be rendered
    (a 404) and kept under ``/ru/``. Such paths are never cached.
    """
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()
    return not any(segment in ("", ".", "..") for segment in segments)


def cache_host(request: HttpRequest) -> str | None:
    """The Host a page is kept and rendered under; None when it is not kept.

    Routing reads the host name and the server's port, never the port a
    reader writes in Host; pages print the Host (hreflang, canonical). So the
    name is lower-cased, the scheme's own port dropped and the request made to
    say so; any other port than the server's is served, not kept.
    """
    domain, port = split_domain_port(request.get_host())
    if port in ("", "443" if request.is_secure() else "80"):
        host = domain
    elif port == str(request.get_port()):
        host = f"{domain}:{port}"
    else:
        return None
    request.META["HTTP_HOST"] = host
    return host


def cache_url(request: HttpRequest) -> str | None:
    """The URL a reader page is kept under, or None when it is not kept.

    Exactly what routing and the page saw: scheme, host (``cache_host``), the
    raw path and, of the query string, only the listing's page number as
    pagination reads it (``?page=x`` is page 1). Tracking and made-up
    parameters never reach the key.
    """
    if not canonical_path(request.path):
        return None
    host = cache_host(request)
    if host is None:
        return None
    number = page_number(request)
    query = f"?page={number}" if number > 1 else ""
    return f"{request.scheme}://{host}{escape_uri_path(request.path)}{query}"


class _Keyed:
    """The request as Django's cache keys read it, at the URL ``cache_url`` gave.

    ``get_cache_key`` and ``learn_cache_key`` hash ``build_absolute_uri()``;
    everything else (method, language, headers) is the request's own.
    """

    def __init__(self, request: HttpRequest, url: str):
        self._request = request
        self._url = url

    def __getattr__(self, name):
        return getattr(self._request, name)

    def build_absolute_uri(self, location=None):
        return self._url


def keyed(request: HttpRequest) -> HttpRequest | _Keyed:
    url = getattr(request, "_kmpress_cache_url", None)
    return request if url is None else _Keyed(request, url)


def _varies_on_reader(request: HttpRequest, response) -> bool:
    """Whether the response differs by something a reader sends.

    Accept-Language is redundant with the URL's language; wagtail-cache drops
    Cookie unless a CSRF or session cookie is involved. Anything else would
    split a page's key by a header a reader chooses.
    """
    if not response.has_header("Vary"):
        return False
    headers = {header.lower() for header in cc_delim_re.split(response["Vary"])}
    headers.discard("accept-language")
    if "cookie" in headers and not (
        settings.CSRF_COOKIE_NAME in request.COOKIES
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        headers.discard("cookie")
    return bool(headers - {""})


def _keepable(request: HttpRequest, response) -> bool:
    """A 200 of the page the key names, the same for every reader."""
    if response.status_code != 200 or response.streaming:
        return False
    if getattr(request, "is_preview", False) or response.cookies:
        return False
    number = page_number(request)
    if number > 1 and getattr(request, "page_number_served", None) != number:
        # A page number the listing did not serve (past the end, or a page
        # without a listing) would be one more copy of another page.
        return False
    return not _varies_on_reader(request, response)


def _skip(request: HttpRequest) -> None:
    request._wagtailcache_update = False
    request._wagtailcache_skip = True


class FetchFromCacheMiddleware(wagtailcache.FetchFromCacheMiddleware):
    """wagtail-cache's fetch, early in the stack and stricter about what it keeps.

    It runs before the session and auth middlewares, so "logged in" is read
    from the session cookie: anyone holding one (editors, anyone who typed a
    page password) is never served from or stored in the cache. Only reader
    paths are cached, never the search page. The key's language suffix is the
    URL's, exactly what LocaleMiddleware will activate, so ``Accept-Language``
    never splits the keys of a page.
    """

    def process_request(self, request):
        if not wagtailcache_settings.WAGTAIL_CACHE:
            return None
        language = reader_language(request)
        if (
            language is None
            or request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            _skip(request)
            return None
        request.LANGUAGE_CODE = language
        # A forbidden Host is a 400 (get_host raises), not a cache error.
        request._kmpress_cache_url = cache_url(request)
        if request._kmpress_cache_url is None:
            _skip(request)
            return None
        if not _usable():
            request._wagtailcache_error = True
            return None
        memo = _VaryMemo(self._wagcache)
        try:
            key = get_cache_key(keyed(request), None, request.method, memo)
            response = self._wagcache.get(key) if key else None
        except Exception as error:  # noqa: BLE001 - any backend failure is a miss
            _failed(error, "fetch")
            request._wagtailcache_error = True
            return None
        if response is None:
            memo.forget()
        request._wagtailcache_update = response is None
        return response

    def process_response(self, request, response):
        """Keeps only what ``_keepable`` allows; stamps validators."""
        if not getattr(request, "_wagtailcache_update", False):
            return response
        if not _keepable(request, response):
            _skip(request)
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            # Any change empties the cache, so a stored page is unchanged
            # since it was rendered.
            response["Last-Modified"] = http_date()
        return response


class UpdateCacheMiddleware(wagtailcache.UpdateCacheMiddleware):
    """wagtail-cache's store, under the key ``cache_url`` gave the fetch.

    Upstream learns the key from ``build_absolute_uri()`` (dot segments
    resolved, every query parameter, the Host's port): the store and the fetch
    must agree on ours.
    """

    def process_response(self, request, response):
        return super().process_response(keyed(request), response)


class RevalidateMiddleware:
    """Browsers and CDNs may keep a cached page, but ask before showing it again.

    wagtail-cache gives its responses the server-side lifetime as ``max-age``;
    a reader would then miss news for an hour. Cached pages instead carry
    ``no-cache`` with their ETag and Last-Modified, and a matching conditional
    request gets a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.get(wagtailcache_settings.WAGTAIL_CACHE_HEADER)
        if status in (HIT, MISS):
            response.headers.pop("Expires", None)
            response["Cache-Control"] = "no-cache"
            if response.status_code == 200:
                return get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=parse_http_date_safe(
                        response.get("Last-Modified", "")
                    ),
                    response=response,
                )
        elif status == ERROR and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-cache"
        return response
