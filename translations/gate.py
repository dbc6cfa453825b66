"""No publish path puts a translated page live while it still reads in Russian.

Every path asks ``newsroom.models.unfinished_translation``, the rule the
translation review step (``TranslationApprovalTask``) also follows:

- wagtail-localize's translation editor publishes with
  ``Translation.save_target(publish=True)``, which fills every untranslated
  segment with the source text (``TranslationSource._get_segments_for_translation``
  with ``fallback=True``): refused here, ahead of its ``before_edit_page``;
- once synchronising stopped, the page is an ordinary page whose content is
  still the Russian original: Wagtail's edit view publishes (or schedules) it
  as it stands, so ``before_publish_page`` refuses; the draft stays saved.

"Update translations" with "Publish immediately" is in ``guards``.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from newsroom.models import synchronised_translation, unfinished_translation


@hooks.register("before_edit_page", order=-100)
def refuse_publishing_from_the_translation_editor(request, page):
    """The translation editor's "Publish" with segments left: nothing goes live."""
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    if synchronised_translation(page) is None:
        return None
    if reason := unfinished_translation(page):
        messages.error(request, reason)
        return redirect(request.path)
    return None


@hooks.register("before_publish_page")
def refuse_publishing_russian_text(request, page):
    """Wagtail's publish (or schedule) of a page still in the original's words.

    Wagtail has saved the draft revision by then; only the publication is refused.
    """
    if reason := unfinished_translation(page):
        messages.error(request, reason)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
