"""A page and its twins in the other languages, as readers meet them.

Russian is the source language; every other language's page is a translation
made with wagtail-localize. Until a translation is published, its page is an
*untranslated placeholder*: a draft (or, briefly, an alias mirroring the
Russian page). Readers who reach its address get a Kazakh notice and a link to
the Russian original instead of a 404, and nothing Russian is ever presented
as Kazakh: placeholders stay out of listings, hreflang and the sitemap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from .caching.generation import memo
from .privacy import public_listing


def source_language() -> str:
    return settings.LANGUAGE_CODE


def is_translated(page: Page) -> bool:
    """Live, with its own content: not a draft and not an alias of another page."""
    return page.live and not page.alias_of_id


def translated_twins(page: Page) -> QuerySet[Page]:
    """The page's live translations in the other languages, with their locales."""
    return (
        Page.objects.live()
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .exclude(pk=page.pk)
        .select_related("locale")
        .order_by("locale_id")
    )


def live_twins(page: Page, generation: int | None) -> list[Page]:
    """``translated_twins``, read once per content generation (the process
    memo; the router reads them with the page's address: ``keep_twins``)."""
    return memo.get(
        generation, ("twins", page.pk), lambda: list(translated_twins(page))
    )


def keep_twins(generation: int | None, page_id: int, twins: list[Page]) -> None:
    """Keeps what ``live_twins`` would read for page ``page_id``."""
    memo.get(generation, ("twins", page_id), lambda: twins)


def untranslated_original(page: Page) -> Page | None:
    """The live source-language page that ``page`` has not been translated from yet.

    None for a page that is translated, or in the source language, or whose
    original is not live either (then the address is a plain 404). Costs no
    query for translated pages; the answer is kept on the instance.
    """
    if is_translated(page):
        return None
    if "_untranslated_original" not in page.__dict__:
        original = None
        if page.locale.language_code != source_language():
            original = (
                Page.objects.live()
                .filter(
                    translation_key=page.translation_key,
                    locale__language_code=source_language(),
                    alias_of__isnull=True,
                )
                .select_related("locale")
                .first()
            )
        page.__dict__["_untranslated_original"] = original
    return page.__dict__["_untranslated_original"]


def serve_untranslated(request, page: Page, original: Page) -> TemplateResponse:
    """The Kazakh notice with the Russian original's title and summary, marked ru."""
    original = original.specific
    return TemplateResponse(
        request,
        "core/untranslated_page.html",
        {
            "page": page,
            "self": page,
            "original": original,
            "original_url": original.get_url(request=request),
            "original_summary": original.get_meta_description()
            if hasattr(original, "get_meta_description")
            else "",
        },
    )


def closest_translated_ancestor(
    page: Page, locale_id: int, request=None
) -> Page | None:
    """The nearest ancestor of ``page`` whose twin in ``locale_id`` is live and
    public, that twin: the switcher never leads to a private page.

    One query: the twins of all ancestors, deepest first. With the request,
    its generation is the one it read already (no second cache read).
    """
    paths = [
        page.path[:end] for end in range(page.steplen, len(page.path), page.steplen)
    ]
    if not paths:
        return None
    return (
        public_listing(Page.objects.live(), request)
        .filter(
            locale_id=locale_id,
            alias_of__isnull=True,
            translation_key__in=Page.objects.filter(path__in=paths).values(
                "translation_key"
            ),
        )
        .order_by("-depth")
        .first()
    )


@dataclass(frozen=True)
class Alternate:
    """Where a reader finds this page in one language."""

    language_code: str
    url: str


def page_alternates(page: Page, twins: list[Page], request) -> list[Alternate]:
    """hreflang alternates of a page: itself when translated, and its live twins."""
    pages = ([page] if is_translated(page) else []) + twins
    alternates = []
    for each in sorted(
        pages, key=lambda p: p.locale.language_code != source_language()
    ):
        code = each.locale.language_code
        with translation.override(code):
            url = each.get_url(request=request)
        if url:
            alternates.append(Alternate(code, url))
    return alternates


def path_alternates(path: str) -> list[Alternate]:
    """Alternates of a view outside the page tree (search): its path per language."""
    alternates = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url:
            alternates.append(Alternate(code, url))
    return alternates
