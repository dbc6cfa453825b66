"""Wiring only: every change a reader could see calls ``content_changed``.

What that costs (generation, page cache, debts) is core.caching.invalidation's.
Page, snippet, image, tag, privacy, redirect and site changes all count;
drafts do not. A deleted rendition also deletes its image's picture records
(core.caching.renditions).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag
from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from core import privacy
from core.models import FooterLink

from . import renditions
from .invalidation import content_changed

FILE_BOOKKEEPING = frozenset({"file_size", "file_hash"})


def live_page_saved(instance, update_fields=None, **kwargs):
    """A full save of a live page outside publishing (scripts, imports).

    Draft revisions save the page with ``update_fields`` and change nothing a
    reader sees; publishing sends ``page_published`` as well. A site root is
    the exception, live or not: Wagtail forgets its sites' root paths on any
    save of one, a new draft translation included (Page.save), and so must
    the memo's copy (core.layout.site_for).
    """
    if update_fields is None and (instance.live or instance.is_site_root()):
        content_changed()


def object_saved(update_fields=None, **kwargs):
    """Saved snippets and media; Wagtail's own file bookkeeping is no change."""
    if update_fields and set(update_fields) <= FILE_BOOKKEEPING:
        return
    content_changed()


def snippet_changed(request, *args, **kwargs):
    """Admin hooks: any snippet (authors, settings, menus to come) edited."""
    content_changed()


def watch(model) -> None:
    """Saving or deleting a row of ``model`` changes what readers see."""
    post_save.connect(
        object_saved, sender=model, dispatch_uid=f"layout-{model.__name__}-saved"
    )
    post_delete.connect(
        content_changed, sender=model, dispatch_uid=f"layout-{model.__name__}-deleted"
    )


def register_signal_handlers():
    page_published.connect(content_changed, dispatch_uid="layout-page-published")
    page_unpublished.connect(content_changed, dispatch_uid="layout-page-unpublished")
    post_page_move.connect(content_changed, dispatch_uid="layout-page-moved")
    post_delete.connect(
        content_changed, sender=Page, dispatch_uid="layout-page-deleted"
    )
    for model in get_page_models():
        post_save.connect(
            live_page_saved, sender=model, dispatch_uid=f"layout-{model.__name__}-saved"
        )
    # Snippets with drafts (DraftStateMixin) publish through these.
    published.connect(content_changed, dispatch_uid="layout-object-published")
    unpublished.connect(content_changed, dispatch_uid="layout-object-unpublished")
    for model in (
        Locale,
        Tag,
        PageViewRestriction,
        Site,
        Redirect,
        FooterLink,
        get_image_model(),
        get_document_model(),
    ):
        watch(model)
    m2m_changed.connect(
        content_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="layout-restriction-groups",
    )
    post_delete.connect(
        renditions.rendition_deleted,
        sender=renditions.rendition_model(),
        dispatch_uid="picture-records-rendition-deleted",
    )
    register_privacy_mirror()
    for hook in ("after_create_snippet", "after_edit_snippet", "after_delete_snippet"):
        hooks.register(hook, snippet_changed)


def register_privacy_mirror():
    """Twins share their view restrictions in the admin too (core.privacy)."""
    post_save.connect(
        privacy.restriction_saved,
        sender=PageViewRestriction,
        dispatch_uid="privacy-restriction-saved",
    )
    post_delete.connect(
        privacy.restriction_deleted,
        sender=PageViewRestriction,
        dispatch_uid="privacy-restriction-deleted",
    )
    m2m_changed.connect(
        privacy.restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="privacy-restriction-groups",
    )
