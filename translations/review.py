"""A translator sends a translation for review instead of publishing it.

wagtail-localize's translation editor can only publish. Translators may not
publish, so here the translated strings become a new *draft revision* of the
translated page, and the page enters its review workflow; the moderator's
approval publishes exactly that revision. The live page is not touched until
then (wagtail-localize's own draft save writes the live row, which would show
half-translated text to readers).
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, WorkflowState
from wagtail_localize.fields import copy_synchronised_fields
from wagtail_localize.models import Translation
from wagtail_localize.segments.ingest import ingest_segments

from newsroom.models import may_approve_untranslated, untranslated_segments


class NoWorkflowError(Exception):
    """The page is saved as a draft, but no workflow would review it."""


class IncompleteTranslationError(Exception):
    """Segments are left untranslated: the review would publish source text."""

    def __init__(self, untranslated: int) -> None:
        super().__init__(untranslated)
        self.untranslated = untranslated


def translated_revision(translation: Translation, user):
    """The translation's current strings as a new draft revision of its page.

    Untranslated strings keep the source text, as wagtail-localize does when
    publishing; the revision is validated like any other.
    """
    source = translation.source
    locale = translation.target_locale
    original = source.as_instance()
    page = translation.get_target_instance()
    copy_synchronised_fields(original, page)
    # A private helper, but the very one wagtail-localize publishes with.
    segments = source._get_segments_for_translation(locale, fallback=True)
    ingest_segments(original, page, source.locale, locale, segments)
    # Cleaning the revision settles the slug (translations.slugs).
    return page, page.save_revision(user=user)


@transaction.atomic
def submit_for_review(translation: Translation, user) -> WorkflowState:
    """Saves the translation as a draft and starts (or restarts) its review.

    Only a complete translation goes to review (see ``newsroom.models``), but
    for those who may approve an incomplete one, with a reason, at approval.
    """
    if not may_approve_untranslated(user):
        page = translation.get_target_instance()
        if missing := untranslated_segments(page):
            raise IncompleteTranslationError(missing)
    page, _revision = translated_revision(translation, user)
    if not isinstance(page, Page):
        raise TypeError("Only page translations go through a review workflow.")
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return WorkflowState.objects.get(pk=state.pk)
    if state is not None:
        state.cancel(user=user)
    workflow = page.get_workflow()
    if workflow is None or not workflow.active:
        raise NoWorkflowError
    return workflow.start(page, user)
