from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from taggit.models import Tag

from core.addresses import client_address
from core.pagination import paginate

from . import most_read, selectors


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


@csrf_exempt  # a cached page has no token; a beacon only adds one to a count
@require_POST
@never_cache
def read_beacon(request):
    """One reading of an article, sent by ``news/js/read-beacon.js``.

    Always a small answer, never a 500: 400 for a malformed id, 429 past the
    address's rate, 404 for what is not a live public article, else 204
    (robots and repeat readings too: they are simply not counted). A cache
    away loses the reading, not the page.
    """
    raw = request.POST.get("page", "")
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) > 10
        or not 0 < int(raw) < 2**31
    ):
        return HttpResponseBadRequest("page: an article id is expected.")
    address = client_address(request)
    if not most_read.allowed(address):
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    user_agent = request.headers.get("User-Agent", "")
    if most_read.is_robot(user_agent):
        return HttpResponse(status=204)
    if not selectors.countable(int(raw)):
        return HttpResponse(status=404)
    most_read.count_read(int(raw), address=address, user_agent=user_agent)
    return HttpResponse(status=204)
