"""Benchmark only: the site, plus bare views that return an article's bytes.

``/bench/bare-cached/`` is the ceiling of a cached page on this stack: Django's
own ``cache_page`` on the same Redis, through the same middleware.
``/bench/bare/`` is the same view without any cache. With
``BENCH_WAGTAIL_ROUTER`` (tests.bench.settings) pages are served by Wagtail's
own ``serve`` view where the site uses core.router's.
"""

import functools
import os
from pathlib import Path

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import URLPattern, path, re_path
from django.urls.resolvers import LocalePrefixPattern
from django.views.decorators.cache import cache_page
from wagtail import views as wagtail_views

from core import router
from site_project.urls import urlpatterns as site_urlpatterns


@functools.cache
def body() -> bytes:
    return Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


def bare(request):
    return HttpResponse(body(), content_type="text/html; charset=utf-8")


bare_cached = cache_page(3600, cache="pagecache", key_prefix="bench-bare")(bare)


def with_wagtails_router(patterns: list) -> list:
    """The site's URLs, Wagtail's ``serve`` in place of ``core.router.serve``."""
    swapped = []
    for entry in patterns:
        if isinstance(entry.pattern, LocalePrefixPattern):
            readers = [
                re_path(item.pattern.regex.pattern, wagtail_views.serve, name=item.name)
                if isinstance(item, URLPattern) and item.callback is router.serve
                else item
                for item in entry.url_patterns
            ]
            swapped += i18n_patterns(*readers, prefix_default_language=True)
        else:
            swapped.append(entry)
    return swapped


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-cached/", bare_cached),
    *(
        with_wagtails_router(site_urlpatterns)
        if settings.BENCH_WAGTAIL_ROUTER
        else site_urlpatterns
    ),
]
