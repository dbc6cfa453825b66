"""The one text analysis every search backend uses, for indexing and for queries.

``analyze`` gives exact stems; ``analyze_folded`` gives the same stems computed
on text whose Kazakh-specific letters are folded to Russian look-alikes, so a
query typed on a Russian keyboard still matches. Index both, rank exact first.
"""

from __future__ import annotations

import re
import unicodedata

from . import kazakh, russian
from .alphabet import fix_lookalikes, fold_lookalikes, has_kazakh_letters, is_cyrillic

__all__ = [
    "MAX_TOKEN_LENGTH",
    "analyze",
    "analyze_folded",
    "fold_lookalikes",
    "stopwords",
    "tokenize",
]

#: Longer tokens are truncated: no real word is this long, and junk must stay cheap.
MAX_TOKEN_LENGTH = 64

_WORD = r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0483-\u0489])*"
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'`\u2018\u2019\u02bc"
_TOKEN = re.compile(rf"{_WORD}(?:[{_HYPHENS}{_APOSTROPHES}]{_WORD})*")
_HYPHEN = re.compile(f"[{_HYPHENS}]")
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")

# Russian ordinal endings written after digits: 2023-го, 5-й, 10-ти.
_RUSSIAN_ORDINAL_TAILS = frozenset(
    "й я е го му м х ми ый ий ой ая яя ое ее ые ие ого его ому ему ым им ых их "
    "ом ем ую юю ю ей ти".split()
)

_STOPWORDS = {"ru": russian.STOPWORDS, "kk": kazakh.STOPWORDS}
_FOLDED_STOPWORDS = {
    lang: frozenset(fold_lookalikes(w) for w in words)
    for lang, words in _STOPWORDS.items()
}


def _language(language: str | None) -> str:
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    code = {"kz": "kk"}.get(code, code)
    return code if code in _STOPWORDS else ""


def stopwords(language: str) -> frozenset[str]:
    """The stop list for "ru" or "kk" (lower case, ё as е); empty for others."""
    return _STOPWORDS.get(_language(language), frozenset())


def _is_inflection_chain(tail: str, pieces: int = 3) -> bool:
    """True if tail is made of up to three Kazakh inflections (тағы+лар+ға)."""
    if not tail:
        return True
    return pieces > 0 and any(
        tail[:i] in kazakh.INFLECTIONS and _is_inflection_chain(tail[i:], pieces - 1)
        for i in range(1, min(len(tail), 5) + 1)
    )


def _is_suffix_tail(head: str, tail: str) -> bool:
    """ҚР-да, АҚШ-тың, iPhone-ға, 2023-го: the tail inflects the head."""
    tail = tail.lower()
    if head.isdigit():
        return tail in _RUSSIAN_ORDINAL_TAILS or _is_inflection_chain(tail)
    abbreviation = len(head) > 1 and head.isupper()
    latin = not any(is_cyrillic(ch) for ch in head)
    return (abbreviation or latin) and _is_inflection_chain(tail)


def _lower(token: str) -> str:
    lowered = token.replace("İ", "i").lower()
    return unicodedata.normalize("NFC", lowered)[:MAX_TOKEN_LENGTH]


def tokenize(text: str, *, repair: bool = True) -> list[str]:
    """Lower-case NFC word tokens.

    Apostrophes inside a word are removed (O'Brien -> obrien); hyphenated words
    give each part (іс-шара -> іс, шара) except a case tail on an abbreviation or
    number (ҚР-да -> қр, 2023-жылы -> 2023, жылы). Latin look-alikes inside
    Cyrillic words are repaired unless ``repair`` is false; either way the
    tokens are the same words in the same order.
    """
    if not text or not isinstance(text, str):
        return []
    text = unicodedata.normalize("NFC", text)
    if repair:
        text = fix_lookalikes(text)
    tokens = []
    for match in _TOKEN.finditer(text):
        parts = _HYPHEN.split(_APOSTROPHE.sub("", match.group()))
        tokens.extend(
            _lower(part)
            for i, part in enumerate(parts)
            if not (i and _is_suffix_tail(parts[i - 1], part))
        )
    return tokens


def _stem(token: str, language: str) -> str:
    if language == "kk" or (language == "ru" and has_kazakh_letters(token)):
        return kazakh.stem(token)
    if language == "ru":
        return russian.stem(token)
    return token


def _stem_folded(token: str, language: str) -> str:
    if language == "kk" or (language == "ru" and has_kazakh_letters(token)):
        return kazakh.stem_folded(token)
    if language == "ru":
        # No ь or ъ: a word typed in Latin letters has none (mebelyu, obekt).
        return russian.stem(token.replace("ь", "").replace("ъ", "") or token)
    return fold_lookalikes(token)


def analyze(text: str, language: str, *, drop_stopwords: bool = False) -> list[str]:
    """Stems of text for language "ru" or "kk"; other languages get plain tokens.

    Stop words are kept unstemmed unless ``drop_stopwords``. A Kazakh word inside a
    Russian text (it has a Kazakh-specific letter) goes to the Kazakh stemmer.
    """
    lang = _language(language)
    stop = _STOPWORDS.get(lang, frozenset())
    stems = []
    for word in tokenize(text):
        token = word.replace("ё", "е")
        if token in stop:
            if not drop_stopwords:
                stems.append(token)
            continue
        stems.append(_stem(token, lang))
    return stems


def analyze_folded(
    text: str, language: str, *, drop_stopwords: bool = False
) -> list[str]:
    """Like ``analyze`` after folding ә->а, ғ->г, қ->к, ң->н, ө->о, ұ/ү->у, һ->х, і->и.

    Depends only on the folded text, so "казакстанда" and "Қазақстанда" agree.
    Russian words also lose ь and ъ, which a word typed in Latin letters lacks.
    """
    lang = _language(language)
    stop = _FOLDED_STOPWORDS.get(lang, frozenset())
    stems = []
    for word in tokenize(text):
        token = word.replace("ё", "е")
        folded = fold_lookalikes(token)
        if folded in stop:
            if not drop_stopwords:
                stems.append(folded)
            continue
        stems.append(_stem_folded(token, lang))
    return stems
