"""Fresh processes for tests and benchmarks: `manage.py` runs and loopback ports.

``embedded_env`` is what `make run` gets on a new machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SERVICE_URLS = {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}
MANAGE = [sys.executable, "manage.py"]


def without_services() -> dict[str, str]:
    """This process's environment minus the service URLs: a child picks its own."""
    return {key: value for key, value in os.environ.items() if key not in SERVICE_URLS}


def embedded_env(workdir: Path) -> dict[str, str]:
    """Environment without service URLs, with a SQLite file in ``workdir``."""
    env = without_services()
    env.update(
        DJANGO_SETTINGS_MODULE="site_project.settings.dev",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
    )
    return env


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    """``manage.py`` in its own process (of this tree unless ``cwd`` names
    another checkout); any non-zero exit raises."""
    kwargs.setdefault("timeout", 1200)
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run([*MANAGE, *args], env=env, check=True, **kwargs)


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, seconds=60) -> None:
    """Returns once the loopback port accepts; raises if ``process`` ends first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{process.args[0]} did not start") from None
            time.sleep(0.2)


class RedisServer:
    """A private, throw-away redis-server on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started RedisServer, stopped afterwards; no redis-server fails the test."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the outage tests")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class LoopbackListener:
    """A loopback port whose accepted connections go to ``accepted``, on a
    thread of its own until ``close``."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted(connection)

    def accepted(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


class HungPort(LoopbackListener):
    """A loopback port that takes connections and never answers: a stuck Redis
    or database.

    It keeps every connection the site opens, so a test can count them.
    """

    def __init__(self):
        self.connections: list[socket.socket] = []
        super().__init__()

    def accepted(self, connection: socket.socket) -> None:
        self.connections.append(connection)

    def close(self) -> None:
        super().close()
        for accepted in self.connections:
            accepted.close()


def database_url() -> str:
    """The URL of the database this test run uses (the test database), for a
    process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
