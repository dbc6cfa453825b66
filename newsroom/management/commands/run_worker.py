"""The worker process: the site's periodic jobs, every minute, until stopped.

Each run (tick):

* ``publish_scheduled``: scheduled go-live and expiry times are kept only when
  something runs it;
* ``retry_search_index``: replays search index writes queued while
  Elasticsearch was down, at most ``RETRY_SEARCH_LIMIT`` a tick so that a long
  queue never delays the other jobs much (a no-op on the database backend);
* ``prepare_renditions``: the renditions reader pages ask of articles'
  covers, drawn in advance (``RENDITIONS_LIMIT`` images a tick, newest
  first), so that no reader waits for AVIF encoding (news.renditions);
* every ``KMPRESS_MOST_READ_FLUSH_SECONDS``, ``flush_most_read``: the
  beacon's reading counts from the cache to the database, and the «Most
  read» lists refreshed when they changed (news.most_read);
* once a day, ``searchpromotions_garbage_collect``: drops the popular-queries
  report's hits older than ``WAGTAILSEARCH_HITS_MAX_AGE`` days. "A day" is
  counted by this process, from its first tick: a restarted worker collects
  again, which is harmless;
* once a day, ``purge_reader_questions``: erases readers' personal data after
  ``READER_QUESTIONS_RETENTION_DAYS``.

docker-compose's ``worker`` service runs this command. A failed job (database
restarting, say) is logged and retried at the next tick instead of ending the
worker, and the other jobs still run; SIGTERM or SIGINT ends it between runs.
``--heartbeat PATH`` touches a file after every run: compose's healthcheck
looks at its age.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

logger = logging.getLogger(__name__)

#: Queued search index writes replayed per tick, at most.
RETRY_SEARCH_LIMIT = 500
#: Cover images whose renditions are drawn per tick, at most (a few seconds each).
RENDITIONS_LIMIT = 10
DAY = 24 * 60 * 60


@dataclass
class Job:
    """A management command the worker runs every ``every`` seconds (0: each tick)."""

    command: str
    options: dict = field(default_factory=dict)
    every: float = 0
    #: Its chatter is shown only with ``--verbosity 2``.
    quiet: bool = False
    last_success: float | None = None

    def due(self, now: float) -> bool:
        return self.last_success is None or now - self.last_success >= self.every


def jobs() -> list[Job]:
    return [
        Job("publish_scheduled"),
        Job("retry_search_index", {"limit": RETRY_SEARCH_LIMIT}, quiet=True),
        Job("prepare_renditions", {"limit": RENDITIONS_LIMIT}, quiet=True),
        Job(
            "flush_most_read",
            every=settings.KMPRESS_MOST_READ_FLUSH_SECONDS,
            quiet=True,
        ),
        Job("searchpromotions_garbage_collect", every=DAY, quiet=True),
        Job("purge_reader_questions", every=DAY, quiet=True),
    ]


class Command(BaseCommand):
    help = (
        "Run publish_scheduled and retry_search_index every --interval seconds, "
        "searchpromotions_garbage_collect daily, until stopped."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.jobs = jobs()
        self.verbosity = 1

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help="Seconds between runs (default 60).",
        )
        parser.add_argument(
            "--iterations",
            type=int,
            default=0,
            metavar="N",
            help="Stop after N runs (default: run until SIGTERM or SIGINT).",
        )
        parser.add_argument(
            "--heartbeat",
            default="",
            metavar="PATH",
            help="A file touched after every run, for a container's healthcheck.",
        )

    def handle(self, *args, **options):
        interval, iterations = options["interval"], options["iterations"]
        if interval < 0 or iterations < 0:
            raise CommandError("--interval and --iterations cannot be negative.")
        self.verbosity = options["verbosity"]
        stop = threading.Event()
        previous = self.install_signal_handlers(stop)
        runs = 0
        try:
            while not stop.is_set():
                self.run_once()
                beat(options["heartbeat"])
                runs += 1
                if iterations and runs >= iterations:
                    break
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if self.verbosity >= 1:
            self.stdout.write(f"Worker stopped after {runs} run(s).")

    def install_signal_handlers(self, stop: threading.Event) -> dict:
        """Stop between runs on SIGTERM/SIGINT; only the main thread may do this."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, lambda *_: stop.set())
        return previous

    def run_once(self) -> None:
        """One tick: every job that is due, each on its own, failures logged."""
        for job in self.jobs:
            if job.due(time.time()):
                self.run_job(job)

    def run_job(self, job: Job) -> None:
        release_stale_connections()
        output = {}
        if job.quiet and self.verbosity < 2:
            output = {"stdout": StringIO()}
        try:
            call_command(job.command, verbosity=self.verbosity, **job.options, **output)
        except Exception:  # the next tick retries; the worker lives on
            logger.exception("%s failed; retrying at the next run", job.command)
        else:
            job.last_success = time.time()
        finally:
            release_stale_connections()


def beat(path: str) -> None:
    """The loop is alive (jobs may have failed: they are retried, not fatal)."""
    if not path:
        return
    try:
        Path(path).touch()
    except OSError as error:
        logger.warning("Worker heartbeat %s not written: %s", path, error)


def release_stale_connections() -> None:
    """What Django does around each request: drop broken or expired connections.

    Connections inside a transaction (a test's, say) are left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
