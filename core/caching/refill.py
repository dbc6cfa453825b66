"""One render per page after a clear: the page cache's single flight.

Every change empties the page cache, so right after a publish every reader of
a page misses at once, and each would draw the same page (issue 18). The
first to miss claims the page's refill in Redis and renders; the others wait
for its copy, polling, for ``PAGE_CACHE_REFILL_WAIT`` seconds at most, then
render themselves. Nobody is served an older page than without it: a waiter
gets the page only once the renderer stored it, and only what may be stored
(rendered from the current generation, core.caching.hooks) is.

The claim is named by the content generation, the release, the method and
the page's URL, so a change made while a page renders leaves the old claim
behind and the next miss claims afresh. A renderer that stored nothing (a
404, a page that raised, a render overtaken by a change) marks the claim
"pass" for the same bound: readers of that page then render at once instead
of queueing one after another. A renderer that dies leaves its claim to
expire after the bound.

Claims live in the default cache, beside the generation, never among the
pages (which hold pages only). Only on Redis (an atomic ``SET NX``): the
embedded default's file caches have no atomic claim, and renders there are
not queued. A failed claim is no claim (the default alias ignores Redis
errors): the reader looks at the page cache again, whose failure is its
outage (core.caching.invalidation), and renders.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache as claims
from django.http import HttpRequest
from django_redis.cache import RedisCache

from . import release
from .generation import generation
from .invalidation import page_cache_failed

RENDERING, PASS = "rendering", "pass"
#: Seconds between a waiter's looks at the page cache.
POLL_SECONDS = 0.02


def claim_key(request: HttpRequest) -> str:
    """The claim's name: the generation, the release (whose pages a waiter
    can read, core.caching.release), the method and the page's URL."""
    url = request._kmpress_cache_url
    digest = hashlib.sha256(f"{request.method} {url}".encode()).hexdigest()[:32]
    return f"refill:{request._kmpress_generation}:{release.release()}:{digest}"


def enabled(pages) -> bool:
    return settings.PAGE_CACHE_REFILL_WAIT > 0 and isinstance(pages, RedisCache)


def refill(pages, request: HttpRequest, fetch: Callable[[], object]):
    """After a miss: the page another request renders, or None when this one
    must render (``request`` then holds the claim, ended by ``end_claim``).

    ``fetch`` looks the page up again. A change made while waiting is seen
    (the generation read again): the render that follows starts from it.
    """
    if not enabled(pages) or getattr(request, "_kmpress_cache_url", None) is None:
        return None
    bound = settings.PAGE_CACHE_REFILL_WAIT
    deadline = time.monotonic() + bound
    try:
        # Without a generation nothing rendered is stored: nothing to wait for.
        while request._kmpress_generation is not None:
            key = claim_key(request)
            if claims.add(key, RENDERING, bound):
                # The page may have been stored since the miss, its claim gone.
                response = fetch()
                if response is None:
                    request._kmpress_refill_claim = key
                else:
                    claims.delete(key)
                return response
            if claims.get(key) == PASS or time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)
            response = fetch()
            if response is not None:
                return response
            request._kmpress_generation = generation()
        return None
    except Exception as error:  # noqa: BLE001 - any backend failure: render
        page_cache_failed(error, "refill")
        request._wagtailcache_error = True
        return None


def end_claim(request: HttpRequest, stored: bool) -> None:
    """Ends this request's claim: waiters find the page, or render at once."""
    key = getattr(request, "_kmpress_refill_claim", None)
    if key is None:
        return
    del request._kmpress_refill_claim
    if stored:
        claims.delete(key)
    else:
        claims.set(key, PASS, settings.PAGE_CACHE_REFILL_WAIT)
