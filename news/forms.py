"""The article form: a first publication scheduled for later is dated by its go-live."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.slugs import ReadableSlugPageForm


class ArticlePageForm(ReadableSlugPageForm):
    """``publication_date`` defaults to the moment the "add" form was opened,
    days before a moderator schedules the article. An article never live and
    scheduled for later is not dated before its go-live: the date follows the
    go-live time (also when the schedule moves or is taken away), unless the
    editor gave a later one. Once live, the date is the editor's alone.
    """

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("publication_date")
        never_live = not (self.instance.live or self.instance.first_published_at)
        if date and never_live:
            cleaned["publication_date"] = self.scheduled_date(
                date, cleaned.get("go_live_at")
            )
        return cleaned

    def scheduled_date(self, date: datetime, go_live_at: datetime | None) -> datetime:
        followed = date == self.instance.go_live_at  # set by an earlier schedule
        if go_live_at and go_live_at > timezone.now():
            return go_live_at if date < go_live_at or followed else date
        if followed:
            return go_live_at or timezone.now()
        return date
