"""The key a reader page is kept under: exactly the URL routing saw.

wagtail-cache hands Django's cache-key functions the request, and they hash
``build_absolute_uri()``: dot segments resolved (``/ru/./`` is ``/ru/``),
every query parameter but a few trackers kept, the Host as the reader wrote
it. Routing reads the raw path, the host name and the server's port, and a
listing reads only its page number; a key built upstream's way lets a hostile
URL fill the cache or take a page's place. No hook reaches the key, so the
page-cache middlewares (core.caching.middleware) key every request by
``cache_url`` through ``keyed``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils.encoding import escape_uri_path

from core.pagination import page_number


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
    """The request at the URL the request hook gave it (core.caching.hooks)."""
    url = getattr(request, "_kmpress_cache_url", None)
    return request if url is None else _Keyed(request, url)
