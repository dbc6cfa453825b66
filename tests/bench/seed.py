"""Seeding speed: synthetic articles per second on a fresh SQLite database."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from tests.embedded import embedded_env, manage

ARTICLES = int(os.environ.get("BENCH_SEED_ARTICLES", "500"))


def run() -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        env = embedded_env(Path(workdir))
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo")
        result = manage(
            env,
            "seed_demo",
            "--articles",
            str(ARTICLES),
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
