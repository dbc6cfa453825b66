"""Synthetic articles for benchmarks: fast, deterministic, both languages."""

from __future__ import annotations

import logging
import random
import sys
import time
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from news.models import NewsPage
from search.signal_handlers import paused as search_indexing_paused

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
        self.next_position: dict[int, int] = {}
        self.added: dict[int, int] = {}

    def create(self, count: int) -> None:
        keys = sorted({key for key, _code in self.sections})
        start = time.perf_counter()
        done = 0
        existing = NewsPage.objects.filter(slug__startswith="synthetic-").count() // 2
        # Index in bulk afterwards: one save-signal round trip per page is the
        # slowest part of seeding thousands of articles.
        quiet = logging.getLogger("wagtail")
        level = quiet.level
        quiet.setLevel(logging.WARNING)
        try:
            with disable_reference_index_auto_update(), search_indexing_paused():
                while done < count:
                    batch = min(BATCH, count - done)
                    with transaction.atomic():
                        pages = [
                            page
                            for number in range(
                                existing + done, existing + done + batch
                            )
                            for page in self.create_twins(
                                number, keys[number % len(keys)]
                            )
                        ]
                        self.update_child_counts()
                        self.index(pages)
                    done += batch
                    self.progress(done, count, start)
        finally:
            quiet.setLevel(level)
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
            self.insert(self.sections[(section_key, code)], page)
            pages.append(page)
        return pages

    def insert(self, section: Page, page: NewsPage) -> None:
        """``add_child`` without its per-page queries: paths are numbered here.

        Validation and the "page created" audit entry are skipped too: the
        generator makes unique slugs itself, and filler needs no audit trail.
        """
        if section.pk not in self.next_position:
            last = section.get_last_child()
            self.next_position[section.pk] = (
                last._get_lastpos_in_path() + 1 if last else 1
            )
        position = self.next_position[section.pk]
        self.next_position[section.pk] = position + 1
        page.depth = section.depth + 1
        page.path = Page._get_path(section.path, page.depth, position)
        page._cached_parent_obj = section
        page._is_site_root = False
        page.save(clean=False, log_action=None)
        self.added[section.pk] = self.added.get(section.pk, 0) + 1

    def update_child_counts(self) -> None:
        for section_pk, added in self.added.items():
            Page.objects.filter(pk=section_pk).update(numchild=F("numchild") + added)
        self.added.clear()

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
