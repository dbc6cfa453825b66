"""A release that changes what is cached never reads what the previous one kept.

Redis (or the file caches) outlive a deploy: a layout pickled by the previous
release lacks the fields the new code reads, and answered 500 on every page
until the next content change (seen when the footer gained its links).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core.caching.generation import generation
from core.layout import build_layout

pytestmark = pytest.mark.django_db


def test_a_layout_cached_by_a_release_without_footer_links_is_not_read(client, tree):
    locale = tree.home_ru.locale
    current = generation()
    assert current is not None
    previous = build_layout(locale)
    del previous.footer_links  # what the release before the footer menu pickled
    cache.set(f"kmpress:layout:{current}:{locale.pk}", previous, 600)
    response = client.get(tree.home_ru.url)
    assert response.status_code == 200
