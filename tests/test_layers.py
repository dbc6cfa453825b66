"""The apps depend one way, and `lint-imports` (run by `make lint`) says so.

Each test copies the apps to a scratch directory, adds one wrong arrow and
runs import-linter with the project's own contracts: a contract that could
not fail would pass these silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(tree / "pyproject.toml"), "--no-cache"],
        check=False,
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path) -> Path:
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            tmp_path / app,
            ignore=shutil.ignore_patterns("templates", "static", "__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", "utf-8")


def test_the_project_keeps_every_contract(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core.text", "import news.selectors", "Apps depend one way"),
        ("news.models", "import search.analysis", "Apps depend one way"),
        ("home.models", "import newsroom.roles", "Reader apps never import"),
        ("newsroom.roles", "import demo.content", "Apps depend one way"),
        ("linguistics.keys", "import django.conf", "linguistics is plain Python"),
    ],
)
def test_a_wrong_arrow_breaks_its_contract(tree, module, line, contract):
    add_import(tree, module, line)
    result = lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken
