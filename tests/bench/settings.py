"""Benchmark only: production settings plus the bare comparison views.

Never imported by the site itself; ``tests.bench.pages`` starts gunicorn with
it. The static storage keeps production's manifest lookups but skips
compression, which only matters to static files (not measured).
"""

from site_project.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
}
