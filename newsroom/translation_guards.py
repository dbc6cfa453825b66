"""wagtail-localize's page translation views, with the page permissions they lack.

Upstream checks only the global ``submit_translation`` permission: anyone who
holds it may create a page in any language tree ("Translate this page") and
may publish every translation of a page ("Update translations" with "Publish
immediately"), whatever their page permissions. Here a translation is created
only where the user may add pages, synced only into pages they may edit, and
published only where they may publish. The views are mounted on upstream's
paths, ahead of upstream's (see ``wagtail_hooks``).

Snippet permissions are global in Wagtail, so per-language snippets that
translators may change (the site settings, authors) are scoped the same way:
a language's row is edited only by people who may edit that language's pages.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from wagtail.admin.auth import permission_denied
from wagtail.models import Locale, Page
from wagtail.permissions import page_permission_policy
from wagtail.snippets.permissions import user_can_edit_snippet_type
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitTranslationForm,
)
from wagtail_localize.views.update_translations import UpdateTranslationsView

from .roles import tree_roots

# One row per language; holding the model permission is not enough.
LANGUAGE_SCOPED_SNIPPETS = ("home.sitesettings", "news.author")


def translated_parent(page: Page, locale: Locale) -> Page:
    """Where a new translation of ``page`` lands in ``locale``'s tree.

    wagtail-localize copies untranslated ancestors along, so the nearest
    ancestor that exists in that language decides; the root belongs to all.
    """
    for ancestor in page.get_ancestors().order_by("-depth"):
        if ancestor.is_root():
            return ancestor
        translation = ancestor.get_translation_or_none(locale)
        if translation is not None:
            return translation
    return Page.get_first_root_node()


def can_create_translation(user, page: Page, locale: Locale) -> bool:
    return page_permission_policy.user_has_permission_for_instance(
        user, "add", translated_parent(page, locale)
    )


def creatable_locales(user, page: Page, offered: QuerySet) -> QuerySet:
    """The offered locales in which ``user`` may create ``page``'s translation."""
    allowed = [
        locale.pk for locale in offered if can_create_translation(user, page, locale)
    ]
    return offered.filter(pk__in=allowed)


def may_edit_language(user, locale: Locale) -> bool:
    """Whether ``user`` may edit the pages of ``locale``'s tree (its home page)."""
    home = tree_roots().get(locale.language_code)
    return home is not None and page_permission_policy.user_has_permission_for_instance(
        user, "change", home
    )


def may_edit_snippet(user, model, locale: Locale) -> bool:
    """The model permission, and for language-scoped snippets the language too."""
    if not user_can_edit_snippet_type(user, model):
        return False
    scoped = model._meta.label_lower in LANGUAGE_SCOPED_SNIPPETS
    return not scoped or may_edit_language(user, locale)


def guard_snippet_language(request, instance):
    """``before_edit_snippet``: a language's rows for that language's staff."""
    if not may_edit_snippet(request.user, type(instance), instance.locale):
        return permission_denied(request)
    return None


class GuardedSubmitPageTranslationView(SubmitPageTranslationView):
    """Offers only the languages whose tree the user may add pages to."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(["wagtail_localize.submit_translation"]):
            raise PermissionDenied
        page = self.get_object()
        offered = SubmitTranslationForm(page).fields["locales"].queryset
        if not creatable_locales(request.user, page, offered).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        form = super().get_form()
        field = form.fields["locales"]
        field.queryset = creatable_locales(
            self.request.user, self.object, field.queryset
        )
        return form


class GuardedUpdateTranslationsView(UpdateTranslationsView):
    """Syncs only into translations the user may edit, publishes only where they may."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(["wagtail_localize.submit_translation"]):
            raise PermissionDenied
        source = self.get_object()
        publish = request.method == "POST" and bool(
            request.POST.get("publish_translations")
        )
        for translation in source.translations.filter(enabled=True).select_related(
            "target_locale"
        ):
            if not self.user_may_update(request.user, translation, publish=publish):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def user_may_update(user, translation, *, publish: bool) -> bool:
        source = translation.source.get_source_instance()
        if not isinstance(source, Page):
            return may_edit_snippet(user, type(source), translation.target_locale)
        try:
            target = translation.get_target_instance()
        except ObjectDoesNotExist:
            # Syncing creates the missing translation: as creating one does.
            parent = translated_parent(source, translation.target_locale)
            actions = {"add", "publish"} if publish else {"add"}
            return all(
                page_permission_policy.user_has_permission_for_instance(
                    user, action, parent
                )
                for action in actions
            )
        permissions = target.permissions_for_user(user)
        return permissions.can_edit() and (not publish or permissions.can_publish())
