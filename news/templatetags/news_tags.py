from django import template
from django.utils import timezone

from home.text import excerpt

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
