"""``/healthz`` and ``/readyz``: what an orchestrator, a load balancer and
Varnish's backend probe ask a web node.

``/healthz`` says the process answers: no database, no cache, no file; an
orchestrator restarts a node only when this fails. ``/readyz`` says whether
the node can serve now: the database, Redis, object storage and search, each
with its own status ("ok", "down", "timeout" or "not configured"; search
also "missing", "unfilled", "wrong mapping" or "empty" for its page index).
Only the database makes a node unready (503): without Redis, object storage
or search the site is degraded, not down — pages render uncached, uploads
wait, the search page says search is away — so the answer stays 200 with
``"status": "degraded"``; a load balancer probing ``/readyz`` then keeps every
node while Elasticsearch fills its index or Redis restarts, rather than
dropping them all at once. The checks run at once, each in a
thread of its own, and the answer comes by ``READYZ_TIMEOUT`` seconds
whatever a hung service does; a check still running from an earlier probe is
not started again (a hung service never piles up threads). The body names
no host, address or error text; the log gets the error's kind.

Both are answered by a middleware ahead of all others: a probe comes by
address (no allowed ``Host``), over plain HTTP inside the network (no HTTPS
redirect) and must never be cached by the page cache, Varnish or a CDN
(``Cache-Control: no-store``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import HttpResponse
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

logger = logging.getLogger(__name__)

OK, DOWN, TIMEOUT, NOT_CONFIGURED = "ok", "down", "timeout", "not configured"
EMPTY = "empty"
DEGRADED = "degraded"
#: A node serves nobody without these; every other service only degrades it.
REQUIRED = {"database"}
PATHS = {"/healthz": "healthz", "/readyz": "readyz"}


class HealthMiddleware:
    """First in MIDDLEWARE: answers the two probes before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        warm_up()

    def __call__(self, request):
        probe = PATHS.get(request.path_info.rstrip("/") or "/")
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response["Allow"] = "GET, HEAD"
            return response
        if probe == "healthz":
            return _json({"status": OK}, 200)
        started = time.monotonic()
        checks = readiness(settings.READYZ_TIMEOUT)
        fine = (OK, NOT_CONFIGURED)
        failing = {name for name, status in checks.items() if status not in fine}
        ready = not failing & REQUIRED
        body = {
            "status": "unavailable" if not ready else DEGRADED if failing else OK,
            "checks": checks,
            "seconds": round(time.monotonic() - started, 3),
        }
        response = _json(body, 200 if ready else 503)
        # A 503 here is a report, not a server error: the failing checks were
        # logged as warnings; Django's "Service Unavailable" error line on every
        # probe of every node would bury the outage's own log.
        response._has_been_logged = True
        return response


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body), content_type="application/json", status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def warm_up() -> None:
    """Imports the search backend when the process starts (no I/O): the
    Elasticsearch client takes seconds to import, which would otherwise be
    the first probe's whole budget."""
    get_search_backend()


# --- the checks: each returns OK or NOT_CONFIGURED, or raises -----------------


def check_database(timeout: float) -> str:
    """One ``SELECT 1`` on a connection of this thread, closed afterwards."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()
    return OK


def check_redis(timeout: float) -> str:
    """A PING to every Redis server the cache aliases use (django-redis),
    with the aliases' own socket timeouts."""
    clients = {}
    for alias, config in settings.CACHES.items():
        client = getattr(caches[alias], "client", None)
        if hasattr(client, "get_client"):
            clients.setdefault(urlsplit(str(config["LOCATION"])).netloc, client)
    if not clients:
        return NOT_CONFIGURED
    for client in clients.values():
        client.get_client(write=True).ping()
    return OK


def check_storage(timeout: float) -> str:
    """Object storage: the bucket answers a HEAD (S3), or a probe key can be
    looked up (any other remote storage). Local files are not a service."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return NOT_CONFIGURED
    bucket = getattr(storage, "bucket_name", None)
    if bucket and hasattr(storage, "connection"):
        storage.connection.meta.client.head_bucket(Bucket=bucket)
    else:
        storage.exists("readyz-probe")
    return OK


def check_search(timeout: float) -> str:
    """Elasticsearch's cluster health (red is down), then the page index
    (``search_index``); the database backend is the database's check."""
    backend = get_search_backend()
    es = getattr(backend, "es", None)
    if es is None:
        return NOT_CONFIGURED
    client = es.options(request_timeout=timeout, max_retries=0)
    health = client.cluster.health()
    if health["status"] == "red":
        raise RuntimeError("cluster health is red")
    return search_index(backend, client)


def search_index(backend, client) -> str:
    """The page index as readers need it: "missing", "unfilled" (created at a
    first write, the worker has not indexed everything yet), "wrong mapping"
    (auto-created by Elasticsearch: ``manage.py update_index``), "empty" (no
    document while the database has live pages) or ok. A healthy cluster
    without our index serves no search result, so the node is not ready."""
    index = backend.get_index_for_model(Page)
    readiness = getattr(index, "readiness", None)  # search.indices.GuardedIndex
    if readiness is None:
        return OK
    index.es = client
    state = readiness()
    if state == "ready" and not client.count(index=index.name)["count"]:
        try:
            pages = Page.objects.live().filter(depth__gt=1).exists()
        finally:
            connections.close_all()
        state = EMPTY if pages else state
    if state == "ready":
        return OK
    logger.warning("readyz: the search index is %s", state)
    return state


CHECKS: dict[str, Callable[[float], str]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
    "search": check_search,
}
_running = {name: threading.Lock() for name in CHECKS}


def readiness(timeout: float) -> dict[str, str]:
    """Every check's status, by ``timeout`` seconds from now."""
    deadline = time.monotonic() + timeout
    results: dict[str, str] = {}
    threads = {}
    for name, check in CHECKS.items():
        if not _running[name].acquire(blocking=False):
            results[name] = TIMEOUT  # the previous probe's check still hangs
            continue
        thread = threading.Thread(
            target=_run,
            args=(name, check, timeout, results),
            name=f"readyz-{name}",
            daemon=True,
        )
        thread.start()
        threads[name] = thread
    for name, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            results.setdefault(name, TIMEOUT)
    return {name: results.get(name, TIMEOUT) for name in CHECKS}


def _run(name: str, check, timeout: float, results: dict) -> None:
    try:
        status = check(timeout)
    except Exception as error:  # noqa: BLE001 - any failure is "down"
        logger.warning("readyz: %s is down (%s)", name, type(error).__name__)
        status = DOWN
    finally:
        _running[name].release()
    results.setdefault(name, status)
