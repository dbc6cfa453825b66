"""Site-wide template pieces: settings, navigation and the language switcher."""

from django import template
from django.utils import translation
from wagtail.models import Locale, Page

from home.layout import Layout, layout_for

register = template.Library()


def context_locale(context) -> Locale:
    """The language of the page on screen, else the language of the request."""
    page = context.get("page")
    if isinstance(page, Page):
        return page.locale
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def context_layout(context) -> Layout:
    cache = context.render_context
    if "layout" not in cache:
        cache["layout"] = layout_for(context_locale(context), context.get("request"))
    return cache["layout"]


@register.simple_tag(takes_context=True)
def site_settings(context):
    """The current language's settings (an unsaved blank one if none exist)."""
    return context_layout(context).settings


@register.inclusion_tag("includes/navigation.html", takes_context=True)
def main_navigation(context):
    layout = context_layout(context)
    page = context.get("page")
    current_path = page.path if isinstance(page, Page) else ""
    return {
        "home": layout.home,
        "home_active": bool(layout.home and page and getattr(page, "depth", 0) == 2),
        "items": [
            {"item": item, "active": current_path.startswith(item.path)}
            for item in layout.items
        ],
    }


@register.simple_tag(takes_context=True)
def section_of(context, page):
    """The menu section a page belongs to, from the cached layout."""
    return context_layout(context).section_for(page.path)


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the same page in the other languages, or to their home page."""
    page = context.get("page")
    layout = context_layout(context)
    twins = {}
    if isinstance(page, Page) and page.pk:
        twins = {twin.locale_id: twin for twin in page.get_translations().live()}
    links = []
    for locale_id, code, name in layout.locales:
        if locale_id == layout.locale_id:
            continue
        twin = twins.get(locale_id)
        if twin is not None:
            with translation.override(code):
                url = twin.get_url(request=context.get("request"))
        else:
            url = f"/{code}/"
        links.append(
            {"code": code, "name": name, "url": url, "is_twin": twin is not None}
        )
    return {"links": links}
