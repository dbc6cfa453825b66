"""The popular-queries report counts every search, however many run at once.

On PostgreSQL a search records its hit in one statement (``search.services``:
the query row and today's hits made or incremented with ``ON CONFLICT``);
searches that make the same new query row at the same moment fall back to
Wagtail's ``Query.get(text).add_hit()``. Other databases keep Wagtail's way.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from search import services

pytestmark = pytest.mark.django_db


def test_hits_are_counted_per_normalised_query_and_day():
    services.record_hit("Карьер  ")
    services.record_hit("карьер")
    services.record_hit("смена")
    assert Query.get("карьер").hits == 2
    assert Query.get("смена").hits == 1
    assert QueryDailyHits.objects.filter(query__query_string="карьер").count() == 1


def test_a_new_day_starts_a_new_count(monkeypatch):
    services.record_hit("карьер")
    tomorrow = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    services.record_hit("карьер")
    services.record_hit("карьер")
    days = QueryDailyHits.objects.filter(query__query_string="карьер")
    assert sorted(days.values_list("hits", flat=True)) == [1, 2]


def test_hits_add_to_a_count_wagtail_started():
    Query.get("карьер").add_hit()
    services.record_hit("карьер")
    assert Query.get("карьер").hits == 2
    assert QueryDailyHits.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_searches_for_a_new_query_lose_no_hit():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: Wagtail's own way is kept there")
    threads, searches = 6, 5
    start = threading.Barrier(threads)
    errors = []

    def search(number: int) -> None:
        try:
            start.wait()
            for _ in range(searches):
                services.record_hit(f"вахта {number % 2}")
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=search, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert Query.objects.filter(query_string__startswith="вахта").count() == 2
    for number in range(2):
        assert Query.get(f"вахта {number}").hits == threads // 2 * searches


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hit_outside_a_transaction_leaves_the_sessions_commit_setting():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's synchronous_commit")
    services.record_hit("вахта")
    services.record_hit("вахта")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert Query.get("вахта").hits == 2
