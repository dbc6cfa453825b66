"""The production shape on loopback: N gunicorn nodes of this tree sharing one
database and one Redis, for the stateless-node tests and ``make bench BENCH=stack``.

Every node runs the production settings (DEBUG off, the page cache on) from
``.venv``, on a free port, in a process group of its own: ``stop`` ends it by
its PID (SIGTERM, then SIGKILL after a timeout), ``kill`` is a crash (SIGKILL
to the whole group, workers included). The database is a real one, committed:
a new PostgreSQL database on DATABASE_URL's server (or a SQLite file when the
run has no PostgreSQL), migrated and seeded by ``manage.py`` in its own
process, dropped afterwards. Static files are collected once into a
temporary STATIC_ROOT (production's manifest storage).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from tests.embedded import (
    ROOT,
    RedisServer,
    free_port,
    manage,
    wait_until_listening,
    without_services,
)
from tests.varnish_support import Varnish, render_vcl

GUNICORN = Path(sys.executable).parent / "gunicorn"
ADMIN = ("admin", "changeme")  # seed_demo --admin
NODE_WORKERS = int(os.environ.get("STACK_NODE_WORKERS", "2"))
#: Seconds one HTTP call may take before the caller sees an error.
HTTP_TIMEOUT = 20


# --- the shared database ------------------------------------------------------


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.split(":", 1)[0] in {"postgres", "postgresql"} else None


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@dataclass
class Database:
    """One committed database every node shares."""

    url: str

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Reads the shared database directly (ids for admin URLs, counts)."""
        if self.url.startswith("sqlite:"):
            path = self.url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(path)) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(_libpq(self.url)) as db:
            return db.execute(sql, params).fetchall()

    def page_id(self, url_path_suffix: str) -> int:
        """The id of the page whose url_path ends with ``url_path_suffix``."""
        found = self.rows(
            "SELECT id FROM wagtailcore_page WHERE url_path LIKE %s ORDER BY id",
            (f"%{url_path_suffix}",),
        )
        assert len(found) == 1, f"{url_path_suffix}: {found}"
        return found[0][0]


def _libpq(url: str) -> str:
    return re.sub(r"^postgres://", "postgresql://", url)


@contextlib.contextmanager
def shared_database(
    workdir: Path, env: dict, articles: int = 0, server: str | None = None
) -> Iterator[Database]:
    """A new database, migrated and seeded (``seed_demo --admin``), dropped after.

    On the PostgreSQL server of ``server`` (default: DATABASE_URL's) it is
    named after that URL's database plus ``_stack_`` and a random suffix, so
    parallel runs never meet.
    """
    server = server or _postgres_url()
    if server is None:
        database = Database(f"sqlite:///{workdir / 'stack.sqlite3'}")
        drop = None
    else:
        base = urlsplit(server).path.strip("/") or "kmpress"
        name = f"{base}_stack_{secrets.token_hex(4)}"
        admin = _libpq(_with_database(server, "postgres"))
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        database = Database(_with_database(server, name))

        def drop():
            with psycopg.connect(admin, autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        prepared = {**env, "DATABASE_URL": database.url}
        manage(prepared, "migrate", "--noinput", "-v0", capture_output=True)
        if prepared.get("S3_BUCKET"):
            # The media bucket, public-read images (the deploy's one-shot job).
            manage(prepared, "setup_media_storage", capture_output=True)
        manage(prepared, "seed_demo", "--admin", capture_output=True)
        if articles:
            manage(
                prepared, "seed_demo", "--articles", str(articles), capture_output=True
            )
        yield database
    finally:
        if drop is not None:
            drop()


def collect_static(static_root: Path) -> None:
    """Production's manifest storage needs its files collected, as the image does."""
    env = without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
        "SECRET_KEY": "collectstatic-only-" + secrets.token_urlsafe(20),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
    }
    manage(env, "collectstatic", "--noinput", "-v0", capture_output=True)


# --- the nodes ----------------------------------------------------------------


def node_env(database: Database, redis_port: int, static_root: Path) -> dict[str, str]:
    """What every node of one stack gets: the same database, Redis and secret."""
    return without_services() | {
        "DJANGO_SETTINGS_MODULE": "site_project.settings.production",
        "SECRET_KEY": "stack-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "WAGTAIL_CACHE": "1",
        "DATABASE_URL": database.url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        # The access log reaches its file line by line, not at exit.
        "PYTHONUNBUFFERED": "1",
    }


class Node:
    """One gunicorn serving this tree on a loopback port (a free one unless given)."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        port: int | None = None,
        workers: int = NODE_WORKERS,
        access_log: bool = False,
    ):
        self.env = env
        self.access_log = access_log
        self.log = log
        self.workers = workers
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Node:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "site_project.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                    *(["--access-logfile", "-"] if self.access_log else []),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: kill() takes the workers too
            )
        try:
            wait_until_listening(self.port, self.process)
            # Every worker loads the site on its first request.
            for _ in range(self.workers * 2):
                answer = requests.get(self.base + "/ru/", timeout=60)
                assert answer.status_code == 200, answer.status_code
        except (RuntimeError, AssertionError, OSError) as error:
            self.stop()
            raise RuntimeError(
                f"gunicorn on port {self.port} did not serve /ru/ ({error}):\n"
                f"{self.log.read_text(errors='replace')[-3000:]}"
            ) from None
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """A crash: SIGKILL to the master and its workers at once."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """A graceful stop by PID; a crash after 30 s."""
        if not self.alive():
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        # Workers outlive a master that died first; none may stay behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Stack:
    """N nodes, one database, one Redis (restartable on its port), and
    Varnish balancing the nodes when asked for."""

    database: Database
    redis: RedisServer
    env: dict[str, str]
    workdir: Path
    nodes: list[Node] = field(default_factory=list)
    varnish: Varnish | None = None
    fronts: list[Varnish] = field(default_factory=list)

    def restart_redis(self) -> None:
        """Redis away and back on its port, empty (nothing persisted)."""
        self.redis.stop()
        self.redis.start()

    def varnish_for(self, nodes: list[Node]) -> Varnish:
        """Another started varnishd (the repository's VCL) balancing ``nodes``."""
        front = start_varnish(
            self.workdir / f"varnish-{len(self.fronts)}", [n.port for n in nodes]
        )
        self.fronts.append(front)
        return front

    def stop(self) -> None:
        for front in self.fronts:
            front.stop()
        for node in self.nodes:
            node.stop()


def start_varnish(workdir: Path, ports: list[int]) -> Varnish:
    """deploy/varnish/default.vcl with a round-robin over the loopback ``ports``."""
    front = Varnish(workdir, render_vcl(ports))
    front.start()
    return front


@contextlib.contextmanager
def running_stack(
    workdir: Path,
    static_root: Path,
    nodes: int = 2,
    *,
    varnish: bool = False,
    articles: int = 0,
    access_log: bool = False,
    database_server: str | None = None,
    workers: int = NODE_WORKERS,
    media_env: dict[str, str] | None = None,
    **node_extra_env: str,
) -> Iterator[Stack]:
    """``nodes`` started gunicorns sharing a fresh database and a private Redis,
    with ``varnish`` in front of them all (VARNISH_URLS names it to the nodes).

    ``articles``: that many synthetic articles per language on top of the demo;
    ``access_log``: each node logs its requests to its log file;
    ``database_server``: a PostgreSQL URL whose server holds the database;
    ``media_env``: S3_* variables (tests.seaweed_support ``Weed.env``) that put
    media on object storage, for the seeding and every node.
    """
    redis = RedisServer()
    redis.start()
    stack = None
    try:
        base_env = without_services() | {
            "DJANGO_SETTINGS_MODULE": "site_project.settings.dev",
            "MEDIA_ROOT": str(workdir / "media"),
            **(media_env or {}),
        }
        with shared_database(workdir, base_env, articles, database_server) as database:
            # Media on one disk, as on one machine, unless media_env puts
            # them on object storage (then nothing is on disk).
            env = node_env(database, redis.port, static_root)
            env |= {"MEDIA_ROOT": base_env["MEDIA_ROOT"], **(media_env or {})}
            stack = Stack(database, redis, env | node_extra_env, workdir)
            ports = [free_port() for _ in range(nodes)]
            if varnish:
                stack.varnish = start_varnish(workdir / "varnish", ports)
                stack.fronts.append(stack.varnish)
                stack.env["VARNISH_URLS"] = stack.varnish.url
            for number, port in enumerate(ports):
                log = workdir / f"node-{number}.log"
                node = Node(stack.env, log, port, workers, access_log)
                stack.nodes.append(node)
                node.start()
            yield stack
    finally:
        if stack is not None:
            stack.stop()
        redis.stop()


# --- a browser that signs in ---------------------------------------------------


class Browser:
    """An editor's browser against one node: a session cookie, CSRF tokens.

    Cookies are kept by hand: production marks them Secure, and a cookie jar
    would not send those back over the loopback's plain HTTP.
    """

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method,
            self.base + path,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def csrf_token(self, path: str) -> str:
        html = self.request("GET", path).text
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post_form(self, path: str, data: dict, files: dict | None = None):
        """Posts ``data`` as the form on ``path`` would, with its CSRF token."""
        token = self.csrf_token(path)
        return self.request(
            "POST", path, data={**data, "csrfmiddlewaretoken": token}, files=files
        )

    def log_in(self, username: str = ADMIN[0], password: str = ADMIN[1]) -> Browser:
        response = self.post_form(
            "/admin/login/", {"username": username, "password": password, "next": ""}
        )
        assert response.status_code == 302, response.status_code
        assert "sessionid" in self.cookies
        return self

    def on(self, base: str) -> Browser:
        """The same signed-in browser against another node."""
        other = Browser(base)
        other.cookies = dict(self.cookies)
        return other


def formset(prefix: str) -> dict[str, str]:
    """An inline formset with no forms (Django's management form)."""
    return {
        f"{prefix}-{name}": value
        for name, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def news_form(title: str, slug: str, **fields: str) -> dict[str, str]:
    """What the admin's news form posts when an editor presses Publish (no
    body, authors or tags); ``fields`` (a cover_image id…) replace its values."""
    return {
        "title": title,
        "slug": slug,
        "publication_date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "lead": "Вступление.",
        "cover_image": "",
        "cover_caption": "",
        "cover_credit": "",
        "body-count": "0",
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        **formset("comments"),
        **formset("article_authors"),
        "action-publish": "action-publish",
    } | fields


def get(url: str, **headers: str) -> requests.Response:
    """One anonymous reader's GET."""
    return requests.get(
        url, headers=headers, allow_redirects=False, timeout=HTTP_TIMEOUT
    )


def wait_for(condition, seconds: float = 10, step: float = 0.1) -> bool:
    """Polls ``condition`` until true or ``seconds`` pass (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


class ReaderThreads:
    """Reader threads for the stack's tests and benchmarks: each calls
    ``read_once(number)`` until stopped, and for ``seconds`` at most, so no
    load loop outlives its run."""

    def __init__(self, threads: int = 3, seconds: float = 90) -> None:
        self.seconds = seconds
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counter = itertools.count()
        self.threads = [
            threading.Thread(target=self._run, daemon=True) for _ in range(threads)
        ]

    def read_once(self, number: int) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        deadline = time.monotonic() + self.seconds
        while not self.stop.is_set() and time.monotonic() < deadline:
            self.read_once(next(self.counter))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
