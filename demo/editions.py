"""The demo's print edition archive: three issues in each language.

Each issue's PDF is written by ``demo.sample_pdf`` from the lines below, so
its cover and text come through the same path as an editor's upload
(``EditionPage.read_pdf``) and the readers' search finds words inside it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page

from editions.models import EditionArticle, EditionIndexPage, EditionPage
from linguistics import slugify
from news.models import ArticlePage

from .sample_pdf import make_pdf

ARCHIVE = {
    "ru": ("Архив номеров", "Номера газеты «Костанайские минералы» в PDF."),
    "kk": ("Нөмірлер мұрағаты", "«Қостанай минералдары» газетінің PDF нөмірлері."),
}

# (number, date, ru title and lines, kk title and lines)
ISSUES = [
    (
        51,
        datetime.date(2025, 12, 25),
        (
            "№ 51 от 25 декабря 2025",
            ["Итоги года на комбинате", "Новогодние поздравления ветеранам"],
        ),
        (
            "№ 51, 2025 жылғы 25 желтоқсан",
            ["Комбинаттағы жыл қорытындысы", "Ардагерлерге жаңа жылдық құттықтау"],
        ),
    ),
    (
        46,
        datetime.date(2026, 11, 19),
        (
            "№ 46 от 19 ноября 2026",
            ["Машинисты экскаваторов Житикары", "Рекорд смены в карьере"],
        ),
        (
            "№ 46, 2026 жылғы 19 қараша",
            ["Жітіқара экскаваторшылары", "Карьердегі ауысым рекорды"],
        ),
    ),
    (
        47,
        datetime.date(2026, 11, 26),
        (
            "№ 47 от 26 ноября 2026",
            ["Хризотил: новая обогатительная фабрика", "Спартакиада горняков"],
        ),
        (
            "№ 47, 2026 жылғы 26 қараша",
            ["Хризотил: жаңа байыту фабрикасы", "Кеншілер спартакиадасы"],
        ),
    ),
]


def seed_editions(
    homes: dict, *, key: Callable, publish: Callable, existing: Callable
) -> None:
    """The archive under each home page and its issues (idempotent)."""
    for code, home in homes.items():
        index = existing(EditionIndexPage, key("editions"), code)
        if index is None:
            title, intro = ARCHIVE[code]
            index = EditionIndexPage(
                title=title,
                intro=intro,
                slug="gazeta" if code == "ru" else "gazet",
                locale=home.locale,
                translation_key=key("editions"),
            )
            publish(home, index)
        for number, date, *languages in ISSUES:
            issue_key = key(f"edition:{number}:{date.year}")
            if existing(EditionPage, issue_key, code):
                continue
            title, lines = languages[0] if code == "ru" else languages[1]
            edition = EditionPage(
                title=title,
                slug=slugify(title),
                number=number,
                issue_date=date,
                pdf=get_document_model().objects.create(
                    title=title,
                    file=ContentFile(
                        make_pdf([title, *lines]), name=f"kmpress-{code}-{number}.pdf"
                    ),
                ),
                locale=home.locale,
                translation_key=issue_key,
            )
            edition.read_pdf()
            edition.contents = [
                EditionArticle(article=article, sort_order=order)
                for order, article in enumerate(_latest_articles(home))
            ]
            publish(index, edition)


def _latest_articles(home: Page, count: int = 3) -> list:
    return list(
        ArticlePage.objects.live()
        .descendant_of(home)
        .order_by("-publication_date")[:count]
    )
