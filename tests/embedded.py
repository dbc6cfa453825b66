"""The embedded default in a fresh process: what `make run` gets on a new machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE_URLS = {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}
MANAGE = [sys.executable, "manage.py"]


def embedded_env(workdir: Path) -> dict[str, str]:
    """Environment without service URLs, with a SQLite file in ``workdir``."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_URLS}
    env.update(
        DJANGO_SETTINGS_MODULE="site_project.settings.dev",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
    )
    return env


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MANAGE, *args], cwd=ROOT, env=env, check=True, timeout=1200, **kwargs
    )
