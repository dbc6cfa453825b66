"""With the database away, readers and editors get a 503 in their language, not a 500.

Real gunicorn processes whose ``DATABASE_URL`` points at a loopback port with
nothing listening, or at one that accepts connections and never answers (a
hung PostgreSQL): uncached pages and the admin answer 503 with
``Retry-After`` and the friendly page within the connect timeout, and pages
already in the page cache (a private redis-server) are still served.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

from tests.cache_support import point_caches_at, reset_page_cache_health, verdict
from tests.embedded import (
    ROOT,
    HungPort,
    free_port,
    running_redis,
    wait_until_listening,
    without_services,
)

GUNICORN = Path(sys.executable).parent / "gunicorn"
CONNECT_TIMEOUT = 2
FIRST_REQUEST_SECONDS = 120
HEADLINES = {
    "ru": "Газета временно недоступна",
    "kk": "Газет уақытша қолжетімсіз",
}


@contextmanager
def gunicorn(database_url: str, redis_port: int) -> Iterator[str]:
    """The site in its own process, its database at ``database_url``."""
    env = without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "LOG_LEVEL": "CRITICAL",
    }
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "site_project.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            # Not the default 30 s: that would kill a worker still loading the
            # site for its first request on a busy machine.
            "--timeout",
            str(FIRST_REQUEST_SECONDS),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, process)
        base = f"http://127.0.0.1:{port}"
        # The worker's first request loads the site: on a busy machine (the
        # suite runs in parallel) that alone can take longer than a page.
        get(base + "/ru/", timeout=FIRST_REQUEST_SECONDS)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck on the database
            process.kill()
            process.wait(timeout=30)


def get(url: str, timeout: float = 20, **headers: str) -> tuple[int, dict, str]:
    """One GET as a browser on the site's host would send it (never raises)."""
    request = urllib.request.Request(url, headers={"Host": "localhost", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def redis_server():
    with running_redis() as server:
        yield server


@pytest.fixture(scope="module")
def site_without_database(redis_server):
    """Nothing listens where the database should be."""
    dead = f"postgres://kmpress@127.0.0.1:{free_port()}/kmpress"
    with gunicorn(dead, redis_server.port) as base:
        yield base


@pytest.fixture(scope="module")
def site_with_hung_database(redis_server):
    hung = HungPort()
    try:
        with gunicorn(
            f"postgres://kmpress@127.0.0.1:{hung.port}/kmpress", redis_server.port
        ) as base:
            yield base
    finally:
        hung.close()


@pytest.mark.parametrize(
    ("path", "language"),
    [("/ru/novosti/", "ru"), ("/kk/zhanalyqtar/", "kk"), ("/ru/feed/", "ru")],
)
def test_an_uncached_page_answers_503_in_the_urls_language_first(
    site_without_database, path, language
):
    status, headers, html = get(site_without_database + path)
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert f'<html lang="{language}">' in html
    other = "kk" if language == "ru" else "ru"
    assert html.index(HEADLINES[language]) < html.index(HEADLINES[other])
    assert f'<a href="/{language}/">' in html


def test_the_admin_answers_503_while_the_database_is_down(site_without_database):
    status, headers, html = get(
        site_without_database + "/admin/pages/", Cookie="sessionid=editor-session"
    )
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert HEADLINES["ru"] in html


def test_a_hung_database_costs_a_reader_the_connect_timeout_then_a_503(
    site_with_hung_database,
):
    started = time.monotonic()
    status, headers, html = get(site_with_hung_database + "/ru/novosti/")
    elapsed = time.monotonic() - started
    assert status == 503
    assert HEADLINES["ru"] in html
    assert elapsed < CONNECT_TIMEOUT + 3


@pytest.mark.django_db
def test_pages_in_the_page_cache_are_served_while_the_database_is_down(
    tree, settings, redis_server, site_without_database
):
    # The site, before the outage, keeps the home pages in the page cache…
    settings.WAGTAIL_CACHE = True
    point_caches_at(settings, redis_server.port)
    reset_page_cache_health()
    for url in ("/ru/", "/kk/"):
        assert verdict(Client().get(url, HTTP_HOST="localhost")) == "miss"

    # …and a process without its database still serves them.
    for url, title in (("/ru/", "Главная"), ("/kk/", "Басты бет")):
        status, headers, html = get(site_without_database + url)
        assert status == 200
        assert headers["X-Wagtail-Cache"] == "hit"
        assert title in html
    assert get(site_without_database + "/ru/novosti/")[0] == 503
    reset_page_cache_health()
