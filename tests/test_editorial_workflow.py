"""Draft → review → changes requested → revised → approved, through the real admin.

Also: editors never publish, previews of drafts in both languages, drafts and
previews kept from anonymous readers and caches, the dashboard panels, and
comments and locking left on.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, WorkflowState

from news.models import NewsPage
from newsroom.panels import InReviewPanel, MyDraftsPanel, RecentlyPublishedPanel
from tests.factories import NewsPageFactory
from tests.newsroom_support import (
    article_form_data,
    dashboard_panels,
    make_staff,
    page_form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    return make_staff()


def add_url(parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["news", "newspage", parent.pk])


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def workflow_action_url(page: Page, action: str) -> str:
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    return reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk]
    )


def test_an_article_goes_from_draft_through_review_to_live(client, tree, staff):
    # The editor writes a draft in the ru tree…
    client.force_login(staff.editor)
    data = article_form_data(title="Новый конвейер", slug="novyj-konvejer")
    response = client.post(add_url(tree.section_ru), data)
    assert response.status_code == 302
    page = NewsPage.objects.get(slug="novyj-konvejer", locale=tree.section_ru.locale)
    assert not page.live
    assert page.owner == staff.editor

    # …has no publish button, and a forged publish only saves a draft…
    response = client.get(edit_url(page))
    assert response.status_code == 200
    assert b'name="action-submit"' in response.content
    assert b'name="action-publish"' not in response.content
    client.post(edit_url(page), {**page_form_data(page), "action-publish": "on"})
    page.refresh_from_db()
    assert not page.live
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish")

    # …and submits it for review.
    response = client.post(
        edit_url(page), {**page_form_data(page), "action-submit": "on"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.workflow_in_progress
    assert page.current_workflow_task.name == "Одобрение выпускающего редактора"

    # In review the page is locked for its author: a forged publish is refused.
    response = client.post(
        edit_url(page), {**page_form_data(page), "action-publish": "on"}
    )
    assert response.status_code == 200
    page.refresh_from_db()
    assert not page.live

    # The moderator requests changes, with a comment.
    client.force_login(staff.moderator)
    response = client.post(
        workflow_action_url(page, "reject"), {"comment": "Уточните цифры."}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    # The editor revises and resubmits; the same workflow resumes.
    client.force_login(staff.editor)
    response = client.post(
        edit_url(page),
        {
            **page_form_data(page, lead="Конвейер разгрузил 40 самосвалов в смену."),
            "action-submit": "on",
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    # The moderator approves: the page goes live with the revised text.
    client.force_login(staff.moderator)
    response = client.post(workflow_action_url(page, "approve"), {"comment": ""})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    assert page.specific.lead == "Конвейер разгрузил 40 самосвалов в смену."

    # The history shows every step, in order.
    actions = list(
        PageLogEntry.objects.filter(page=page)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )
    steps = [
        "wagtail.create",
        "wagtail.workflow.start",
        "wagtail.workflow.reject",
        "wagtail.workflow.resume",
        "wagtail.workflow.approve",
        "wagtail.publish",
    ]
    positions = [actions.index(step) for step in steps]
    assert positions == sorted(positions), actions
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert history.status_code == 200
    for user in (staff.editor, staff.moderator):
        assert user.get_full_name() in history.content.decode()


def test_the_reader_never_sees_a_draft(client, tree, staff):
    draft = NewsPageFactory(parent=tree.section_ru, slug="chernovik", live=False)
    assert client.get(draft.url or "/ru/novosti/chernovik/").status_code == 404
    client.force_login(staff.editor)
    assert client.get("/ru/novosti/chernovik/").status_code == 404


def test_unpublished_changes_stay_out_of_the_live_page(client, tree, staff):
    page = NewsPageFactory(
        parent=tree.section_ru, title="Живой заголовок", slug="zhivoj"
    )
    page.title = "Черновой заголовок"
    page.save_revision(user=staff.editor)
    response = client.get("/ru/novosti/zhivoj/")
    assert response.status_code == 200
    assert "Живой заголовок" in response.content.decode()
    assert "Черновой заголовок" not in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_drafts_preview_in_their_own_language_and_are_never_cached(
    client, tree, staff, language
):
    parent = tree.section_ru if language == "ru" else tree.section_kk
    author = staff.editor if language == "ru" else staff.translator
    title = {"ru": "Черновик о карьере", "kk": "Карьер туралы жоба"}[language]
    page = NewsPageFactory(parent=parent, slug=f"draft-{language}", live=False)
    page.title = title
    page.save_revision(user=author)

    client.force_login(author)
    draft = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert draft.status_code == 200
    html = draft.content.decode()
    assert title in html
    assert f'lang="{language}"' in html
    assert "no-store" in draft["Cache-Control"]
    assert "private" in draft["Cache-Control"]

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    stored = client.post(
        preview_url, page_form_data(page.get_latest_revision_as_object())
    )
    assert stored.json() == {"is_valid": True, "is_available": True}
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert title in preview.content.decode()
    assert f'lang="{language}"' in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]

    client.logout()
    for url in (reverse("wagtailadmin_pages:view_draft", args=[page.pk]), preview_url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_comments_and_locking_stay_on(client, tree, staff):
    assert getattr(settings, "WAGTAILADMIN_COMMENTS_ENABLED", True)
    page = NewsPageFactory(parent=tree.section_ru, slug="zamok")
    client.force_login(staff.editor)
    response = client.get(edit_url(page))
    assert b"comments" in response.content
    response = client.post(reverse("wagtailadmin_pages:lock", args=[page.pk]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.locked and page.locked_by == staff.editor
    client.force_login(staff.moderator)
    response = client.post(edit_url(page), page_form_data(page, title="Чужая правка"))
    assert response.status_code == 200  # refused: locked by someone else
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title != "Чужая правка"


# ----------------------------------------------------------------- dashboard


def submit_new_article(client, parent, title: str, slug: str) -> NewsPage:
    client.post(add_url(parent), article_form_data(title=title, slug=slug))
    page = NewsPage.objects.get(slug=slug, locale=parent.locale)
    client.post(edit_url(page), {**page_form_data(page), "action-submit": "on"})
    return page


def test_the_dashboard_shows_drafts_reviews_and_recent_publications(
    client, tree, staff
):
    client.force_login(staff.editor)
    submit_new_article(client, tree.section_ru, "Мой черновик", "moj-chernovik")
    client.post(
        add_url(tree.section_ru),
        article_form_data(title="Незаконченная заметка", slug="zametka"),
    )
    NewsPageFactory(parent=tree.section_ru, title="Вчерашняя новость").save_revision(
        user=staff.moderator
    ).publish(user=staff.moderator)

    panels = dashboard_panels(staff.editor)
    assert "Мой черновик" in panels["newsroom-my-drafts"]
    assert "Незаконченная заметка" in panels["newsroom-my-drafts"]
    assert "Одобрение выпускающего редактора" in panels["newsroom-my-drafts"]
    # Who reviews what: the step, the approving groups and their members.
    review = panels["newsroom-in-review"]
    assert "Мой черновик" in review
    assert "Незаконченная заметка" not in review
    assert "Выпускающие редакторы" in review
    assert staff.moderator.get_full_name() in review
    assert staff.editor.get_full_name() in review  # who submitted it
    published = panels["newsroom-recently-published"]
    assert "Вчерашняя новость" in published
    assert staff.moderator.get_full_name() in published

    moderator = dashboard_panels(staff.moderator)
    assert "Мой черновик" in moderator["awaiting-review"]  # Wagtail's own panel
    assert "newsroom-my-drafts" not in moderator  # nothing of theirs is pending


def test_the_review_panel_keeps_to_the_readers_trees(client, tree, staff):
    client.force_login(staff.editor)
    submit_new_article(client, tree.section_ru, "Статья на проверке", "na-proverke")

    assert "newsroom-in-review" not in dashboard_panels(staff.translator)
    assert (
        "Статья на проверке" in dashboard_panels(staff.moderator)["newsroom-in-review"]
    )


def panel_queries(user) -> dict[str, int]:
    """Queries each newsroom panel runs to render for ``user``."""
    counts = {}
    for panel in (MyDraftsPanel(), InReviewPanel(), RecentlyPublishedPanel()):
        request = RequestFactory().get(reverse("wagtailadmin_home"))
        request.user = type(user).objects.get(pk=user.pk)  # no cached permissions
        with CaptureQueriesContext(connection) as queries:
            html = panel.render_html({"request": request, "csrf_token": ""})
        assert html.strip(), panel.name
        counts[panel.name] = len(queries)
    return counts


def test_dashboard_panels_cost_the_same_queries_for_one_page_or_many(
    client, tree, staff
):
    client.force_login(staff.editor)
    submit_new_article(client, tree.section_ru, "Первая", "pervaya")
    NewsPageFactory(parent=tree.section_ru).save_revision(user=staff.moderator).publish(
        user=staff.moderator
    )
    one = panel_queries(staff.editor)
    for number in range(4):
        submit_new_article(client, tree.section_ru, f"Ещё {number}", f"eshhe-{number}")
        NewsPageFactory(parent=tree.section_ru).save_revision(
            user=staff.moderator
        ).publish(user=staff.moderator)
    assert panel_queries(staff.editor) == one
