"""Russian stemming with the Snowball algorithm."""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

from .alphabet import is_cyrillic

#: Function words (pronouns, prepositions, conjunctions, particles), with ё as е.
#: Never stemmed; the search layer may drop them.
STOPWORDS = frozenset(
    """
    а без бы был была были было быть в вам вас во вот все всё вы где да для до
    его ее её ей ему если есть еще ещё же за и из или им их к как когда кто ли
    между меня мне мы на над не него нее неё ней нет ни них но о об он она они
    оно от по под после при про с себя со так также там те тем то того тоже
    той тот ты у уже хотя чем через что чтобы эта эти это этого этой этом этот
    я который которая которое которые которых которого которой котором
    """.replace("ё", "е").split()
)

# Snowball stemmers keep their working string on the instance: one per thread.
_local = threading.local()


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("russian")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of one Russian word, lower-cased, ё as е.

    Tokens that are not purely Cyrillic letters are only lower-cased.
    """
    word = unicodedata.normalize("NFC", word.replace("İ", "i").lower()).replace(
        "ё", "е"
    )
    if not word or not all(is_cyrillic(ch) and ch.isalpha() for ch in word):
        return word
    return _stemmer().stemWord(word)


# Noun and adjective endings, longest first. The -ия family is listed whole so
# that профессий, профессия and профессиями keep the same stem.
_LIGHT_ENDINGS = tuple(
    sorted(
        """
        иями ями ами иях ией иям ого его ому ему ой ей ам ям ах ях ом ем ов ев
        ий ый ия ии ию ие ая яя ое ее ые ие ым им ых их ую юю а я ы и у ю е о ь
        """.split(),
        key=len,
        reverse=True,
    )
)
_CONSONANTS = frozenset("бвгджзйклмнпрстфхцчшщ")


@lru_cache(maxsize=65536)
def light_stem(word: str) -> str:
    """A conservative noun/adjective stem that Snowball's misses complement.

    Snowball reads some noun forms as verbs or participles (хризотила →
    хризот but хризотилом → хризотил; бурана → бура; батареи → батар but
    батарея → батаре) and keeps fleeting vowels apart (посёлок, посёлки).
    This strips one inflectional ending only, keeping at least three letters,
    then drops a fleeting о/е before a final к or ц (посёлок, посёлк-и →
    поселк; конец, конц-а → конц). Search indexes and queries both keys.
    """
    word = unicodedata.normalize("NFC", word.replace("İ", "i").lower()).replace(
        "ё", "е"
    )
    if not word or not all(is_cyrillic(ch) and ch.isalpha() for ch in word):
        return word
    if word in STOPWORDS:
        return word
    for ending in _LIGHT_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    if (
        len(word) >= 4
        and word[-1] in "кц"
        and word[-2] in "ое"
        and word[-3] in _CONSONANTS
    ):
        word = word[:-2] + word[-1]
    return word


def light_stems(word: str) -> tuple[str, ...]:
    """``light_stem``, plus the genitive plural reading of a word in -ей.

    The -ея nouns keep their е: батарей is батаре-й (батарея, батареями), not
    батар-ей, yet the longest ending wins in ``light_stem``. Both readings are
    keyed; a key ending in е rarely names anything else (ночей → ноче).
    """
    first = light_stem(word)
    lowered = word.lower().replace("ё", "е")
    if lowered.endswith("ей") and len(lowered) >= 4 and first != lowered:
        second = lowered[:-1]
        if second != first:
            return (first, second)
    return (first,)
