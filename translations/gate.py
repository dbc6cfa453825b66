"""No publish path puts a translated page live while it still reads in Russian.

Every path asks ``newsroom.models.unfinished_translation``, the rule the
translation review step (``TranslationApprovalTask``) also follows:

- wagtail-localize's translation editor publishes with
  ``Translation.save_target(publish=True)``, which fills every untranslated
  segment with the source text (``TranslationSource._get_segments_for_translation``
  with ``fallback=True``): refused here, ahead of its ``before_edit_page``;
- once synchronising stopped, the page is an ordinary page whose content is
  still the Russian original: Wagtail's edit view publishes (or schedules) it
  as it stands, so ``before_publish_page`` refuses while its title or body text
  is the original's (``still_original``); the draft stays saved;
- Wagtail's bulk "Publish" (``PublishBulkAction.execute_action``) publishes each
  page's latest revision, and with "include descendants" every draft below,
  untranslated drafts too: ``before_bulk_action`` refuses the whole batch.

"Update translations" with "Publish immediately" is in ``guards``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import Page

from newsroom.models import (
    still_original,
    synchronised_translation,
    unfinished_translation,
)


def refuse_publishing_from_the_translation_editor(request, page):
    """The translation editor's "Publish" with segments left: nothing goes live."""
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    # Who may not publish gets upstream's own refusal.
    if not page.permissions_for_user(request.user).can_publish():
        return None
    if synchronised_translation(page) is None:
        return None
    if reason := unfinished_translation(page):
        messages.error(request, reason)
        return redirect(request.path)
    return None


def refuse_publishing_russian_text(request, page):
    """Wagtail's publish (or schedule) of a page still in the original's words.

    Wagtail has saved the draft revision by then; only the publication is refused.
    The text is compared, not segments: a revision restored from the page's
    history (``translations.reset``) is Kazakh whatever the segments say.
    """
    if reason := still_original(page):
        messages.error(request, reason)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def refuse_bulk_publishing_russian_text(request, action_type, objects, action):
    """Wagtail's bulk publish, if a page it would publish still reads in Russian."""
    if action_type != "publish" or not issubclass(action.model, Page):
        return None
    pages = list(objects)
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += page.get_descendants().not_live().specific()
    refused = [
        page.title
        for page in pages
        if unfinished_translation(page.get_latest_revision_as_object())
    ]
    if refused:
        messages.error(
            request,
            _("Nothing was published: not yet translated: %(titles)s.")
            % {"titles": ", ".join(f"«{title}»" for title in refused)},
        )
        return redirect(action.next_url)
    return None
