"""Revisions tell the reviewer what changed (issue 12, item 9).

A correspondent submits, the moderator requests changes, the correspondent
fixes the article in the editor (autosave keeps the fix as revisions of its
own) and resubmits. Wagtail's "Compare with previous version" then compares
the resubmitted revision with the autosaved one: no differences. The moderator
must be offered the comparison with the revision they reviewed.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from news.models import NewsPage
from tests.newsroom_support import article_form_data, make_staff, page_form_data

pytestmark = pytest.mark.django_db

REVIEWED_LEAD = "Конвейер разгрузил 30 самосвалов."
FIXED_LEAD = "Конвейер разгрузил 42 самосвала за смену."
COMPARE = re.compile(r"/admin/pages/\d+/revisions/compare/")


@pytest.fixture
def staff(tree):
    return make_staff()


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_changes(moderator, page: Page) -> None:
    page.refresh_from_db()
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "reject", page.current_workflow_task_state.pk],
    )
    response = as_user(moderator).post(url, {"comment": "Проверьте цифры."})
    assert response.status_code == 302


def autosave(client, page: Page, lead: str, overwrite: int | None = None) -> int:
    """What the editor's autosave posts: JSON, overwriting its own revision."""
    data = page_form_data(page, lead=lead)
    if overwrite:
        data["overwrite_revision_id"] = str(overwrite)
    response = client.post(edit_url(page), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["success"]
    return response.json()["revision_id"]


def fixed_after_changes(tree, staff) -> NewsPage:
    """Submit → changes requested → fixed, autosaved twice (not yet resubmitted)."""
    correspondent = as_user(staff.editor)
    response = correspondent.post(
        reverse(
            "wagtailadmin_pages:add", args=["news", "newspage", tree.section_ru.pk]
        ),
        {
            **article_form_data(
                title="Новый конвейер", slug="novyj-konvejer", lead=REVIEWED_LEAD
            ),
            "action-submit": "on",
        },
    )
    assert response.status_code == 302
    page = NewsPage.objects.get(slug="novyj-konvejer", locale=tree.section_ru.locale)
    request_changes(staff.moderator, page)
    revision = autosave(correspondent, page, FIXED_LEAD[:20])
    autosave(correspondent, page, FIXED_LEAD, overwrite=revision)
    return page


def resubmitted_after_changes(tree, staff) -> NewsPage:
    page = fixed_after_changes(tree, staff)
    response = as_user(staff.editor).post(
        edit_url(page), {**page_form_data(page, lead=FIXED_LEAD), "action-submit": "on"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.workflow_in_progress
    return page


def compare_links(html: bytes) -> list[tuple[str, str]]:
    """(href, label) of every revision comparison a page links to."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        (link["href"], link.get_text(" ", strip=True))
        for link in soup.find_all("a", href=COMPARE)
    ]


def shows_the_fix(client, href: str) -> bool:
    response = client.get(href)
    assert response.status_code == 200
    html = response.content.decode()
    return "42 самосвала" in html and "30 самосвалов" in html


def test_the_moderator_compares_the_resubmission_with_the_reviewed_revision(
    tree, staff
):
    page = resubmitted_after_changes(tree, staff)
    moderator = as_user(staff.moderator)

    response = moderator.get(edit_url(page))
    assert response.status_code == 200
    links = compare_links(response.content)
    # Wagtail's own "previous version" compares two copies of the same fix.
    previous = page.get_latest_revision().get_previous()
    upstream = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[page.pk, previous.pk, page.latest_revision_id],
    )
    assert upstream in dict(links) and not shows_the_fix(moderator, upstream)
    reviewed = [href for href, label in links if "проверен" in label]
    assert len(reviewed) == 1, links
    assert shows_the_fix(moderator, reviewed[0])


def test_the_in_review_panel_offers_the_comparison_with_the_reviewed_revision(
    tree, staff
):
    page = resubmitted_after_changes(tree, staff)
    moderator = as_user(staff.moderator)

    response = moderator.get(reverse("wagtailadmin_home"))
    soup = BeautifulSoup(response.content, "html.parser")
    panel = soup.select_one("#newsroom-in-review-section")
    assert panel is not None
    links = compare_links(str(panel).encode())
    assert len(links) == 1, links
    ((href, _label),) = links
    assert f"/admin/pages/{page.pk}/" in href
    assert shows_the_fix(moderator, href)


def test_a_first_submission_offers_no_reviewed_revision(client, tree, staff):
    correspondent = as_user(staff.editor)
    correspondent.post(
        reverse(
            "wagtailadmin_pages:add", args=["news", "newspage", tree.section_ru.pk]
        ),
        {
            **article_form_data(title="Без замечаний", slug="bez-zamechanij"),
            "action-submit": "on",
        },
    )
    page = NewsPage.objects.get(slug="bez-zamechanij", locale=tree.section_ru.locale)
    moderator = as_user(staff.moderator)
    assert not [
        label
        for _href, label in compare_links(moderator.get(edit_url(page)).content)
        if "проверен" in label
    ]
    panel = BeautifulSoup(
        moderator.get(reverse("wagtailadmin_home")).content, "html.parser"
    ).select_one("#newsroom-in-review-section")
    assert not compare_links(str(panel).encode())


def test_the_correspondent_sees_what_they_changed_since_the_review(tree, staff):
    page = fixed_after_changes(tree, staff)
    correspondent = as_user(staff.editor)
    links = compare_links(correspondent.get(edit_url(page)).content)
    reviewed = [href for href, label in links if "проверен" in label]
    assert len(reviewed) == 1, links
    assert shows_the_fix(correspondent, reviewed[0])


def test_an_edit_made_while_requesting_changes_counts_as_reviewed(tree, staff):
    """The moderator retitles the article in the editor and requests changes
    there: the comparison starts from the moderator's version."""
    correspondent = as_user(staff.editor)
    correspondent.post(
        reverse(
            "wagtailadmin_pages:add", args=["news", "newspage", tree.section_ru.pk]
        ),
        {
            **article_form_data(
                title="Новый конвейер", slug="novyj-konvejer", lead=REVIEWED_LEAD
            ),
            "action-submit": "on",
        },
    )
    page = NewsPage.objects.get(slug="novyj-konvejer", locale=tree.section_ru.locale)
    page.refresh_from_db()
    moderator = as_user(staff.moderator)
    response = moderator.post(
        edit_url(page),
        {
            **page_form_data(page, title="Конвейер запущен"),
            "action-workflow-action": "true",
            "workflow-action-name": "reject",
            "workflow-action-extra-data": '{"comment": "Проверьте цифры."}',
        },
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.current_workflow_state.status == "needs_changes"
    links = compare_links(correspondent.get(edit_url(page)).content)
    assert not [href for href, label in links if "проверен" in label]

    revised = page.get_latest_revision_as_object()
    response = correspondent.post(
        edit_url(page),
        {**page_form_data(revised, lead=FIXED_LEAD), "action-submit": "on"},
    )
    assert response.status_code == 302
    links = compare_links(moderator.get(edit_url(page)).content)
    reviewed = [href for href, label in links if "проверен" in label]
    assert len(reviewed) == 1, links
    assert shows_the_fix(moderator, reviewed[0])
    assert "Новый конвейер" not in moderator.get(reviewed[0]).content.decode()
