"""Seeding speed: synthetic articles per second on a fresh SQLite database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = int(os.environ.get("BENCH_SEED_ARTICLES", "500"))


def run() -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="site_project.settings.dev",
            DATABASE_URL=f"sqlite:///{workdir}/db.sqlite3",
            MEDIA_ROOT=f"{workdir}/media",
        )
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True)
        result = subprocess.run(
            [*manage, "seed_demo", "--articles", str(ARTICLES)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    match = re.search(r"in ([\d.]+) s, (\d+) articles/s", result.stdout)
    if match is None:
        raise RuntimeError(f"seed_demo printed no rate:\n{result.stdout}")
    return {
        "articles_per_language": ARTICLES,
        "seconds": float(match.group(1)),
        "articles_per_second_sqlite": int(match.group(2)),
    }
