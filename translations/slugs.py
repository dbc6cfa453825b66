"""A translation's address: kept once live, Kazakh before it first goes live.

wagtail-localize writes a translated page in
``TranslationSource.create_or_update_translation`` (behind the editor's
"Publish", ``Translation.save_target`` and "Update translations"): it sets the
slug from the translated slug segment through Django's ``slugify``, which
drops every Cyrillic letter (``…/no2/``), and it does so for live pages too,
so the address readers have changes. Our review (translations.review) reads
the same segments, and PO import and machine translation write them.

All of these clean the page before it is saved or a revision is taken, so
the guard sits there (``core.slugs.slug_cleaning``): a live translation keeps
the slug it has in the database, whatever the segments say; a page that is not
live takes the translator's slug segment, or else the translated title,
through our slug rules (``linguistics.slugify``), unique among its siblings.
Untranslated, it keeps the slug it has.
"""

from __future__ import annotations

from wagtail.models import Page
from wagtail_localize.models import StringSegment, Translation

from core.slugs import available_slug, slug_cleaning
from linguistics import slugify
from newsroom.models import synchronised_translation

#: The segments an address is made from, the translator's own slug first.
ADDRESS_FIELDS = ("slug", "title")


def translated_address(translation: Translation) -> str:
    """The Kazakh slug the translator's strings give, or "" if none does."""
    segments = (
        StringSegment.objects.filter(
            source=translation.source, context__path__in=ADDRESS_FIELDS
        )
        .annotate_translation(translation.target_locale_id)
        .values_list("context__path", "string__data", "translation")
    )
    # A string the translator (or the machine) left as it was is no translation.
    translated = {
        path: text for path, original, text in segments if text and text != original
    }
    for field in ADDRESS_FIELDS:
        if slug := slugify(translated.get(field, "")):
            return slug
    return ""


def settle_translation_slug(sender, page: Page, **kwargs) -> None:
    """``slug_cleaning``: the slug a synchronised translation's page keeps or takes."""
    if page.pk is None or page.alias_of_id:
        return
    translation = synchronised_translation(page)
    if translation is None:
        return
    row = Page.objects.filter(pk=page.pk).values("slug", "live", "alias_of").get()
    if row["live"] and row["alias_of"] is None:
        page.slug = row["slug"]
    elif slug := translated_address(translation):
        page.slug = available_slug(page, slug)


def register_signal_handlers() -> None:
    slug_cleaning.connect(settle_translation_slug, dispatch_uid="translations-slugs")
