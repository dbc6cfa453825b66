"""Search quality: the issue's examples, on whichever database DATABASE_URL names.

CI runs this module on PostgreSQL, a local run on SQLite; the same examples run
on Elasticsearch in test_search_elasticsearch_live.py when ELASTICSEARCH_URL is
set. No query below contains the exact word form its article uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import RichText
from wagtail.search.backends import get_search_backend

from linguistics import tokenize
from news import selectors
from news.models import ArticleAuthor, NewsPage
from search.analysis import analyse_query
from tests.factories import AuthorFactory, NewsPageFactory, SectionPageFactory, locale

pytestmark = pytest.mark.django_db


#: A lead for articles whose words are elsewhere (the field is required).
NEUTRAL_LEAD = {"ru": "Новости газеты.", "kk": "Газет жаңалығы."}


def add_article(section, title: str, text: str = "", **extra) -> NewsPage:
    body = [("paragraph", RichText(f"<p>{text}</p>"))] if text else []
    language = section.locale.language_code
    return NewsPageFactory(
        parent=section,
        locale=section.locale,
        title=title,
        lead=extra.pop("lead", NEUTRAL_LEAD[language]),
        body=body,
        **extra,
    )


#: (language, title, body text) of the articles every example searches.
CORPUS = [
    ("ru", "Какая профессия нужна комбинату", "Отдел кадров ищет машинистов."),
    ("ru", "Молодёжь на производстве", "Выпускники овладевают новыми профессиями."),
    ("ru", "Ремонт дороги", "Дорожники закончили работы до морозов."),
    ("ru", "Колледж готовит кадры", "Студенты проходят практику на фабрике."),
    ("ru", "Отгрузка хризотила", "Посёлок ждёт новых вагонов."),
    ("kk", "Жаңа мамандық", "Комбинат жас кадрларды даярлайды."),
    ("kk", "Сұранысқа ие мамандықтар", "Карьерге экскаватор жүргізушілері керек."),
    ("kk", "Үздік жұмысшы марапатталды", "Ол жиырма жыл бойы еңбек етті."),
    ("kk", "Колледж түлектері", "Түлектер фабрикада тәжірибеден өтті."),
    ("kk", "Көл жағасындағы демалыс", "Ардагерлер жазда демалды."),
    ("kk", "Қол еңбегі", "Шеберлер бұйымдар жасады."),
    ("kk", "Қостанай облысы", "Облыс орталығында мереке өтті."),
    ("kk", "Костанай вокзалы", "Жаңа вокзал ашылды."),
    ("kk", "Цех жаңалығы", "Цехтың ұжымы вахтаға шықты, офисте жөндеу жүріп жатыр."),
]


@dataclass(frozen=True)
class Example:
    language: str
    query: str
    finds: tuple[str, ...]
    never: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.language}:{self.query}"


EXAMPLES = [
    # Russian stemming: профессии finds профессия and профессиями.
    Example(
        "ru",
        "профессии",
        ("Какая профессия нужна комбинату", "Молодёжь на производстве"),
        ("Ремонт дороги",),
    ),
    # Forms Snowball alone splits (хризотила → хризот, посёлок/посёлки).
    Example("ru", "хризотилом", ("Отгрузка хризотила",)),
    Example("ru", "посёлки", ("Отгрузка хризотила",)),
    # Kazakh suffixes: plural, possessive, case, with harmony and voicing.
    Example(
        "kk",
        "мамандықтардың",
        ("Жаңа мамандық", "Сұранысқа ие мамандықтар"),
        ("Үздік жұмысшы марапатталды",),
    ),
    Example("kk", "жұмысшыларға", ("Үздік жұмысшы марапатталды",)),
    Example("kk", "колледжінде", ("Колледж түлектері",), ("Колледж готовит кадры",)),
    # Typed on a Russian keyboard: look-alike letters still find the article.
    Example("kk", "мамандыктардын", ("Жаңа мамандық", "Сұранысқа ие мамандықтар")),
    Example("kk", "жумысшыларга", ("Үздік жұмысшы марапатталды",)),
    Example("kk", "колледжинде", ("Колледж түлектері",)),
    # ...also with a Latin i or h where the keyboard lacks і or һ.
    Example("kk", "уздiк", ("Үздік жұмысшы марапатталды",)),
    # Kazakh letters are never folded away: қол (hand) and көл (lake) stay apart.
    Example("kk", "көлдер", ("Көл жағасындағы демалыс",), ("Қол еңбегі",)),
    Example("kk", "қолдың", ("Қол еңбегі",), ("Көл жағасындағы демалыс",)),
    # ...but a word typed without them may mean either.
    Example("kk", "колдер", ("Көл жағасындағы демалыс", "Қол еңбегі")),
    # Russian loans: back endings after a front vowel, a bare form that looks
    # inflected (вахта as вах+та).
    Example("kk", "цехта", ("Цех жаңалығы",)),
    Example("kk", "вахта", ("Цех жаңалығы",)),
    Example("kk", "офисқа", ("Цех жаңалығы",)),
    # Several words: every one must match.
    Example(
        "kk",
        "жастарға мамандықтың",
        ("Жаңа мамандық",),
        ("Сұранысқа ие мамандықтар",),
    ),
]


@pytest.fixture
def corpus(tree, committed):
    sections = {"ru": tree.section_ru, "kk": tree.section_kk}
    with committed():
        return {
            title: add_article(sections[language], title, text)
            for language, title, text in CORPUS
        }


def search_titles(language: str, text: str) -> list[str]:
    query = analyse_query(text, language).search_query()
    results = selectors.searchable_articles(locale=locale(language)).search(query)
    return [article.title for article in results]


def test_tests_run_on_the_database_backend_of_the_configured_database():
    """CI runs this module on PostgreSQL, a local run on SQLite."""
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_inflected_query_finds_the_articles_of_every_word_form(corpus, example):
    found = search_titles(example.language, example.query)
    assert set(example.finds) <= set(found)
    assert not set(example.never) & set(found)


def test_no_query_word_form_occurs_in_the_article_it_finds(corpus):
    """The examples prove morphology, not exact matching."""
    for example in EXAMPLES:
        for title in example.finds:
            article = corpus[title]
            words = tokenize(f"{article.title} {article.search_text()}")
            for query_word in tokenize(example.query):
                assert query_word not in words, (example, title)


def test_exact_spelling_ranks_above_a_look_alike_match(corpus):
    assert search_titles("kk", "Костанай") == ["Костанай вокзалы", "Қостанай облысы"]


def test_query_with_kazakh_letters_does_not_match_the_russian_spelling(corpus):
    assert search_titles("kk", "Қостанайда") == ["Қостанай облысы"]


def test_kazakh_search_never_returns_russian_articles(corpus):
    assert search_titles("kk", "колледж") == ["Колледж түлектері"]
    assert search_titles("ru", "колледжи") == ["Колледж готовит кадры"]


#: One article per form of батарея, and one about батат (sweet potato), a word
#: that shares its first letters and nothing else.
BATTERIES = {
    "батарея": "В подъезде поставлена новая батарея.",
    "батареи": "Батареи в школе прогрели к началу отопительного сезона.",
    "батарей": "Жильцы ждут новых батарей до морозов.",
    "батареями": "Слесари занялись батареями в общежитии.",
}


@pytest.fixture
def batteries(tree, committed):
    with committed():
        for form, text in BATTERIES.items():
            add_article(tree.section_ru, f"Отопление: {form}", text)
        add_article(tree.section_ru, "Урожай батата", "В теплице вырос батат.")


@pytest.mark.parametrize("form", [*BATTERIES, "батарею", "батареях"])
def test_every_form_of_a_russian_noun_finds_every_other(batteries, form):
    """Snowball splits батарея's paradigm (батаре / батар); the light stems join it."""
    found = search_titles("ru", form)
    assert sorted(found) == sorted(f"Отопление: {other}" for other in BATTERIES)


def test_a_word_sharing_only_its_first_letters_is_another_word(batteries):
    assert search_titles("ru", "батат") == ["Урожай батата"]
    assert search_titles("ru", "бататы") == ["Урожай батата"]
    assert "Урожай батата" not in search_titles("ru", "батарей")


def test_match_in_the_title_ranks_above_a_match_in_the_body(tree, committed):
    with committed():
        _add_title_and_body_articles(tree)
    assert search_titles("ru", "экскаваторщик") == [
        "Экскаваторщики карьера",
        "Итоги года",
    ]


def _add_title_and_body_articles(tree):
    add_article(
        tree.section_ru,
        "Итоги года",
        "На комбинате подвели итоги: экскаваторщики выполнили план, "
        "водители перевезли руду, ремонтники подготовили технику к зиме.",
    )
    add_article(
        tree.section_ru,
        "Экскаваторщики карьера",
        "Бригада подвела итоги смены и выполнила план по руде.",
    )


def test_tags_authors_and_lead_are_searched_from_the_publish_that_set_them(
    tree, committed
):
    article = add_article(tree.section_ru, "Новости", lead="Вахтовики вернулись домой.")
    article.tags.add("Обогащение")
    author = AuthorFactory(name="Светлана Иванова", locale=locale("ru"))
    article.article_authors = [ArticleAuthor(author=author)]
    with committed():
        article.save_revision().publish()
    assert search_titles("ru", "вахтовиков") == ["Новости"]
    assert search_titles("ru", "обогащения") == ["Новости"]
    assert search_titles("ru", "Ивановой") == ["Новости"]


def test_unpublished_articles_are_not_found(tree, committed):
    with committed():
        article = add_article(tree.section_ru, "Черновик о геологах", "Текст.")
        article.unpublish()
    assert search_titles("ru", "геологи") == []


def test_edited_article_is_found_by_its_new_words(tree, committed):
    with committed():
        article = add_article(tree.section_kk, "Жаңалық", "Бірінші мәтін.")
    article.body = [("paragraph", RichText("<p>Экскаваторлар жөнделді.</p>"))]
    with committed():
        article.save_revision().publish()
    assert search_titles("kk", "экскаваторларды") == ["Жаңалық"]


def test_renamed_author_is_found_under_the_new_name(tree, committed):
    author = AuthorFactory(name="Айгүл Сейітова", locale=locale("kk"))
    article = add_article(tree.section_kk, "Сұхбат", "Мәтін.")
    article.article_authors = [ArticleAuthor(author=author)]
    with committed():
        article.save_revision().publish()
    author.name = "Айгүл Жұмабаева"
    with committed():
        author.save()
    assert search_titles("kk", "Жұмабаеваның") == ["Сұхбат"]
    assert search_titles("kk", "Сейітованың") == []


def test_article_moved_to_another_section_is_found_in_that_section(tree, committed):
    other = SectionPageFactory(parent=tree.home_ru, locale=locale("ru"))
    with committed():
        article = add_article(tree.section_ru, "Переезд редакции", "Текст.")
    with committed():
        article.move(other, pos="last-child")
    query = analyse_query("переезды", "ru").search_query()
    in_other = selectors.searchable_articles(locale=locale("ru"), section=other)
    assert [a.title for a in in_other.search(query)] == ["Переезд редакции"]


def test_database_backend_matches_the_keys_column_on_postgresql(corpus):
    """PostgreSQL: ``body @@ query`` (GIN-indexed) once for the count and the
    page, one ``ts_rank``, not Wagtail's row-by-row ``title || body``."""
    backend = get_search_backend()
    query = analyse_query("профессии", "ru").search_query()
    results = backend.search(query, selectors.searchable_articles(locale=locale("ru")))
    if connection.vendor != "postgresql":
        assert type(backend).__name__ == "SQLiteSearchBackend"
        return
    with CaptureQueriesContext(connection) as queries:
        assert results.count() == 2
        assert len(list(results[:12])) == 2
    sql = [query["sql"] for query in queries]
    assert sum("@@" in statement for statement in sql) == 1
    assert not any('"wagtailsearch_indexentry"."title"' in s for s in sql)
    assert sum(statement.count("ts_rank") for statement in sql) == 1
