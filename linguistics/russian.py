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
