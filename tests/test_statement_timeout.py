"""A web request's SQL is bounded: a stuck statement costs one 503, not a worker.

PostgreSQL's ``statement_timeout`` (``DB_STATEMENT_TIMEOUT_MS``) is set on
the connections of web processes only (site_project.wsgi); commands such as
migrate, seed_demo or backup run unbounded. A page whose query waits behind
a real lock past the limit answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest
from django.db import connection
from django.test import Client

from site_project.statement_timeout import limit
from tests.embedded import ROOT, database_url, without_services

pytestmark = pytest.mark.django_db

SHOW = (
    "from django.db import connection\n"
    "with connection.cursor() as cursor:\n"
    "    cursor.execute('SHOW statement_timeout')\n"
    "    print('TIMEOUT', cursor.fetchone()[0])\n"
)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")


def timeout_in(code: str, *, env: dict | None = None) -> str:
    result = subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env={
            **without_services(),
            "DJANGO_SETTINGS_MODULE": "site_project.settings.test",
            "DATABASE_URL": database_url(),
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("TIMEOUT "))
    return line.removeprefix("TIMEOUT ")


def test_a_web_process_bounds_every_statement_by_default():
    web = "import site_project.wsgi\n" + SHOW
    assert timeout_in(["-c", web]) == "10s"


def test_the_bound_comes_from_the_environment():
    web = "import site_project.wsgi\n" + SHOW
    assert timeout_in(["-c", web], env={"DB_STATEMENT_TIMEOUT_MS": "2500"}) == "2500ms"


def test_management_commands_run_unbounded():
    assert timeout_in(["manage.py", "shell", "-c", SHOW]) == "0"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_stuck_behind_a_lock_answers_503_with_retry_after(tree, settings):
    settings.DB_STATEMENT_TIMEOUT_MS = 300
    url = tree.home_ru.url
    client = Client(raise_request_exception=False)
    assert client.get(url).status_code == 200
    limit(connection)
    try:
        # Another session holds the page table, as a long migration would.
        with psycopg.connect(database_url()) as other:
            other.execute("SET lock_timeout = '10s'")
            other.execute("LOCK TABLE wagtailcore_page IN ACCESS EXCLUSIVE MODE")
            response = client.get(url)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
