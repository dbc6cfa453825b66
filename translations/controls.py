"""Only the translation controls that work for the person who sees them.

wagtail-localize offers "Translate this page", "Sync translated pages" and
"Convert to alias page" on its own checks (the global ``submit_translation``
permission, edit permission), while the views behind them are guarded more
strictly (``guards``): a translator, a correspondent, a moderator was offered
controls that answered "no access". Each control here is offered only when
the guard of the view it opens would let the same user through.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from wagtail import hooks
from wagtail.models import Page
from wagtail_localize.models import TranslationSource
from wagtail_localize.wagtail_hooks import (
    ConvertToAliasPageActionMenuItem,
    page_listing_more_buttons,
)

from .guards import (
    GuardedUpdateTranslationsView,
    may_convert_to_alias,
    may_translate_page,
)

# The guarded view each of wagtail-localize's page buttons opens (by URL name,
# see ``wagtail_hooks.register_translation_guards``), and its guard.
BUTTON_GUARDS = {
    "translations_submit_page_translation": lambda user, page_id: may_translate_page(
        user, Page.objects.get(pk=page_id)
    ),
    "translations_update_translations": lambda user, translation_source_id: (
        GuardedUpdateTranslationsView.user_may_sync(
            user, TranslationSource.objects.get(pk=translation_source_id)
        )
    ),
    "translations_convert_to_alias": lambda user, page_id: may_convert_to_alias(
        user, Page.objects.get(pk=page_id)
    ),
}


def guard_allows(user, url: str) -> bool:
    """Whether the guard of the view at ``url`` lets ``user`` in (unguarded: yes)."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return True
    guard = BUTTON_GUARDS.get(match.url_name)
    return guard is None or guard(user, **match.kwargs)


def offered_page_buttons(page, user, view_name=None, next_url=None):
    """wagtail-localize's ``page_listing_more_buttons``, each where its guard allows."""
    for button in page_listing_more_buttons(
        page, user, view_name=view_name, next_url=next_url
    ):
        if guard_allows(user, button.url):
            yield button


def replace_localize_page_buttons() -> None:
    """Put ``offered_page_buttons`` in the place of wagtail-localize's hook.

    Wagtail 7.4 has ``construct_page_listing_buttons`` for the listing's top
    level only, and no hook that filters page header buttons, while
    wagtail-localize registers ``page_listing_more_buttons`` for both the
    header and the listing's "More" menu: its registration is swapped, in
    the same place and order. The caller imports wagtail-localize's hooks
    module first, so the registration exists.
    """
    for name in ("register_page_header_buttons", "register_page_listing_more_buttons"):
        registered = hooks._hooks.get(name, [])
        registered[:] = [
            (offered_page_buttons if fn is page_listing_more_buttons else fn, order)
            for fn, order in registered
        ]


def hide_convert_to_alias(menu_items, request, context):
    """``construct_page_action_menu``: wagtail-localize's "Convert to alias page"
    (``ConvertToAliasPageActionMenuItem``, offered on edit permission) only for
    those who may publish the page, as ``guarded_convert_to_alias`` requires."""
    page = context.get("page")
    if page is None or page.pk is None or may_convert_to_alias(request.user, page):
        return
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != ConvertToAliasPageActionMenuItem.name
    ]


def translation_editor_controls(
    user, instance, props: str, source_translation: dict, translations: list
) -> dict:
    """The translation editor's links that work for ``user``.

    wagtail-localize's ``edit_translation`` offers "Convert to alias page"
    (``links.convertToAliasUrl``) on edit permission, and links the other
    languages' versions (``source_translation``, ``translations``) whether or
    not the user may edit them.
    """
    if not isinstance(instance, Page):
        return {
            "props": props,
            "source_translation": source_translation,
            "translations": translations,
        }
    editable = {
        page.locale.get_display_name()
        for page in instance.get_translations().select_related("locale")
        if page.permissions_for_user(user).can_edit()
    }
    data = json.loads(props)
    if not may_convert_to_alias(user, instance):
        data["links"]["convertToAliasUrl"] = None
    source = source_translation["locale"]["displayName"]
    return {
        "props": json.dumps(data),
        "source_translation": {
            **source_translation,
            "editUrl": source_translation["editUrl"] if source in editable else None,
        },
        "translations": [
            (label, url) for label, url in translations if label in editable
        ],
    }


def alias_editor_controls(user, page: Page) -> dict:
    """The links of wagtail-localize's ``edit_translatable_alias_page`` that work.

    Upstream links "Translate this page" and the original's editor for
    everyone who may edit the alias.
    """
    original = page.alias_of
    return {
        "translate": may_translate_page(user, original),
        "original": original.permissions_for_user(user).can_edit(),
    }
