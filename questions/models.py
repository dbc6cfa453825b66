"""A reader's question and the settings naming the section that takes them.

Name, contact and address are personal data: never shown publicly, erased
after ``READER_QUESTIONS_RETENTION_DAYS`` by the worker (purge_reader_questions).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from core.caching.generation import memo, request_generation


class Status(models.TextChoices):
    NEW = "new", _("new")
    IN_WORK = "in_work", _("in work")
    ANSWERED = "answered", _("answered")
    REJECTED = "rejected", _("rejected")


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """Answered, with an answer: what readers see."""
        return self.filter(status=Status.ANSWERED).exclude(answer="")


class Question(models.Model):
    section = models.ForeignKey(
        "news.SectionPage",
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="reader_questions",
    )
    text = models.TextField(_("question"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Never shown publicly."),
    )
    consent = models.BooleanField(_("consent to processing of personal data"))
    address = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("internal note"), blank=True)
    answer = models.TextField(_("public answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reader_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    personal_data_erased = models.BooleanField(default=False, editable=False)

    objects = QuestionQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("section", read_only=True),
                FieldPanel("text", read_only=True),
                FieldPanel("name", read_only=True),
                FieldPanel("contact", read_only=True),
                FieldPanel("created_at", read_only=True),
            ],
            heading=_("Reader's question"),
        ),
        FieldPanel("status"),
        FieldPanel("assignee"),
        FieldPanel("note"),
        FieldPanel("answer"),
    ]

    class Meta:
        verbose_name = _("reader question")
        verbose_name_plural = _("reader questions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        if self.is_public and self.answered_at is None:
            self.answered_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        if self.status == Status.ANSWERED and not self.answer.strip():
            raise ValidationError(
                {"answer": _("Write the public answer before marking it answered.")}
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.was_public = instance.is_public
        return instance

    @property
    def is_public(self) -> bool:
        return self.status == Status.ANSWERED and bool(self.answer)

    @property
    def reader_email(self) -> str:
        """The contact when it is an e-mail address, else ''."""
        try:
            validate_email(self.contact)
        except ValidationError:
            return ""
        return self.contact

    #: Whether readers saw it when it was read from the database.
    was_public = False


class QuestionDesk(models.Model):
    """A section taking readers' questions (its translations take them too).

    A plain snippet, not a Wagtail setting: the project runs without
    wagtail.contrib.settings, and more than one section may take questions.
    """

    section = models.OneToOneField(
        "news.SectionPage",
        verbose_name=_("section taking questions"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The question form and answers appear on this section's pages."),
    )

    panels = [FieldPanel("section")]

    class Meta:
        verbose_name = _("questions section")
        verbose_name_plural = _("questions sections")

    def __str__(self):
        return str(self.section)


def takes_questions(page, request=None) -> bool:
    """The page is a questions section or one of their translations.

    The desks' sections are read once per content generation (a desk saved
    bumps it, questions.signals): every section page asks.
    """
    keys = memo.get(
        request_generation(request),
        "question-desk-sections",
        lambda: frozenset(
            QuestionDesk.objects.values_list("section__translation_key", flat=True)
        ),
    )
    return page.translation_key in keys
