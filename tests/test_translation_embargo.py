"""A Russian article scheduled for later is published nowhere before its time.

Issue 12, item 1. Wagtail's ``PublishPageRevisionAction`` runs
``_after_publish`` for a future go-live too: ``update_aliases()`` sets the kk
alias live, so the Russian article was public at its Kazakh address, on the
Kazakh home, section and feed, until the worker ran. Here the moderator
schedules through the admin's edit view and the worker publishes, as in the
newsroom; the Kazakh side shows nothing before the go-live and the "not yet
translated" notice after it, never the Russian body.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from news.models import NewsPage
from tests.newsroom_support import local
from tests.translation_support import (
    article_with_body,
    create_in_admin,
    form_errors,
    newsroom_staff,
)

pytestmark = pytest.mark.django_db

MORNING = local("2025-03-03 08:00")
GO_LIVE = local("2025-03-03 09:30")
TITLE_RU = "Фабрика выходит на проектную мощность"
LEAD_RU = "Вторая линия заработает к полудню."
BODY_RU = "Наладчики закончили последние испытания ночью."
TITLE_KK = "Фабрика жобалық қуатына шығады"
BODY_KK = "Реттеушілер соңғы сынақтарды түнде аяқтады."
NOTICE = "әлі қазақ тіліне аударылмаған"


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def tick(frozen) -> None:
    """The go-live time passes and the worker runs once, as docker-compose's does."""
    frozen.move_to(GO_LIVE + timedelta(minutes=1))
    call_command("run_worker", iterations=1, interval=0, verbosity=0)


def kk_twin(article) -> Page:
    return Page.objects.get(
        translation_key=article.translation_key, locale__language_code="kk"
    )


def schedule_form(page, *, body: str = BODY_RU) -> dict:
    data = article_with_body(
        title=page.title, slug=page.slug, lead=LEAD_RU, paragraph=body, page=page
    )
    go_live = timezone.localtime(GO_LIVE).strftime("%Y-%m-%d %H:%M")
    return data | {"go_live_at": go_live, "action-publish": "on"}


def schedule(client, moderator, page, **form) -> None:
    """The moderator's "Publish" with a go-live time: Wagtail schedules it."""
    client.force_login(moderator)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), schedule_form(page, **form)
    )
    assert response.status_code == 302, form_errors(response)
    client.logout()


def assert_nothing_russian_in_kazakh(client, tree, twin, *, notice: bool) -> None:
    """The kk address is a 404 or the notice, and no kk listing names the article."""
    response = client.get(f"{tree.section_kk.url}{twin.slug}/")
    html = response.content.decode()
    assert BODY_RU not in html
    if notice:
        assert response.status_code == 200 and NOTICE in html
    else:
        assert response.status_code == 404 or NOTICE in html
    for url in ("/kk/", tree.section_kk.url, "/kk/feed/"):
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert TITLE_RU not in listing.content.decode(), url


@pytest.fixture
def draft_ru(client, tree, frozen, django_capture_on_commit_callbacks):
    """A correspondent's new ru draft: its kk twin is wagtail-localize's alias."""
    staff = newsroom_staff()
    client.force_login(staff.editor)
    with django_capture_on_commit_callbacks(execute=True):
        create_in_admin(
            client,
            tree.section_ru,
            article_with_body(title=TITLE_RU, lead=LEAD_RU, paragraph=BODY_RU),
        )
    client.logout()
    article = NewsPage.objects.get(title=TITLE_RU, locale__language_code="ru")
    assert kk_twin(article).alias_of_id == article.pk
    return staff, article


def test_a_scheduled_new_article_is_live_in_no_language_before_its_time(
    client, tree, draft_ru, django_capture_on_commit_callbacks
):
    staff, article = draft_ru
    with django_capture_on_commit_callbacks(execute=True):
        schedule(client, staff.moderator, article)
    article.refresh_from_db()
    assert not article.live and article.scheduled_revision is not None
    twin = kk_twin(article)
    assert not twin.live
    assert twin.alias_of_id is None  # an untranslated draft, not an alias
    assert_nothing_russian_in_kazakh(client, tree, twin, notice=False)


def test_at_its_go_live_the_russian_article_is_live_and_kazakh_shows_the_notice(
    client, tree, draft_ru, frozen, django_capture_on_commit_callbacks
):
    staff, article = draft_ru
    with django_capture_on_commit_callbacks(execute=True):
        schedule(client, staff.moderator, article)
        tick(frozen)
    article.refresh_from_db()
    assert article.live
    assert BODY_RU in client.get(article.url).content.decode()
    twin = kk_twin(article)
    assert not twin.live
    assert_nothing_russian_in_kazakh(client, tree, twin, notice=True)


def test_scheduling_logs_the_kazakh_twin_kept_as_an_untranslated_draft(
    client, tree, draft_ru, django_capture_on_commit_callbacks
):
    staff, article = draft_ru
    with django_capture_on_commit_callbacks(execute=True):
        schedule(client, staff.moderator, article)
    twin = kk_twin(article)
    assert PageLogEntry.objects.filter(
        page=article, action="wagtail.publish.schedule"
    ).exists()
    kk_actions = set(
        PageLogEntry.objects.filter(page=twin).values_list("action", flat=True)
    )
    assert "translations.embargo" in kk_actions
    assert not kk_actions & {"wagtail.publish", "wagtail.publish.scheduled"}
    entry = PageLogEntry.objects.get(page=twin, action="translations.embargo")
    assert entry.user == staff.moderator
    client.force_login(staff.moderator)
    history = client.get(reverse("wagtailadmin_pages:history", args=[twin.pk]))
    assert history.status_code == 200
    assert "Оставлена непереведённым черновиком: публикация оригинала" in (
        history.content.decode()
    )


def test_an_article_scheduled_from_the_create_view_stays_out_of_kazakh(
    client, tree, frozen, django_capture_on_commit_callbacks
):
    staff = newsroom_staff()
    client.force_login(staff.moderator)
    go_live = timezone.localtime(GO_LIVE).strftime("%Y-%m-%d %H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        create_in_admin(
            client,
            tree.section_ru,
            article_with_body(title=TITLE_RU, lead=LEAD_RU, paragraph=BODY_RU)
            | {"go_live_at": go_live, "action-publish": "on"},
        )
    client.logout()
    article = NewsPage.objects.get(title=TITLE_RU, locale__language_code="ru")
    assert not article.live
    twin = kk_twin(article)
    assert not twin.live and twin.alias_of_id is None
    assert_nothing_russian_in_kazakh(client, tree, twin, notice=False)
    with django_capture_on_commit_callbacks(execute=True):
        tick(frozen)
    assert NewsPage.objects.get(pk=article.pk).live
    assert_nothing_russian_in_kazakh(client, tree, kk_twin(article), notice=True)


def test_a_translated_article_keeps_its_kazakh_text_through_a_scheduled_update(
    client, tree, draft_ru, frozen, django_capture_on_commit_callbacks
):
    staff, article = draft_ru
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision(user=staff.moderator).publish(user=staff.moderator)
        kazakh = kk_twin(article).specific
        kazakh.title = TITLE_KK
        kazakh.body = [("paragraph", f"<p>{BODY_KK}</p>")]
        kazakh.save_revision(user=staff.moderator).publish(user=staff.moderator)
        schedule(client, staff.moderator, article, body="Новая редакция текста.")
    address = f"{tree.section_kk.url}{kazakh.slug}/"
    before = client.get(address).content.decode()
    assert BODY_KK in before and "Новая редакция" not in before
    with django_capture_on_commit_callbacks(execute=True):
        tick(frozen)
    assert "Новая редакция" in client.get(article.url).content.decode()
    after = client.get(address)
    assert after.status_code == 200
    assert BODY_KK in after.content.decode()
    assert "Новая редакция" not in after.content.decode()
    assert TITLE_KK in client.get("/kk/").content.decode()
