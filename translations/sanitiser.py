"""Translated text is untrusted input: only Wagtail's rich-text elements survive.

wagtail-localize checks a translated string with ``validate_element``, which
looks at tags only: BeautifulSoup's ``Comment`` and ``CData`` nodes (and
declarations, processing instructions) pass, ``restore_strings()`` writes them
back verbatim into the rich text and ``|richtext`` prints them raw. Browsers
parse ``<!--x--!><img onerror=…>-->`` or ``<![CDATA[><img onerror=…>]]>``
differently from Python's parser, so the ``<img>`` runs in the moderator's
preview and on the public page. Translators may also override a link's
address (``SegmentOverride``) with a ``javascript:`` URL.

Every path that writes translated text ends in one of two models: the string
editor, PO upload, machine translation and our review path all read or write
``StringTranslation``; link and URL overrides are ``SegmentOverride``. So the
guard sits on those two models' ``pre_save``: a string keeps only the inline
elements wagtail-localize and Wagtail both allow, cleaned by Wagtail's own
whitelister (every other node dropped, text escaped); an override keeps a URL
only if Wagtail's ``check_url`` accepts it, else the source's value.
"""

from __future__ import annotations

import json

from bs4 import BeautifulSoup, NavigableString
from bs4.element import PreformattedString
from django.db.models.signals import pre_save
from wagtail.whitelist import (
    DEFAULT_ELEMENT_RULES,
    Whitelister,
    allow_without_attributes,
    attribute_rule,
    check_url,
)
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringTranslation,
)
from wagtail_localize.strings import INLINE_TAGS

# Elements whose content is not text a reader should see.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noembed", "xmp"}
)

# Wagtail's inline rich-text elements that a wagtail-localize string may hold.
# A string's <a> carries only the id wagtail-localize numbers it with; the
# address comes back from the source (or a checked override) on restore.
STRING_ELEMENT_RULES = {
    "[document]": allow_without_attributes,
    "a": attribute_rule({"id": True}),
    "code": allow_without_attributes,
    **{
        name: DEFAULT_ELEMENT_RULES[name]
        for name in INLINE_TAGS
        if name in DEFAULT_ELEMENT_RULES and name != "a"
    },
}


class StringWhitelister(Whitelister):
    """Wagtail's whitelister, minus the node types it lets through.

    Upstream removes ``Comment`` only; ``CData``, declarations, doctypes and
    processing instructions are printed raw whatever the formatter, so every
    preformatted node goes here.
    """

    element_rules = STRING_ELEMENT_RULES

    def clean(self, html: str) -> str:
        doc = BeautifulSoup(html, "html.parser")
        self.clean_node(doc, doc)
        # "minimal" escapes <, > and & in text, as wagtail-localize stores strings.
        return doc.decode(formatter="minimal")

    def clean_string_node(self, doc, node: NavigableString) -> None:
        if isinstance(node, PreformattedString):
            node.extract()

    def clean_tag_node(self, doc, tag) -> None:
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


def clean_translated_html(html: str) -> str:
    """A translated string with only the allowed inline elements left.

    Without a ``<`` there is no markup to clean (entities stay text), so plain
    strings are stored exactly as typed.
    """
    if "<" not in html:
        return html
    return StringWhitelister().clean(html)


def safe_override_json(data_json: str, source_json: str | None) -> str:
    """An override that is a URL Wagtail would not link to becomes the source's."""
    try:
        value = json.loads(data_json)
    except ValueError:
        return source_json or json.dumps("")
    if isinstance(value, str) and check_url(value) is None:
        return source_json or json.dumps("")
    return data_json


def clean_string_translation(sender, instance: StringTranslation, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is None or "data" in update_fields:
        instance.data = clean_translated_html(instance.data or "")


def clean_segment_override(sender, instance: SegmentOverride, **kwargs) -> None:
    source = (
        OverridableSegment.objects.filter(context_id=instance.context_id)
        .values_list("data_json", flat=True)
        .first()
    )
    instance.data_json = safe_override_json(instance.data_json, source)


def register_signal_handlers() -> None:
    pre_save.connect(
        clean_string_translation,
        sender=StringTranslation,
        dispatch_uid="translations_clean_string_translation",
    )
    pre_save.connect(
        clean_segment_override,
        sender=SegmentOverride,
        dispatch_uid="translations_clean_segment_override",
    )
