"""A bound on every SQL statement of a web request (PostgreSQL).

A bad plan (issue 14, item 9: tables not yet analysed after a bulk load) held
gunicorn workers for over 90 s, long after gunicorn had killed them and
answered 500; the queries ran on. With ``statement_timeout`` the server
cancels the statement itself, Django raises ``OperationalError``
(``QueryCanceled``) and the reader gets the 503 with ``Retry-After`` of
site_project.errors: one failed page, not a lost worker.

Only web processes get it: ``site_project.wsgi`` calls ``serve_web()``
before Django loads. Management commands (migrate, seed_demo, backup, the
worker) import no WSGI module and keep PostgreSQL's default, no limit, so a
long load or dump is never cut off.
"""

from __future__ import annotations

from django.conf import settings
from django.db.backends.signals import connection_created


def limit(connection) -> None:
    """Sets the web's statement timeout on one (new) PostgreSQL connection."""
    milliseconds = settings.DB_STATEMENT_TIMEOUT_MS
    if connection.vendor != "postgresql" or not milliseconds:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false)",
            [f"{int(milliseconds)}ms"],
        )


def _on_connection(sender, connection, **kwargs) -> None:
    limit(connection)


def serve_web() -> None:
    """From now on, every database connection this process opens is a web one."""
    connection_created.connect(_on_connection, dispatch_uid="kmpress-web-timeout")
