from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import StreamField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from core.layout import layout_for
from core.models import BasePage
from news import selectors
from news import views as news_views
from news.blocks import StandardBodyBlock


class SiteSettings(TranslatableMixin, models.Model):
    """Contacts and footer of the site, one row per language.

    A translatable snippet rather than a ``BaseSiteSetting``: one Wagtail site
    serves both languages, and translators translate the address and the
    "about" line with wagtail-localize like any other snippet.
    """

    newspaper_name = models.CharField(
        _("newspaper name"), max_length=255, default="Костанайские минералы"
    )
    about = models.TextField(
        _("about line"),
        blank=True,
        help_text=_("Shown in the footer: who publishes the newspaper."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    copyright_holder = models.CharField(
        _("copyright holder"), max_length=255, blank=True
    )
    copyright_start_year = models.PositiveSmallIntegerField(
        _("copyright start year"),
        default=2012,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )

    panels = [
        FieldPanel("newspaper_name"),
        FieldPanel("about"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")],
            heading=_("Contacts"),
        ),
        MultiFieldPanel(
            [FieldPanel("copyright_holder"), FieldPanel("copyright_start_year")],
            heading=_("Copyright"),
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.UniqueConstraint(
                fields=["locale"], name="one_site_settings_per_locale"
            )
        ]

    def __str__(self):
        return str(_("Site settings (%(language)s)") % {"language": self.locale})


class HomePage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "news.SectionPage",
        "home.StandardPage",
        "editions.EditionIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_summary_source(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Built, not only read, when the template's fragment cache misses:
        # compiling its per-section SQL was half the CPU of a home page whose
        # listings came from the fragment.
        featured = SimpleLazyObject(
            lambda: list(selectors.featured_articles(locale=self.locale, limit=4))
        )
        context["featured"] = featured
        sections = [
            item for item in layout_for(self.locale, request).items if item.is_section
        ]
        # Read only when the template's fragment cache misses; the featured
        # articles are not shown twice (once more in their section).
        context["section_blocks"] = SimpleLazyObject(
            lambda: selectors.latest_by_section(
                home=self,
                sections=sections,
                per_section=settings.KMPRESS_HOME_PER_SECTION,
                exclude=frozenset(article.pk for article in featured),
            )
        )
        return context

    @path("tags/<str:tag>/", name="tag")
    def tag_listing(self, request, tag):
        """Articles of this language that carry a tag."""
        return news_views.tag_listing(request, home=self, tag_slug=tag)

    @re_path(r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", name="archive")
    def month_archive(self, request, year, month):
        """Articles of this language published in one month."""
        return news_views.month_archive(request, home=self, year=year, month=month)


class StandardPage(BasePage):
    """A plain page such as contacts or "about the newspaper"."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(StandardBodyBlock(), blank=True, verbose_name=_("body"))
    show_contacts = models.BooleanField(
        _("show contacts"),
        default=False,
        help_text=_("Append the contacts from the site settings."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("show_contacts"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("standard page")

    def get_summary_source(self):
        return self.intro or self.body
