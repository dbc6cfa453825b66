"""Teasers never leak markup: the old site's "strongВ нашу редакцию" bug."""

import pytest
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

from core.text import clean_text, excerpt
from news.blocks import ArticleBodyBlock
from tests.factories import NewsPageFactory, StandardPageFactory

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
        (
            "<p>До</p><table><tr><td>Цех</td><td>Тонн</td></tr></table><p>после</p>",
            "До после",
        ),
        (
            "<table><caption>Выпуск руды</caption><tr><td>Цех</td></tr></table>",
            "Выпуск руды",
        ),
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
                {
                    "data": [["Цех", "План"], ["Обогатительная фабрика", "100 %"]],
                    "table_caption": "План по цехам",
                },
            ),
        ],
    )
    text = clean_text(body)
    assert_clean(text)
    assert text == (
        "Итоги года Комбинат выполнил план. Спасибо всем Директор "
        "Цифры 1,2 млн тонн 300 человек План по цехам"
    )


# Tables ------------------------------------------------------------------------
# Cells glued into one line read as nonsense ("Показатель 2025 2026 Руда 12 14"):
# readers' text keeps a table's caption only; the search index keeps its cells.

TABLE = {
    "data": [["Показатель", "2025", "2026"], ["Руда", "12", "14"]],
    "first_row_is_table_header": True,
}


def body_with_table(caption: str = "") -> StreamValue:
    return StreamValue(
        ArticleBodyBlock(),
        [
            ("table", {**TABLE, "table_caption": caption}),
            ("paragraph", RichText("<p>Комбинат нарастил добычу.</p>")),
        ],
    )


def test_a_table_gives_readers_its_caption_and_never_its_cells():
    assert clean_text(body_with_table()) == "Комбинат нарастил добычу."
    assert excerpt(body_with_table("Добыча, тыс. тонн")) == (
        "Добыча, тыс. тонн Комбинат нарастил добычу."
    )


def test_the_search_index_still_reads_a_tables_cells():
    text = clean_text(body_with_table("Добыча"), table_cells=True)
    assert text == "Добыча Показатель 2025 2026 Руда 12 14 Комбинат нарастил добычу."


@pytest.mark.django_db
def test_a_page_without_intro_describes_itself_without_table_cells(tree):
    page = StandardPageFactory(parent=tree.home_ru, intro="", body=body_with_table())
    assert page.get_meta_description() == "Комбинат нарастил добычу."


@pytest.mark.django_db
def test_an_article_is_found_by_the_words_in_its_tables(tree):
    article = NewsPageFactory(parent=tree.section_ru, body=body_with_table())
    assert "Руда 12 14" in article.search_text()


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
