"""Listings answer from their indexes even before PostgreSQL has any statistics.

Issue 14, item 9: straight after a bulk load of 9,000 articles, before the
tables were analysed, the home page's listing ran for over 90 s. Here 10,000
articles are bulk-inserted (demo's fast seeding) into tables whose autovacuum
is off and whose statistics are wiped (PostgreSQL then guesses every filter),
and the home page, a section, its last page and the feeds must answer within
their query budgets, every listing query reading the article tables only
through an index (EXPLAIN: no sequential or bitmap scan of them).
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from demo.management.commands._synthetic import bulk_insert_pages
from news.models import NewsPage
from tests.factories import ImageFactory, NewsPageFactory, SectionPageFactory
from tests.test_query_budgets import BUDGETS

pytestmark = pytest.mark.django_db

ARTICLES = 10_000
ARTICLE_TABLES = {"wagtailcore_page", "news_articlepage", "news_newspage"}
INDEXED = {"Index Scan", "Index Only Scan"}
# A bitmap read is fine through these: a section's rows, or rows by id.
LISTING_INDEXES = {"news_article_section_date", "news_article_featured_date"}


def bulk_articles(section: Page, count: int, *, start: int, image) -> None:
    """``count`` live articles under ``section`` in one insert per table."""
    content_type = ContentType.objects.get_for_model(NewsPage)
    now = timezone.now()
    pages = []
    for position in range(1, count + 1):
        number = start + position
        page = NewsPage(
            title=f"Статья {number}",
            draft_title=f"Статья {number}",
            slug=f"bulk-{number}",
            lead="Коротко.",
            publication_date=now - timedelta(minutes=number),
            first_published_at=now,
            live=True,
            featured=number % 500 == 0,
            cover_image=image,
            locale=section.locale,
            translation_key=uuid.uuid4(),
            content_type=content_type,
            depth=section.depth + 1,
            path=Page._get_path(section.path, section.depth + 1, position),
            url_path=f"{section.url_path}bulk-{number}/",
            section_id=section.pk,
        )
        pages.append(page)
    bulk_insert_pages(pages)
    Page.objects.filter(pk=section.pk).update(numchild=count)


def autovacuum_off() -> None:
    with connection.cursor() as cursor:
        # The tree's deferred foreign-key checks first: ALTER TABLE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ARTICLE_TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def forget_statistics() -> None:
    """Tables as a bulk load leaves them: never analysed (PostgreSQL then
    guesses every filter's selectivity)."""
    with connection.cursor() as cursor:
        for table in ARTICLE_TABLES:
            cursor.execute(
                "DELETE FROM pg_statistic WHERE starelid = %s::regclass", [table]
            )
            cursor.execute(
                "UPDATE pg_class SET reltuples = -1, relpages = 0 "
                "WHERE oid = %s::regclass",
                [table],
            )


@pytest.fixture
def big_archive(tree):
    """10,000 Russian articles: most in one section, a few in another, none
    in a third (a walk that never finds enough must still stop)."""
    image = ImageFactory()
    small = SectionPageFactory(parent=tree.home_ru, title="Архив", slug="arhiv")
    SectionPageFactory(parent=tree.home_ru, title="Пусто", slug="pusto")
    if connection.vendor == "postgresql":
        autovacuum_off()
    bulk_articles(tree.section_ru, ARTICLES - 20, start=0, image=image)
    bulk_articles(small.specific, 20, start=ARTICLES, image=image)
    if connection.vendor == "postgresql":
        forget_statistics()
    return tree


def indexes_under(plan: dict) -> set[str]:
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= indexes_under(child)
    return names


def by_index(plan: dict) -> bool:
    """An index scan, or a bitmap scan over a section's index or ids."""
    if plan["Node Type"] in INDEXED:
        return True
    if plan["Node Type"] != "Bitmap Heap Scan":
        return False
    names = indexes_under(plan)
    return bool(names) and all(
        name in LISTING_INDEXES or name.endswith("_pkey") for name in names
    )


def scans(plan: dict) -> list[tuple[str, str]]:
    """(node type, table) of every read of an article table not by index."""
    found = []
    if plan.get("Relation Name") in ARTICLE_TABLES and not by_index(plan):
        found.append((plan["Node Type"], plan["Relation Name"]))
    for child in plan.get("Plans", []):
        found += scans(child)
    return found


def unindexed_reads(queries: list[dict]) -> list[tuple[str, str, str]]:
    """Reads of the article tables other than by index, query by query."""
    bad = []
    for query in queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "news_articlepage" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
        plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
        bad += [(node, table, sql[:120]) for node, table in scans(plan)]
    return bad


def read(client, url: str) -> tuple[int, list[dict]]:
    client.get(url)  # renditions and the process memo, as in the budgets
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), captured.captured_queries


@pytest.mark.parametrize("kind", ["home", "section"])
def test_a_fresh_bulk_load_keeps_home_and_section_within_budget(
    client, big_archive, kind
):
    url = big_archive.home_ru.url if kind == "home" else big_archive.section_ru.url
    count, _ = read(client, url)
    assert count <= BUDGETS[kind]


@pytest.mark.parametrize(
    "path",
    ["home", "section", "section_last_page", "small_section", "feed", "section_feed"],
)
def test_listings_read_articles_by_index_without_statistics(client, big_archive, path):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    section = big_archive.section_ru
    urls = {
        "home": big_archive.home_ru.url,
        "section": section.url,
        "section_last_page": f"{section.url}?page=9999",
        "small_section": f"{big_archive.home_ru.url}arhiv/",
        "feed": "/ru/feed/",
        "section_feed": f"/ru/feed/{section.slug}/",
    }
    _, queries = read(client, urls[path])
    assert unindexed_reads(queries) == []


def test_an_article_moved_to_another_section_is_listed_there(client, tree):
    """Listings read the article's section column: a move keeps it true."""
    other = SectionPageFactory(parent=tree.home_ru, title="Спорт", slug="sport")
    article = NewsPageFactory(parent=tree.section_ru, title="Переезжающая статья")
    assert article.section_id == tree.section_ru.pk

    article.move(other, pos="last-child")

    assert NewsPage.objects.get(pk=article.pk).section_id == other.pk
    assert "Переезжающая статья" in client.get(other.url).content.decode()
    assert "Переезжающая статья" not in client.get(tree.section_ru.url).content.decode()


def test_seeding_articles_leaves_fresh_planner_statistics(db):
    """``seed_demo --articles`` ends with ANALYZE: the planner knows the rows."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_class statistics are PostgreSQL's")
    forget_statistics()

    call_command("seed_demo", articles=3, stdout=io.StringIO())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'news_articlepage'::regclass"
        )
        assert cursor.fetchone()[0] >= NewsPage.objects.count() > 0
