"""``{% latest_edition_block %}``: the newest issue on the home page and footer."""

from django import template

from core.templatetags.site_tags import context_layout, context_locale
from editions.models import latest_edition

register = template.Library()


@register.inclusion_tag("editions/includes/latest_edition.html", takes_context=True)
def latest_edition_block(context, place="home"):
    """The edition is read only when the template's fragment cache misses: the
    template calls ``edition`` inside ``{% wagtailcache %}``, keyed on the
    content generation that every publication bumps.

    The request goes along: Wagtail's ``{% wagtailcache %}`` draws its content
    anew, every time, in a context without one (it cannot tell a preview), and
    ``{% pageurl %}`` reads the site's root paths from the cache per call
    without it.
    """
    locale = context_locale(context)
    return {
        "request": context.get("request"),
        "place": place,
        "locale_id": locale.pk,
        "generation": context_layout(context).generation,
        "edition": lambda: latest_edition(locale, context.get("request")),
    }
