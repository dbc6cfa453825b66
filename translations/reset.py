"""Resetting a translation withdraws it for review; it never publishes Russian.

wagtail-localize's "convert to alias" (``convert_to_alias``, via its
``sync_alias``) copies the source over the translated page and makes it live
when the source is live; deleting a translated page leaves its address empty
until a tree synchronisation puts an alias there. In both cases the page
becomes our untranslated draft instead (``sync.make_untranslated_draft``):
the reader sees the "not yet translated" notice, and the Kazakh text stays in
the page's revisions, from which Wagtail's "revert" restores it.
"""

from __future__ import annotations

from django.db import transaction
from wagtail import hooks
from wagtail.admin.views.pages.revisions import RevisionsRevertView
from wagtail.models import Page
from wagtail_localize.views.convert import convert_to_alias
from wagtail_localize.wagtail_hooks import before_edit_page as localize_before_edit

from .sync import make_untranslated_draft, synchronise_trees, synchronised


def convert_to_untranslated_draft(request, page: Page):
    """Upstream's ``convert_to_alias``, ending as an untranslated draft."""
    with transaction.atomic():
        response = convert_to_alias(request, page.pk)
        alias = Page.objects.get(pk=page.pk)
        if request.method == "POST" and alias.alias_of_id is not None:
            make_untranslated_draft(alias, request.user)
    return response


def refill_deleted_translation(request, page: Page):
    """``after_delete_page``: a deleted kk page's address gets the notice again.

    The synchronisation recreates the deleted page (and its subtree) from the
    source tree as untranslated drafts, not as upstream's live aliases.
    """
    if page.locale.language_code in synchronised():
        synchronise_trees(getattr(request, "user", None))


def restore_revision(request, page: Page):
    """``before_edit_page``, ahead of wagtail-localize's: "revert" edits the revision.

    wagtail-localize's ``before_edit_page`` answers every edit view of a
    translated page, Wagtail's ``RevisionsRevertView`` included, with its
    translation editor, which ignores the revision: a Kazakh revision could
    not be restored after a reset.
    """
    match = request.resolver_match
    if match is None or match.view_name != "wagtailadmin_pages:revisions_revert":
        return None
    return RestoringRevisionsRevertView.as_view()(request, **match.kwargs)


class RestoringRevisionsRevertView(RevisionsRevertView):
    """Wagtail's revert view without wagtail-localize's translation editor."""

    def run_hook(self, hook_name, *args, **kwargs):
        if hook_name != "before_edit_page":
            return super().run_hook(hook_name, *args, **kwargs)
        for fn in hooks.get_hooks(hook_name):
            if fn in (localize_before_edit, restore_revision):
                continue
            result = fn(*args, **kwargs)
            if hasattr(result, "status_code"):
                return result
        return None
