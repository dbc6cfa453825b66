"""Editors' side of search: popular queries and search promotions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from wagtail.admin.menu import reports_menu
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("promoter", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "add_searchpromotion"],
        )
    )
    return user


def searched(text: str, times: int) -> Query:
    query = Query.get(text)
    for _ in range(times):
        query.add_hit()
    return query


def test_popular_queries_are_listed_by_searches_with_promotions(client, editor, tree):
    searched("карьер", 3)
    popular = searched("мамандық", 5)
    SearchPromotion.objects.create(query=popular, page=tree.section_kk, sort_order=0)
    client.force_login(editor)
    response = client.get("/admin/reports/popular-queries/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("мамандық") < html.index("карьер")
    rows = {query.query_string: query for query in response.context["object_list"]}
    assert rows["мамандық"]._hits == 5 and rows["мамандық"]._promotions == 1
    assert rows["карьер"]._hits == 3 and not rows["карьер"]._promotions


def test_report_is_in_the_reports_menu_instead_of_wagtails_search_terms(client, editor):
    client.force_login(editor)
    request = client.get("/admin/").wsgi_request
    names = [item.name for item in reports_menu.menu_items_for_request(request)]
    assert "popular-queries" in names
    assert "search-terms" not in names


def test_editors_without_promotion_rights_cannot_see_the_report(
    client, django_user_model
):
    user = django_user_model.objects.create_user("reader", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get("/admin/reports/popular-queries/")
    assert response.status_code in (302, 403)


def test_promotions_admin_is_available(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/searchpicks/").status_code == 200


def test_admin_page_search_still_finds_articles_by_title(
    client, admin_user, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_article(tree.section_kk, "Жітіқара кеніші", "Мәтін.")
    client.force_login(admin_user)
    response = client.get("/admin/pages/search/", {"q": "Жітіқара"})
    assert response.status_code == 200
    assert "Жітіқара кеніші" in response.content.decode()
