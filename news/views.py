from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from taggit.models import Tag

from core.pagination import paginate

from . import selectors


def tag_listing(request, *, home, tag_slug: str):
    """Articles of the home page's language carrying one tag.

    Each language tags in its own words: a tag no live article of this
    language carries is not one of its tags, and has no page here.
    """
    tag = Tag.objects.filter(slug=tag_slug[:100]).first()
    if tag is None or not selectors.tag_in_language(tag=tag, locale=home.locale):
        raise Http404
    articles = paginate(
        request,
        selectors.tagged_articles(locale=home.locale, tag_slug=tag.slug),
        settings.KMPRESS_PAGE_SIZE,
    )
    return TemplateResponse(
        request,
        "news/tag_listing.html",
        {"page": home, "self": home, "tag": tag, "articles": articles},
    )
