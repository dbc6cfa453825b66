"""Only what readers see empties the page cache: a question answered (or
taken back, or its answer edited). A submitted question changes no page, so
a flood of them never empties the cache."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.caching.invalidation import content_changed
from core.caching.signals import watch

from .mail import notify_reader
from .models import Question, QuestionDesk

watch(QuestionDesk)


@receiver(post_save, sender=Question, dispatch_uid="questions-saved")
def question_saved(instance, **kwargs):
    if instance.is_public or instance.was_public:
        content_changed()
    if instance.is_public and not instance.reader_notified_at:
        pk = instance.pk
        transaction.on_commit(lambda: notify_reader(pk), robust=True)
    instance.was_public = instance.is_public


@receiver(post_delete, sender=Question, dispatch_uid="questions-deleted")
def question_deleted(instance, **kwargs):
    if instance.was_public or instance.is_public:
        content_changed()
