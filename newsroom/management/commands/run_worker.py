"""The worker process: Wagtail's ``publish_scheduled`` every minute, until stopped.

Scheduled go-live and expiry times are kept only when something runs
``publish_scheduled``; docker-compose's ``worker`` service runs this command.
A failed run (database restarting, say) is logged and retried at the next
tick instead of ending the worker; SIGTERM or SIGINT ends it between runs.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run publish_scheduled every --interval seconds until stopped."

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
        release_stale_connections()
        try:
            call_command("publish_scheduled", verbosity=self.verbosity)
        except Exception:  # the next tick retries; the worker lives on
            logger.exception("publish_scheduled failed; retrying at the next run")
        finally:
            release_stale_connections()


def release_stale_connections() -> None:
    """What Django does around each request: drop broken or expired connections.

    Connections inside a transaction (a test's, say) are left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
