"""Teasers never leak markup: the old site's "strongВ нашу редакцию" bug."""

import pytest
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

from core.text import clean_text, excerpt
from news.blocks import ArticleBodyBlock

LEAKS = ("<", ">", "strong", "&nbsp;", "&amp;", "br br", "/strong", "\xa0")


def assert_clean(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked into {text!r}"
    assert text == " ".join(text.split()), "whitespace is not collapsed"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            "<p><strong>В нашу редакцию</strong> стали звонить</p>",
            "В нашу редакцию стали звонить",
        ),
        ("<p>Первая строка<br>вторая<br/>третья</p>", "Первая строка вторая третья"),
        ("<p>Бір<br><br>екі</p>", "Бір екі"),
        (
            "<ul><li>один<ul><li>вложенный</li></ul></li><li>два</li></ul>",
            "один вложенный два",
        ),
        (
            '<p>См. <a href="https://km.kz">сайт&nbsp;комбината</a>.</p>',
            "См. сайт комбината.",
        ),
        ("<p>Тон&nbsp;&amp;&nbsp;метр &laquo;план&raquo;</p>", "Тон & метр «план»"),
        ("<table><tr><td>Цех</td><td>Тонн</td></tr></table>", "Цех Тонн"),
        (
            "<p><b>Еуропалық Кеңес:</b><br> – БҰҰ Жарғысы</p>",
            "Еуропалық Кеңес: – БҰҰ Жарғысы",
        ),
        ("<p>Жітіқара <i>колледжінде</i> өтті.</p>", "Жітіқара колледжінде өтті."),
        ("<script>alert(1)</script><p>Текст</p>", "Текст"),
        ("<p></p><p>   </p>", ""),
        ("", ""),
    ],
)
def test_clean_text_turns_markup_into_plain_words(markup, expected):
    text = clean_text(markup)
    assert_clean(text)
    assert text == expected


def test_clean_text_reads_rich_text_objects():
    assert clean_text(RichText("<p><strong>Жұмысшы</strong>&nbsp;мамандықтар</p>")) == (
        "Жұмысшы мамандықтар"
    )


def test_clean_text_reads_every_block_of_a_streamfield_in_order():
    block = ArticleBodyBlock()
    body = StreamValue(
        block,
        [
            ("heading", {"text": "Итоги года", "level": "h2"}),
            ("paragraph", RichText("<p><b>Комбинат</b> выполнил план.</p>")),
            ("quote", {"text": "Спасибо всем", "attribution": "Директор"}),
            ("fact_box", {"title": "Цифры", "facts": ["1,2 млн тонн", "300 человек"]}),
            (
                "table",
                {"data": [["Цех", "План"], ["Обогатительная фабрика", "100 %"]]},
            ),
        ],
    )
    text = clean_text(body)
    assert_clean(text)
    assert text == (
        "Итоги года Комбинат выполнил план. Спасибо всем Директор "
        "Цифры 1,2 млн тонн 300 человек Цех План Обогатительная фабрика 100 %"
    )


def test_empty_values_give_empty_text():
    assert clean_text(None) == ""
    assert clean_text(StreamValue(ArticleBodyBlock(), [])) == ""
    assert excerpt(None) == ""


def test_short_text_is_left_whole():
    assert excerpt("<p>Коротко.</p>", 50) == "Коротко."


@pytest.mark.parametrize(
    "text",
    [
        "Рабочие профессии: итоги и перспективы развития в Житикаринском колледже",
        "Жұмысшы мамандықтар: нәтижелер мен келешек Жітіқара политехникалық колледжі",
    ],
)
def test_long_text_is_cut_at_a_word_boundary_with_an_ellipsis(text):
    result = excerpt(f"<p><strong>{text}</strong></p>", 40)
    assert result.endswith("…")
    assert len(result) <= 40
    assert_clean(result)
    assert text.startswith(result[:-1])
    assert text[len(result) - 1] == " ", "the cut fell inside a word"


def test_one_endless_word_is_still_cut_to_length():
    assert excerpt("а" * 500, 30) == "а" * 29 + "…"
