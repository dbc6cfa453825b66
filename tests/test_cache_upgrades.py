"""A release that changes what is cached never reads what the previous one kept.

Redis (or the file caches) outlive a deploy: a layout pickled by the previous
release lacks the fields the new code reads, and answered 500 on every page
until the next content change (seen when the footer gained its links); pages
and fragments drawn by the previous templates were served until the next
publish (core.caching.release).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache, caches

from core.caching.generation import generation
from core.caching.release import release
from core.layout import build_layout
from tests.cache_support import real_fragment_cache

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


@pytest.fixture
def release_named(settings):
    """``KMPRESS_RELEASE`` set to a name, as a deploy sets it."""

    def named(name: str) -> None:
        settings.KMPRESS_RELEASE = name
        release.cache_clear()

    yield named
    release.cache_clear()


def test_a_page_cached_by_the_previous_release_is_drawn_again(
    client, tree, page_cache, release_named
):
    release_named("2026.11")
    client.get(tree.home_ru.url)
    assert client.get(tree.home_ru.url)["X-Wagtail-Cache"] == "hit"

    release_named("2026.12")
    assert client.get(tree.home_ru.url)["X-Wagtail-Cache"] == "miss"
    assert client.get(tree.home_ru.url)["X-Wagtail-Cache"] == "hit"


def test_fragments_are_kept_under_the_release_too(settings, release_named):
    real_fragment_cache(settings)
    fragments = caches["template_fragments"]
    release_named("2026.11")
    fragments.set("nav", "old navigation")
    release_named("2026.12")
    assert fragments.get("nav") is None


def code_tree(root: Path) -> Path:
    (root / "news" / "templates").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "uv.lock").write_text("wagtail==7.2\n")
    (root / "news" / "templates" / "article.html").write_text("<h1>{{ title }}</h1>")
    (root / "news" / "models.py").write_text("TITLE = 1\n")
    (root / "tests" / "test_x.py").write_text("x = 1\n")
    return root


def fingerprint(settings, root: Path) -> str:
    settings.KMPRESS_RELEASE = ""
    settings.BASE_DIR = root
    release.cache_clear()
    try:
        return release()
    finally:
        release.cache_clear()


@pytest.mark.parametrize(
    ("path", "moves"),
    [
        ("news/templates/article.html", True),
        ("news/models.py", True),
        ("uv.lock", True),
        ("tests/test_x.py", False),
    ],
)
def test_without_a_release_name_the_code_itself_names_the_release(
    settings, tmp_path, path, moves
):
    root = code_tree(tmp_path)
    before = fingerprint(settings, root)
    assert fingerprint(settings, root) == before  # every node of a build agrees
    (root / path).write_text((root / path).read_text() + "changed\n")
    assert (fingerprint(settings, root) != before) is moves
