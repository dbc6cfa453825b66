"""A real varnishd with the repository's VCL, in front of a Django the test
can publish from.

``render_vcl`` rewrites the marked blocks of deploy/varnish/default.vcl (one
template for compose and tests): the loopback backends, the purgers ACL and
the probe URL. ``Varnish`` runs ``varnishd -F`` on a free loopback port with
its working directory under the test's tmp_path, stopped by PID.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
# The VCL's own probe: the process is alive (core.health), no I/O.
PROBE_URL = "/healthz"
BACKEND_OPTIONS = """    .probe = health;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;"""


def replace_block(vcl: str, name: str, body: str) -> str:
    """The text between ``# BEGIN name`` and ``# END name`` replaced by ``body``."""
    pattern = re.compile(rf"(# BEGIN {name}\n).*?(# END {name}\n)", re.DOTALL)
    if not pattern.search(vcl):
        raise AssertionError(f"{VCL} has no '# BEGIN {name}' … '# END {name}' block")
    return pattern.sub(lambda m: m.group(1) + body + m.group(2), vcl, count=1)


def render_vcl(
    ports: list[int],
    purgers: tuple[str, ...] = ("127.0.0.1",),
    probe_url: str = PROBE_URL,
) -> str:
    """The repository's VCL with loopback backends on ``ports`` (a
    round-robin over them), ``purgers`` as the ACL and ``probe_url`` probed."""
    vcl = VCL.read_text()
    probe = re.search(r"# BEGIN probe\n(.*?)# END probe\n", vcl, re.DOTALL)
    if probe is None:
        raise AssertionError(f"{VCL} has no probe block")
    vcl = replace_block(
        vcl, "probe", re.sub(r'\.url = "[^"]*"', f'.url = "{probe_url}"', probe[1])
    )
    backends = "".join(
        f'backend web{n} {{\n    .host = "127.0.0.1";\n    .port = "{port}";\n'
        f"{BACKEND_OPTIONS}\n}}\n"
        for n, port in enumerate(ports, start=1)
    )
    vcl = replace_block(vcl, "backends", backends)
    vcl = replace_block(
        vcl,
        "director",
        "".join(f"    web.add_backend(web{n});\n" for n in range(1, len(ports) + 1)),
    )
    acl = "".join(f'    "{address}";\n' for address in purgers)
    return replace_block(vcl, "purgers", f"acl purgers {{\n{acl}}}\n")


class Varnish:
    """varnishd on a free loopback port; ``stop`` ends it by PID."""

    def __init__(self, workdir: Path, vcl: str):
        if not Path(VARNISHD).exists():
            pytest.fail(
                f"varnishd ({VARNISHD}) is needed for the Varnish tests: "
                "`make varnish` installs Debian's (`make test` runs it)."
            )
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.vcl_path = workdir / "default.vcl"
        self.vcl_path.write_text(vcl)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / "varnishd.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [
            VARNISHD,
            "-F",
            "-j",
            "none",  # no jail: the tests' tmp dirs are root's alone
            "-n",
            str(self.workdir / "instance"),
            "-a",
            f"127.0.0.1:{self.port}",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(self.vcl_path),
            "-s",
            "malloc,64m",
        ]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                argv, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                # Answered by the VCL itself (405): no backend involved.
                status, _headers, _body = request(self, "TRACE", "/")
            except OSError:
                status = None
            if status is not None:
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"varnishd did not start:\n{self.log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)

    def healthy_backends(self) -> list[str]:
        """Backends (and directors) Varnish calls healthy now, by VCL name
        (``varnishadm backend.list`` prefixes them with the VCL's: ``boot.web1``)."""
        listing = subprocess.run(
            [VARNISHADM, "-n", str(self.workdir / "instance"), "backend.list"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
        return [
            line.split()[0].split(".", 1)[-1]
            for line in listing.splitlines()[1:]
            if " healthy " in f" {line} ".lower()
        ]

    def ban_everything(self) -> None:
        status, _headers, _body = request(self, "BAN", "/")
        assert status == 200, status


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def varnish_hit(self) -> bool:
        """A hit names two transactions in X-Varnish (this one, the stored one's)."""
        return len(self.header("X-Varnish").split()) == 2


def request(
    varnish: Varnish, method: str, path: str, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    """One request on a fresh connection; headers given as Python names.

    The Host is a reader's, without a port (the tests' Site, ``localhost``):
    Django keeps no page asked for on a port other than its own
    (core.caching.keys), and readers reach Varnish on the scheme's port.
    """
    headers = {"Host": "localhost"} | {
        name.replace("_", "-"): value for name, value in headers.items()
    }
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=30)
    try:
        # Cyrillic paths (tags) as a browser sends them.
        connection.request(method, quote(path, safe="/?&=%:;,+@"), headers=headers)
        response = connection.getresponse()
        body = response.read()
        return (
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            body,
        )
    finally:
        connection.close()


def get(varnish: Varnish, path: str, **headers: str) -> Response:
    return Response(*request(varnish, "GET", path, **headers))


@contextmanager
def running_varnish(workdir: Path, vcl: str) -> Iterator[Varnish]:
    varnish = Varnish(workdir, vcl)
    varnish.start()
    try:
        yield varnish
    finally:
        varnish.stop()


def purge_through(settings, varnish: Varnish) -> None:
    """Django empties ``varnish`` on every content change, as VARNISH_URLS does."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish1": {
            "BACKEND": "core.caching.frontend.VarnishBackend",
            "LOCATION": varnish.url,
            "TIMEOUT": 1,
        }
    }
