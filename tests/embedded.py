"""Fresh processes for tests and benchmarks: `manage.py` runs and loopback ports.

``embedded_env`` is what `make run` gets on a new machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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
    """``manage.py`` in its own process; any non-zero exit raises."""
    kwargs.setdefault("timeout", 1200)
    return subprocess.run([*MANAGE, *args], cwd=ROOT, env=env, check=True, **kwargs)


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
