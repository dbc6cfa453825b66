"""The demo's Kazakh pages and snippets as wagtail-localize translations.

seed_demo writes both languages directly. This module records each Kazakh
object as the translation of its Russian twin (a TranslationSource and a
Translation) and files the Kazakh text under the Russian segments it
translates, so the translation editor, the status dashboard and "out of date"
work on demo content exactly as on content translated in the admin. The
Kazakh objects themselves are not touched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.segments import StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

TOOL_NAME = "kmpress demo"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _shape(path: str) -> tuple[str, ...]:
    """A segment's path with block ids blanked: the same in two twins' bodies."""
    return tuple("*" if _UUID.match(part) else part for part in path.split("."))


def _strings_by_field(instance) -> dict[str, list[StringSegmentValue]]:
    fields = defaultdict(list)
    for segment in extract_segments(instance):
        if isinstance(segment, StringSegmentValue):
            fields[segment.path.split(".")[0]].append(segment)
    return fields


def paired_strings(source, twin) -> list[tuple[StringSegmentValue, str]]:
    """(source segment, twin's text) for each field both twins shape alike.

    StreamField blocks have their own ids in each twin, so strings are paired
    by position, and only where the two fields have the same structure.
    """
    twin_fields = _strings_by_field(twin)
    pairs = []
    for name, segments in _strings_by_field(source).items():
        others = twin_fields.get(name, [])
        if [_shape(s.path) for s in segments] != [_shape(o.path) for o in others]:
            continue
        pairs.extend(
            (segment, other.string.data)
            for segment, other in zip(segments, others, strict=True)
        )
    return pairs


def link_translation(source_object, twin, *, target: Locale) -> bool:
    """Records ``twin`` as the translation of ``source_object``; False if it was."""
    record, _created = TranslationSource.get_or_create_from_instance(source_object)
    translation, created = Translation.objects.get_or_create(
        source=record, target_locale=target, defaults={"enabled": True}
    )
    if not created:
        return False
    segments = {
        (segment.context.path, segment.string.data): segment
        for segment in StringSegment.objects.filter(source=record).select_related(
            "context", "string"
        )
    }
    for value, text in paired_strings(record.as_instance(), twin):
        segment = segments.get((value.path, value.string.data))
        if segment is not None and text:
            file_translation(segment, text, target=target)
    return True


def file_translation(segment: StringSegment, text: str, *, target: Locale) -> None:
    StringTranslation.objects.get_or_create(
        translation_of=segment.string,
        locale=target,
        context=segment.context,
        defaults={
            "data": text,
            "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
            "tool_name": TOOL_NAME,
        },
    )


def link_tag_translations(source_object, names: dict[str, str], *, target: Locale):
    """Files each twin's tag name under the source tag it translates.

    Tags have no order to pair them by (unlike other strings), so the demo
    says which Kazakh tag translates which Russian one. Idempotent.
    """
    record, _created = TranslationSource.get_or_create_from_instance(source_object)
    segments = StringSegment.objects.filter(
        source=record, context__path__startswith="tags."
    ).select_related("context", "string")
    for segment in segments:
        text = names.get(segment.string.data)
        if text:
            file_translation(segment, text, target=target)


def link_demo_translations(
    *,
    keys: Iterable,
    of_models: Iterable[type[models.Model]],
    source: Locale,
    target: Locale,
) -> int:
    """Links every Russian object of ``of_models`` under ``keys`` to its Kazakh twin."""
    keys = list(keys)
    linked = 0
    for model in of_models:
        manager = model.objects
        if issubclass(model, Page):
            manager = manager.filter(alias_of__isnull=True)
        twins = {
            obj.translation_key: obj
            for obj in manager.filter(translation_key__in=keys, locale=target)
        }
        for obj in manager.filter(translation_key__in=keys, locale=source):
            twin = twins.get(obj.translation_key)
            if twin is None:
                continue
            pair = (
                (obj.specific, twin.specific) if isinstance(obj, Page) else (obj, twin)
            )
            linked += link_translation(*pair, target=target)
    return linked
