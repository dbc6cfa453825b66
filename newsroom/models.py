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
from django.utils.translation import ngettext
from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from core.text import clean_text
from core.twins import source_language

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


def synchronised_translation(page) -> Translation | None:
    """The enabled translation that writes ``page``, if any.

    Without one (a page of the source language, or one whose translation was
    stopped) the page is edited and published as an ordinary page.
    """
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key,
            target_locale_id=page.locale_id,
            enabled=True,
        )
        .select_related("source")
        .first()
    )


def untranslated_segments(page) -> int:
    """How many of the page's source segments have no translation (0 for originals)."""
    translation = synchronised_translation(page)
    return 0 if translation is None else missing_segments(translation)


def missing_segments(translation: Translation) -> int:
    """How many of the translation's text segments have no translation yet."""
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


def reads_as_original(page) -> bool:
    """Whether ``page`` shows its source-language original's title or body text.

    Compared as readable text: the admin's form re-marks rich text, so the same
    words may be stored differently.
    """
    source = source_language()
    if page.locale.language_code == source:
        return False
    original = (
        Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=source
        )
        .specific()
        .first()
    )
    if original is None:
        return False
    if page.title == original.title:
        return True
    text = clean_text(getattr(original, "body", None), table_cells=True)
    return bool(text) and (
        clean_text(getattr(page, "body", None), table_cells=True) == text
    )


def still_original(page) -> str | None:
    """Why ``page``, as edited, may not go live: its text is the original's.

    For content written in Wagtail's own editor (a page no longer synchronised,
    a restored revision), which no segment describes.
    """
    if reads_as_original(page):
        return str(
            _(
                "The title or text of this page is still the Russian original's: "
                "translate it before publishing. You may save it as a draft."
            )
        )
    return None


def unfinished_translation(page) -> str | None:
    """Why ``page`` may not go live in its language yet; None when it may.

    The rule of every publish path of a translated page but Wagtail's own
    editor (``still_original``). A synchronised translation is judged by its
    segments (a translator may keep a name as it is); once synchronising
    stopped, the page is an ordinary page, so its text is compared.
    """
    if synchronised_translation(page) is not None:
        if missing := untranslated_segments(page):
            return ngettext(
                "%(count)d segment is not translated yet: publishing would put "
                "the Russian text live. Send the translation for review; the "
                "chief editor may approve it with untranslated segments, giving "
                "a reason.",
                "%(count)d segments are not translated yet: publishing would put "
                "the Russian text live. Send the translation for review; the "
                "chief editor may approve it with untranslated segments, giving "
                "a reason.",
                missing,
            ) % {"count": missing}
        return None
    return still_original(page)


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
        # The revision under review, not the page row, is what would go live.
        if not actions or not unfinished_translation(
            obj.get_latest_revision_as_object()
        ):
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
