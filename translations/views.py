"""The translators' admin views: status dashboard, submit for review, machine help."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation
from wagtail_localize.views import edit_translation

from .review import NoWorkflowError, submit_for_review
from .status import (
    ORDERINGS,
    STATUSES,
    source_locale,
    source_sections,
    status_counts,
    translation_status,
)

logger = logging.getLogger(__name__)

PER_PAGE = 50


def target_locales():
    return Locale.objects.exclude(pk=source_locale().pk).order_by("language_code")


class StatusFilterForm(forms.Form):
    language = forms.ModelChoiceField(
        label=gettext_lazy("Language"),
        queryset=Locale.objects.none(),
        empty_label=None,
        to_field_name="language_code",
        required=False,
    )
    section = forms.ModelChoiceField(
        label=gettext_lazy("Section"),
        queryset=Page.objects.none(),
        empty_label=gettext_lazy("All sections"),
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All statuses")), *STATUSES.items()],
        required=False,
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        choices=[(key, ordering.label) for key, ordering in ORDERINGS.items()],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = target_locales()
        self.fields["section"].queryset = source_sections()
        self.fields["section"].label_from_instance = lambda page: page.title


def translation_status_view(request):
    """Every live source article and where its translation stands.

    Unknown filter values are ignored rather than answered with an error.
    """
    form = StatusFilterForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    languages = list(form.fields["language"].queryset)
    target = cleaned.get("language") or (languages[0] if languages else None)
    if target is None:
        raise Http404(_("There is no language to translate into."))
    ordering = ORDERINGS.get(cleaned.get("order") or "-date")
    rows = translation_status(
        target=target,
        section=cleaned.get("section"),
        status=cleaned.get("status") or None,
    ).order_by(*ordering.fields)
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    for row in page:
        row.status_label = STATUSES.get(row.status, row.status)
    counts = status_counts(target=target)
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "translations/status.html",
        {
            "page_title": _("Translations"),
            "header_icon": "wagtail-localize-language",
            "form": form,
            "target": target,
            "rows": page,
            "paginator": paginator,
            "status_links": [
                (key, label, counts[key]) for key, label in STATUSES.items()
            ],
            "query": query.urlencode(),
            "current_url": request.get_full_path(),
        },
    )


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
