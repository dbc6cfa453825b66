"""The whole-page cache's middlewares: fetch, store, and browsers revalidating.

wagtail-cache keeps anonymous GET/HEAD responses of reader pages in the
``pagecache`` alias, a Redis database of its own (clearing it is a FLUSHDB).
What is kept is decided by its hooks (core.caching.hooks), under what key by
core.caching.keys; every content change empties the cache once it commits
(core.caching.invalidation). The fetch answers a hit before the session,
locale, CSRF and auth middlewares run.

A Redis outage never breaks a page: the request is served uncached with
``X-Wagtail-Cache: err`` while the page cache's circuit is open or a clear
is still owed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.cache import get_cache_key, get_conditional_response
from django.utils.http import parse_http_date_safe
from wagtail import hooks
from wagtailcache import cache as wagtailcache
from wagtailcache.settings import wagtailcache_settings

from .generation import request_generation
from .hooks import answering
from .invalidation import page_cache_failed, page_cache_usable
from .keys import keyed
from .refill import end_claim, refill

HIT, MISS, ERROR = "hit", "miss", "err"


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


def _skip(request: HttpRequest) -> None:
    request._wagtailcache_update = False
    request._wagtailcache_skip = True


def request_is_cacheable(request: HttpRequest) -> bool:
    """wagtail-cache's own verdict on a request, then its hooks', in its order."""
    verdict = request.method in ("GET", "HEAD") and not getattr(
        request, "is_preview", False
    )
    for hook in hooks.get_hooks("is_request_cacheable"):
        result = hook(request, verdict)
        if isinstance(result, bool):
            verdict = result
    return verdict


class FetchFromCacheMiddleware(wagtailcache.FetchFromCacheMiddleware):
    """wagtail-cache's fetch, decided by its hooks, under our key, safe in an outage.

    What upstream's fetch cannot be told through a hook: the key (upstream's
    is ``build_absolute_uri()``, core.caching.keys), a hit in one Redis read
    (``_VaryMemo``), and an unusable page cache (its circuit open, a clear
    owed) answered at once with ``err`` and one log line per outage, where
    upstream asks Redis on every request and logs each failure's traceback.
    It runs before the session and auth middlewares (``request.user`` is not
    there yet; the hooks read the session cookie). After a miss, only one
    request renders a page while the others wait for its copy
    (core.caching.refill).
    """

    def process_request(self, request):
        if not wagtailcache_settings.WAGTAIL_CACHE:
            return None
        if not request_is_cacheable(request):
            _skip(request)
            return None
        if not page_cache_usable():
            request._wagtailcache_error = True
            return None
        try:
            response = self._fetch(request)
        except Exception as error:  # noqa: BLE001 - any backend failure is a miss
            page_cache_failed(error, "fetch")
            request._wagtailcache_error = True
            return None
        if response is None:
            # The generation the render starts from (the store compares it).
            request_generation(request)
            response = refill(self._wagcache, request, lambda: self._fetch(request))
        request._wagtailcache_update = response is None
        return response

    def _fetch(self, request):
        """The page kept for ``request``, or None."""
        memo = _VaryMemo(self._wagcache)
        key = get_cache_key(keyed(request), None, request.method, memo)
        response = self._wagcache.get(key) if key else None
        if response is None:
            memo.forget()
        return response


class UpdateCacheMiddleware(wagtailcache.UpdateCacheMiddleware):
    """wagtail-cache's store, under the key the fetch used (core.caching.keys).

    Upstream learns the key from ``build_absolute_uri()``: the store and the
    fetch must agree on ours. Its ``is_response_cacheable`` hooks are handed
    the response alone; the request it answers is theirs in ``answering``.
    A request that claimed its page's refill (core.caching.refill) lets the
    waiting ones go, whatever happened to the page.
    """

    def process_response(self, request, response):
        token = answering.set(request)
        try:
            response = super().process_response(keyed(request), response)
        finally:
            answering.reset(token)
            stored = response.get(wagtailcache_settings.WAGTAIL_CACHE_HEADER) == MISS
            end_claim(request, stored)
        return response


class RevalidateMiddleware:
    """Browsers and CDNs may keep a cached page, but ask before showing it again.

    wagtail-cache gives its responses the server-side lifetime as ``max-age``;
    a reader would then miss news for an hour. Cached pages instead carry
    ``no-cache`` with their ETag and Last-Modified, and a matching conditional
    request gets a 304.

    The caches in front (Varnish, a CDN) may share what this page cache
    shares, and only that: ``Surrogate-Control: max-age`` says so, with
    ``FRONTEND_CACHE_SECONDS``; every content change empties them
    (core.caching.frontend). deploy/varnish/default.vcl keeps nothing else
    and drops the header, so browsers still see ``no-cache``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.get(wagtailcache_settings.WAGTAIL_CACHE_HEADER)
        if status in (HIT, MISS):
            response.headers.pop("Expires", None)
            response["Cache-Control"] = "no-cache"
            response["Surrogate-Control"] = f"max-age={settings.FRONTEND_CACHE_SECONDS}"
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
