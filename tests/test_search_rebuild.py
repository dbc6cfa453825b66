"""A rebuild loses nothing (issue 15 item 6): ``update_index`` runs in a thread
while articles are published, edited and deleted; afterwards every change is
in the new index, the old index is gone and the alias names exactly one index,
swapped in one ``_aliases`` request.

The stand-in's ``before`` hook holds one request of the rebuild (the refresh
that ends the bulk load, the alias swap, a replayed write) while the test
thread edits, so each race happens at a known point, with no sleeps.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Page

from core.caching.breaker import breaker
from news.models import NewsPage
from search.models import IndexRebuild, IndexRebuildWrite, PendingIndexUpdate
from tests.elasticsearch_standin import ElasticsearchStandIn
from tests.factories import SectionPageFactory
from tests.search_support import elasticsearch_settings
from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ALIAS = "kmpresstest_wagtailcore_page"
NEW_INDEX = re.compile(rf"^/{ALIAS}_[a-z0-9]{{7}}")
WAIT = 30  # seconds a step may take before the test gives up (never reached)


class Hold:
    """Holds the ``nth`` request that ``match`` accepts until ``release()``."""

    def __init__(self, match, nth: int = 1) -> None:
        self.match, self.nth, self.seen = match, nth, 0
        self.reached, self.go = threading.Event(), threading.Event()
        self.lock = threading.Lock()

    def __call__(self, request) -> None:
        with self.lock:
            if not self.match(request):
                return
            self.seen += 1
            if self.seen != self.nth:
                return
        self.reached.set()
        self.go.wait(WAIT)

    def wait(self) -> None:
        assert self.reached.wait(WAIT), "the rebuild never reached this point"

    def release(self) -> None:
        self.go.set()


class Hooks:
    """Every hold in turn, and the largest number of indices the alias ever named."""

    def __init__(self, es, *holds: Hold) -> None:
        self.es, self.holds, self.most_indices = es, holds, 0
        es.before = self

    def __call__(self, request) -> None:
        self.most_indices = max(self.most_indices, len(self.es.aliased(ALIAS)))
        for hold in self.holds:
            hold(request)


def bulk_load_done(request) -> bool:
    return bool(NEW_INDEX.match(request.path)) and request.path.endswith("/_refresh")


def alias_swap(request) -> bool:
    return request.path == "/_aliases" and ALIAS in request.body


def replayed_write(page):
    def match(request) -> bool:
        return bool(NEW_INDEX.match(request.path)) and request.path.endswith(
            f"/_doc/{page.pk}"
        )

    return match


class Rebuild:
    """``manage.py update_index`` in a thread, with its own database connection."""

    def __init__(self) -> None:
        self.out, self.errors = StringIO(), []
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        try:
            call_command("update_index", stdout=self.out)
        except BaseException as error:  # noqa: BLE001 - reported by join()
            self.errors.append(error)
        finally:
            connections.close_all()

    def __enter__(self) -> Rebuild:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.thread.join(WAIT)

    def join(self) -> str:
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "update_index did not finish"
        assert not self.errors, self.errors
        return self.out.getvalue()


@pytest.fixture
def es(tree):
    breaker.reset()
    with (
        ElasticsearchStandIn() as standin,
        override_settings(
            WAGTAILSEARCH_BACKENDS=elasticsearch_settings(standin.url, TIMEOUT=WAIT)
        ),
    ):
        call_command("update_index", stdout=StringIO())  # the index serving now
        yield standin
    breaker.reset()


def edit(page, title: str) -> None:
    page = NewsPage.objects.get(pk=page.pk)
    page.title = title
    page.save_revision().publish()


def titles(es) -> dict[str, str]:
    return {
        doc_id: source.get("title_filter")
        for doc_id, source in es.documents(ALIAS).items()
        if source.get("title_filter") is not None
    }


def assert_new_index_alone(es, old: str) -> None:
    (new,) = es.aliased(ALIAS)
    assert new != old
    assert old not in es.indices
    assert not [name for name in es.indices if name.startswith(ALIAS) and name != new]


def test_edits_made_while_the_rebuild_runs_are_in_the_new_index(tree, es):
    edited = add_article(tree.section_ru, "Старый заголовок")
    deleted = add_article(tree.section_ru, "Снятая заметка")
    kept = add_article(tree.section_kk, "Жаңа мамандық")
    (old,) = es.aliased(ALIAS)
    hold = Hold(bulk_load_done)
    hooks = Hooks(es, hold)

    with Rebuild() as rebuild:
        hold.wait()  # the new index is loaded, the alias still names the old one
        edit(edited, "Новый заголовок")
        NewsPage.objects.get(pk=deleted.pk).delete()
        published = add_article(tree.section_kk, "Карьерге экскаватор керек")
        hold.release()
        output = rebuild.join()

    found = titles(es)
    assert found[str(edited.pk)] == "Новый заголовок"
    assert str(deleted.pk) not in found
    assert found[str(published.pk)] == "Карьерге экскаватор керек"
    assert found[str(kept.pk)] == "Жаңа мамандық"
    assert_new_index_alone(es, old)
    assert hooks.most_indices == 1
    assert "replayed 3 write(s) made during the rebuild of " + ALIAS in output
    assert "indexed" in output  # upstream's progress output stays
    assert not IndexRebuild.objects.exists()
    assert not IndexRebuildWrite.objects.exists()


def test_the_alias_moves_in_one_aliases_request_and_never_names_two_indices(tree, es):
    add_article(tree.section_ru, "Ремонт дороги")
    (old,) = es.aliased(ALIAS)
    start = len(es.requests)
    hooks = Hooks(es)

    call_command("update_index", stdout=StringIO())

    (new,) = es.aliased(ALIAS)
    requests = es.requests[start:]
    assert not [
        r for r in requests if "/_alias/" in r.path and r.method in ("PUT", "DELETE")
    ]
    (swap,) = [r for r in requests if alias_swap(r)]
    assert swap.method == "POST"
    assert json.loads(swap.body)["actions"] == [
        {"add": {"index": new, "alias": ALIAS}},
        {"remove_index": {"index": old}},
    ]
    assert not [r for r in requests if r.method == "DELETE" and ALIAS in r.path]
    assert hooks.most_indices == 1
    assert_new_index_alone(es, old)


def test_a_write_during_the_replay_or_before_the_swap_ends_with_the_latest_version(
    tree, es
):
    article = add_article(tree.section_ru, "Версия 1")
    (old,) = es.aliased(ALIAS)
    loaded = Hold(bulk_load_done)
    swapping = Hold(alias_swap)
    # Replayed writes of the article: before the swap (1st), after it (2nd).
    replaying = Hold(replayed_write(article), nth=2)
    Hooks(es, loaded, swapping, replaying)

    with Rebuild() as rebuild:
        loaded.wait()
        edit(article, "Версия 2")  # journalled, replayed before the swap
        loaded.release()
        swapping.wait()
        edit(article, "Версия 3")  # after that replay: into the old index
        swapping.release()
        replaying.wait()  # the replay read "Версия 3" and is writing it
        edit(article, "Версия 4")  # straight into the new index
        replaying.release()
        rebuild.join()

    assert titles(es)[str(article.pk)] == "Версия 4"
    assert_new_index_alone(es, old)


def test_a_rebuild_that_fails_leaves_the_old_index_serving_and_no_marker(tree, es):
    article = add_article(tree.section_ru, "Отгрузка хризотила")
    (old,) = es.aliased(ALIAS)
    es.reject = lambda index, doc_id, source: (
        "rebuild refused" if index != old and doc_id == str(article.pk) else None
    )

    with pytest.raises(Exception, match="rebuild refused|document"):
        call_command("update_index", stdout=StringIO())

    assert es.aliased(ALIAS) == [old]
    assert [name for name in es.indices if name.startswith(ALIAS)] == [old]
    assert not IndexRebuild.objects.exists()
    edit(article, "Отгрузка продолжается")
    assert titles(es)[str(article.pk)] == "Отгрузка продолжается"
    assert not IndexRebuildWrite.objects.exists()
    es.reject = None
    call_command("update_index", stdout=StringIO())
    assert titles(es)[str(article.pk)] == "Отгрузка продолжается"
    assert_new_index_alone(es, old)


def test_a_stale_marker_of_a_killed_rebuild_blocks_nothing(tree, es):
    article = add_article(tree.section_ru, "Молодёжь на производстве")
    (old,) = es.aliased(ALIAS)
    orphan = f"{ALIAS}_killed0"
    es.create_index(orphan, {})
    IndexRebuild.objects.create(
        backend="default",
        alias=ALIAS,
        new_index=orphan,
        heartbeat_at=timezone.now() - timedelta(hours=2),
    )

    edit(article, "Молодёжь на комбинате")  # not journalled: the marker is stale
    assert not IndexRebuildWrite.objects.exists()
    assert titles(es)[str(article.pk)] == "Молодёжь на комбинате"

    call_command("update_index", stdout=StringIO())

    assert orphan not in es.indices
    assert not IndexRebuild.objects.exists()
    assert_new_index_alone(es, old)


def test_a_second_rebuild_of_the_same_index_is_refused_with_a_clear_message(tree, es):
    (old,) = es.aliased(ALIAS)
    IndexRebuild.objects.create(
        backend="default",
        alias=ALIAS,
        new_index=f"{ALIAS}_running",
        heartbeat_at=timezone.now(),
        owner="web-1 pid 7",
    )

    with pytest.raises(CommandError, match="already running.*web-1 pid 7"):
        call_command("update_index", stdout=StringIO())

    assert es.aliased(ALIAS) == [old]
    assert IndexRebuild.objects.get().new_index == f"{ALIAS}_running"


def test_a_publish_from_another_process_during_the_rebuild_is_replayed(tree, es):
    article = add_article(tree.section_ru, "Колледж готовит кадры")
    (old,) = es.aliased(ALIAS)
    hold = Hold(bulk_load_done)
    Hooks(es, hold)
    script = (
        "from news.models import NewsPage\n"
        f"page = NewsPage.objects.get(pk={article.pk})\n"
        "page.title = 'Колледж выпустил мастеров'\n"
        "page.save_revision().publish()\n"
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE
        ),
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
        "ELASTICSEARCH_URL": es.url,
        "ELASTICSEARCH_INDEX": "kmpresstest",
    }

    with Rebuild() as rebuild:
        hold.wait()
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=Path(settings.BASE_DIR),
            env=env,
            capture_output=True,
            check=False,
            text=True,
            timeout=WAIT * 4,
        )
        journalled = IndexRebuildWrite.objects.filter(object_id=str(article.pk))
        seen = journalled.exists()
        hold.release()
        rebuild.join()

    assert done.returncode == 0, done.stderr
    assert seen, "the other process did not see the rebuild marker"
    assert titles(es)[str(article.pk)] == "Колледж выпустил мастеров"
    assert_new_index_alone(es, old)


def rebuild_waits_for_older_transactions() -> bool:
    """The rebuild's connection is asking PostgreSQL which transactions are open."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # fresh inside a transaction
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND datname = current_database() AND query LIKE %s",
            ["%xact_start <%"],
        )
        return bool(cursor.fetchone()[0])


def test_a_delete_in_a_transaction_open_when_the_rebuild_starts_is_not_in_the_new_index(
    tree, es
):
    deleted = add_article(tree.section_ru, "Удалённая заметка")
    (old,) = es.aliased(ALIAS)
    loaded = Hold(bulk_load_done)
    Hooks(es, loaded)

    rebuild = Rebuild()
    with transaction.atomic():
        NewsPage.objects.get(pk=deleted.pk).delete()  # written to the old index now
        rebuild.thread.start()
        # Either the rebuild waits for this transaction, or (upstream) it has
        # bulk-loaded the page this transaction is deleting.
        for _step in range(WAIT * 20):
            if loaded.reached.is_set() or rebuild_waits_for_older_transactions():
                break
            time.sleep(0.05)
        # The delete commits only now, after the rebuild started.
    loaded.release()
    rebuild.join()

    assert str(deleted.pk) not in titles(es)
    assert_new_index_alone(es, old)


def test_a_replayed_write_the_new_index_refuses_goes_to_the_retry_queue(tree, es):
    article = add_article(tree.section_ru, "Посёлок ждёт вагонов")
    (old,) = es.aliased(ALIAS)
    es.reject = lambda index, doc_id, source: (
        "refused" if index != old and "Ядовитый" in str(source) else None
    )
    loaded = Hold(bulk_load_done)
    Hooks(es, loaded)

    with Rebuild() as rebuild:
        loaded.wait()
        edit(article, "Ядовитый заголовок")  # the old index takes it, the new refuses
        loaded.release()
        output = rebuild.join()

    assert "replayed 1 write(s)" in output
    queued = PendingIndexUpdate.objects.get()
    assert queued.object_id == str(article.pk)
    assert "refused" in queued.last_error
    assert not IndexRebuild.objects.exists()
    assert_new_index_alone(es, old)


def test_paths_a_section_move_shifts_during_the_rebuild_reach_the_new_index(tree, es):
    article = add_article(tree.section_ru, "Статья в разделе")
    newer = SectionPageFactory(parent=tree.home_ru, locale=tree.section_ru.locale)
    hold = Hold(bulk_load_done)
    Hooks(es, hold)

    with Rebuild() as rebuild:
        hold.wait()  # the new index was loaded with the paths before the move
        Page.objects.get(pk=newer.pk).move(tree.section_ru, pos="left")
        hold.release()
        rebuild.join()

    moved = Page.objects.get(pk=article.pk)
    assert moved.path != article.path  # the section, article and all, shifted
    indexed = es.documents(ALIAS)[str(article.pk)]
    assert indexed["path_filter"] == moved.path
