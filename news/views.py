from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from taggit.models import Tag

from . import selectors
from .pagination import paginate


def tag_listing(request, *, home, tag_slug: str):
    """Articles of the home page's language carrying one tag."""
    tag = Tag.objects.filter(slug=tag_slug[:100]).first()
    if tag is None:
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
