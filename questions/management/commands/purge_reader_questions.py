"""Erases readers' personal data after READER_QUESTIONS_RETENTION_DAYS.

Answered questions stay public without name, contact or address; questions
never answered (new, in work, rejected) are deleted whole, since their text
may name the reader too. The worker runs this daily.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.caching.invalidation import content_changed
from questions.models import Question, Status


class Command(BaseCommand):
    help = "Erase reader questions' personal data older than the retention period."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(
            days=settings.READER_QUESTIONS_RETENTION_DAYS
        )
        old = Question.objects.filter(created_at__lt=cutoff)
        erased = old.filter(status=Status.ANSWERED, personal_data_erased=False).update(
            name="", contact="", address=None, personal_data_erased=True
        )
        if erased:
            content_changed()  # the names shown beside the answers are gone
        # Unanswered ones are never public: deleting them changes no page.
        deleted, _ = old.exclude(status=Status.ANSWERED).delete()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reader questions: {erased} erased, {deleted} deleted.")
