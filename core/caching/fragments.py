"""Rendered template pieces kept in this process for one content generation.

Why it exists: an uncached home or section page spent about a third of its
CPU on what is the same for every page of a language — the head's links, the
masthead, the footer — and on reading its listings' template fragments from
Redis (a round trip and an unpickle each). Those pieces change only with
content, so each process keeps them in the generation's memo
(``core.caching.generation.memo``): the one invalidation point (a generation
bump) makes them stale with everything else, and the memo's bound limits
them. ``{% kept %}`` (core.templatetags.fragment_tags) is the template's
side; it may wrap a ``{% wagtailcache %}``, which then shares a fragment
between processes for the first request of each.

They are a layer of the template fragment cache: with fragments off (the test
settings, the bench's fully drawn pages) nothing is kept. Previews draw a
draft, and a request without a generation (cache unreachable) keeps
nothing, as the memo itself.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.utils import translation

from .generation import memo, request_generation


def fragments_on() -> bool:
    return not isinstance(caches["template_fragments"], DummyCache)


def kept(request, key: tuple, render: Callable[[], str]) -> str:
    """``render()`` once per generation, language and ``key`` in this process."""
    if request is None or getattr(request, "is_preview", False) or not fragments_on():
        return render()
    return memo.get(
        request_generation(request),
        ("kept", translation.get_language(), *key),
        render,
    )
