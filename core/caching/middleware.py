"""The whole-page cache's requests: what is kept, and how browsers revalidate.

wagtail-cache keeps anonymous GET/HEAD responses of reader pages in the
``pagecache`` alias, a Redis database of its own (clearing it is a FLUSHDB).
This module narrows what wagtail-cache would cache and answers a hit before
the session, locale, CSRF and auth middlewares run; every content change
empties the cache once it commits (core.caching.invalidation).

A page is kept under exactly the URL routing saw: the raw path (never one
with dot segments), the Host without a port routing ignores, and the page
number of a listing; other query parameters never reach the key, and only
200s are kept, so hostile URLs cannot fill the cache or take a page's place.

A Redis outage never breaks a page: the request is served uncached with
``X-Wagtail-Cache: err`` while the page cache's circuit is open or a clear
is still owed (core.caching.invalidation).
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
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

from core.pagination import page_number

from .invalidation import page_cache_failed, page_cache_usable

HIT, MISS, ERROR = "hit", "miss", "err"
# URL names under the language prefix whose responses are not pages.
UNCACHED_URL_NAMES = ("search",)


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
        if not page_cache_usable():
            request._wagtailcache_error = True
            return None
        memo = _VaryMemo(self._wagcache)
        try:
            key = get_cache_key(keyed(request), None, request.method, memo)
            response = self._wagcache.get(key) if key else None
        except Exception as error:  # noqa: BLE001 - any backend failure is a miss
            page_cache_failed(error, "fetch")
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
