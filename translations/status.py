"""Where the Kazakh translation of every article stands, in bounded queries.

One row per live Russian article, whatever the archive's size: the status and
the progress are SQL expressions (correlated subqueries on wagtail-localize's
tables), so a page of the dashboard costs the same few queries for thirty
articles or thirty thousand, and filtering by status happens in the database.

Statuses, first match wins:

- ``missing``: no page in the Kazakh tree at all;
- ``in_review``: the Kazakh page is in a workflow (submitted for review);
- ``outdated``: the Russian article was published again after the translation
  last synced its source (wagtail-localize's ``TranslationSource.last_updated_at``);
- ``published``: the Kazakh page is live with its own content, every segment
  translated (``update_pending``: synced since, the update not yet reviewed);
- ``in_progress``: some segments translated, others not (a draft, or a live
  page whose synced changes wait for translation);
- ``untranslated``: a draft or alias with no segment translated yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, WorkflowState, get_default_page_content_type
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from core.twins import source_language
from news.models import ArticlePage, SectionPage
from news.selectors import SECTION_PATH_LENGTH
from newsroom.models import NOT_TEXT_SEGMENTS

MISSING = "missing"
UNTRANSLATED = "untranslated"
IN_PROGRESS = "in_progress"
IN_REVIEW = "in_review"
PUBLISHED = "published"
OUTDATED = "outdated"

STATUSES = {
    MISSING: _("Missing"),
    UNTRANSLATED: _("Untranslated draft"),
    IN_PROGRESS: _("In progress"),
    IN_REVIEW: _("In review"),
    PUBLISHED: _("Published"),
    OUTDATED: _("Out of date"),
}


def source_locale() -> Locale:
    return Locale.objects.get(language_code=source_language())


def _count(queryset: QuerySet, group_by: str) -> Subquery:
    """COUNT(*) of a correlated queryset, as a scalar subquery (0 when none)."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .values(group_by)
            .annotate(total=Count("pk"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def translation_status(
    *, target: Locale, section: Page | None = None, status: str | None = None
) -> QuerySet[ArticlePage]:
    """Live source-language articles annotated with their ``target`` translation.

    Each row carries ``target_id``, ``target_live``, ``translation_source_id``,
    ``source_synced_at``,
    ``translation_id``, ``segments``, ``translated``, ``percent``,
    ``in_review``, ``update_pending``, ``status`` and ``section_title``.
    """
    source = source_locale()
    twin = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale=target
    )
    source_record = TranslationSource.objects.filter(
        object_id=OuterRef("translation_key"), locale=source
    )
    segments = StringSegment.objects.filter(
        source__object_id=OuterRef("translation_key"), source__locale=source
    ).exclude(context__path__in=NOT_TEXT_SEGMENTS)
    translated_segments = segments.filter(
        Exists(
            StringTranslation.objects.filter(
                translation_of_id=OuterRef("string_id"),
                context_id=OuterRef("context_id"),
                locale=target,
                has_error=False,
            )
        )
    )
    reviews = WorkflowState.objects.active().filter(
        base_content_type=get_default_page_content_type(),
        object_id=Cast(OuterRef("target_id"), output_field=CharField()),
    )
    section_title = Page.objects.filter(
        path=Substr(OuterRef("path"), 1, SECTION_PATH_LENGTH)
    ).values("title")[:1]

    queryset = (
        ArticlePage.objects.live()
        .filter(locale=source, alias_of__isnull=True)
        .defer_streamfields()
        .annotate(
            section_title=Subquery(section_title),
            target_id=Subquery(twin.values("pk")[:1]),
            target_live=Subquery(twin.values("live")[:1], output_field=BooleanField()),
            target_published_at=Subquery(
                twin.values("last_published_at")[:1], output_field=DateTimeField()
            ),
            target_is_alias=Subquery(
                twin.filter(alias_of__isnull=False).values("pk")[:1]
            ),
            translation_source_id=Subquery(source_record.values("pk")[:1]),
            source_synced_at=Subquery(
                source_record.values("last_updated_at")[:1],
                output_field=DateTimeField(),
            ),
            translation_id=Subquery(
                Translation.objects.filter(
                    source__object_id=OuterRef("translation_key"),
                    source__locale=source,
                    target_locale=target,
                    enabled=True,
                ).values("pk")[:1]
            ),
            segments=_count(segments, "source"),
            translated=_count(translated_segments, "source"),
        )
        .annotate(
            in_review=Exists(reviews),
            # Synced since the live version: an update to send for review.
            update_pending=ExpressionWrapper(
                Q(source_synced_at__gt=F("target_published_at")),
                output_field=BooleanField(),
            ),
            percent=Case(
                When(segments=0, then=Value(0)),
                default=F("translated") * 100 / F("segments"),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            status=Case(
                When(target_id__isnull=True, then=Value(MISSING)),
                When(in_review=True, then=Value(IN_REVIEW)),
                When(
                    Q(translation_id__isnull=False)
                    & Q(source_synced_at__lt=F("last_published_at")),
                    then=Value(OUTDATED),
                ),
                When(
                    Q(target_live=True, target_is_alias__isnull=True)
                    & (
                        Q(translation_id__isnull=True)
                        | Q(translated__gte=F("segments"))
                    ),
                    then=Value(PUBLISHED),
                ),
                When(
                    Q(translated__gt=0, target_is_alias__isnull=True),
                    then=Value(IN_PROGRESS),
                ),
                default=Value(UNTRANSLATED),
                output_field=CharField(),
            )
        )
    )
    if section is not None:
        queryset = queryset.filter(path__startswith=section.path)
    if status in STATUSES:
        queryset = queryset.filter(status=status)
    return queryset


def changed_segments(article: Page, target: Locale) -> int:
    """How many texts of the live source have no ``target`` translation yet.

    For an out-of-date row: the source changed since the last sync, so the
    stored segments do not know it; the live page's segments are extracted
    (as wagtail-localize's sync will) and compared with what is translated.
    """
    translated = set(
        StringTranslation.objects.filter(
            locale=target, context__object_id=article.translation_key
        ).values_list("context__path", "translation_of__data")
    )
    live = Page.objects.get(pk=article.pk).specific
    return sum(
        1
        for segment in extract_segments(live)
        if isinstance(segment, StringSegmentValue)
        and segment.path not in NOT_TEXT_SEGMENTS
        and (segment.path, segment.string.data) not in translated
    )


def status_counts(*, target: Locale) -> dict[str, int]:
    """How many articles are in each status: one grouped query."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = (
        translation_status(target=target)
        .order_by()
        .values("status")
        .annotate(total=Count("pk"))
    )
    for row in rows:
        counts[row["status"]] = row["total"]
    return counts


def source_sections() -> QuerySet[SectionPage]:
    """The source language's sections, for the dashboard's section filter."""
    return SectionPage.objects.filter(
        locale=source_locale(), alias_of__isnull=True
    ).order_by("path")


@dataclass(frozen=True)
class Ordering:
    key: str
    label: str
    fields: tuple[str, ...]


ORDERINGS = {
    "-date": Ordering("-date", _("Newest first"), ("-publication_date", "-pk")),
    "date": Ordering("date", _("Oldest first"), ("publication_date", "pk")),
}
