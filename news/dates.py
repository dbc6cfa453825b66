"""Month names as each language writes them; Django's own are not enough.

Russian names a month in the nominative alone («Ноябрь 2026», a heading) and
in the genitive inside a date («3 декабря 2026»); Django's Kazakh locale has
no month names of its own, and Kazakh puts the year first in a date
(«2026 жылғы 3 желтоқсан»).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

RU_NOMINATIVE = (
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
).split()
RU_GENITIVE = (
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
).split()
KK_MONTHS = (
    "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"
).split()


def month_heading(year: int, month: int, language: str) -> str:
    """«Ноябрь 2026», «Қараша 2026»."""
    names = KK_MONTHS if language == "kk" else RU_NOMINATIVE
    return f"{names[month - 1].capitalize()} {year}"


def long_date(value: date | datetime, language: str) -> str:
    """«3 декабря 2026», «2026 жылғы 3 желтоқсан», in the site's time zone."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if language == "kk":
        return f"{value.year} жылғы {value.day} {KK_MONTHS[value.month - 1]}"
    return f"{value.day} {RU_GENITIVE[value.month - 1]} {value.year}"
