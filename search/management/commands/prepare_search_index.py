"""The deploy's search step: wait (bounded) for Elasticsearch, then build the index.

The init job runs it last. The site must come up without search (readers get
a 503 on the search page only), so a cluster that is still starting, red or
refusing our credentials is a warning and exit 0, never a failed deploy:
the index is then built once the cluster answers (``update_index``, or the
backend and worker creating what is missing).
"""

from __future__ import annotations

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from elastic_transport import TransportError
from elasticsearch import ApiError
from wagtail.search.backends import get_search_backends_with_name

logger = logging.getLogger("search")

ERRORS = (TransportError, ApiError)
REFUSED = (401, 403)  # waiting does not mend credentials


class Refused(Exception):
    pass


def cluster_ready(client, seconds: float) -> bool:
    """Until the cluster is yellow or green, at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        wait = max(1, min(10, int(left)))
        try:
            health = client.options(
                request_timeout=wait + 5, max_retries=0, ignore_status=408
            ).cluster.health(wait_for_status="yellow", timeout=f"{wait}s")
            if not health.get("timed_out") and health["status"] != "red":
                return True
        except ApiError as error:
            if error.meta.status in REFUSED:
                raise Refused from error
        except TransportError:
            pass
        if time.monotonic() + 1 >= deadline:
            return False
        time.sleep(1)


class Command(BaseCommand):
    help = (
        "Waits up to --wait seconds for the search cluster, then runs update_index; "
        "a cluster that does not answer is a warning, not a failure."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=120,
            help="Seconds to wait for Elasticsearch to be yellow or green.",
        )

    def handle(self, *args, **options):
        clients = [
            (name, backend.es)
            for name, backend in get_search_backends_with_name()
            if hasattr(backend, "es")
        ]
        for name, client in clients:
            try:
                ready = cluster_ready(client, options["wait"])
            except Refused:
                self.warn(
                    f"Search backend {name!r} refused our credentials "
                    "(ELASTICSEARCH_USERNAME/PASSWORD, _API_KEY or the URL's): "
                    "the search index was not built."
                )
                return
            if not ready:
                self.warn(
                    f"Search backend {name!r} did not answer within "
                    f"{options['wait']:g} s: the search index was not built."
                )
                return
        try:
            call_command("update_index", stdout=self.stdout, stderr=self.stderr)
        except ERRORS as error:
            self.warn(f"Building the search index failed ({error.__class__.__name__}).")

    def warn(self, message: str) -> None:
        message += (
            " The site starts without search; run `manage.py update_index` "
            "once Elasticsearch answers."
        )
        logger.warning(message)
        self.stderr.write(self.style.WARNING(message))
