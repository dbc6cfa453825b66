"""The translators' admin views: status dashboard, submit for review, machine help."""

from __future__ import annotations

import logging

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation
from wagtail_localize.views import edit_translation

from news.models import ArticlePage
from newsroom.models import may_approve_untranslated
from newsroom.roles import SUBMIT_TRANSLATION, tree_roots

from .guards import may_edit_language
from .review import IncompleteTranslationError, NoWorkflowError, submit_for_review
from .status import (
    ORDERINGS,
    OUTDATED,
    STATUSES,
    changed_segments,
    source_locale,
    source_sections,
    status_counts,
    translation_status,
)

logger = logging.getLogger(__name__)

DEFAULT_ORDER = "-date"
# Parameters of the listing's own machinery, not of the rows a translator sees.
NOT_FILTERS = ("_w_filter_fragment", "export")


def target_locales():
    return Locale.objects.exclude(pk=source_locale().pk).order_by("language_code")


class StatusFilterSet(WagtailFilterSet):
    """The dashboard's filters; an unknown value makes the whole set ignored."""

    language = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Language"),
        queryset=lambda request: target_locales(),
        to_field_name="language_code",
        empty_label=None,
        method="rows_are_built_for_it",
    )
    section = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Section"),
        queryset=lambda request: source_sections(),
        empty_label=gettext_lazy("All sections"),
        method="in_section",
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=list(STATUSES.items()),
        empty_label=gettext_lazy("All statuses"),
        widget=forms.RadioSelect,
    )
    order = django_filters.ChoiceFilter(
        label=gettext_lazy("Order"),
        choices=[(key, ordering.label) for key, ordering in ORDERINGS.items()],
        empty_label=None,
        widget=forms.RadioSelect,
        method="ordered",
    )

    class Meta:
        model = ArticlePage
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # WagtailFilterSet adds a locale filter to translatable models: the
        # rows are always the source language's, the target is ``language``.
        self.filters.pop("locale", None)

    def rows_are_built_for_it(self, queryset, name, value):
        """The target language shapes the rows' annotations (see the view)."""
        return queryset

    def in_section(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)

    def ordered(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value].fields)


class TranslationStatusView(ReportView):
    """Every live source article and where its translation stands."""

    page_title = gettext_lazy("Translations")
    header_icon = "wagtail-localize-language"
    results_template_name = "translations/status_results.html"
    index_url_name = "translations_status"
    index_results_url_name = "translations_status_results"
    filterset_class = StatusFilterSet
    context_object_name = "rows"
    export_filename = "translations"
    list_export = [
        "title",
        "section_title",
        "publication_date",
        "status_label",
        "translated",
        "segments",
    ]
    export_headings = {
        "title": gettext_lazy("Article"),
        "section_title": gettext_lazy("Section"),
        "publication_date": gettext_lazy("Published"),
        "status_label": gettext_lazy("Status"),
        "translated": gettext_lazy("Translated segments"),
        "segments": gettext_lazy("Segments"),
    }

    # Newsroom time in the CSV (ISO in UTC otherwise); Excel takes a naive datetime.
    custom_field_preprocess = {
        "publication_date": {
            ReportView.FORMAT_CSV: lambda value: timezone.localtime(value).strftime(
                "%Y-%m-%d %H:%M"
            ),
            ReportView.FORMAT_XLSX: timezone.make_naive,
        }
    }

    @cached_property
    def target(self) -> Locale:
        if self.filters.is_valid() and self.filters.form.cleaned_data["language"]:
            return self.filters.form.cleaned_data["language"]
        target = target_locales().first()
        if target is None:
            raise Http404(_("There is no language to translate into."))
        return target

    def get_base_queryset(self):
        return translation_status(target=self.target).order_by(
            *ORDERINGS[DEFAULT_ORDER].fields
        )

    def get_filtered_queryset(self):
        # BaseListingView.get_queryset has filtered already; ReportView would
        # filter again and repeat the status expression in the WHERE clause.
        return self.get_queryset()

    def decorate_paginated_queryset(self, object_list):
        for row in object_list:
            row.status_label = STATUSES.get(row.status, row.status)
            row.missing = row.segments - row.translated
            if row.status == OUTDATED:
                row.changed = changed_segments(row, self.target)
        return object_list

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        counts = status_counts(target=self.target)
        query = self.request.GET.copy()
        for name in NOT_FILTERS:
            query.pop(name, None)
        user, roots = self.request.user, tree_roots()
        context.update(
            target=self.target,
            status_links=[(key, label, counts[key]) for key, label in STATUSES.items()],
            return_url=f"{self.index_url}?{query.urlencode()}",
            # Controls are offered only to those they would answer: the trees
            # carry the page permissions (newsroom.roles).
            may_edit_source=may_edit_language(user, source_locale(), roots),
            may_translate=may_edit_language(user, self.target, roots),
            may_sync=user.has_perm(SUBMIT_TRANSLATION),
            may_submit_incomplete=may_approve_untranslated(user),
        )
        return context


@require_POST
def submit_translation_for_review(request, translation_id: int):
    """The translated strings become a draft of the translation, sent for review."""
    translation = get_object_or_404(
        Translation.objects.select_related("source", "target_locale"),
        pk=translation_id,
        enabled=True,
    )
    next_url = get_valid_next_url_from_request(request) or reverse(
        "translations_status"
    )
    try:
        page = translation.get_target_instance()
    except Page.DoesNotExist as error:
        raise Http404 from error
    if not isinstance(page, Page):
        raise Http404
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_edit() and permissions.can_submit_for_moderation()):
        raise PermissionDenied
    try:
        workflow_state = submit_for_review(translation, request.user)
    except IncompleteTranslationError as error:
        messages.error(
            request,
            ngettext(
                "“%(title)s” has %(count)s untranslated segment: translate it "
                "before sending the translation for review.",
                "“%(title)s” has %(count)s untranslated segments: translate them "
                "before sending the translation for review.",
                error.untranslated,
            )
            % {"title": page.get_admin_display_title(), "count": error.untranslated},
        )
    except NoWorkflowError:
        messages.warning(
            request,
            _(
                "“%(title)s” is saved as a draft, but no review workflow covers "
                "it: ask a moderator to publish it."
            )
            % {"title": page.get_admin_display_title()},
        )
    except ValidationError as error:
        messages.error(
            request,
            _("“%(title)s” could not be saved: %(errors)s")
            % {
                "title": page.get_admin_display_title(),
                "errors": "; ".join(error.messages),
            },
        )
    else:
        messages.success(
            request,
            _("“%(title)s” was submitted to %(workflow)s.")
            % {
                "title": page.get_admin_display_title(),
                "workflow": workflow_state.workflow.name,
            },
        )
    return redirect(next_url)


@require_POST
def resilient_machine_translate(request, translation_id: int):
    """wagtail-localize's machine translation; an unreachable service is a message."""
    try:
        return edit_translation.machine_translate(request, translation_id)
    except (PermissionDenied, Http404):
        raise
    except Exception:  # a remote service failing degrades
        logger.exception(
            "Machine translation failed for translation %s", translation_id
        )
        messages.error(
            request,
            _("The machine translation service is not available; try again later."),
        )
        return redirect(
            get_valid_next_url_from_request(request) or reverse("wagtailadmin_home")
        )


class TranslationStatusPanel(Component):
    """The translators' dashboard panel: how many articles in each status."""

    name = "translations_status_panel"
    template_name = "translations/status_panel.html"
    order = 220

    def __init__(self, target: Locale) -> None:
        self.target = target

    def get_context_data(self, parent_context):
        counts = status_counts(target=self.target)
        return {
            "target": self.target,
            "status_links": [
                (key, label, counts[key]) for key, label in STATUSES.items()
            ],
        }


def add_translation_panel(request, panels) -> None:
    if not request.user.has_perm("wagtail_localize.submit_translation"):
        return
    target = target_locales().first()
    if target is not None:
        panels.append(TranslationStatusPanel(target))
