"""Garbled or hostile admin POSTs are form errors, never a 500, and change nothing.

Wagtail parses the rich-text editor's hidden input as JSON, StreamField's
``-count``/``-order`` values as integers and chooser ids as primary keys, and
lets the parser's exception escape (home/form_guards.py names each place). A
correspondent posting such bodies to the page edit and create views, or an
author's form, gets the form back with the field's error.
"""

from __future__ import annotations

import json

import pytest
from django.forms.utils import ErrorList
from django.urls import reverse
from wagtail.blocks.base import get_error_json_data

from news.models import NewsPage
from tests.factories import AuthorFactory, NewsPageFactory
from tests.newsroom_support import make_staff, page_form_data

pytestmark = pytest.mark.django_db

UNREADABLE = (
    "Не удалось прочитать отправленное значение. Перезагрузите страницу и "
    "внесите изменение ещё раз."
)
PARAGRAPH = '{"blocks": [{"key": "a", "text": "%s", "type": "unstyled", "depth": 0, "inlineStyleRanges": [], "entityRanges": [], "data": {}}], "entityMap": {}}'  # noqa: E501


def block(kind: str, value=None, **fields: str) -> dict:
    """One StreamField child as the admin posts it, at index 0."""
    data = {
        "body-count": "1",
        "body-0-type": kind,
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "",
    }
    if value is not None:
        data["body-0-value"] = value
    data.update({f"body-0-value-{name}": text for name, text in fields.items()})
    return data


HOSTILE_BODIES = {
    "paragraph not json": block("paragraph", "<p>не JSON</p>"),
    "paragraph a json list": block("paragraph", "[1, 2]"),
    "paragraph a json number": block("paragraph", "5"),
    "paragraph blocks not a list": block("paragraph", '{"blocks": 5, "entityMap": {}}'),
    "paragraph block without keys": block(
        "paragraph", '{"blocks": [{"x": 1}], "entityMap": {}}'
    ),
    "paragraph link to a missing entity": block(
        "paragraph",
        PARAGRAPH.replace(
            '"entityRanges": []',
            '"entityRanges": [{"offset": 0, "length": 2, "key": 7}]',
        )
        % "hi",
    ),
    "answer not json": block("question_answer", question="Как?", answer="ответ"),
    "count not a number": {"body-count": "много"},
    "count without children": {"body-count": "3"},
    "child without a type": {
        key: value
        for key, value in block("paragraph", "x").items()
        if key != "body-0-type"
    },
    "order not a number": {
        **block("heading", text="Т", level="h2"),
        "body-0-order": "первый",
    },
    "gallery count not a number": block("gallery", title="", **{"images-count": "x"}),
    "fact order not a number": block(
        "fact_box",
        title="Цифры",
        **{
            "facts-count": "1",
            "facts-0-value": "факт",
            "facts-0-deleted": "",
            "facts-0-order": "q",
            "facts-0-id": "",
        },
    ),
    "table not json": block("table", "таблица"),
    "table a json list": block("table", "[1]"),
    "table whose rows are not rows": block(
        "table", '{"table_header_choice": "row", "data": 5}'
    ),
    "image id not a number": block("image", image="abc", caption="", credit=""),
    "document id not a number": block("document", document="abc", title=""),
    "timeline photo id not a number": block(
        "timeline_event", date_label="1965", title="Т", text="", image="x"
    ),
}


@pytest.fixture
def staff(tree):
    return make_staff()


@pytest.fixture
def article(tree):
    return NewsPageFactory(
        parent=tree.section_ru, title="Исходный заголовок", slug="iskhodnaya"
    )


def without_body(data: dict) -> dict:
    return {key: value for key, value in data.items() if not key.startswith("body-")}


def error_text(errors) -> str:
    """Every message of a field's errors, nested StreamField block errors too."""
    return " ".join(
        json.dumps(get_error_json_data(error), ensure_ascii=False)
        for error in errors.as_data()
    )


def assert_refused(response, field: str) -> None:
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert UNREADABLE in error_text(errors.get(field, ErrorList())), errors


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_hostile_body_on_the_edit_form_is_refused_and_keeps_the_page(
    client, staff, article, body
):
    client.force_login(staff.editor)
    revisions = article.revisions.count()
    data = {**without_body(page_form_data(article, title="Подмена")), **body}
    response = client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data)
    assert_refused(response, "body")
    assert article.revisions.count() == revisions
    assert NewsPage.objects.get(pk=article.pk).title == "Исходный заголовок"


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_hostile_body_on_the_create_form_is_refused_and_creates_nothing(
    client, staff, tree, article, body
):
    client.force_login(staff.editor)
    data = {
        **without_body(page_form_data(article, title="Новая", slug="novaya")),
        **body,
    }
    response = client.post(
        reverse(
            "wagtailadmin_pages:add", args=["news", "newspage", tree.section_ru.pk]
        ),
        data,
    )
    assert_refused(response, "body")
    assert not NewsPage.objects.filter(slug="novaya").exists()


def test_a_cover_image_id_that_is_not_a_number_is_an_error(client, staff, article):
    client.force_login(staff.editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        page_form_data(article, cover_image="abc"),
    )
    assert response.status_code == 200
    assert "cover_image" in response.context["form"].errors
    assert article.revisions.count() == 0


def test_an_author_id_that_is_not_a_number_is_an_error(client, staff, article):
    client.force_login(staff.editor)
    data = page_form_data(article)
    data.update(
        {
            "article_authors-TOTAL_FORMS": "1",
            "article_authors-0-author": "abc",
            "article_authors-0-id": "",
            "article_authors-0-ORDER": "1",
            "article_authors-0-DELETE": "",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data)
    assert response.status_code == 200
    authors = response.context["form"].formsets["article_authors"]
    assert "author" in authors.forms[0].errors
    assert article.revisions.count() == 0


def test_an_authors_photo_id_that_is_not_a_number_is_an_error(client, staff):
    author = AuthorFactory(name="Иван Петров")
    client.force_login(staff.editor)
    response = client.post(
        reverse("wagtailsnippets_news_author:edit", args=[author.pk]),
        {"name": "Подмена", "position": "", "photo": "abc"},
    )
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors
    author.refresh_from_db()
    assert author.name == "Иван Петров"
