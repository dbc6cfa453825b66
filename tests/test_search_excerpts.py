"""A search result's excerpt reads no more of an article than it shows.

Twelve results each cleaned their whole body (``core.text.clean_text``) to
find the first matching word, the search page's largest cost after the
template at 10,000 articles a language (issue 18). Now the lead is read
first and the body block by block, only as far as the excerpt needs; the
excerpts stay what cleaning the whole body gave (``whole_body_excerpt``
below is the former code, kept as the reference).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils.html import escape
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

import core.text
from core.text import ELLIPSIS, clean_text, excerpt
from news.blocks import ArticleBodyBlock
from search.analysis import analyse_query, first_match, highlight
from search.services import EXCERPT_LEAD_IN, EXCERPT_LENGTH, result_excerpt


def whole_body_excerpt(article, query, language):
    """The excerpt as it was made before: lead and body cleaned whole."""
    lead, body = clean_text(article.lead), clean_text(article.body)
    text, start = lead or body, 0
    for candidate in (lead, body):
        position = first_match(candidate, query, language)
        if position is not None:
            text = candidate
            if position > EXCERPT_LEAD_IN:
                start = text.rfind(" ", 0, position - EXCERPT_LEAD_IN) + 1
            break
    snippet = excerpt(escape(text[start:]), EXCERPT_LENGTH)
    return highlight((ELLIPSIS if start else "") + snippet, query, language)


FILLER = "Бригада вышла на смену в шесть утра, и работа закипела сразу."


def body(*paragraphs: str) -> StreamValue:
    blocks = [("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]
    return StreamValue(ArticleBodyBlock(), blocks)


def article(lead: str = "", *paragraphs: str):
    return SimpleNamespace(lead=lead, body=body(*paragraphs))


ARTICLES = {
    "match in the lead": article("Геологи нашли руду.", FILLER, "Геологи рады."),
    "match early in the body": article("Коротко.", "Геологи нашли руду.", FILLER),
    "match deep in a long body": article(
        "Коротко.", *[FILLER] * 30, "Здесь геологи нашли руду.", *[FILLER] * 30
    ),
    "match in the last words": article("", *[FILLER] * 8, f"{FILLER} геолог"),
    "match in a paragraph shorter than the excerpt": article(
        "", FILLER, "геологам", "Да.", "Нет.", *[FILLER] * 5
    ),
    "no match, a lead": article("Коротко о главном.", *[FILLER] * 10),
    "no match, no lead": article("", *[FILLER] * 10),
    "nothing at all": article("", ""),
    "markup, entities and invisible characters": article(
        "",
        FILLER * 2,
        "Тон&nbsp;&amp;&nbsp;метр &laquo;геологов&raquo;\u00ad <b>жирный</b>",
        FILLER * 3,
    ),
    "an entity typed as text after the match": article(
        "", FILLER * 2, "геологи " + "&amp;amp; " * 40, "&amp;lt;b&amp;gt; " * 40
    ),
    "an entity typed as text before the match": article(
        "", "&amp;amp;lt;i&amp;amp;gt; " * 10, "геологи " + FILLER * 4
    ),
    "words such as <script> in the text": article(
        "", "&lt;script&gt;alert(1)&lt;/script&gt; геологи " + FILLER
    ),
    "empty and blank blocks between": article(
        "", FILLER, "", "   ", "<p>&nbsp;</p>", "геолог", "", FILLER * 4
    ),
}


@pytest.mark.parametrize("case", ARTICLES.values(), ids=ARTICLES.keys())
@pytest.mark.parametrize("text", ["геологи", "геолог руда", "смена"])
def test_an_excerpt_is_what_cleaning_the_whole_body_gave(case, text):
    query = analyse_query(text, "ru")
    assert result_excerpt(case, query, "ru") == whole_body_excerpt(case, query, "ru")


@pytest.fixture
def blocks_read(monkeypatch) -> list[str]:
    """The body's paragraphs cleaned, in the order they were."""
    read: list[str] = []
    original = core.text._html_to_text

    def cleaned(markup: str, table_cells: bool) -> str:
        if markup.startswith("<p>"):
            read.append(markup)
        return original(markup, table_cells)

    monkeypatch.setattr(core.text, "_html_to_text", cleaned)
    return read


def test_a_match_in_the_lead_reads_none_of_the_body(blocks_read):
    case = article("Геологи нашли руду.", *[FILLER] * 50)
    result_excerpt(case, analyse_query("геологи", "ru"), "ru")
    assert blocks_read == []


def test_a_match_early_in_a_long_body_reads_only_the_blocks_it_shows(blocks_read):
    case = article("Коротко.", FILLER, "Геологи нашли руду.", *[FILLER] * 50)
    result_excerpt(case, analyse_query("геологи", "ru"), "ru")
    # Up to the matching block, then as many as fill the excerpt's length.
    assert len(blocks_read) == 2 + EXCERPT_LENGTH // (len(FILLER) + 1)
