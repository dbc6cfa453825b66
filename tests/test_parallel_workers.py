"""pytest-xdist workers keep their Redis databases and uploads to themselves.

`make test` runs the suite in several processes at once; every test clears the
caches (a FLUSHDB on Redis), so two workers sharing a database would empty each
other's caches in the middle of a test. The test settings give worker ``gwN``
the database pair 2N above REDIS_URL's, and a media folder of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW_SETTINGS = """
import json, os
from django.conf import settings
print(json.dumps({
    "default": settings.CACHES["default"]["LOCATION"],
    "pages": settings.CACHES["pagecache"]["LOCATION"],
    "media": str(settings.MEDIA_ROOT),
    "REDIS_URL": os.environ.get("REDIS_URL", ""),
}))
"""


def test_settings(**env: str) -> dict:
    """The test settings as a fresh interpreter with ``env`` loads them."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "PYTEST_XDIST_WORKER",
            "REDIS_URL",
            "REDIS_PAGECACHE_URL",
            "KMPRESS_REDIS_WORKER",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="site_project.settings.test")
    done = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        check=True,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(done.stdout)


test_settings.__test__ = False  # a helper, not a test


def test_each_worker_has_a_redis_database_pair_of_its_own():
    base = "redis://127.0.0.1:6379/4"
    first = test_settings(REDIS_URL=base, PYTEST_XDIST_WORKER="gw0")
    third = test_settings(REDIS_URL=base, PYTEST_XDIST_WORKER="gw2")
    assert (first["default"], first["pages"]) == (
        "redis://127.0.0.1:6379/4",
        "redis://127.0.0.1:6379/5",
    )
    assert (third["default"], third["pages"]) == (
        "redis://127.0.0.1:6379/8",
        "redis://127.0.0.1:6379/9",
    )


def test_what_a_worker_starts_inherits_its_databases_without_moving_them_again():
    worker = test_settings(
        REDIS_URL="redis://127.0.0.1:6379/0", PYTEST_XDIST_WORKER="gw1"
    )
    assert worker["REDIS_URL"] == "redis://127.0.0.1:6379/2"
    child = test_settings(
        REDIS_URL=worker["REDIS_URL"],
        PYTEST_XDIST_WORKER="gw1",
        KMPRESS_REDIS_WORKER="gw1",
    )
    assert (child["default"], child["pages"]) == (
        "redis://127.0.0.1:6379/2",
        "redis://127.0.0.1:6379/3",
    )


def test_a_serial_run_keeps_redis_url_and_the_media_folder_as_they_are():
    serial = test_settings(REDIS_URL="redis://127.0.0.1:6379/6")
    assert (serial["default"], serial["pages"]) == (
        "redis://127.0.0.1:6379/6",
        "redis://127.0.0.1:6379/7",
    )
    assert Path(serial["media"]) == ROOT / "tests" / ".media"


def test_each_worker_uploads_into_a_media_folder_of_its_own():
    worker = test_settings(PYTEST_XDIST_WORKER="gw3")
    assert Path(worker["media"]) == ROOT / "tests" / ".media" / "gw3"
