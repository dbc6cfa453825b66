"""``{% page_metadata %}``: canonical, OpenGraph, Twitter, JSON-LD (seo.metadata)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.templatetags.site_tags import context_layout, page_twins
from seo.metadata import page_metadata as build

register = template.Library()


@register.simple_tag(takes_context=True)
def page_metadata(context) -> str:
    if context.get("request") is None:
        return ""
    meta = build(context, context_layout(context), page_twins(context))
    properties = [
        ("og:type", meta.og_type),
        ("og:site_name", meta.site_name),
        *([("og:url", meta.canonical)] if meta.canonical else []),
        ("og:title", meta.title),
        ("og:description", meta.description),
        ("og:image", meta.image),
    ]
    if meta.image_size:
        properties += [
            ("og:image:width", str(meta.image_size[0])),
            ("og:image:height", str(meta.image_size[1])),
        ]
    properties.append(("og:locale", meta.locale))
    properties += [("og:locale:alternate", code) for code in meta.alternate_locales]
    names = [
        ("twitter:card", "summary_large_image"),
        ("twitter:title", meta.title),
        ("twitter:description", meta.description),
        ("twitter:image", meta.image),
    ]
    parts = [
        f'<link rel="canonical" href="{conditional_escape(meta.canonical)}">'
        if meta.canonical
        else "",
        tags('<meta property="{}" content="{}">', properties),
        tags('<meta name="{}" content="{}">', names),
        # json_ld() escapes <, > and & itself: the script cannot be closed early.
        mark_safe(f'<script type="application/ld+json">{meta.json_ld()}</script>'),  # noqa: S308
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 - every part escaped above


def tags(pattern: str, pairs: list[tuple[str, str]]) -> str:
    """What ``format_html_join`` draws, values escaped alike, without a
    ``format_html`` (and its safe string) per pair."""
    escape = conditional_escape
    return "\n".join(pattern.format(escape(a), escape(b)) for a, b in pairs)
