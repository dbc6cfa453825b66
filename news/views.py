from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from taggit.models import Tag

from core.addresses import client_address
from core.caching.generation import request_generation
from core.pagination import paginate
from core.twins import Alternate, live_twins, source_language

from . import most_read, selectors
from .dates import month_heading
from .models import SectionPage


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


def month_archive(request, *, home, year: str, month: str):
    """A month's articles of the home page's language, ``?section=`` narrowing
    them to one section; a month without any is a 404 (no endless calendar
    for crawlers)."""
    year_number, month_number = int(year), int(month)
    if not (1 <= month_number <= 12 and 1900 <= year_number <= 2999):
        raise Http404
    section = None
    slug = request.GET.get("section", "")
    if slug:
        section = (
            SectionPage.objects.live()
            .filter(locale=home.locale, slug=slug[:255])
            .first()
        )
        if section is None:
            raise Http404
    found = selectors.month_articles(
        locale=home.locale, year=year_number, month=month_number, section=section
    )
    articles = paginate(request, found, settings.KMPRESS_PAGE_SIZE)
    if not articles.object_list:
        raise Http404
    language = home.locale.language_code
    generation = request_generation(request)
    months = selectors.archive_months(
        locale=home.locale, section=section, generation=generation
    )
    heading = month_heading(year_number, month_number, language)
    (own,) = month_links(home, [(year_number, month_number)], language, section)
    return TemplateResponse(
        request,
        "news/month_archive.html",
        {
            "page": home,
            "self": home,
            "section": section,
            "heading": heading,
            "view_title": f"{heading} — {section.title}" if section else heading,
            "canonical_path": own["url"],
            "alternates": archive_alternates(
                home, section, (year_number, month_number), generation
            ),
            "articles": articles,
            "months": month_links(home, months, language, section),
            "current": (year_number, month_number),
        },
    )


def archive_alternates(home, section, month, generation) -> list[Alternate]:
    """The same month's page in each language that has articles then (in the
    section's twin when narrowed): its hreflang links and og:locale:alternate.
    Twins and months come from the process memo."""
    alternates = []
    for twin_home in [home, *live_twins(home, generation)]:
        locale = twin_home.locale
        twin_section = section
        if section is not None and locale.pk != section.locale_id:
            twin_section = next(
                (
                    t
                    for t in live_twins(section, generation)
                    if t.locale_id == locale.pk
                ),
                None,
            )
            if twin_section is None:
                continue
        found = selectors.archive_months(
            locale=locale, section=twin_section, generation=generation
        )
        if month in found:
            code = locale.language_code
            with translation.override(code):
                (link,) = month_links(twin_home, [month], code, twin_section)
            alternates.append(Alternate(code, link["url"]))
    return sorted(alternates, key=lambda a: a.language_code != source_language())


def month_links(home, months, language: str, section=None) -> list[dict]:
    """Links to an archive's months, as the month list shows them."""
    query = f"?section={section.slug}" if section is not None else ""
    return [
        {
            "year": year,
            "month": month,
            "label": month_heading(year, month, language),
            "url": f"{home.url}archive/{year}/{month:02d}/{query}",
        }
        for year, month in months
    ]
