"""What the page cache keeps: wagtail-cache's own decision hooks.

Registered in core.wagtail_hooks. wagtail-cache decides first (GET or HEAD,
no preview, a 200/30x/404 without ``private``/``no-cache``); these narrow it.

A request is cacheable on a reader path (``/ru/…``, ``/kk/…``) other than
the search page, without a session cookie, and with a key (``cache_url``: no
dot segments, no port routing ignores). The fetch runs before the session
and auth middlewares, so the session cookie is what "logged in" means here:
anyone holding one (editors, anyone who typed a page password) is never
served from or stored in the cache. The key's language suffix is the URL's,
exactly what LocaleMiddleware will activate, so ``Accept-Language`` never
splits the keys of a page.

A response is kept when it is a 200 of the page the key names, the same for
every reader; it then gets the validators browsers revalidate with.
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import cc_delim_re, set_response_etag
from django.utils.http import http_date

from core.pagination import page_number

from .generation import generation
from .keys import cache_url

#: The request whose response wagtail-cache is deciding on: its
#: ``is_response_cacheable`` hooks are handed the response alone
#: (core.caching.middleware.UpdateCacheMiddleware sets it).
answering: ContextVar[HttpRequest] = ContextVar("kmpress_page_cache_answering")

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


def reader_request(request: HttpRequest, is_cacheable: bool) -> bool:
    """``is_request_cacheable``: reader pages, for readers without a session."""
    if not is_cacheable:
        return False
    language = reader_language(request)
    if language is None or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    request.LANGUAGE_CODE = language
    # A forbidden Host is a 400 (get_host raises), not a cache error.
    request._kmpress_cache_url = cache_url(request)
    return request._kmpress_cache_url is not None


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


def _rendered_from_current_content(request: HttpRequest) -> bool:
    """No change committed while the page rendered.

    A render that read the content just before a change committed would
    otherwise be stored after the change emptied the caches, and Varnish
    would keep it from there: the old page for a whole TTL. Every change bumps
    the shared generation after its commit, before the page cache is emptied
    (core.caching.invalidation); the fetch read it before the render began
    (``request_generation``).
    """
    started = getattr(request, "_kmpress_generation", None)
    return started is not None and started == generation()


def reader_response(response, is_cacheable: bool) -> bool:
    """``is_response_cacheable``: only what ``_keepable`` allows, rendered from
    the current content, stamped with validators before it is stored; nothing
    whose request is unknown."""
    request = answering.get(None)
    if not (is_cacheable and request is not None and _keepable(request, response)):
        return False
    if not _rendered_from_current_content(request):
        return False
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        # Any change empties the cache, so a stored page is unchanged since
        # it was rendered.
        response["Last-Modified"] = http_date()
    return True
