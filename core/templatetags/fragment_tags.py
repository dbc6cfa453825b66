"""Keys for template fragments that go stale with the page furniture, and
``{% kept %}``: a piece drawn once per generation and language in a process."""

from django import template
from django.utils.safestring import mark_safe

from core.caching.fragments import kept

from .site_tags import context_layout

register = template.Library()


@register.simple_tag(takes_context=True)
def content_generation(context) -> int:
    """Bumped by every content change (core.caching.invalidation), like the layout."""
    return context_layout(context).generation


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list, when):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.when = when

    def render(self, context) -> str:
        if self.when is not None and not self.when.resolve(context):
            return self.nodelist.render(context)
        # The language of the page on screen (settings, footer links,
        # edition) besides the active one (strings, addresses).
        key = (
            self.name,
            context_layout(context).locale_id,
            *(str(var.resolve(context)) for var in self.vary_on),
        )
        return mark_safe(  # noqa: S308 - the nodelist's own output, escaped by it
            kept(context.get("request"), key, lambda: self.nodelist.render(context))
        )


@register.tag("kept")
def do_kept(parser, token):
    """``{% kept name [var …] [when=condition] %}…{% endkept %}``

    The piece is drawn once per content generation, language (active and the
    page's) and value of the variables in this process
    (core.caching.fragments); everything it shows must depend on nothing
    else. With ``when=`` false it is drawn every time (a listing's deep
    pages: only its first is kept).
    """
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'kept' needs a name")
    when = None
    if bits[-1].startswith("when="):
        when = parser.compile_filter(bits.pop().removeprefix("when="))
    return KeptNode(
        nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]], when
    )
