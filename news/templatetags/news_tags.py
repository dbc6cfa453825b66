from django import template
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.images.shortcuts import get_renditions_or_not_found

from core.caching.generation import request_generation
from core.layout import layout_for
from core.text import excerpt
from news import selectors
from news.dates import long_date
from news.views import month_links

register = template.Library()

NEWS_DATE_FORMAT = "%Y-%m-%d, %H:%M"


@register.filter
def newsdate(value) -> str:
    """The date line readers know: ``2022-11-25, 11:18`` in the site's time zone."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(NEWS_DATE_FORMAT)


@register.filter
def teaser_text(article, length: int = 180) -> str:
    return excerpt(article.lead, int(length))


@register.simple_tag
def teaser_image(image, spec: str):
    """Wagtail's ``{% image %}`` without its cache write on every call.

    ``Image.get_rendition`` stores the rendition in the renditions cache each
    time, even one the listing prefetched (news.selectors): a Redis write per
    teaser. ``get_renditions`` reads prefetched ones and writes only new ones.
    """
    rendition = get_renditions_or_not_found(image, [spec])[spec]
    return rendition.img_tag({"alt": "", "loading": "lazy"})


@register.simple_tag(takes_context=True)
def article_sidebar(context, page) -> selectors.Sidebar:
    return selectors.sidebar(
        page=page, generation=request_generation(context.get("request"))
    )


@register.simple_tag
def related_articles(page, sidebar: selectors.Sidebar) -> list:
    """Articles sharing a tag with ``page``, none of them in its sidebar."""
    shown = [
        a.pk for a in (*sidebar.interesting, *sidebar.see_also, *sidebar.most_read)
    ]
    return selectors.related_articles(page=page, exclude=shown)


@register.filter
def longdate(value) -> str:
    """«3 декабря 2026» / «2026 жылғы 3 желтоқсан», in the active language."""
    if not value:
        return ""
    return long_date(value, get_language() or "ru")


@register.simple_tag(takes_context=True)
def section_months(context, section) -> list[dict]:
    """The section's archive months, each linked to its month's page."""
    request = context.get("request")
    home = layout_for(section.locale, request).home
    if home is None:
        return []
    months = selectors.archive_months(
        locale=section.locale,
        section=section,
        generation=request_generation(request),
    )
    return month_links(home, months, section.locale.language_code, section)
