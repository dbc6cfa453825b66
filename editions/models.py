"""The print edition archive: one page per issue of the paper, with its PDF.

Editors upload the PDF and nothing else: the form (editions.forms) reads its
text and renders the cover from the first page (editions.pdf). The text is
kept as analysed search keys (linguistics.keys, the analysis articles use) so
that the readers' search finds the issue that printed a word.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.core.files.base import ContentFile
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.images import get_image_model
from wagtail.models import Locale, Orderable

from core.caching.generation import memo, request_generation
from core.models import BasePage
from core.privacy import own_language, public_listing
from linguistics.keys import folded_keys, index_keys
from news.models import plain_analysis

from .forms import EditionPageForm
from .pdf import PdfContent, PdfError, read_pdf

logger = logging.getLogger("editions")


def edition_keys(title: str, text: str, language: str) -> str:
    """Each distinct exact and folded key once: a match needs no term counts."""
    plain = plain_analysis()
    source = f"{title}\n{text}"
    keys = index_keys(source, language, plain=plain).split()
    keys += folded_keys(source, language, plain=plain).split()
    return " ".join(dict.fromkeys(keys))


def live_editions(locale: Locale | None = None, request=None):
    """Published, public editions of a language, newest first, text deferred."""
    editions = EditionPage.objects.live().filter(locale=locale or Locale.get_active())
    return (
        public_listing(own_language(editions), request)
        .defer("pdf_text", "search_keys")
        .select_related("cover", "pdf")
        .order_by("-issue_date", "-number")
    )


#: The cover on the home page (the template sizes it to this rendition).
HOME_COVER_FILTER = "width-240"


def latest_edition(locale: Locale | None = None, request=None):
    """The newest edition, with its archive URL and home cover rendition.

    Kept in the process memo for the content generation (core.caching): the
    home page and every page's footer show it, and reading it per request
    would add queries to every uncached page (tests/test_query_budgets.py).
    """
    locale = locale or Locale.get_active()

    def compute():
        edition = live_editions(locale, request).first()
        if edition is not None:
            edition.archive_url = edition.get_parent().get_url(request)
            edition.home_cover = (
                edition.cover.get_rendition(HOME_COVER_FILTER)
                if edition.cover
                else None
            )
        return edition

    return memo.get(request_generation(request), ("latest-edition", locale.pk), compute)


def editions_matching(
    terms: list[tuple[str, ...]], locale: Locale, request=None, among=None
):
    """Editions whose text has every term (a term: any of its keys), of
    ``among`` (a queryset of editions) if given, else of the live ones."""
    editions = live_editions(locale, request) if among is None else among
    for keys in terms:
        alternatives = "|".join(re.escape(key) for key in keys)
        editions = editions.filter(search_keys__regex=rf"(^| )({alternatives})( |$)")
    return editions


class EditionIndexPage(RoutablePageMixin, BasePage):
    """The archive: the editions of one year, newest first, and links to the
    other years (``/ru/gazeta/2025/``)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["editions.EditionPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("edition archive")

    def get_summary_source(self):
        return self.intro

    def years(self, request=None) -> list[int]:
        dates = self.editions(request).dates("issue_date", "year", order="DESC")
        return [day.year for day in dates]

    def editions(self, request=None):
        return live_editions(self.locale, request).child_of(self)

    @path("")
    def latest_year(self, request):
        years = self.years(request)
        return self.year_listing(request, years[0] if years else None, years)

    @path("<int:year>/", name="year")
    def year(self, request, year):
        years = self.years(request)
        if year not in years:
            raise Http404
        return self.year_listing(request, year, years)

    def year_listing(self, request, year, years):
        editions = self.editions(request).filter(issue_date__year=year) if year else []
        return self.render(
            request,
            context_overrides={"year": year, "years": years, "editions": editions},
        )


class EditionPage(BasePage):
    """One issue of the paper: its number, date, PDF, cover and contents."""

    number = models.PositiveIntegerField(_("issue number"))
    issue_date = models.DateField(_("issue date"))
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The whole issue as one PDF: its cover and text are read from it."),
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The document the cover and text were read from (EditionPage._follow_pdf).
    read_from_pdf_id = models.PositiveIntegerField(null=True, editable=False)
    page_count = models.PositiveSmallIntegerField(_("pages"), default=0, editable=False)
    pdf_text = models.TextField(_("text of the PDF"), blank=True, editable=False)
    # Distinct analysed keys of title and text (editions_matching).
    search_keys = models.TextField(blank=True, editable=False)
    search_keys_source = models.CharField(max_length=64, blank=True, editable=False)

    base_form_class = EditionPageForm
    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("number"), FieldPanel("issue_date"), FieldPanel("pdf")],
            heading=_("Issue"),
        ),
        InlinePanel(
            "contents",
            label=_("In this issue"),
            panels=[PageChooserPanel("article", "news.ArticlePage")],
        ),
    ]
    parent_page_types = ["editions.EditionIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("print edition")
        verbose_name_plural = _("print editions")

    def get_summary_source(self):
        return self.pdf_text[:500]

    def apply_pdf(self, content: PdfContent) -> None:
        """The PDF's text and a new cover image; the page is saved by the caller."""
        self.pdf_text = content.text
        self.read_from_pdf_id = self.pdf_id
        self.page_count = min(content.page_count, 32767)
        self.cover = get_image_model().objects.create(
            title=str(_("Cover of issue %(number)s") % {"number": self.number}),
            file=ContentFile(content.cover_jpeg, name=f"edition-{self.number}.jpg"),
        )

    def read_pdf(self) -> None:
        """Cover and text from the current PDF (scripts and the demo)."""
        with self.pdf.file.open("rb") as handle:
            self.apply_pdf(read_pdf(handle.read()))

    def _follow_pdf(self) -> None:
        """A PDF set outside the admin form (a translation synchronised from
        its source, a script): its cover and text follow it. A broken file
        cannot be refused here; the edition then keeps no text or cover."""
        if not self.pdf_id or self.pdf_id == self.read_from_pdf_id:
            return
        try:
            self.read_pdf()
        except (PdfError, OSError):
            logger.warning("Edition %s: PDF %s unreadable", self.pk, self.pdf_id)
            self.pdf_text, self.cover, self.page_count = "", None, 0
            self.read_from_pdf_id = self.pdf_id

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self._follow_pdf()
        if update_fields is None or {"title", "pdf_text"} & set(update_fields):
            self._refresh_search_keys()
            if update_fields is not None:
                kwargs["update_fields"] = [
                    *update_fields,
                    "search_keys",
                    "search_keys_source",
                ]
        return super().save(*args, **kwargs)

    def _refresh_search_keys(self) -> None:
        language = self.locale.language_code if self.locale_id else "ru"
        source = hashlib.sha256(
            f"{language}\n{plain_analysis()}\n{self.title}\n{self.pdf_text}".encode()
        ).hexdigest()
        if source != self.search_keys_source:
            self.search_keys = edition_keys(self.title, self.pdf_text, language)
            self.search_keys_source = source

    def articles(self, request=None):
        """Live, public articles of the contents, in the editor's order."""
        from news.models import ArticlePage  # noqa: PLC0415

        ids = [item.article_id for item in self.contents.all()]
        found = {
            page.pk: page
            for page in public_listing(
                own_language(ArticlePage.objects.live().filter(pk__in=ids)), request
            )
        }
        return [found[pk] for pk in ids if pk in found]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = self.articles(request)
        return context


class EditionArticle(Orderable):
    """An article printed in the issue ("in this issue")."""

    page = ParentalKey(EditionPage, related_name="contents", on_delete=models.CASCADE)
    article = models.ForeignKey(
        "news.ArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("article", "news.ArticlePage")]
