from django import template

from translations.controls import alias_editor_controls, translation_editor_controls

register = template.Library()


@register.simple_tag(takes_context=True)
def offered_controls(context):
    """The translation editor's props and language links, for the user viewing it."""
    return translation_editor_controls(
        context["request"].user,
        context["instance"],
        context["props"],
        context["source_translation"],
        context["translations"],
    )


@register.simple_tag(takes_context=True)
def alias_controls(context, page):
    """Which of the alias editor's links (translate, the original) work for the user."""
    return alias_editor_controls(context["request"].user, page)
