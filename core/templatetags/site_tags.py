"""Site-wide template pieces: settings, navigation and the language switcher."""

from django import template
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from core.caching.fragments import kept
from core.caching.generation import request_generation
from core.layout import Layout, active_locale, layout_for
from core.twins import (
    closest_translated_ancestor,
    is_translated,
    live_twins,
    page_alternates,
    path_alternates,
    source_language,
)

register = template.Library()


def context_locale(context) -> Locale:
    """The language of the page on screen, else the language of the request."""
    page = context.get("page")
    if isinstance(page, Page):
        return page.locale
    return active_locale(context.get("request"))


def context_layout(context) -> Layout:
    cache = context.render_context
    if "layout" not in cache:
        cache["layout"] = layout_for(context_locale(context), context.get("request"))
    return cache["layout"]


@register.simple_tag(takes_context=True)
def site_settings(context):
    """The current language's settings (an unsaved blank one if none exist)."""
    return context_layout(context).settings


@register.simple_tag(takes_context=True)
def footer_links(context):
    """The current language's footer menu as (title, url), from the cached layout."""
    return context_layout(context).footer_links


@register.simple_tag(takes_context=True)
def main_navigation(context) -> str:
    """The menu, drawn once per generation and active item (core.caching.fragments)."""
    layout = context_layout(context)
    page = context.get("page")
    request = context.get("request")
    routed = on_sub_route(request)
    # A home page's own routes belong to no menu item, but a month archive
    # narrowed to a section (``?section=``) belongs to that section.
    current = context.get("section") if routed else page
    current_path = current.path if isinstance(current, Page) else ""
    home_active = bool(layout.home and getattr(page, "depth", 0) == 2 and not routed)
    active = tuple(
        item.path for item in layout.items if current_path.startswith(item.path)
    )

    def draw() -> str:
        return render_to_string(
            "includes/navigation.html",
            {
                "home": layout.home,
                "home_active": home_active,
                "items": [
                    {"item": item, "active": item.path in active}
                    for item in layout.items
                ],
            },
        )

    return mark_safe(kept(request, ("navigation", home_active, active), draw))  # noqa: S308 - a template's output


def on_sub_route(request) -> bool:
    """A home page's own routes (tag listings, month archives) are not the
    home page itself."""
    match = getattr(request, "routable_resolver_match", None)
    return match is not None and match.url_name != "index_route"


@register.simple_tag(takes_context=True)
def section_of(context, page):
    """The menu section a page belongs to, from the cached layout."""
    return context_layout(context).section_for(page.path)


def page_twins(context) -> list[Page]:
    """The live translations of the page on screen, read once per generation."""
    cache = context.render_context
    if "page_twins" not in cache:
        page = context.get("page")
        cache["page_twins"] = (
            live_twins(page, request_generation(context.get("request")))
            if isinstance(page, Page) and page.pk
            else []
        )
    return cache["page_twins"]


def outside_page_tree(context) -> bool:
    """A view of its own (search), not a page or a page's 404."""
    match = getattr(context.get("request"), "resolver_match", None)
    return match is not None and match.url_name not in (None, "wagtail_serve")


def page_links_key(context) -> tuple | None:
    """Under what a page's language links may be kept (core.caching.fragments),
    or None when they are drawn every time.

    Kept for the home page, sections and the other pages of the menu's depth,
    a bounded number, served at their own address (their routes: tag
    listings, month archives, are not). They name the host, as absolute
    ``hreflang`` addresses do.
    """
    page, request = context.get("page"), context.get("request")
    if (
        request is None
        or not isinstance(page, Page)
        or not page.pk
        or page.depth > KEPT_LINKS_DEPTH
        or "alternates" in context
        or on_sub_route(request)
        or outside_page_tree(context)
    ):
        return None
    return (page.pk, request.build_absolute_uri(request.path))


#: Pages whose language links are kept: the home pages (2) and the pages under
#: them (3); articles, one entry each, would fill the process's memo.
KEPT_LINKS_DEPTH = 3


def kept_links(context, name: str, compute):
    key = page_links_key(context)
    if key is None:
        return compute()
    return kept(context.get("request"), (name, *key), compute)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the same page in the other languages.

    The twin when it is live; otherwise the closest ancestor whose twin is
    live, with a note in that language saying so.
    """
    return {"links": kept_links(context, "switcher", lambda: switcher_links(context))}


def switcher_links(context) -> list[dict]:
    page = context.get("page")
    request = context.get("request")
    layout = context_layout(context)
    twins = {twin.locale_id: twin for twin in page_twins(context)}
    links = []
    for locale_id, code, name in layout.locales:
        if locale_id == layout.locale_id:
            continue
        twin, note, url = twins.get(locale_id), "", None
        if twin is None and request is not None and outside_page_tree(context):
            # Resolved in the request's language, reversed in the other one.
            url = translate_url(request.get_full_path(), code)
        with translation.override(code):
            if twin is not None:
                url = twin.get_url(request=request)
            elif isinstance(page, Page) and page.pk:
                ancestor = closest_translated_ancestor(page, locale_id, request)
                url = ancestor.get_url(request=request) if ancestor else None
                note = (
                    _("No translation yet: opens “%(title)s”")
                    % {"title": ancestor.title}
                    if ancestor
                    else _("No translation yet")
                )
        links.append(
            {
                "code": code,
                "name": name,
                "url": url or f"/{code}/",
                "is_twin": twin is not None,
                "note": note,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def hreflang_links(context) -> str:
    """``<link rel="alternate" hreflang>`` for every live language version.

    Only translated pages are alternates: an untranslated placeholder is not a
    Kazakh page, so it neither lists itself nor is listed. x-default is the
    source-language version.
    """
    return kept_links(context, "hreflang", lambda: draw_hreflang_links(context))


def draw_hreflang_links(context) -> str:
    request = context.get("request")
    page = context.get("page")
    if request is None:
        return ""
    if "alternates" in context:  # a routed view that has twins (month archives)
        alternates = context["alternates"]
    elif isinstance(page, Page) and page.pk:
        if is_translated(page) and page.get_url(request=request) != request.path:
            return ""  # a view the page routes itself (tag listings): no twins
        alternates = page_alternates(page, page_twins(context), request)
    elif outside_page_tree(context):
        alternates = path_alternates(request.get_full_path())
    else:
        return ""
    links = [
        (alternate.language_code, request.build_absolute_uri(alternate.url))
        for alternate in alternates
    ]
    links += [("x-default", url) for code, url in links if code == source_language()]
    return format_html_join(
        "\n",
        '<link rel="alternate" hreflang="{}" href="{}">',
        links,
    )
