"""Scheduled work shows (issue 12, item 10).

"Recently published" lists what a moderator scheduled, as scheduled with its
go-live time, and what went live on schedule; an article scheduled for its
first publication is dated by its go-live, not by the moment the correspondent
opened the "add" form. Through the admin, with the worker's tick and a frozen
clock (see test_scheduled_publishing.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import dateformat, timezone

from news.models import NewsPage
from tests.factories import NewsPageFactory
from tests.newsroom_support import (
    article_form_data,
    dashboard_panels,
    local,
    make_staff,
    page_form_data,
)

pytestmark = pytest.mark.django_db

MORNING = local("2025-03-03 08:00")
GO_LIVE = local("2025-03-03 09:30")
URL = "/ru/novosti/utrennyaya-smena/"


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(tree):
    return make_staff()


def form_value(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def written_with_the_default_date(client, tree, staff) -> NewsPage:
    """The correspondent opens "add" and saves, leaving the date as offered."""
    client.force_login(staff.editor)
    add = reverse(
        "wagtailadmin_pages:add", args=["news", "newspage", tree.section_ru.pk]
    )
    form = BeautifulSoup(client.get(add).content, "html.parser")
    offered = form.select_one("#id_publication_date")["value"]
    data = article_form_data(
        title="Утренняя смена", slug="utrennyaya-smena", publication_date=offered
    )
    assert client.post(add, data).status_code == 302
    return NewsPage.objects.get(slug="utrennyaya-smena", locale=tree.section_ru.locale)


def schedule(client, moderator, page, go_live_at=GO_LIVE, **fields) -> None:
    client.force_login(moderator)
    page = page.get_latest_revision_as_object()
    data = page_form_data(page, go_live_at=form_value(go_live_at), **fields)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**data, "action-publish": "on"},
    )
    assert response.status_code == 302


def tick_after(frozen, moment) -> None:
    frozen.move_to(moment + timedelta(minutes=1))
    call_command("run_worker", iterations=1, interval=0, verbosity=0)


def published_time(client) -> str:
    client.logout()
    response = client.get(URL)
    assert response.status_code == 200
    meta = BeautifulSoup(response.content, "html.parser").select_one(
        'meta[property="article:published_time"]'
    )
    return meta["content"]


def iso(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "c")


def test_a_scheduled_article_is_dated_by_its_go_live_not_by_the_open_form(
    client, tree, staff, frozen
):
    page = written_with_the_default_date(client, tree, staff)
    assert page.publication_date == MORNING
    schedule(client, staff.moderator, page)
    tick_after(frozen, GO_LIVE)
    assert published_time(client) == iso(GO_LIVE)


def cancel_schedule(client, moderator, page) -> None:
    page.refresh_from_db()
    client.force_login(moderator)
    response = client.post(
        reverse(
            "wagtailadmin_pages:revisions_unschedule",
            args=[page.pk, page.scheduled_revision.pk],
        )
    )
    assert response.status_code == 302


def test_moving_the_schedule_earlier_moves_the_date(client, tree, staff, frozen):
    page = written_with_the_default_date(client, tree, staff)
    schedule(client, staff.moderator, page)
    cancel_schedule(client, staff.moderator, page)  # a scheduled page is locked
    earlier = GO_LIVE - timedelta(minutes=45)
    schedule(client, staff.moderator, page, go_live_at=earlier)
    tick_after(frozen, earlier)
    assert published_time(client) == iso(earlier)


def test_an_editors_later_date_is_kept(client, tree, staff, frozen):
    page = written_with_the_default_date(client, tree, staff)
    evening = GO_LIVE + timedelta(hours=8)
    schedule(client, staff.moderator, page, publication_date=form_value(evening))
    tick_after(frozen, GO_LIVE)
    assert published_time(client) == iso(evening)


def test_a_scheduled_update_keeps_the_live_articles_date(client, tree, staff, frozen):
    page = NewsPageFactory(
        parent=tree.section_ru,
        title="Утренняя смена",
        slug="utrennyaya-smena",
        publication_date=local("2025-03-01 10:00"),
    )
    schedule(client, staff.moderator, page, lead="Уточнённый лид.")
    tick_after(frozen, GO_LIVE)
    assert published_time(client) == iso(local("2025-03-01 10:00"))


def test_recently_published_shows_scheduled_work(client, tree, staff, frozen):
    page = written_with_the_default_date(client, tree, staff)
    schedule(client, staff.moderator, page)

    panels = dashboard_panels(staff.moderator)
    panel = panels["newsroom-recently-published"]
    assert "Утренняя смена" in panel
    assert "Запланировано на 03.03.2025 09:30" in panel
    assert staff.moderator.get_full_name() in panel  # who scheduled it
    assert "Запланировано на 03.03.2025 09:30" in panels["newsroom-my-drafts"]
    assert "Черновик" not in panels["newsroom-my-drafts"]

    tick_after(frozen, GO_LIVE)
    panel = dashboard_panels(staff.moderator)["newsroom-recently-published"]
    assert "Утренняя смена" in panel
    assert "Запланировано на" not in panel
    assert "По расписанию" in panel
    assert staff.moderator.get_full_name() in panel  # the worker has no name


def test_a_cancelled_schedule_leaves_recently_published(client, tree, staff, frozen):
    page = written_with_the_default_date(client, tree, staff)
    schedule(client, staff.moderator, page)
    cancel_schedule(client, staff.moderator, page)
    assert "newsroom-recently-published" not in dashboard_panels(staff.moderator)
