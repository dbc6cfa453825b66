from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from core.caching.generation import request_generation
from core.layout import layout_for
from core.text import excerpt
from news import selectors
from news.dates import long_date
from news.views import month_links

register = template.Library()

NEWS_DATE_FORMAT = "%Y-%m-%d, %H:%M"


@register.simple_tag
def newstime(value):
    """The date line in a ``<time>``: ``2022-11-25, 11:18`` for readers, ISO
    8601 (what ``date:'c'`` gives) for machines, in the site's time zone.

    One tag for every card and list item instead of two filters, each
    localising and formatting the date anew (README, Benchmarks).
    """
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    shown = value.strftime(NEWS_DATE_FORMAT)
    # Digits, dashes, colons, a comma and a plus: nothing to escape.
    return mark_safe(f'<time datetime="{value.isoformat()}">{shown}</time>')  # noqa: S308


@register.filter
def teaser_text(article, length: int = 180) -> str:
    return excerpt(article.lead, int(length))


#: How wide a card's cover is drawn: phones' full width (section and home lead
#: cards), a column from 40em on; small ones a thumbnail.
TEASER_SIZES = {
    "large": "(min-width: 64em) 28rem, (min-width: 40em) 40vw, 100vw",
    "small": "(min-width: 40em) 14rem, 30vw",
}


@register.simple_tag
def teaser_image(image, size: str, lead: bool = False):
    """A card's cover as Wagtail's ``{% picture %}`` draws it (AVIF and WebP
    sources, a JPEG ``img``), from the renditions the listing prefetched.

    Not the tag itself: ``{% picture %}`` would need a template branch per
    size and priority, and the specs must stay those that
    ``news.selectors`` prefetches. ``get_renditions`` reads prefetched ones
    and writes only new ones to the renditions cache (``get_rendition``
    writes on every call). The lead card, the first a reader sees, loads at
    once with high priority; every other card when scrolled to.
    """
    renditions = get_renditions_or_not_found(image, selectors.TEASER_SPECS[size])
    attrs = {"alt": "", "sizes": TEASER_SIZES[size]}
    attrs.update({"fetchpriority": "high"} if lead else {"loading": "lazy"})
    return Picture(renditions, attrs).__html__()


@register.simple_tag
def cover_picture(renditions: dict, **attrs):
    """The article's cover ``<picture>``, as Wagtail's ``{% picture %}`` draws
    it, from the renditions the page's context read (news.models.cover_context:
    one cache read, nothing written back)."""
    return Picture(renditions, attrs).__html__()


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
