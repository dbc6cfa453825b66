from django.apps import apps
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, json_script
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from .admin_language import browser_labels
from .controls import hide_convert_to_alias, replace_localize_page_buttons
from .gate import (
    refuse_bulk_publishing_russian_text,
    refuse_publishing_from_the_translation_editor,
    refuse_publishing_russian_text,
)
from .guards import (
    LANGUAGE_SCOPED_SNIPPETS,
    GuardedSubmitPageTranslationView,
    GuardedUpdateTranslationsView,
    guard_snippet_language,
    guarded_convert_to_alias,
    language_scoped_view,
)
from .reset import refill_deleted_translation, restore_revision
from .sync import EMBARGO_ACTION
from .sync import after_create_page as convert_new_page_aliases
from .views import (
    TranslationStatusView,
    add_translation_panel,
    resilient_machine_translate,
    submit_translation_for_review,
)


@hooks.register("register_admin_urls", order=-100)
def register_translation_guards():
    """Mounted on wagtail-localize's own paths, ahead of them (see the module)."""
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            GuardedSubmitPageTranslationView.as_view(),
            name="translations_submit_page_translation",
        ),
        path(
            "localize/update/<int:translation_source_id>/",
            GuardedUpdateTranslationsView.as_view(),
            name="translations_update_translations",
        ),
        path(
            "localize/page/<int:page_id>/convert_to_alias/",
            guarded_convert_to_alias,
            name="translations_convert_to_alias",
        ),
        *snippet_create_guards(),
    ]


def snippet_create_guards():
    """Create and copy of the language-scoped snippets, on Wagtail's own paths."""
    for label in LANGUAGE_SCOPED_SNIPPETS:
        model = apps.get_model(label)
        prefix = f"snippets/{model._meta.app_label}/{model._meta.model_name}"
        name = f"translations_{model._meta.app_label}_{model._meta.model_name}"
        yield path(
            f"{prefix}/add/", language_scoped_view(model, "add"), name=f"{name}_add"
        )
        yield path(
            f"{prefix}/copy/<int:pk>/",
            language_scoped_view(model, "copy"),
            name=f"{name}_copy",
        )


@hooks.register("register_admin_urls", order=-100)
def register_translation_views():
    """The status dashboard, review submission, and a machine translation that
    degrades (mounted ahead of wagtail-localize's own path)."""
    return [
        path(
            "translations/",
            TranslationStatusView.as_view(),
            name="translations_status",
        ),
        path(
            "translations/results/",
            TranslationStatusView.as_view(results_only=True),
            name="translations_status_results",
        ),
        path(
            "translations/<int:translation_id>/submit/",
            submit_translation_for_review,
            name="translations_submit",
        ),
        path(
            "localize/translate/<int:translation_id>/machine_translate/",
            resilient_machine_translate,
            name="translations_machine_translate",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_translations_menu_item():
    return MenuItem(
        _("Translations"),
        reverse("translations_status"),
        name="translations",
        icon_name="wagtail-localize-language",
        order=250,
    )


@hooks.register("construct_reports_menu")
def hide_localize_translations_report(request, menu_items):
    """wagtail-localize's own "Translations" report lists Translation records,
    not articles; ours is the one translators use, so the menu has one item of
    that name."""
    localize_report = reverse("wagtail_localize:translations_report")
    menu_items[:] = [item for item in menu_items if item.url != localize_report]


@hooks.register("register_log_actions")
def register_embargo_log_action(actions):
    @actions.register_action(EMBARGO_ACTION)
    class EmbargoFormatter(LogFormatter):
        label = _("Kept as an untranslated draft")

        def format_message(self, log_entry):
            go_live = parse_datetime(log_entry.data.get("go_live_at") or "")
            if go_live is None:
                return self.label
            return gettext(
                "Kept as an untranslated draft: the original is scheduled"
                " to go live at %(go_live_at)s"
            ) % {"go_live_at": date_format(localtime(go_live), "DATETIME_FORMAT")}


@hooks.register("construct_homepage_panels")
def add_translations_panel(request, panels):
    add_translation_panel(request, panels)


# Controls offered only where their guards allow (see ``controls``).
replace_localize_page_buttons()
hooks.register("construct_page_action_menu", hide_convert_to_alias)

# Ahead of wagtail-localize's hook, which opens the translation editor.
hooks.register("before_edit_snippet", guard_snippet_language, order=-100)

hooks.register("after_delete_page", refill_deleted_translation)
# Ahead of wagtail-localize's hook, which opens the translation editor.
hooks.register("before_edit_page", restore_revision, order=-100)

# Ahead of wagtail-localize's hook, which publishes from its translation editor.
hooks.register(
    "before_edit_page", refuse_publishing_from_the_translation_editor, order=-100
)
hooks.register("before_publish_page", refuse_publishing_russian_text)
hooks.register("before_bulk_action", refuse_bulk_publishing_russian_text)

# After wagtail-localize's own hook, which creates the aliases.
hooks.register("after_create_page", convert_new_page_aliases, order=10)


@hooks.register("insert_global_admin_js")
def admin_labels_script():
    """Strings the browser shows that no catalogue reaches (admin_language.py)."""
    return format_html(
        '{}<script src="{}"></script>',
        json_script(browser_labels(), "kmpress-admin-labels"),
        static("translations/js/admin-labels.js"),
    )
