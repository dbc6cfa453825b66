"""The translation review step: a Kazakh page is approved only when fully translated.

wagtail-localize fills every untranslated segment with the source text when it
builds the translated page (``TranslationSource._get_segments_for_translation``
with ``fallback=True``), so approving a partial translation publishes Russian
title and body at a Kazakh address. ``TranslationApprovalTask`` is Wagtail's
group approval that offers "approve" only at 100 %; whoever holds
``newsroom.approve_untranslated`` (the chief editor) may approve anyway, with a
written reason that lands in the page's history.
"""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask
from wagtail_localize.models import StringSegment, StringTranslation, Translation

APPROVE = "approve"
APPROVE_UNTRANSLATED = "approve_untranslated"
OVERRIDE_PERMISSION = "newsroom.approve_untranslated"
OVERRIDE_LOG_ACTION = "newsroom.approve_untranslated"
# The slug segment is the page's address, not text anyone reads: left as it
# is, the page keeps its transliterated address.
NOT_TEXT_SEGMENTS = ("slug",)


def text_segments(source_id):
    """A source's segments that readers see (a queryset, for counting)."""
    return StringSegment.objects.filter(source_id=source_id).exclude(
        context__path__in=NOT_TEXT_SEGMENTS
    )


def untranslated_segments(page) -> int:
    """How many of the page's source segments have no translation (0 for originals)."""
    translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        target_locale_id=page.locale_id,
        enabled=True,
    ).first()
    if translation is None:
        return 0
    # As upstream's Translation.get_progress counts, but for text segments.
    return (
        text_segments(translation.source_id)
        .exclude(
            Exists(
                StringTranslation.objects.filter(
                    translation_of_id=OuterRef("string_id"),
                    context_id=OuterRef("context_id"),
                    locale_id=translation.target_locale_id,
                    has_error=False,
                )
            )
        )
        .count()
    )


def may_approve_untranslated(user) -> bool:
    return user.has_perm(OVERRIDE_PERMISSION)


class OverrideReasonForm(forms.Form):
    """The approval comment, required: why Russian text may go live in Kazakh."""

    comment = forms.CharField(
        label=_("Reason for publishing untranslated segments"),
        widget=forms.Textarea({"rows": 3}),
        strip=True,
    )


class TranslationApprovalTask(AbstractGroupApprovalTask):
    """Group approval that never publishes a translation with untranslated segments."""

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if not actions or not untranslated_segments(obj):
            return actions
        actions = [action for action in actions if action[0] != APPROVE]
        if may_approve_untranslated(user):
            actions.append(
                (APPROVE_UNTRANSLATED, _("Approve with untranslated segments"), True)
            )
        return actions

    def get_form_for_action(self, action):
        if action == APPROVE_UNTRANSLATED:
            return OverrideReasonForm
        return super().get_form_for_action(action)

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != APPROVE_UNTRANSLATED:
            return super().on_action(task_state, user, action_name, **kwargs)
        page = task_state.workflow_state.content_object
        log(
            instance=page,
            action=OVERRIDE_LOG_ACTION,
            user=user,
            revision=task_state.revision,
            data={
                "reason": kwargs["comment"],
                "untranslated": untranslated_segments(page),
            },
        )
        return super().on_action(task_state, user, APPROVE, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve a translation once every "
            "segment is translated"
        )

    class Meta:
        verbose_name = _("Translation approval task")
        verbose_name_plural = _("Translation approval tasks")
        permissions = [
            (
                "approve_untranslated",
                _("Can approve a translation with untranslated segments"),
            )
        ]
