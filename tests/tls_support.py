"""A private CA and a server certificate for 127.0.0.1/localhost, made with the
openssl CLI (the `cryptography` package is not installed), for the tests that
run Elasticsearch stand-ins with TLS."""

from __future__ import annotations

import subprocess
from pathlib import Path


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> dict[str, str]:
    """Paths: ``ca`` (the CA certificate), ``server`` and ``key`` (signed by it),
    and ``other-ca`` (a CA that signed nothing of ours)."""
    for name in ("ca", "other-ca"):
        openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN=kmpress test {name}", "-keyout", f"{name}.key",
            "-out", f"{name}.crt", cwd=folder,
        )  # fmt: skip
    openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr", cwd=folder,
    )  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt",
        cwd=folder,
    )  # fmt: skip
    return {
        name: str(folder / f"{name}.crt") for name in ("ca", "other-ca", "server")
    } | {"key": str(folder / "server.key")}
