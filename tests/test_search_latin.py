"""Queries typed in Latin letters find what their Cyrillic form finds.

Readers type Kazakh (and Russian) on phones in the 2021 Latin alphabet, in the
slug spelling (sh, zh, ng, ts…) or informally (k for q, i for ı, u for ü). The
articles are Cyrillic; the query is read back into Cyrillic with the slug and
2021 tables (``linguistics.from_latin``), so the same stemming applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linguistics import to_ascii, to_latin
from tests.test_search_morphology import CORPUS, EXAMPLES, add_article, search_titles

pytestmark = pytest.mark.django_db


#: Articles of the issue's own examples, beside the morphology corpus.
EXTRA = [
    ("kk", "Комбинат цехтары", "Комбинаттың цехтарында жөндеу басталды."),
    ("ru", "Сотрудникам вручили награды", "Комбинат наградил лучших сотрудников."),
    ("kk", "Kombinat jańalyqtary", "Bul maqala latyn árpimen jazylǵan."),
]


@pytest.fixture
def articles(tree, django_capture_on_commit_callbacks):
    sections = {"ru": tree.section_ru, "kk": tree.section_kk}
    with django_capture_on_commit_callbacks(execute=True):
        for language, title, text in [*CORPUS, *EXTRA]:
            add_article(sections[language], title, text)


@dataclass(frozen=True)
class Typed:
    language: str
    latin: str
    cyrillic: str

    def __str__(self) -> str:
        return f"{self.language}:{self.latin}"


#: As readers type them: the issue's examples, then informal spellings.
TYPED = [
    Typed("kk", "kombinat", "комбинат"),
    Typed("kk", "mamandyq", "мамандық"),
    Typed("kk", "Kombinattyń", "комбинаттың"),
    Typed("kk", "Kombinattyn", "комбинаттың"),
    Typed("kk", "mamandyktardyn", "мамандықтардың"),
    Typed("kk", "mamandyqtardyñ", "мамандықтардың"),
    Typed("kk", "zhumysshylarga", "жұмысшыларға"),
    Typed("kk", "jūmysşylarğa", "жұмысшыларға"),
    Typed("kk", "kolledzhinde", "колледжінде"),
    Typed("kk", "kolledjınde", "колледжінде"),
    Typed("kk", "uzdik", "үздік"),
    Typed("kk", "Qostanaida", "Қостанайда"),
    Typed("kk", "Kostanayda", "Қостанайда"),
    Typed("kk", "tsekhterinde", "цехтерінде"),
    Typed("kk", "jastarga mamandyktyn", "жастарға мамандықтың"),
    Typed("ru", "kombinat", "комбинат"),
    Typed("ru", "sotrudniki", "сотрудники"),
    Typed("ru", "professii", "профессии"),
    Typed("ru", "khrizotilom", "хризотилом"),
    Typed("ru", "posyolki", "посёлки"),
    Typed("ru", "poselki", "посёлки"),
]


@pytest.mark.parametrize("typed", TYPED, ids=str)
def test_latin_query_finds_every_article_its_cyrillic_form_finds(articles, typed):
    cyrillic = search_titles(typed.language, typed.cyrillic)
    assert cyrillic, "the Cyrillic query must find something to compare with"
    assert set(cyrillic) <= set(search_titles(typed.language, typed.latin))


def transliterated_examples() -> list[Typed]:
    """Every Cyrillic example of the morphology tests, in 2021 Latin (Kazakh)
    and in the slug spelling (both languages)."""
    typed = [Typed(e.language, to_ascii(e.query), e.query) for e in EXAMPLES]
    typed += [
        Typed("kk", to_latin(e.query), e.query) for e in EXAMPLES if e.language == "kk"
    ]
    return typed


def test_transliterated_query_set_reaches_the_recall_of_the_cyrillic_one(articles):
    """Recall over the morphology examples (each must find its articles):
    the Latin-typed set reaches at least 0.9 of the Cyrillic one."""
    wanted = {e.query: set(e.finds) for e in EXAMPLES}
    found = cyrillic = total = 0
    for typed in transliterated_examples():
        expected = wanted[typed.cyrillic]
        total += len(expected)
        cyrillic += len(expected & set(search_titles(typed.language, typed.cyrillic)))
        found += len(expected & set(search_titles(typed.language, typed.latin)))
    assert cyrillic == total
    assert found >= 0.9 * cyrillic, (found, cyrillic)


def test_cyrillic_query_ranks_cyrillic_articles_first(articles):
    """A Latin-written article matches a Latin query, never above the Cyrillic
    articles of a Cyrillic one."""
    found = search_titles("kk", "комбинат")
    assert found[0] in {"Жаңа мамандық", "Комбинат цехтары"}
    assert "Kombinat jańalyqtary" not in found
    assert "Kombinat jańalyqtary" in search_titles("kk", "kombinat")


def test_latin_query_is_answered_in_the_readers_language_only(articles):
    assert search_titles("kk", "kolledzh") == ["Колледж түлектері"]
    assert search_titles("ru", "kolledzhi") == ["Колледж готовит кадры"]


def test_latin_stop_words_are_dropped_like_cyrillic_ones(articles):
    assert search_titles("kk", "jäne mamandyq") == search_titles("kk", "мамандық")


def test_search_page_marks_the_cyrillic_words_a_latin_query_found(client, articles):
    response = client.get("/kk/search/", {"q": "kombinattyn"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Комбинат цехтары" in html
    assert "<mark>Комбинаттың</mark>" in html
