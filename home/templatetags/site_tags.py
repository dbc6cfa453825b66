"""Site-wide template pieces: settings, navigation and the language switcher."""

from django import template
from django.utils import translation
from wagtail.models import Locale, Page

from home.models import SiteSettings
from news import selectors

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


@register.simple_tag(takes_context=True)
def site_settings(context) -> SiteSettings:
    """The current language's settings; an unsaved blank one if none exist."""
    cache = context.render_context
    if "site_settings" not in cache:
        locale = context_locale(context)
        found = SiteSettings.objects.filter(locale=locale).first()
        if found is None and not locale.is_default:
            found = SiteSettings.objects.filter(locale=Locale.get_default()).first()
        cache["site_settings"] = found or SiteSettings(locale=locale)
    return cache["site_settings"]


@register.inclusion_tag("includes/navigation.html", takes_context=True)
def main_navigation(context):
    locale = context_locale(context)
    page = context.get("page")
    current_path = page.path if isinstance(page, Page) else ""
    home, items = None, []
    for menu_page in selectors.navigation_pages(locale=locale):
        if menu_page.depth == 2:
            home = menu_page
        else:
            active = current_path.startswith(menu_page.path)
            items.append({"page": menu_page, "active": active})
    return {
        "request": context.get("request"),
        "home": home,
        "home_active": isinstance(page, Page) and page.depth == 2,
        "items": items,
    }


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the same page in the other languages, or to their home page."""
    page = context.get("page")
    current = context_locale(context)
    links = []
    twins = {}
    if isinstance(page, Page) and page.pk:
        twins = {
            twin.locale_id: twin
            for twin in page.get_translations().live().select_related("locale")
        }
    for locale in Locale.objects.exclude(pk=current.pk).order_by("pk"):
        target = twins.get(locale.pk)
        if target is None:
            target = Page.objects.filter(locale=locale, depth=2).live().first()
        if target is None:
            continue
        with translation.override(locale.language_code):
            url = target.get_url(request=context.get("request"))
        links.append({"locale": locale, "url": url, "name": locale.get_display_name()})
    return {"links": links}
