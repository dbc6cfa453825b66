"""Demo rows for «Проблемная зона»: the section takes questions, and a few
answered ones are listed in each language (kk questions in the kk tree).
Idempotent: a question is found again by its text."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from questions.models import Question, QuestionDesk, Status

SECTION = "problems"

QUESTIONS = {
    "ru": [
        (
            "Жители дома № 12 на улице Победы, Житикара",
            "Третью неделю в подъезде не горит свет, а в управляющей компании "
            "отвечают, что заявки нет. Куда обращаться?",
            "Редакция передала обращение в отдел ЖКХ акимата. Электрики заменили "
            "щиток 24 ноября, свет в подъезде есть. Если проблема повторится, "
            "звоните в диспетчерскую: 52-25-99.",
            "2026-11-25 10:00",
        ),
        (
            "Светлана",
            "Служебный автобус на 7:10 от автовокзала уже несколько раз уходил "
            "раньше времени, люди опаздывают на смену.",
            "В транспортном цехе нам сообщили, что расписание сверили с "
            "водителями, а отправление теперь отмечается в журнале. Автобус "
            "ждёт до 7:12.",
            "2026-11-28 15:30",
        ),
    ],
    "kk": [
        (
            "Ерлан",
            "Жітіқара қаласындағы Жеңіс көшесінде аялдамада жарық жоқ, кешке "
            "қараңғыда автобус күтуге тура келеді.",
            "Редакция өтінішті қала әкімдігіне жіберді. Аялдамаға 1 желтоқсанда "
            "екі шам орнатылды.",
            "2026-12-01 11:00",
        ),
    ],
}


def seed_questions(sections: dict) -> int:
    """The problems section's desk and its answered questions; how many were new."""
    created = 0
    ru_section = sections.get((SECTION, "ru"))
    if ru_section is None:
        return 0
    _, new = QuestionDesk.objects.get_or_create(section=ru_section)
    created += new
    for code, rows in QUESTIONS.items():
        section = sections[(SECTION, code)]
        for name, text, answer, answered in rows:
            if Question.objects.filter(section=section, text=text).exists():
                continue
            Question.objects.create(
                section=section,
                name=name,
                text=text,
                consent=True,
                status=Status.ANSWERED,
                answer=answer,
                answered_at=timezone.make_aware(
                    datetime.strptime(answered, "%Y-%m-%d %H:%M")
                ),
            )
            created += 1
    return created
