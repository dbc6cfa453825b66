"""Page slugs that keep Kazakh letters: ``linguistics.slugify`` for every page.

The admin writes slugs in the browser (``core/static/core/js/kk-slugify.js``,
fed with the same tables as JSON), and the server repairs what the browser
could not: an empty slug, a Unicode slug, or one that Django's slugify made
by dropping letters. A test runs the JavaScript in Chromium against Python.
"""

from __future__ import annotations

from django.dispatch import Signal
from django.utils.text import slugify as django_slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from linguistics import alphabet, slugify, translit

#: linguistics.slugify's default length, in both languages.
MAX_LENGTH = 80

#: Sent with ``page`` before its slug is repaired; a receiver may set
#: ``page.slug``. Every save and revision cleans the page before Wagtail works
#: out its ``url_path``, so this is the last moment an address can still be
#: kept (``pre_save`` comes after ``Page.save`` has moved it). Upper layers
#: hook in here: translations.slugs keeps a live translation's address.
slug_cleaning = Signal()


def slug_rules() -> dict:
    """The transliteration tables the admin's JavaScript applies, from Python."""
    return {
        "table": translit.TABLE,
        # Quotes, dashes and ligatures outside the alphabet table.
        "other": translit._OTHER,
        "lookalikes": alphabet.LOOKALIKE_TABLE,
        "maxLength": MAX_LENGTH,
    }


def needs_readable_slug(slug: str, title: str) -> bool:
    """Empty, Unicode, or Django's lossy slug of a title ours reads better."""
    if not slug or not slug.isascii():
        return True
    return bool(title) and slug == django_slugify(title) != slugify(title)


def readable_slug(page: Page) -> str:
    """The slug ``page`` should have, unique among its siblings once it has a place.

    A live page keeps its address unless it has none: readers have links to it.
    """
    slug_cleaning.send(sender=type(page), page=page)
    if page.pk and page.live and page.slug:
        return page.slug
    if not needs_readable_slug(page.slug or "", page.title or ""):
        return page.slug
    slug, title = page.slug or "", page.title or ""
    base = slugify(slug) if slug and not slug.isascii() else slugify(title)
    if not page.path:
        # Not placed yet: save() cleans again once the siblings are known.
        return base if slug else slug
    if not base:
        return slug
    return available_slug(page, base)


def available_slug(page: Page, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… if a sibling of ``page`` has it."""
    parent = page.get_parent()
    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


class ReadableSlugPageForm(WagtailAdminPageForm):
    """The slug may be left empty: the page then takes ``slugify(title)``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
