from concurrent.futures import ThreadPoolExecutor

import pytest

from linguistics.russian import STOPWORDS, light_stem, stem


def test_profession_forms_share_one_stem():
    assert stem("профессии") == stem("профессия") == stem("профессиями")


@pytest.mark.parametrize(
    "forms",
    [
        ("работа", "работы", "работой", "работе", "работу"),
        ("город", "города", "городе", "городами", "городов"),
        ("новость", "новости", "новостей", "новостями"),
        ("комбинат", "комбината", "комбинате", "комбинатом"),
        ("рабочий", "рабочие", "рабочих", "рабочим"),
        ("колледж", "колледжа", "колледже", "колледжей"),
        ("предприятие", "предприятия", "предприятий", "предприятиях"),
        ("область", "области", "областей", "областью"),
    ],
)
def test_inflected_russian_nouns_share_one_stem(forms):
    assert len({stem(form) for form in forms}) == 1


@pytest.mark.parametrize(("left", "right"), [("ёлка", "елка"), ("Ёж", "еж")])
def test_yo_is_treated_as_ye(left, right):
    assert stem(left) == stem(right)


def test_stem_ignores_letter_case():
    assert stem("ПРОФЕССИИ") == stem("Профессии") == stem("профессии")


@pytest.mark.parametrize("token", ["", "2023", "covid", "a-b", "профессия1"])
def test_tokens_that_are_not_russian_words_are_only_lower_cased(token):
    assert stem(token) == token.lower()


def test_stop_words_are_lower_case_and_spelled_with_ye():
    assert STOPWORDS
    assert all(word == word.lower() and "ё" not in word for word in STOPWORDS)


def test_concurrent_stemming_gives_the_same_stems_as_sequential():
    words = [
        f"{base}{ending}"
        for base in ("работ", "город", "професси")
        for ending in ("а", "ы", "ой", "е", "ами", "ях", "ию", "ям")
    ]
    expected = [stem(word + "ость") for word in words]
    stem.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda w: stem(w + "ость"), words * 20))
    assert got == expected * 20


@pytest.mark.parametrize(
    "forms",
    [
        # Snowball reads these noun forms as verbs or participles.
        ("хризотил", "хризотила", "хризотилом", "хризотилу"),
        ("буран", "бурана", "бураны", "буранами"),
        ("батарея", "батареи", "батарею", "батареями"),
        # Fleeting vowels: посёлок / посёлки, конец / конца.
        ("посёлок", "посёлка", "посёлки", "посёлков"),
        ("конец", "конца", "концом"),
        ("профессия", "профессии", "профессий", "профессиями", "профессией"),
    ],
)
def test_light_stem_unites_noun_forms_that_snowball_splits(forms):
    assert len({light_stem(form) for form in forms}) == 1


def test_light_stem_keeps_short_words_and_stop_words_whole():
    assert light_stem("ямы") == "ямы"
    assert light_stem("которые") == "которые"
    assert light_stem("2023") == "2023"
