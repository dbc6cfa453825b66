"""Letter inventories and the two letter-level repairs every other module relies on."""

from __future__ import annotations

import re

#: The nine letters Kazakh adds to the Russian alphabet (lower case).
KAZAKH_LETTERS = frozenset("әғқңөұүһі")

#: Kazakh-specific letter -> the Russian letter a reader types in its place.
FOLD_TABLE: dict[str, str] = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
}

#: Look-alikes from other scripts that web text puts inside Cyrillic words:
#: the Kazakh ones (i, ə, ɵ, h) and the Latin twins of Russian letters.
LOOKALIKE_TABLE: dict[str, str] = {
    "i": "і",
    "I": "І",
    "ə": "ә",
    "Ə": "Ә",
    "ɵ": "ө",
    "Ɵ": "Ө",
    "h": "һ",
    "a": "а",
    "c": "с",
    "e": "е",
    "k": "к",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "У",
}

_FOLD = str.maketrans(
    FOLD_TABLE | {k.upper(): v.upper() for k, v in FOLD_TABLE.items()}
)
_LOOKALIKES = str.maketrans(LOOKALIKE_TABLE)
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def is_cyrillic(ch: str) -> bool:
    """True for a letter of the Cyrillic blocks used by Russian and Kazakh."""
    return "\u0400" <= ch <= "\u04ff"


def has_kazakh_letters(word: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in word.lower())


def fold_lookalikes(token: str) -> str:
    """Replace Kazakh-specific letters with the Russian letters typed in their place.

    Lets a query typed on a Russian keyboard (казакстан) meet қазақстан.
    """
    return token.translate(_FOLD)


def _repair_run(match: re.Match[str]) -> str:
    run = match.group()
    cyrillic = sum(1 for ch in run if is_cyrillic(ch))
    if cyrillic == 0 or cyrillic <= len(run) - cyrillic:
        return run
    return run.translate(_LOOKALIKES)


def fix_lookalikes(text: str) -> str:
    """Swap look-alike Latin letters for Cyrillic ones inside mostly-Cyrillic words.

    A word must be more Cyrillic than not, so a Latin brand name followed by a
    Kazakh case ending keeps its Latin letters.
    """
    return _LETTER_RUN.sub(_repair_run, text)
