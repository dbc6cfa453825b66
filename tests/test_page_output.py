"""Reader pages draw the same bytes as before issue 18's speed work.

The speed work (fewer columns, fewer queries, memoised twins) must not change
a byte a reader gets: a sample of pages (ru and kk article, both homes, a
section, a tag listing, an interview) is compared with snapshots made on the
code before it. Only what differs from one database to another (row ids, an
upload's file name) is replaced by a name before comparing.
"""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.rich_text import RichText

from tests.factories import (
    AuthorFactory,
    ImageFactory,
    InterviewPageFactory,
    NewsPageFactory,
    SectionPageFactory,
    locale,
)

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).parent / "snapshots" / "page_output"
# KMPRESS_WRITE_SNAPSHOTS=1 writes them anew (only on the code they describe).
WRITE = os.environ.get("KMPRESS_WRITE_SNAPSHOTS") == "1"


def when(day: int) -> datetime:
    return datetime(2026, 11, day, 6, 30, tzinfo=UTC)


def body(image) -> list:
    return [
        ("paragraph", RichText("<p>Первый абзац «статьи» — с кавычками.</p>")),
        ("heading", {"text": "Подзаголовок", "level": "h2"}),
        ("image", {"image": image, "caption": "Подпись", "credit": "Редакция"}),
        ("quote", {"text": "Цитата", "attribution": "Мастер смены"}),
    ]


@pytest.fixture
def sample(tree) -> dict:
    """A small newspaper: two sections, articles in both languages, tags,
    authors, covers, a featured article, an interview."""
    kk = locale("kk")
    image = ImageFactory(title="Карьер")
    author = AuthorFactory(name="Асель Нурланова")
    other = SectionPageFactory(parent=tree.home_ru, title="Интервью", slug="intervyu")
    other_kk = SectionPageFactory(
        parent=tree.home_kk,
        locale=kk,
        title="Сұхбат",
        slug="sukhbat",
        translation_key=other.translation_key,
    )
    pages = {}
    for day in range(1, 7):
        article = NewsPageFactory(
            parent=tree.section_ru,
            title=f"Новость дня {day}",
            slug=f"novost-{day}",
            publication_date=when(day),
            cover_image=image,
            featured=day % 3 == 0,
            body=body(image),
        )
        article.tags.add("карьер" if day % 2 else "спорт")
        article.article_authors.create(author=author)
        article.save()
        twin = NewsPageFactory(
            parent=tree.section_kk,
            locale=kk,
            title=f"Күн жаңалығы {day}",
            slug=f"zhanalyq-{day}",
            translation_key=article.translation_key,
            publication_date=when(day),
            cover_image=image if day % 2 else None,
            body=body(image),
        )
        twin.tags.add("карьер")
        twin.save()
        pages[day] = (article, twin)
    interview = InterviewPageFactory(
        parent=other,
        title="Разговор с мастером",
        slug="razgovor",
        publication_date=when(7),
        body=body(image),
    )
    article, twin = pages[5]
    return {
        "article_ru": article.url,
        "article_kk": twin.url,
        "home_ru": tree.home_ru.url,
        "home_kk": tree.home_kk.url,
        "section_ru": tree.section_ru.url,
        "section_kk": tree.section_kk.url,
        "tag_ru": f"{tree.home_ru.url}tags/{article.tags.first().slug}/",
        "interview_ru": interview.url,
        "ids": {
            **{f"ru{day}": pair[0].pk for day, pair in pages.items()},
            **{f"kk{day}": pair[1].pk for day, pair in pages.items()},
            "interview": interview.pk,
            "section_ru": tree.section_ru.pk,
            "section_kk": tree.section_kk.pk,
            "other_ru": other.pk,
            "other_kk": other_kk.pk,
            "image": image.pk,
        },
        "file": Path(image.file.name).stem,
    }


def normalised(html: str, sample: dict) -> str:
    """Row ids, the upload's file name and the footer's current year."""
    html = html.replace(f"images/{sample['file']}.", "images/IMAGE-FILE.")
    html = html.replace(f"– {timezone.localdate().year}.", "– YEAR.")
    for name, pk in sorted(sample["ids"].items(), key=lambda item: -item[1]):
        html = re.sub(rf'(data-page="|/images/|section-){pk}\b', rf"\g<1>{name}", html)
    return html


@pytest.mark.parametrize(
    "page",
    [
        "article_ru",
        "article_kk",
        "home_ru",
        "home_kk",
        "section_ru",
        "section_kk",
        "tag_ru",
        "interview_ru",
    ],
)
@pytest.mark.parametrize("fragments", ["drawn in full", "fragments kept"])
def test_reader_page_draws_the_same_bytes_as_before(sample, settings, page, fragments):
    settings.WAGTAIL_CACHE = False
    if fragments == "fragments kept":
        # As in production: template fragments, and the pieces each process
        # keeps ({% kept %}); the third view is drawn from what the first kept.
        settings.CACHES = {
            **settings.CACHES,
            "template_fragments": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"page-output-{page}",
            },
        }
    client = Client()
    # The first view fills the fragments and memo; the next is served as
    # an uncached reader gets it then.
    for _ in range(3):
        response = client.get(sample[page])
        assert response.status_code == 200
    html = normalised(response.content.decode(), sample)
    snapshot = SNAPSHOTS / f"{page}.html"
    if WRITE:
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(html)
    assert html == snapshot.read_text()
