"""Benchmark only: the site, plus bare views that return an article's bytes.

``/bench/bare-cached/`` is the ceiling of a cached page on this stack: Django's
own ``cache_page`` on the same Redis, through the same middleware.
``/bench/bare/`` is the same view without any cache.
"""

import functools
import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page

from site_project.urls import urlpatterns as site_urlpatterns


@functools.cache
def body() -> bytes:
    return Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


def bare(request):
    return HttpResponse(body(), content_type="text/html; charset=utf-8")


bare_cached = cache_page(3600, cache="pagecache", key_prefix="bench-bare")(bare)

urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-cached/", bare_cached),
    *site_urlpatterns,
]
