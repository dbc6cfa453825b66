import unicodedata

import pytest

from linguistics import kazakh, russian
from linguistics.analysis import (
    MAX_TOKEN_LENGTH,
    analyze,
    analyze_folded,
    fold_lookalikes,
    stopwords,
    tokenize,
)


def test_tokens_are_lower_case_words_without_punctuation():
    assert tokenize("Кен, КОМБИНАТ! «Жұмысшылар» — 2024?") == [
        "кен",
        "комбинат",
        "жұмысшылар",
        "2024",
    ]


def test_tokens_are_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "Йод ёлка")
    assert tokenize(decomposed) == ["йод", "ёлка"]


def test_dotted_capital_i_lower_cases_to_a_single_letter():
    assert tokenize("İstanbul") == ["istanbul"]


def test_hyphenated_compound_gives_both_parts():
    assert tokenize("іс-шара интернет-магазин") == ["іс", "шара", "интернет", "магазин"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("ҚР-да", ["қр"]),
        ("АҚШ-тың", ["ақш"]),
        ("ТМД-ға", ["тмд"]),
        ("ҚР-дағыларға", ["қр"]),
        ("iPhone-ға", ["iphone"]),
        ("5-ші", ["5"]),
        ("2023-го", ["2023"]),
        ("2023-жылы", ["2023", "жылы"]),
        ("5-сынып", ["5", "сынып"]),
        ("COVID-19", ["covid", "19"]),
        ("Ростов-на-Дону", ["ростов", "на", "дону"]),
    ],
)
def test_case_tail_after_an_abbreviation_or_number_is_not_a_token(text, tokens):
    assert tokenize(text) == tokens


def test_apostrophes_inside_a_word_are_dropped():
    assert tokenize("O’Brien Қазақстан'ның д`Артаньян") == [
        "obrien",
        "қазақстанның",
        "дартаньян",
    ]


def test_latin_lookalike_letters_inside_cyrillic_words_are_repaired():
    assert tokenize("Жiтiқара шаhары") == ["жітіқара", "шаһары"]


def test_latin_words_keep_their_latin_letters():
    assert tokenize("Wikipedia hi") == ["wikipedia", "hi"]


def test_overlong_token_is_capped():
    assert tokenize("ж" * 10_000) == ["ж" * MAX_TOKEN_LENGTH]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00",
        "кен\x00комбинат",
        "!!! ... — «»",
        "ъ",
        "\ud800 кен",
        "e\u0301\u0301\u0301",
        "😀 кен 😀",
        "مرحبا кен",
        "ҚР-",
        "-кен-",
        "---",
        "'",
        "кен" * 5_000,
        "1" * 10_000,
        "а-" * 5_000,
    ],
)
@pytest.mark.parametrize("language", ["kk", "ru", "en", "", "xx-YY"])
def test_odd_input_never_raises_and_gives_bounded_tokens(text, language):
    for result in (
        tokenize(text),
        analyze(text, language),
        analyze_folded(text, language, drop_stopwords=True),
    ):
        assert all(0 < len(token) <= MAX_TOKEN_LENGTH for token in result)


def test_long_scrambled_mixed_script_text_never_raises():
    alphabet = "абвгдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяәғ ABCxyz019-'’.,!?\x00\u0301"
    for stride in (7, 13, 31, 97, 997):
        text = "".join(alphabet[i * stride % len(alphabet)] for i in range(10_000))
        assert isinstance(analyze(text, "kk"), list)
        assert isinstance(analyze_folded(text, "ru"), list)


def test_kazakh_text_is_stemmed_with_the_kazakh_stemmer():
    assert analyze("Мамандықтардың жұмысшыларға колледжінде", "kk") == [
        kazakh.stem("мамандық"),
        kazakh.stem("жұмысшы"),
        kazakh.stem("колледж"),
    ]


def test_russian_text_is_stemmed_with_snowball():
    assert analyze("Профессии профессиями", "ru") == [russian.stem("профессия")] * 2


def test_kazakh_word_inside_russian_text_goes_to_the_kazakh_stemmer():
    assert analyze("в Жітіқарада", "ru", drop_stopwords=True) == ["жітіқара"]


@pytest.mark.parametrize("language", ["kk-KZ", "KK", "kz", "kk_KZ"])
def test_kazakh_language_codes_are_recognised(language):
    assert analyze("қалалар", language) == ["қала"]


@pytest.mark.parametrize("language", ["ru-RU", "RU", "ru_RU"])
def test_russian_language_codes_are_recognised(language):
    assert analyze("профессиями", language) == [russian.stem("профессия")]


@pytest.mark.parametrize("language", ["en", "", "de-DE"])
def test_unknown_language_gives_lower_case_tokens(language):
    assert analyze("Қалалар Cities", language) == ["қалалар", "cities"]


def test_numbers_and_latin_words_pass_through_unstemmed():
    assert analyze("2024 COVID қалалар", "kk") == ["2024", "covid", "қала"]


def test_yo_and_ye_give_the_same_analysis():
    assert analyze("Ёлки", "ru") == analyze("елки", "ru")


def test_stop_words_are_kept_unstemmed_by_default():
    assert analyze("осындағы қалалар үшін", "kk") == ["осындағы", "қала", "үшін"]


def test_stop_words_are_dropped_on_request():
    assert analyze("және қалалар үшін", "kk", drop_stopwords=True) == ["қала"]
    assert analyze("и профессии для", "ru", drop_stopwords=True) == [
        russian.stem("профессии")
    ]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_stop_lists_are_small_lower_case_sets(language):
    words = stopwords(language)
    assert 20 < len(words) < 300
    assert all(word == word.lower() and "ё" not in word for word in words)


def test_unknown_language_has_no_stop_words():
    assert stopwords("en") == frozenset()


def test_folding_maps_each_kazakh_letter_to_its_russian_lookalike():
    assert fold_lookalikes("әғқңөұүһі") == "агкноуухи"
    assert fold_lookalikes("ӘҒҚҢӨҰҮҺІ") == "АГКНОУУХИ"


def test_folding_leaves_russian_and_latin_text_alone():
    assert fold_lookalikes("Профессия COVID-19") == "Профессия COVID-19"


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("казакстан", "Қазақстанда"),
        ("мамандыктар", "мамандықтардың"),
        ("жумысшылар", "жұмысшыларға"),
        ("колледжинде", "колледж"),
        ("житикара", "Жітіқараның"),
        ("ондирис", "өндірісінде"),
    ],
)
def test_query_typed_without_kazakh_letters_matches_the_folded_analysis(
    query, document
):
    assert analyze_folded(query, "kk") == analyze_folded(document, "kk")


def test_folded_analysis_depends_only_on_the_folded_text():
    text = "Қостанай облысында өндіріс көлемі артты"
    assert analyze_folded(text, "kk") == analyze_folded(fold_lookalikes(text), "kk")


def test_folded_analysis_of_russian_text_equals_the_exact_one():
    text = "Профессии рабочих комбината"
    assert analyze_folded(text, "ru") == analyze(text, "ru")


def test_folded_russian_analysis_ignores_the_signs_latin_letters_cannot_write():
    """mebelyu, rekultivatsiey: read back from Latin, they have no ь or ъ."""
    assert analyze_folded("мебелью рекультивацией объекта", "ru") == analyze_folded(
        "мебелю рекултивацией обекта", "ru"
    )


def test_folded_analysis_drops_folded_stop_words():
    assert analyze_folded("ушин калалар", "kk", drop_stopwords=True) == ["кала"]


def test_index_and_query_analysis_agree():
    document = "Жітіқара кен комбинатының жұмысшылары"
    query = "жітіқара кен комбинаты жұмысшы"
    assert set(analyze(query, "kk")) <= set(analyze(document, "kk"))


def test_tokens_as_typed_keep_their_latin_letters_and_their_order():
    text = "Жиhаздың сапасы, iPhone-ға ұнады"
    assert tokenize(text) == ["жиһаздың", "сапасы", "iphone", "ұнады"]
    assert tokenize(text, repair=False) == ["жиhаздың", "сапасы", "iphone", "ұнады"]
