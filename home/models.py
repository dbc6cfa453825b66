from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction, TranslatableMixin
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtailcache.cache import WagtailCacheMixin

from news.blocks import StandardBodyBlock

from .slugs import ReadableSlugPageForm, readable_slug
from .text import excerpt
from .translation import serve_untranslated, untranslated_original


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


class BasePage(WagtailCacheMixin, Page):
    """Behaviour every reader-facing page shares: meta description and twins.

    ``WagtailCacheMixin`` marks restricted pages private for the page cache
    (home/cache.py).
    """

    base_form_class = ReadableSlugPageForm

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        """Restrictions on this page and its ancestors, in one query.

        Wagtail's version first reads the ancestors to follow aliases; pages
        that are not aliases can be checked by path alone. Serving asks twice
        (Wagtail's privacy check, then WagtailCacheMixin): the instance, loaded
        for the request, keeps its evaluated answer. The router (home.views)
        presets an empty answer when no restricted path contains the page.
        """
        if self.alias_of_id:
            return super().get_view_restrictions()
        restrictions = self.__dict__.get("_view_restrictions")
        if restrictions is None:
            paths = [
                self.path[:end]
                for end in range(self.steplen, len(self.path) + 1, self.steplen)
            ]
            restrictions = PageViewRestriction.objects.filter(
                page__path__in=paths, page__alias_of__isnull=True
            )
            bool(restrictions)  # evaluates once; iteration reuses the rows
            self._view_restrictions = restrictions
        return restrictions

    def get_meta_description(self) -> str:
        return excerpt(self.search_description or self.get_summary_source(), 160)

    def get_summary_source(self):
        return ""

    def full_clean(self, *args, **kwargs):
        """Kazakh letters survive in slugs, whatever the browser sent (home.slugs)."""
        self.slug = readable_slug(self)
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        """Drafts are saved with this lighter validation: the same slug rule."""
        self.slug = readable_slug(self)
        super().minimal_clean()

    def route(self, request, path_components):
        """An untranslated placeholder answers at its address (home.translation)."""
        if not path_components and untranslated_original(self) is not None:
            return RouteResult(self)
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        original = untranslated_original(self)
        if original is not None:
            return serve_untranslated(request, self, original)
        return super().serve(request, *args, **kwargs)


class HomePage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.SectionPage", "home.StandardPage"]

    class Meta:
        verbose_name = _("home page")

    def get_summary_source(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        from news import selectors

        from .layout import layout_for

        context = super().get_context(request, *args, **kwargs)
        context["featured"] = selectors.featured_articles(locale=self.locale, limit=4)
        sections = [
            item for item in layout_for(self.locale, request).items if item.is_section
        ]
        # Read only when the template's fragment cache misses.
        context["section_blocks"] = SimpleLazyObject(
            lambda: selectors.latest_by_section(
                home=self,
                sections=sections,
                per_section=settings.KMPRESS_HOME_PER_SECTION,
            )
        )
        return context

    @path("tags/<str:tag>/", name="tag")
    def tag_listing(self, request, tag):
        """Articles of this language that carry a tag."""
        from news.views import tag_listing

        return tag_listing(request, home=self, tag_slug=tag)


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


class PageCacheDebt(models.Model):
    """A page-cache clear and layout-generation bump that Redis did not get.

    Written when a content change could not reach Redis; whichever process
    next reaches it pays (clears, bumps, deletes the row) before serving
    anything from the page cache (home.cache). The database is the one place
    every process shares that is up while Redis is not.
    """

    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owed page-cache clear")
        verbose_name_plural = _("owed page-cache clears")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.recorded_at:%Y-%m-%d %H:%M:%S}"
