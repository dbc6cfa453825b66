"""A Kazakh reader's browser shows a translated article's table in Kazakh.

The block-by-block check through the test client is tests/test_translation_blocks.py;
this one looks at the table as Chromium lays it out on a phone (screenshot
``kk-table-375.png``).
"""

from __future__ import annotations

import pytest
from wagtail_localize.models import StringSegment, StringTranslation
from wagtail_localize.operations import translate_object

from news.models import NewsPage
from tests.conftest import build_tree
from tests.e2e.conftest import wide_table
from tests.factories import NewsPageFactory, locale
from tests.translation_support import translation_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = ("Семь лет комбината в одной таблице", "Комбинаттың жеті жылы бір кестеде")
LEAD = ("Добыча, выпуск и люди.", "Өндіру, шығару және адамдар.")
KAZAKH = {
    TITLE[0]: TITLE[1],
    LEAD[0]: LEAD[1],
    "sem-let": "zheti-zhyl",
    "Показатель": "Көрсеткіш",
    "Добыча руды, тыс. т": "Кен өндіру, мың т",
    "Выпуск хризотила, тыс. т": "Хризотил шығару, мың т",
    "Численность, человек": "Қызметкерлер саны, адам",
    "Комбинат в цифрах": "Комбинат сандармен",
}

TABLE_JS = """
() => {
  const table = document.querySelector(".block-table table");
  const text = (cell) => cell.textContent.trim();
  return {
    caption: text(table.caption),
    header: [...table.tHead.rows[0].cells].map(text),
    rows: [...table.tBodies[0].rows].map((row) => text(row.cells[0])),
  };
}
"""


def translated_article() -> NewsPage:
    """A Russian article with a table, translated and published in Kazakh."""
    tree = build_tree()
    article = NewsPageFactory(
        parent=tree.section_ru,
        title=TITLE[0],
        slug="sem-let",
        lead=LEAD[0],
        body=[("table", wide_table())],
    )
    article.save_revision().publish()
    kk = locale("kk")
    translate_object(article, [kk])
    translation = translation_for(article, kk)
    for segment in StringSegment.objects.filter(source=translation.source):
        source = segment.string.data
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=kk,
            context=segment.context,
            data=KAZAKH[source],
        )
    translation.save_target(publish=True)
    return translation.get_target_instance()


def test_a_kazakh_reader_sees_the_table_in_kazakh(visit):
    kk_page = translated_article()

    seen = visit(
        kk_page.url,
        "kk-table",
        375,
        screenshot=True,
        inspect=lambda page: page.evaluate(TABLE_JS),
    )

    table = seen.inspected
    assert table["caption"] == "Комбинат сандармен"
    assert table["header"][0] == "Көрсеткіш"
    assert table["header"][1:] == wide_table()["data"][0][1:], "years stay as they are"
    assert table["rows"] == [
        "Кен өндіру, мың т",
        "Хризотил шығару, мың т",
        "Қызметкерлер саны, адам",
    ]
    assert seen.problems(kazakh=True) == {}
