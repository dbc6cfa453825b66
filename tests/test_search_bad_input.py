"""Whatever a reader (or a bot) types: a normal page, never a 500, no leaks."""

from __future__ import annotations

import pytest

from tests.test_search_morphology import add_article

pytestmark = pytest.mark.django_db

QUERIES = {
    "empty": "",
    "spaces": "   ",
    "10k characters": "карьер " * 1430,
    "one 10k word": "ж" * 10_000,
    "NUL bytes": "кар\x00ьер\x00",
    "control characters": "\x01\x02\x1b[31mкарьер",
    "punctuation only": "!!! ??? ... --- «» ()[]{}",
    "SQL": "'; DROP TABLE wagtailcore_page; --",
    "SQL union": "1' OR '1'='1' UNION SELECT password FROM auth_user --",
    "FTS5 syntax": 'карьер NEAR(" ") AND NOT * OR title:',
    "tsquery syntax": "карьер & !комбинат | (смена:* <-> 'x')",
    "Lucene syntax": 'title:карьер AND body:(a OR b)~2 ^3 /regex.*/ "unclosed',
    "Elasticsearch JSON": '{"query": {"match_all": {}}}',
    "HTML": "<script>alert(1)</script><b>карьер</b>",
    "only stop words": "и в на по для",
    "kazakh stop words": "және мен бұл үшін",
    "emoji and CJK": "🔥🔥 карьер 漢字",
    "look-alike Latin": "kapьep",
    "RTL and combining": "\u202eкарьер\u0301",
}

PAGES = ["", "0", "-1", "abc", "1e9", "9" * 30, "2.5", "%00", "1;DROP"]
SECTIONS = ["", "abc", "-1", "0", "99999999999999999999", "1 OR 1=1", "\x00"]
LEAKS = ("Traceback", "OperationalError", "ProgrammingError", "syntax error", "fts5")


@pytest.fixture
def paper(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_article(tree.section_ru, "Смена в карьере", "Машинисты работают.")
    return tree


def assert_normal_page(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for leak in LEAKS:
        assert leak not in html
    return html


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_any_query_gives_a_normal_search_page(client, paper, language, query):
    html = assert_normal_page(client.get(f"/{language}/search/", {"q": query}))
    assert "<script>alert" not in html


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_any_query_gives_a_bounded_suggestion_list(client, paper, query):
    response = client.get("/ru/search/suggest/", {"q": query})
    assert response.status_code == 200
    data = response.json()
    assert len(data["query"]) <= 60
    assert len(data["suggestions"]) <= 8


@pytest.mark.parametrize("page", PAGES)
def test_page_garbage_lands_on_a_real_page(client, paper, page):
    html = assert_normal_page(client.get("/ru/search/", {"q": "карьер", "page": page}))
    assert "Смена в карьере" in html


@pytest.mark.parametrize("section", SECTIONS)
def test_section_garbage_searches_every_section(client, paper, section):
    response = client.get("/ru/search/", {"q": "карьер", "section": section})
    assert "Смена в карьере" in assert_normal_page(response)


def test_query_is_cut_to_the_form_length_in_the_page(client, paper):
    html = assert_normal_page(client.get("/ru/search/", {"q": "карьер " * 1430}))
    value = html.split('id="search-q"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert len(value) <= 200


def test_punctuation_only_query_explains_what_to_type(client, paper):
    html = assert_normal_page(client.get("/ru/search/", {"q": "!!! ???"}))
    assert 'class="search-page__notice"' in html


def test_invalid_utf8_in_the_url_is_handled(client, paper):
    assert_normal_page(client.get("/ru/search/?q=%FF%FE%00%C3&section=%FF"))
    assert client.get("/ru/search/suggest/?q=%FF%FE%C3").status_code == 200


def test_repeated_parameters_and_post_are_handled(client, paper):
    response = client.get("/ru/search/?q=карьер&q=<b>&page=1&page=x")
    assert_normal_page(response)
    assert client.post("/ru/search/", {"q": "карьер"}).status_code == 405


def test_query_with_sql_finds_nothing_and_breaks_nothing(client, paper):
    client.get("/ru/search/", {"q": QUERIES["SQL"]})
    html = assert_normal_page(client.get("/ru/search/", {"q": "карьер"}))
    assert "Смена в карьере" in html
