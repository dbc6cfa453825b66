"""Loopback endpoints for the search tests: a closed port, a silent peer and a
recorder of what the Elasticsearch client sends; and the live tier's cluster.

The recorder answers every request with an empty success so that the client
carries on; tests assert only on the requests it recorded (what kmpress sends),
never on search results from it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from wagtail.search.backends import get_search_backend

#: The live tier runs against this cluster; without it those files skip.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
needs_cluster = pytest.mark.skipif(
    not ELASTICSEARCH_URL,
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster to test against",
)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def elasticsearch_settings(url: str, **extra) -> dict:
    return {
        "default": {
            "BACKEND": "search.elasticsearch_backend",
            "URLS": [url],
            "INDEX_PREFIX": "kmpresstest_",
            "TIMEOUT": 2,
            "INDEX_TIMEOUT": 0.5,
            "SEARCH_TIMEOUT": 0.5,
            "RETRY_AFTER": 30,
            **extra,
        }
    }


@contextmanager
def live_backend(**extra) -> Iterator:
    """The search backend on the real cluster, under an index prefix of its own;
    every index made under it is deleted afterwards (ES 9 refuses wildcard
    deletes: ``action.destructive_requires_name``)."""
    prefix = f"kmpresstest_{uuid.uuid4().hex[:8]}_"
    config = elasticsearch_settings(
        ELASTICSEARCH_URL,
        **{"INDEX_PREFIX": prefix, "TIMEOUT": 30, "INDEX_TIMEOUT": 10, **extra},
    )
    with override_settings(WAGTAILSEARCH_BACKENDS=config):
        backend = get_search_backend()
        try:
            yield backend
        finally:
            made = backend.es.indices.get(index=f"{prefix}*").body
            for name in made:
                backend.es.options(ignore_status=404).indices.delete(index=name)


class SilentPeer:
    """Accepts connections and never answers: a hung cluster, bounded by the test."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self) -> SilentPeer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@dataclass
class Recorded:
    method: str
    path: str
    body: str

    def json_lines(self) -> list:
        return [json.loads(line) for line in self.body.splitlines() if line.strip()]


@dataclass
class Recorder:
    requests: list[Recorded] = field(default_factory=list)

    def bodies(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]


def _handler(recorder: Recorder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            recorder.requests.append(Recorded(self.command, self.path, body))
            if self.path.split("?")[0].endswith("/_bulk"):
                items = [
                    {next(iter(action)): {"status": 200}}
                    for action in Recorded("", "", body).json_lines()[::2]
                ]
                payload = {"took": 1, "errors": False, "items": items}
            elif "_search" in self.path:
                payload = {"hits": {"total": {"value": 0}, "hits": []}}
            elif "_count" in self.path:
                payload = {"count": 0}
            else:
                payload = {"acknowledged": True, "result": "updated"}
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    return Handler


class RecordingServer:
    """An HTTP server on 127.0.0.1 that records request bodies."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.recorder))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self.recorder

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=2)
