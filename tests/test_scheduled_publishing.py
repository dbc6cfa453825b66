"""Scheduled publishing really runs: the worker publishes a page when its time comes.

The clock is frozen with time-machine and moved by hand; the worker is the
same command docker-compose runs, bounded to one run per call.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from tests.factories import NewsPageFactory
from tests.newsroom_support import local, make_staff, page_form_data

pytestmark = pytest.mark.django_db

MORNING = local("2025-03-03 08:00")
GO_LIVE = local("2025-03-03 09:30")
ARTICLE_URL = "/ru/novosti/utrennyaya-smena/"


def run_worker_once() -> None:
    call_command("run_worker", iterations=1, interval=0, verbosity=0)


def schedule(client, user, page) -> None:
    """What the editor's "Publish" does with a go-live time set."""
    client.force_login(user)
    data = page_form_data(
        page, go_live_at=timezone.localtime(GO_LIVE).strftime("%Y-%m-%d %H:%M")
    )
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**data, "action-publish": "on"},
    )
    assert response.status_code == 302


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_the_worker_publishes_a_scheduled_page_when_its_time_comes(
    client, tree, frozen
):
    staff = make_staff()
    page = NewsPageFactory(
        parent=tree.section_ru,
        title="Утренняя смена",
        slug="utrennyaya-smena",
        live=False,
    )
    schedule(client, staff.moderator, page)
    page.refresh_from_db()
    assert not page.live
    assert page.scheduled_revision is not None

    run_worker_once()
    page.refresh_from_db()
    assert not page.live
    client.logout()
    assert client.get(ARTICLE_URL).status_code == 404

    frozen.move_to(GO_LIVE + timedelta(minutes=1))
    run_worker_once()

    page = type(page).objects.get(pk=page.pk)
    assert page.live
    assert page.scheduled_revision is None
    assert PageLogEntry.objects.filter(
        page=page, action="wagtail.publish.scheduled"
    ).exists()
    assert client.get(ARTICLE_URL).status_code == 200


def test_an_editors_go_live_time_publishes_nothing(client, tree, frozen):
    staff = make_staff()
    page = NewsPageFactory(parent=tree.section_ru, slug="utrennyaya-smena", live=False)
    schedule(client, staff.editor, page)  # an editor's "publish" saves a draft
    frozen.move_to(GO_LIVE + timedelta(hours=1))
    run_worker_once()
    page.refresh_from_db()
    assert not page.live


def test_the_worker_expires_pages_when_their_time_is_up(tree, frozen):
    page = NewsPageFactory(parent=tree.section_ru, slug="utrennyaya-smena")
    page.expire_at = GO_LIVE
    page.save_revision().publish()
    run_worker_once()
    page.refresh_from_db()
    assert page.live
    frozen.move_to(GO_LIVE + timedelta(minutes=1))
    run_worker_once()
    page.refresh_from_db()
    assert not page.live and page.expired


def test_the_worker_refuses_negative_settings():
    with pytest.raises(CommandError):
        call_command("run_worker", interval=-1)


def test_the_worker_survives_a_broken_database_and_stops_on_sigterm(tmp_path):
    """A real process: its runs fail (no tables), it keeps going, SIGTERM ends it."""
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_project.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        stderr = ""
        while (
            time.monotonic() < deadline and stderr.count("publish_scheduled failed") < 2
        ):
            line = worker.stderr.readline()
            if not line and worker.poll() is not None:
                break
            stderr += line
        assert worker.poll() is None, stderr  # still running after failed runs
        assert stderr.count("publish_scheduled failed") >= 2
        worker.send_signal(signal.SIGTERM)
        stdout, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0
    assert "Worker stopped after" in stdout


def test_docker_compose_runs_the_worker_command():
    root = Path(__file__).resolve().parents[1]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    assert compose["services"]["worker"]["command"][:3] == [
        "python",
        "manage.py",
        "run_worker",
    ]
