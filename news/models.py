from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField
from wagtail.images.models import Filter, SourceImageIOError
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.segments import StringSegmentValue

from core.caching.generation import request_generation
from core.caching.renditions import PictureRecord
from core.layout import layout_for
from core.models import BasePage
from core.pagination import page_number, paginate
from core.queries import CompiledQuery
from core.text import clean_text
from linguistics.keys import KEYS_ANALYZER, folded_keys, index_keys, title_keys

from .blocks import ArticleBodyBlock
from .forms import ArticlePageForm

# The article's cover <picture> (article_page.html): three widths in AVIF,
# WebP and JPEG, in the order Wagtail's {% picture %} tag expands them.
COVER_PICTURE_SPECS = tuple(
    Filter.expand_spec(["width-{480,800,1200}", "format-{avif,webp,jpeg}"])
)
# The cover for social cards (og:image): the largest JPEG of the <picture>, so
# one file serves both.
COVER_RENDITION = "width-1200|format-jpeg"
# Addresses and sizes of the cover's renditions, one cache entry per image.
# Its filters are built once per process: a Filter parses its spec into
# operations on first use, each operation checking its arguments with inspect
# (20 getfullargspec calls per article when the filters were made per request).
COVER_RECORD = PictureRecord(COVER_PICTURE_SPECS)
COVER_FILTERS = COVER_RECORD.filters
# Home pages sit at depth 2 and sections at depth 3 of every language's tree.
SECTION_PATH_LENGTH = 3 * Page.steplen


def section_of(path: str) -> int | None:
    """Id of the section whose subtree holds the page at ``path``."""
    if len(path) <= SECTION_PATH_LENGTH:
        return None
    return (
        SectionPage.objects.filter(path=path[:SECTION_PATH_LENGTH])
        .values_list("pk", flat=True)
        .first()
    )


def cached_rendition(image, spec: str):
    """``image.get_rendition(spec)`` without writing a cached rendition back.

    Wagtail's ``AbstractImage.get_rendition`` stores the rendition in the
    renditions cache on every call, even one it has just read from there: a
    Redis write of the pickled rendition and image per uncached article. A
    rendition the cache holds is used as is; otherwise Wagtail finds or makes
    it, and caches it.
    """
    rendition_model = image.get_rendition_model()
    spec_filter = Filter(spec=spec)
    key = rendition_model.construct_cache_key(
        image, spec_filter.get_cache_key(image), spec
    )
    rendition = rendition_model.cache_backend.get(key)
    if rendition is None:
        return image.get_rendition(spec_filter)
    rendition.image = image
    return rendition


def cover_renditions(image) -> dict:
    """The cover's <picture> renditions, keyed by spec: its record
    (core.caching.renditions) in one cache read, else Wagtail's renditions,
    then recorded.

    Wagtail's renditions are read as ``{% picture image
    width-{480,800,1200} format-{avif,webp,jpeg} %}`` would, without one of
    its costs: its ``get_renditions`` writes every rendition it has just read
    from the cache back with ``set_many`` (it marks only prefetched
    renditions as already cached). Here the cached ones are used as they are,
    and only the ones the cache lacks go through Wagtail (found in the
    database or made, then cached).
    """
    kept = COVER_RECORD.read(image)
    if kept is not None:
        return kept
    rendition_model = image.get_rendition_model()
    keys = {
        spec_filter.spec: rendition_model.construct_cache_key(
            image, spec_filter.get_cache_key(image), spec_filter.spec
        )
        for spec_filter in COVER_FILTERS
    }
    cached = rendition_model.cache_backend.get_many(list(keys.values()))
    found = {}
    for spec, key in keys.items():
        rendition = cached.get(key)
        if rendition is not None:
            # As Wagtail does: the instance at hand, not the pickled copy.
            rendition.image = image
            found[spec] = rendition
    missing = [f for f in COVER_FILTERS if f.spec not in found]
    if missing:
        found.update(image.get_renditions(*missing))
    return COVER_RECORD.keep(image, found)


def cover_context(image) -> dict:
    """``cover`` (the social card's rendition) and ``cover_picture`` (the
    renditions of the page's <picture>), or neither when the original cannot
    be read (media storage away, file lost) and the social card's rendition
    was never made: the article shows without its cover rather than failing.
    """
    try:
        picture = cover_renditions(image)
        return {"cover": picture[COVER_RENDITION], "cover_picture": picture}
    except SourceImageIOError:
        pass
    # Some rendition could not be made: as the {% picture %} tag did, the
    # social card's rendition if there is one, and a <picture> of Wagtail's
    # "not found" renditions.
    try:
        cover = cached_rendition(image, COVER_RENDITION)
    except SourceImageIOError:
        return {}
    return {
        "cover": cover,
        "cover_picture": get_renditions_or_not_found(image, COVER_FILTERS),
    }


def plain_analysis() -> bool:
    """``settings.KMPRESS_SEARCH_ANALYSIS = "plain"``: keys without morphology
    (``linguistics.keys``); documents here and queries in search.analysis."""
    return settings.KMPRESS_SEARCH_ANALYSIS == "plain"


# Analysed keys reach Elasticsearch pre-stemmed: its analyzer only splits them.
SEARCH_KEYS_MAPPING = {"analyzer": KEYS_ANALYZER}


class Author(TranslatableMixin, index.Indexed, models.Model):
    """A journalist or contributor, translated like any snippet."""

    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position"), max_length=255, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("position"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SectionPage(BasePage):
    """A newspaper section ("Новости", "Интервью"…) listing its articles."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage", "news.InterviewPage", "news.HistoryPage"]
    # The home page shows a block per section (core.layout.MenuItem.is_section).
    is_section = True

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_summary_source(self):
        return self.intro

    def get_context(self, request, *args, **kwargs):
        # news.selectors reads the models of this module: a top-level import
        # of it here would be an import cycle (news.models <-> news.selectors).
        from . import selectors  # noqa: PLC0415

        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's fragment cache misses.
        context["page_number"] = page_number(request)
        # Only the first page's listing is kept in the process ({% kept %}):
        # the deep ones, a crawler's walk, would fill it.
        context["first_page"] = context["page_number"] == 1
        context["articles"] = SimpleLazyObject(
            lambda: paginate(
                request,
                selectors.section_articles(section=self),
                settings.KMPRESS_PAGE_SIZE,
                count=selectors.section_count(
                    section=self, generation=request_generation(request)
                ),
            )
        )
        return context


class TranslatableTags(ClusterTaggableManager):
    """Tags that wagtail-localize translates: each tag name is a segment.

    Tags are words of one language, so the Kazakh twin's tags are translations
    of the Russian ones, made in the translation editor with the rest of the
    page (where Kazakh pages are edited) and kept through every sync. A tag
    not yet translated keeps the source word, like any untranslated string.
    """

    def get_translatable_segments(self, value) -> list[StringSegmentValue]:
        return [StringSegmentValue(str(tag.pk), tag.name) for tag in value]

    def restore_translated_segments(self, value, segments) -> list[str]:
        return list(dict.fromkeys(segment.render_text() for segment in segments))

    def __set__(self, instance, names) -> None:
        """wagtail-localize assigns the translated names to the field."""
        self.__get__(instance, type(instance)).set(names)


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(BasePage):
    """Fields and behaviour that news, interviews and history pages share.

    Concrete (multi-table) rather than abstract so that every listing, feed and
    search across article types is one query ordered by publication date,
    without a ``.specific()`` query per type. Editors never create it directly.
    """

    publication_date = models.DateTimeField(
        _("publication date"), default=timezone.now, db_index=True
    )  # a first publication scheduled for later takes its go-live (ArticlePageForm)
    lead = models.TextField(
        _("lead"),
        help_text=_("One or two sentences under the title; teasers and feeds show it."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_caption = models.CharField(_("cover caption"), max_length=500, blank=True)
    cover_credit = models.CharField(
        _("cover credit"),
        max_length=255,
        blank=True,
        help_text=_("Only the name: the site adds «Photo:» itself."),
    )
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))
    tags = TranslatableTags(through=ArticlePageTag, blank=True, verbose_name=_("tags"))
    featured = models.BooleanField(
        _("featured"),
        default=False,
        help_text=_("Show in «Интересное» and on the home page."),
    )
    # The section the article sits in, kept from its path by save() and on a
    # move (news.apps): listings walk the (section, date) index below, so
    # their plan needs no table statistics (issue 14, item 9).
    section = models.ForeignKey(
        "news.SectionPage",
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    base_form_class = ArticlePageForm
    content_panels = BasePage.content_panels + [
        FieldPanel("publication_date"),
        FieldPanel("lead"),
        MultiFieldPanel(
            [
                FieldPanel("cover_image"),
                FieldPanel("cover_caption"),
                FieldPanel("cover_credit"),
            ],
            heading=_("Cover"),
        ),
        FieldPanel("body"),
        InlinePanel("article_authors", label=_("Authors")),
        FieldPanel("tags"),
        FieldPanel("featured"),
    ]
    # Readers' search goes through analysed keys only (search/analysis.py);
    # get_search_fields() drops the raw title, see there.
    search_fields = BasePage.search_fields + [
        index.SearchField("search_title_keys", boost=4, es_extra=SEARCH_KEYS_MAPPING),
        index.SearchField("search_keys", boost=1, es_extra=SEARCH_KEYS_MAPPING),
        index.SearchField(
            "search_folded_keys", boost=0.25, es_extra=SEARCH_KEYS_MAPPING
        ),
        index.FilterField("publication_date"),
        index.FilterField("featured"),
        # Search narrows to a section by its id, which no move changes; a
        # tree path shifts whenever a section before it is moved (issue 15).
        index.FilterField("section"),
    ]
    # A type's own fields that readers search too (interviewee, period…).
    extra_search_text: tuple[str, ...] = ()

    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    is_creatable = False
    # Indexed after commit, with its tags and authors (search/signal_handlers.py).
    search_auto_update = False
    # Joined when the page is served (see core.router.route).
    serve_select_related = ("cover_image",)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # Newest first within a section (featured ones apart): read
            # backwards, a LIMIT stops the walk (news.selectors).
            models.Index(
                fields=["section", "publication_date", "page_ptr"],
                name="news_article_section_date",
            ),
            models.Index(
                fields=["section", "featured", "publication_date", "page_ptr"],
                name="news_article_featured_date",
            ),
        ]

    def save(self, *args, **kwargs):
        """Notes the section from the path (a save that leaves the path alone,
        ``update_fields`` without it, keeps the section too)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "path" in update_fields:
            self.section_id = section_of(self.path)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "section"}
        return super().save(*args, **kwargs)

    @classmethod
    def get_search_fields(cls):
        """``search_fields`` without Page's raw title: the title is indexed as keys.

        ``search_fields`` keeps Page's entries (Wagtail's check wants them); the
        backends read this method, so no backend tokenizes a title word our
        analysis did not. The admin still finds articles by the autocomplete
        field on the raw title.
        """
        return [
            field
            for field in super().get_search_fields()
            if not (type(field) is index.SearchField and field.field_name == "title")
        ]

    def get_summary_source(self):
        return self.lead or self.body

    def search_language(self) -> str:
        return self.locale.language_code

    def search_text(self) -> str:
        """Everything readers search besides the title, as plain text."""
        tags = [tag.name for tag in self.tags.all()]
        authors = [author.name for author in self.byline_authors()]
        extra = [getattr(self, name) for name in self.extra_search_text]
        body = clean_text(self.body, table_cells=True)  # readers search tables too
        parts = [self.lead, body, self.cover_caption, *tags, *authors]
        return " ".join(part for part in [*parts, *extra] if part)

    def _search_memo(self, name: str, compute):
        """Computes each key field once per state of this instance.

        Wagtail's database indexers read every search field three times (for
        title, body and autocomplete); the text costs two queries (tags,
        authors) and the analysis. Any change to a field value starts afresh.
        """
        state = tuple(
            (field.attname, id(value) if isinstance(value, StreamValue) else value)
            for field in self._meta.concrete_fields
            for value in [getattr(self, field.attname, None)]
        )
        memo = self.__dict__.get("_search_memo_cache")
        if memo is None or memo[0] != state:
            memo = self.__dict__["_search_memo_cache"] = (state, {})
        if name not in memo[1]:
            memo[1][name] = compute()
        return memo[1][name]

    def search_title_keys(self) -> str:
        return self._search_memo(
            "title",
            lambda: title_keys(
                self.title, self.search_language(), plain=plain_analysis()
            ),
        )

    def search_keys(self) -> str:
        return self._search_memo(
            "keys",
            lambda: index_keys(
                self._search_memo("text", self.search_text),
                self.search_language(),
                plain=plain_analysis(),
            ),
        )

    def search_folded_keys(self) -> str:
        def compute() -> str:
            text = f"{self.title} {self._search_memo('text', self.search_text)}"
            return folded_keys(text, self.search_language(), plain=plain_analysis())

        return self._search_memo("folded", compute)

    def byline_authors(self) -> list[Author]:
        """The authors in this page's language, in order; two queries at most.

        A link still pointing at another language's author (a draft copied from
        Russian, an author translated after the page) shows that author's
        translation, or the author as is while there is none.
        """
        if self.pk is None or self.article_authors.is_deferring:
            # A preview's or a form's links, held in memory.
            links = self.article_authors.select_related("author")
        else:
            links = BYLINE_LINKS(self.pk)
        authors = [link.author for link in links]
        foreign = {a.translation_key for a in authors if a.locale_id != self.locale_id}
        if not foreign:
            return authors
        translated = {
            author.translation_key: author
            for author in Author.objects.filter(
                translation_key__in=foreign, locale_id=self.locale_id
            )
        }
        return [translated.get(author.translation_key, author) for author in authors]

    def tag_links(self, request) -> list[tuple[str, str]]:
        """(name, URL) of this article's tags on its language's home page."""
        if self.pk is None or self.tagged_items.is_deferring:
            tags = list(self.tags.all())  # a preview's, held in memory
        else:
            tags = ARTICLE_TAGS(self.pk)
        home = layout_for(self.locale, request).home if tags else None
        if home is None:
            return []
        return [(tag.name, f"{home.url}tags/{tag.slug}/") for tag in tags]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["authors"] = self.byline_authors()
        context["tag_links"] = self.tag_links(request)
        if self.cover_image:
            context.update(cover_context(self.cover_image))
            if "cover" in context:
                cover = context["cover"]
                context["cover_absolute_url"] = request.build_absolute_uri(cover.url)
        return context


# An article's author links with their authors, and its tags, as the related
# managers read them, compiled once (core.queries: most of either query's
# cost was compiling its SQL, per uncached article).
class ArticleAuthor(TranslatableMixin, Orderable):
    """Orders an article's authors; a relation wagtail-localize translates.

    Translatable, so wagtail-localize extracts each link's author as a related
    object and points the Kazakh link at the author's Kazakh translation.
    """

    page = ParentalKey(
        ArticlePage, on_delete=models.CASCADE, related_name="article_authors"
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("author")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("article author")


# An article's author links with their authors, and its tags, read as the
# related managers read them, compiled once (core.queries: most of either
# query's cost per uncached article was compiling its SQL).
BYLINE_LINKS = CompiledQuery(
    ArticleAuthor,
    lambda pk: ArticlePage(pk=pk).article_authors.select_related("author"),
)
ARTICLE_TAGS = CompiledQuery(Tag, lambda pk: ArticlePage(pk=pk).tags.all())


def article_panels(heading, *fields: str) -> list:
    """An article type's panels: its own fields after title, date and lead."""
    own = MultiFieldPanel([FieldPanel(name) for name in fields], heading=heading)
    return [*ArticlePage.content_panels[:3], own, *ArticlePage.content_panels[3:]]


class NewsPage(ArticlePage):
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


class InterviewPage(ArticlePage):
    interviewee = models.CharField(_("interviewee"), max_length=255)
    interviewee_role = models.CharField(
        _("interviewee's role"), max_length=255, blank=True
    )
    interviewee_photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("interviewee's photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = article_panels(
        _("Interviewee"), "interviewee", "interviewee_role", "interviewee_photo"
    )
    extra_search_text = ("interviewee", "interviewee_role")
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")


class HistoryPage(ArticlePage):
    period = models.CharField(
        _("period or year"),
        max_length=64,
        help_text=_("For example 1965 or 1970–1985."),
    )
    archival_source = models.CharField(_("archival source"), max_length=500, blank=True)

    content_panels = article_panels(_("Archive"), "period", "archival_source")
    extra_search_text = ("period", "archival_source")
    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    is_creatable = True

    class Meta:
        verbose_name = _("history page")
        verbose_name_plural = _("history pages")


class ArticleReads(models.Model):
    """How many readers opened an article on one day (the site's time zone).

    Counted in the cache by the reader's beacon and written here by the
    worker (news.most_read): the page itself is served from the page cache
    or Varnish and never reaches Django to be counted.
    """

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="news_reads_page_day")
        ]
        indexes = [models.Index(fields=["day"], name="news_reads_day")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.count}"
