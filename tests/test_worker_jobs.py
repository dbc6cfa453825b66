"""The worker's search jobs: the index retry queue every tick, popular-query
hits collected once a day, and a failing job never stops the others."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from newsroom.management.commands.run_worker import Command as Worker
from search.models import PendingIndexUpdate
from search.resilience import record_pending
from tests.search_support import RecordingServer, elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def old_hit(query: str, now: datetime) -> QueryDailyHits:
    """A popular-queries hit older than ``WAGTAILSEARCH_HITS_MAX_AGE`` (90 days)."""
    return QueryDailyHits.objects.create(
        query=Query.get(query), date=(now - timedelta(days=120)).date(), hits=3
    )


def run_worker_once() -> None:
    call_command("run_worker", iterations=1, interval=0, verbosity=0)


def test_each_tick_replays_index_writes_queued_while_elasticsearch_was_down(tree):
    article = add_article(tree.section_ru, "Карьер выполнил план", "Текст.")
    record_pending(
        backend="default", action="add", objects=[article], error="connection refused"
    )
    server = RecordingServer()
    with (
        server as recorder,
        override_settings(WAGTAILSEARCH_BACKENDS=elasticsearch_settings(server.url)),
    ):
        run_worker_once()
    assert not PendingIndexUpdate.objects.exists()
    assert recorder.bodies("PUT", f"/_doc/{article.pk}")


def test_old_popular_query_hits_are_collected_once_a_day(db):
    worker = Worker(stdout=StringIO())
    with time_machine.travel(MORNING, tick=False) as clock:
        old_hit("карьер", MORNING)
        recent = QueryDailyHits.objects.create(
            query=Query.get("смена"), date=MORNING.date(), hits=1
        )
        worker.run_once()
        assert list(QueryDailyHits.objects.all()) == [recent]
        assert not Query.objects.filter(query_string="карьер").exists()

        clock.shift(timedelta(hours=23))
        old_hit("вахта", MORNING)
        worker.run_once()
        assert QueryDailyHits.objects.count() == 2, "collected at most once a day"

        clock.shift(timedelta(hours=1))
        worker.run_once()
        assert list(QueryDailyHits.objects.all()) == [recent]


def test_a_failing_job_is_logged_and_the_others_still_run(db, caplog):
    now = datetime.now(tz=ZoneInfo("Asia/Almaty"))
    old_hit("карьер", now)
    broken = {"default": {"BACKEND": "search.no_such_backend"}}
    with (
        override_settings(WAGTAILSEARCH_BACKENDS=broken),
        caplog.at_level(logging.ERROR),
    ):
        call_command("run_worker", iterations=2, interval=0, verbosity=0)
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert failures == ["retry_search_index failed; retrying at the next run"] * 2
    assert not QueryDailyHits.objects.exists()  # collected after the failure


def test_the_queue_retry_is_quiet_unless_verbose(tree, capsys):
    run_worker_once()
    call_command("run_worker", iterations=1, interval=0, verbosity=1)
    assert "Search index" not in capsys.readouterr().out
    call_command("run_worker", iterations=1, interval=0, verbosity=2)
    assert "Search index: 0 update(s) replayed" in capsys.readouterr().out


def test_the_heartbeat_file_is_touched_after_every_run(db, tmp_path):
    """compose's worker healthcheck reads its age."""
    heartbeat = tmp_path / "worker-heartbeat"
    call_command(
        "run_worker",
        interval=0,
        iterations=1,
        heartbeat=str(heartbeat),
        stdout=StringIO(),
    )
    first = heartbeat.stat().st_mtime_ns
    call_command(
        "run_worker",
        interval=0,
        iterations=1,
        heartbeat=str(heartbeat),
        stdout=StringIO(),
    )
    assert heartbeat.stat().st_mtime_ns > first


def test_an_unwritable_heartbeat_is_logged_and_the_worker_runs_on(db, tmp_path, caplog):
    out = StringIO()
    call_command(
        "run_worker",
        interval=0,
        iterations=2,
        heartbeat=str(tmp_path / "missing" / "heartbeat"),
        stdout=out,
    )
    assert "after 2 run(s)" in out.getvalue()
    assert "heartbeat" in caplog.text
