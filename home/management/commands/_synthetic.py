"""Synthetic articles for benchmarks: fast, deterministic, both languages."""

from __future__ import annotations

import random
import sys
import time
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backends
from wagtail.search.signal_handlers import (
    post_delete_signal_handler,
    post_save_signal_handler,
)

from news.models import NewsPage

BATCH = 200

WORDS = {
    "ru": (
        "комбинат карьер смена бригада рабочие профессии мастер обогащение фабрика "
        "хризотил добыча отгрузка конвейер техника безопасность ремонт экскаватор "
        "водитель инженер молодые специалисты колледж город Житикара отопление дороги "
        "библиотека ветераны история спорт праздник премия план выполнение тонн"
    ).split(),
    "kk": (
        "комбинат карьер ауысым бригада жұмысшылар мамандықтар шебер байыту фабрика "
        "хризотил өндіру тиеу конвейер техника қауіпсіздік жөндеу экскаватор жүргізуші "
        "инженер жас мамандар колледж қала Жітіқара жылыту жолдар кітапхана "
        "ардагерлер тарих спорт мереке сыйлық жоспар орындау тонна"
    ).split(),
}


class SyntheticArticles:
    """Adds news articles with Kazakh twins under the demo sections."""

    def __init__(self, *, sections: dict, images: list, stdout) -> None:
        self.sections = sections
        self.images = images
        self.stdout = stdout
        self.rng = random.Random(20121)  # noqa: S311 - reproducible filler text

    def create(self, count: int) -> None:
        keys = sorted({key for key, _code in self.sections})
        start = time.perf_counter()
        done = 0
        existing = NewsPage.objects.filter(slug__startswith="synthetic-").count() // 2
        # Index in bulk afterwards: one save-signal round trip per page is the
        # slowest part of seeding thousands of articles.
        post_save.disconnect(post_save_signal_handler, sender=NewsPage)
        post_delete.disconnect(post_delete_signal_handler, sender=NewsPage)
        try:
            while done < count:
                batch = min(BATCH, count - done)
                with transaction.atomic():
                    pages = [
                        page
                        for number in range(existing + done, existing + done + batch)
                        for page in self.create_twins(number, keys[number % len(keys)])
                    ]
                self.index(pages)
                done += batch
                self.progress(done, count, start)
        finally:
            post_save.connect(post_save_signal_handler, sender=NewsPage)
            post_delete.connect(post_delete_signal_handler, sender=NewsPage)
        elapsed = time.perf_counter() - start
        rate = 2 * count / elapsed if elapsed else 0.0
        self.stdout.write(
            f"\nAdded {count} synthetic articles per language "
            f"({2 * count} pages in {elapsed:.1f} s, {rate:.0f} articles/s)."
        )

    def create_twins(self, number: int, section_key: str) -> list[NewsPage]:
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"kmpress-synthetic-{number}")
        date = timezone.now() - timedelta(hours=number + 24 * 90)
        pages = []
        for code in ("ru", "kk"):
            words = WORDS[code]
            title = " ".join(self.rng.sample(words, 5)).capitalize()
            paragraph = ". ".join(
                " ".join(self.rng.sample(words, 8)).capitalize() for _ in range(4)
            )
            page = NewsPage(
                title=f"{title} {number}",
                slug=f"synthetic-{number}",
                lead=paragraph.split(". ")[0] + ".",
                body=[("paragraph", RichText(f"<p>{paragraph}.</p>"))],
                publication_date=date,
                first_published_at=date,
                last_published_at=date,
                live=True,
                cover_image=self.images[number % len(self.images)],
                locale=self.sections[(section_key, code)].locale,
                translation_key=key,
            )
            self.sections[(section_key, code)].add_child(instance=page)
            pages.append(page)
        return pages

    def index(self, pages: list[NewsPage]) -> None:
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(NewsPage, pages)

    def progress(self, done: int, total: int, start: float) -> None:
        width = 30
        filled = int(width * done / total)
        elapsed = time.perf_counter() - start
        rate = 2 * done / elapsed if elapsed else 0.0
        bar = "#" * filled + "." * (width - filled)
        line = f"[{bar}] {done}/{total} ({rate:.0f} articles/s)"
        if sys.stdout.isatty():
            self.stdout.write("\r" + line, ending="")
        else:
            self.stdout.write(line)
