"""Wiring only: content changes make the cached page furniture stale."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .layout import bump_generation
from .models import SiteSettings


def content_changed(**kwargs):
    bump_generation()


def register_signal_handlers():
    page_published.connect(content_changed, dispatch_uid="layout-page-published")
    page_unpublished.connect(content_changed, dispatch_uid="layout-page-unpublished")
    post_page_move.connect(content_changed, dispatch_uid="layout-page-moved")
    post_delete.connect(
        content_changed, sender=Page, dispatch_uid="layout-page-deleted"
    )
    for model in (SiteSettings, Locale):
        for signal in (post_save, post_delete):
            signal.connect(
                content_changed,
                sender=model,
                dispatch_uid=f"layout-{model.__name__}-{signal}",
            )
