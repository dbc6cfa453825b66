"""The base of every reader page, and the one table the page cache needs."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.models import Page, PageViewRestriction, Site, TranslatableMixin
from wagtail.url_routing import RouteResult
from wagtailcache.cache import WagtailCacheMixin

from .caching.generation import memo, request_generation
from .slugs import ReadableSlugPageForm, readable_slug
from .text import excerpt
from .twins import serve_untranslated, untranslated_original


class BasePage(WagtailCacheMixin, Page):
    """Behaviour every reader-facing page shares: meta description and twins.

    ``WagtailCacheMixin`` marks restricted pages private for the page cache
    (core.caching).
    """

    base_form_class = ReadableSlugPageForm

    class Meta:
        abstract = True

    def get_view_restrictions(self):
        """Restrictions on this page and its ancestors, in one query.

        Wagtail's version first reads the ancestors to follow aliases; pages
        that are not aliases can be checked by path alone. Serving asks twice
        (Wagtail's privacy check, then WagtailCacheMixin): the instance, loaded
        for the request, keeps its evaluated answer. The router (core.router)
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

    def get_url_parts(self, request=None):
        """Wagtail's answer, kept in the process memo for the request's content
        generation.

        Wagtail reverses ``wagtail_serve`` under the page's language for every
        link it draws (twenty on an article: sidebar, related, language
        links). The answer depends only on the page's tree path, the sites'
        root paths, the active language and, for a page under several sites,
        the request's site: a change to any of them bumps the generation.
        """
        if not isinstance(request, HttpRequest):
            return super().get_url_parts(request)
        site = Site.find_for_request(request)
        key = (
            "url-parts",
            self.url_path,
            translation.get_language(),
            site.pk if site else None,
        )
        return memo.get(
            request_generation(request),
            key,
            lambda: super(BasePage, self).get_url_parts(request),
        )

    def get_meta_description(self) -> str:
        return excerpt(self.search_description or self.get_summary_source(), 160)

    def get_summary_source(self):
        return ""

    def full_clean(self, *args, **kwargs):
        """Kazakh letters survive in slugs, whatever the browser sent (core.slugs)."""
        self.slug = readable_slug(self)
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        """Drafts are saved with this lighter validation: the same slug rule."""
        self.slug = readable_slug(self)
        super().minimal_clean()

    def route(self, request, path_components):
        """An untranslated placeholder answers at its address (core.twins)."""
        if not path_components and untranslated_original(self) is not None:
            return RouteResult(self)
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        original = untranslated_original(self)
        if original is not None:
            return serve_untranslated(request, self, original)
        return super().serve(request, *args, **kwargs)


class PageCacheDebt(models.Model):
    """A page-cache clear and layout-generation bump that Redis did not get.

    Written when a content change could not reach Redis; whichever process
    next reaches it pays (clears, bumps, deletes the row) before serving
    anything from the page cache (core.caching). The database is the one place
    every process shares that is up while Redis is not.
    """

    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owed page-cache clear")
        verbose_name_plural = _("owed page-cache clears")

    def __str__(self):
        return f"{self._meta.verbose_name} {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class FooterLink(TranslatableMixin, models.Model):
    """One entry of the footer's «Информация» menu, per language.

    A translatable snippet like the site settings: editors of each language
    keep their own list (the old site's «Проблемная зона», «Контакты»...), and
    wagtail-localize translates the title and points the page at its twin.
    """

    title = models.CharField(_("title"), max_length=120)
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.URLField(
        _("external address"),
        blank=True,
        help_text=_("Only when the link leads off the site; otherwise choose a page."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Smaller numbers come first.")
    )

    panels = [
        FieldPanel("title"),
        PageChooserPanel("link_page"),
        FieldPanel("link_url"),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if bool(self.link_page_id) == bool(self.link_url):
            raise ValidationError(
                _("Choose a page or give an external address (one of the two).")
            )
