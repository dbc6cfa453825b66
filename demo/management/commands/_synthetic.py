"""Synthetic articles for benchmarks: fast, deterministic, both languages."""

from __future__ import annotations

import functools
import logging
import random
import sys
import time
import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update

from core.caching.invalidation import content_changed
from news.models import NewsPage
from search.signal_handlers import paused as search_indexing_paused

BATCH = 500
# Rows per INSERT statement into a child table.
INSERT_ROWS = 500

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
                        bulk_insert_pages(pages)
                        self.update_child_counts()
                        self.index(pages)
                        # No save signal ran: readers' caches are told once.
                        content_changed()
                    done += batch
                    self.progress(done, count, start)
        finally:
            quiet.setLevel(level)
        analyze()
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
                draft_title=f"{title} {number}",
                slug=f"synthetic-{number}",
                lead=paragraph.split(". ")[0] + ".",
                body=[("paragraph", RichText(f"<p>{paragraph}.</p>"))],
                publication_date=date,
                first_published_at=date,
                last_published_at=date,
                live=True,
                has_unpublished_changes=False,
                cover_image=self.images[number % len(self.images)],
                locale=self.sections[(section_key, code)].locale,
                translation_key=key,
                content_type=self.content_type,
                # Known empty: the search text asks no query for them.
                tagged_items=[],
                article_authors=[],
            )
            self.place(self.sections[(section_key, code)], page)
            pages.append(page)
        return pages

    @functools.cached_property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(NewsPage)

    def place(self, section: Page, page: NewsPage) -> None:
        """What ``add_child`` computes, without its per-page queries: paths are
        numbered here, one section's children after its last one.

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
        page.url_path = f"{section.url_path}{page.slug}/"
        page.section_id = section.pk
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


def bulk_insert_pages(pages: list[Page]) -> None:
    """Inserts pages of one specific type, every table of it, a statement each.

    Django's ``bulk_create`` refuses multi-table models, so the base ``Page``
    rows go through it (their ids come back) and each child table (Wagtail
    ``Page`` -> ``ArticlePage`` -> ``NewsPage``) through ``_insert``, the call
    ``Model.save`` makes per table. ``pages`` come complete (tree fields,
    ``url_path``, ``content_type``); no save signal runs.
    """
    if not pages:
        return
    model = type(pages[0])
    Page.objects.bulk_create(pages)
    chain = [*reversed(model._meta.get_parent_list()), model]
    for child in chain[1:]:
        for page in pages:
            for field in child._meta.parents.values():
                setattr(page, field.attname, page.id)
        for first in range(0, len(pages), INSERT_ROWS):
            child._base_manager._insert(
                pages[first : first + INSERT_ROWS],
                fields=child._meta.local_concrete_fields,
                raw=True,
            )
    for page in pages:
        page._state.adding = False


def analyze() -> None:
    """Fresh planner statistics after a bulk load (issue 14, item 9).

    Without them PostgreSQL plans the next listings for tables it believes
    empty; autovacuum gets round to it only minutes later.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
