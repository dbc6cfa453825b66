"""The reader hears of the published answer, once, in the language asked."""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Question

logger = logging.getLogger(__name__)


def notify_reader(pk: int) -> None:
    """E-mails the answer if the reader left an address; a mail outage is
    logged and tried again at the next save (``reader_notified_at`` stays empty)."""
    question = Question.objects.select_related("section__locale").filter(pk=pk).first()
    if question is None or not question.is_public or question.reader_notified_at:
        return
    address = question.reader_email
    if not address:
        return
    section = question.section
    with translation.override(section.locale.language_code):
        subject = _("The editors have answered your question")
        body = "\n\n".join(
            [
                _("Your question:"),
                question.text,
                _("Our answer:"),
                question.answer,
                section.full_url or "",
            ]
        )
    try:
        send_mail(subject, body, None, [address])
    except (smtplib.SMTPException, OSError):
        logger.warning("Answer to question %s not mailed; retried at the next save", pk)
        return
    Question.objects.filter(pk=pk).update(reader_notified_at=timezone.now())
