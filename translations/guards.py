"""wagtail-localize's page translation views, with the page permissions they lack.

Upstream checks only the global ``submit_translation`` permission: anyone who
holds it may create a page in any language tree ("Translate this page") and
may publish every translation of a page ("Update translations" with "Publish
immediately"), whatever their page permissions. Here a translation is created
only where the user may add pages, synced only into pages they may edit, and
published only where they may publish. The views are mounted on upstream's
paths, ahead of upstream's (see ``wagtail_hooks``).

Upstream's "convert to alias" (``convert_to_alias``) checks only that the
user may edit the translated page, yet it replaces the page with its source,
live when the source is live, and deletes the translation: a publication
without review. Here it needs publish permission on the page too, and the
page ends as an untranslated draft (``reset``), not live in Russian.

Snippet permissions are global in Wagtail, so per-language snippets that
translators may change (the site settings, authors) are scoped the same way:
a language's row is edited, created or copied only by people who may edit
that language's pages. Wagtail's snippet copy view, when POSTed to directly
(its form posts to ``add/``), saves the form over the copied row itself; here
it creates a new row, and a row that breaks a model constraint (one site
settings row per language) is a form error rather than a database error.
"""

from __future__ import annotations

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext
from wagtail.admin.auth import permission_denied
from wagtail.models import Locale, Page
from wagtail.permissions import page_permission_policy
from wagtail.snippets.permissions import user_can_edit_snippet_type
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitTranslationForm,
)
from wagtail_localize.views.update_translations import (
    UpdateTranslationsForm,
    UpdateTranslationsView,
)

from newsroom.models import missing_segments
from newsroom.roles import tree_roots

from .reset import convert_to_untranslated_draft

# One row per language; holding the model permission is not enough.
LANGUAGE_SCOPED_SNIPPETS = ("home.sitesettings", "news.author", "core.footerlink")


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


def may_edit_language(user, locale: Locale, roots=None) -> bool:
    """Whether ``user`` may edit the pages of ``locale``'s tree (its home page).

    ``roots``: ``tree_roots()`` when the caller asks for several languages.
    """
    home = (roots or tree_roots()).get(locale.language_code)
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
    """``before_edit_snippet``: a language's rows for that language's staff.

    Other snippets may have no language at all (reader questions): Wagtail's
    edit view has checked their model permission before this hook runs.
    """
    model = type(instance)
    if model._meta.label_lower not in LANGUAGE_SCOPED_SNIPPETS:
        return None
    if not may_edit_snippet(request.user, model, instance.locale):
        return permission_denied(request)
    return None


def may_convert_to_alias(user, page: Page) -> bool:
    permissions = page.permissions_for_user(user)
    return permissions.can_edit() and permissions.can_publish()


def guarded_convert_to_alias(request, page_id):
    """wagtail-localize's ``convert_to_alias``, for those who may also publish."""
    page = get_object_or_404(Page, id=page_id, alias_of_id__isnull=True)
    if not may_convert_to_alias(request.user, page):
        raise PermissionDenied
    return convert_to_untranslated_draft(request, page)


class LanguageScopedCreateMixin:
    """For Wagtail's snippet create and copy views of a language-scoped model.

    The language comes from the copied row, from ``?locale=`` and, last, from
    the instance about to be saved, whatever set it.
    """

    def dispatch(self, request, *args, **kwargs):
        copied = self.copied_object()
        for locale in (copied.locale if copied else None, self.locale):
            if locale is not None and not may_edit_language(request.user, locale):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def copied_object(self):
        return None

    def is_valid(self, form):
        if not form.is_valid():
            return super().is_valid(form)
        instance = form.instance
        if not may_edit_language(self.request.user, instance.locale):
            raise PermissionDenied
        try:
            # The locale is no form field, so the form left its constraints out.
            instance.validate_constraints()
        except ValidationError as error:
            form.add_error(None, error.messages)
        return super().is_valid(form)


class LanguageScopedCopyMixin(LanguageScopedCreateMixin):
    """Copies, in the language of ``?locale=`` (or the copied row's), as a new row."""

    def copied_object(self):
        if not hasattr(self, "_copied"):
            self._copied = self.get_object()
        return self._copied

    def get_locale(self):
        # Upstream takes the copied row's locale and ignores ``?locale=``.
        if code := self.request.GET.get("locale"):
            return get_object_or_404(Locale, language_code=code)
        return self.copied_object().locale

    def get_initial_form_instance(self):
        instance = self.get_object()  # a fresh instance: the copy to be
        if self.request.method == "POST":
            instance.pk = None
            instance.id = None
            instance._state.adding = True
            instance.translation_key = uuid.uuid4()
            instance.locale = self.locale
        return instance


def language_scoped_view(model, kind: str):
    """Wagtail's own create or copy view of ``model``'s snippet viewset, guarded.

    The viewset is read at the first request: snippet viewsets are registered
    while the admin URLs are built, possibly after this module's hook ran.
    """
    mixin = LanguageScopedCopyMixin if kind == "copy" else LanguageScopedCreateMixin
    views = {}

    def view(request, *args, **kwargs):
        if "view" not in views:
            viewset = model.snippet_viewset
            base = viewset.copy_view_class if kind == "copy" else viewset.add_view_class
            kwargs_for = (
                viewset.get_copy_view_kwargs
                if kind == "copy"
                else viewset.get_add_view_kwargs
            )
            views["view"] = viewset.construct_view(
                type(f"LanguageScoped{base.__name__}", (mixin, base), {}),
                **kwargs_for(),
            )
        return views["view"](request, *args, **kwargs)

    return view


def may_translate_page(user, page: Page) -> bool:
    """Whether "Translate this page" has a language to offer ``user``."""
    if not user.has_perms(["wagtail_localize.submit_translation"]):
        return False
    offered = SubmitTranslationForm(page).fields["locales"].queryset
    return creatable_locales(user, page, offered).exists()


class GuardedSubmitPageTranslationView(SubmitPageTranslationView):
    """Offers only the languages whose tree the user may add pages to."""

    def dispatch(self, request, *args, **kwargs):
        if not may_translate_page(request.user, self.get_object()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        form = super().get_form()
        field = form.fields["locales"]
        field.queryset = creatable_locales(
            self.request.user, self.object, field.queryset
        )
        return form


class SyncOnlyForm(UpdateTranslationsForm):
    """Upstream's form without "Publish immediately", for those who may not publish."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["publish_translations"]

    def clean(self):
        # Upstream's form_valid reads the field unconditionally.
        return {**super().clean(), "publish_translations": False}


class GuardedUpdateTranslationsView(UpdateTranslationsView):
    """Syncs only into translations the user may edit, publishes only where they may.

    "Publish immediately" is offered only to those who may publish every
    translation it would publish.
    """

    def dispatch(self, request, *args, **kwargs):
        source = self.get_object()
        publish = request.method == "POST" and bool(
            request.POST.get("publish_translations")
        )
        if not self.user_may_sync(request.user, source, publish=publish):
            raise PermissionDenied
        self.may_publish = self.user_may_sync(request.user, source, publish=True)
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def user_may_sync(cls, user, source, *, publish: bool = False) -> bool:
        """Whether ``user`` may sync (and publish) every translation of ``source``."""
        if not user.has_perms(["wagtail_localize.submit_translation"]):
            return False
        translations = source.translations.filter(enabled=True).select_related(
            "target_locale"
        )
        return all(
            cls.user_may_update(user, translation, publish=publish)
            for translation in translations
        )

    def form_valid(self, form):
        """Syncs every translation; "Publish immediately" publishes the complete ones.

        Upstream's ``form_valid`` publishes each with ``save_target(publish=True)``,
        which fills untranslated segments with the source text: Russian live in kk.
        """
        publish = form.cleaned_data["publish_translations"]
        form.cleaned_data["publish_translations"] = False
        response = super().form_valid(form)
        if publish:
            self.publish_complete_translations()
        return response

    def publish_complete_translations(self):
        translations = self.object.translations.filter(enabled=True).select_related(
            "target_locale"
        )
        for translation in translations:
            if missing := missing_segments(translation):
                messages.warning(self.request, self.not_published(translation, missing))
                continue
            # As upstream: a translation that fails validation stays unpublished.
            with contextlib.suppress(ValidationError):
                translation.save_target(user=self.request.user, publish=True)

    @staticmethod
    def not_published(translation, missing: int) -> str:
        return ngettext(
            "The %(language)s translation was synced but not published: "
            "%(count)d segment is not translated yet.",
            "The %(language)s translation was synced but not published: "
            "%(count)d segments are not translated yet.",
            missing,
        ) % {
            "language": translation.target_locale.get_display_name(),
            "count": missing,
        }

    def get_form(self):
        if self.may_publish:
            return super().get_form()
        return SyncOnlyForm(
            self.request.POST if self.request.method == "POST" else None
        )

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
