"""Web nodes share nothing but the database, Redis and object storage.

Two real gunicorn nodes (tests.stack_support) with the production settings
serve one committed database and one Redis: what an editor does on node A is
what a reader gets from node B on the very next GET, even where B had the old
page in its cache.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.stack_support import Browser, collect_static, get, running_stack

SECTION = "/ru/novosti/"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    static_root = tmp_path_factory.mktemp("static")
    collect_static(static_root)
    with running_stack(tmp_path_factory.mktemp("stack"), static_root) as stack:
        yield stack


@pytest.fixture(scope="module")
def editor_on_a(stack):
    return Browser(stack.nodes[0].base).log_in()


def article_form(title: str, slug: str, lead: str = "Вступление.") -> dict:
    """What the admin's news form posts when an editor presses Publish."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "publication_date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "lead": lead,
            "cover_image": "",
            "cover_caption": "",
            "cover_credit": "",
            "body": streamfield([]),
            "tags": "",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
            "comments": inline_formset([]),
            "article_authors": inline_formset([]),
        }
    ) | {"action-publish": "action-publish"}


def cached_on(base: str, path: str) -> str:
    """Asks twice; the second answer must come from the page cache."""
    first = get(base + path)
    assert first.status_code == 200, (path, first.status_code)
    second = get(base + path)
    assert second.headers.get("X-Wagtail-Cache") == "hit", second.headers
    return second.text


def publish_new_article(stack, editor, title: str, slug: str) -> None:
    section_id = stack.database.page_id("/novosti/")
    answer = editor.post_form(
        f"/admin/pages/add/news/newspage/{section_id}/", article_form(title, slug)
    )
    assert answer.status_code == 302, answer.text[-2000:]


def test_an_article_published_on_node_a_is_listed_on_node_b_at_the_next_get(
    stack, editor_on_a
):
    node_b = stack.nodes[1].base
    assert "Обвал на отвале" not in cached_on(node_b, SECTION)
    assert "Обвал на отвале" not in cached_on(node_b, "/ru/")

    publish_new_article(stack, editor_on_a, "Обвал на отвале", "obval-na-otvale")

    assert "Обвал на отвале" in get(node_b + SECTION).text
    assert "Обвал на отвале" in get(node_b + "/ru/").text
    article = get(node_b + SECTION + "obval-na-otvale/")
    assert article.status_code == 200
    assert "Обвал на отвале" in article.text


def test_an_edit_published_on_node_a_shows_on_node_b_at_the_next_get(
    stack, editor_on_a
):
    node_b = stack.nodes[1].base
    publish_new_article(stack, editor_on_a, "Старый заголовок", "zagolovok")
    path = SECTION + "zagolovok/"
    assert "Старый заголовок" in cached_on(node_b, path)

    page_id = stack.database.page_id("/novosti/zagolovok/")
    answer = editor_on_a.post_form(
        f"/admin/pages/{page_id}/edit/", article_form("Новый заголовок", "zagolovok")
    )
    assert answer.status_code == 302, answer.text[-2000:]

    fresh = get(node_b + path)
    assert fresh.status_code == 200
    assert "Новый заголовок" in fresh.text
    assert "Старый заголовок" not in fresh.text


def test_a_signed_in_editor_stays_signed_in_on_the_other_node(stack, editor_on_a):
    """Sessions live in the shared database, not in a node."""
    on_b = editor_on_a.on(stack.nodes[1].base)
    assert on_b.request("GET", "/admin/").status_code == 200
    assert Browser(stack.nodes[1].base).request("GET", "/admin/").status_code == 302
