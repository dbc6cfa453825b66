"""Cyrillic (Kazakh and Russian) to Latin: the 2021 Kazakh alphabet and URL slugs.

``to_latin`` writes the 2021 Kazakh Latin alphabet. Letters that alphabet lacks
use the project rendering: ё io, ц ts, ч ch, щ ş, ю iu, я ia; ъ and ь vanish.

``to_ascii`` and ``slugify`` use one table for both languages, so a letter shared
by Russian and Kazakh (ж, х, ш, я...) always gives the same ASCII whatever the
article's language. Shared letters follow the familiar Russian romanisation; each
Kazakh-specific letter starts from its 2021 Latin letter and is reduced to ASCII
without being dropped or merged with its Russian look-alike where avoidable:

    ә ä -> ae    ғ ğ -> gh    қ q -> q     ң ñ -> ng    ө ö -> oe
    ұ ū -> u     ү ü -> ue    һ h -> h     і ı -> i

    а a  б b  в v  г g  д d  е e  ё e  ж zh  з z  и i  й y  к k  л l  м m
    н n  о o  п p  р r  с s  т t  у u  ф f  х kh  ц ts  ч ch  ш sh  щ shch
    ъ -  ы y  ь -  э e  ю yu  я ya

Digraphs keep ә/а, ғ/г, ө/о, ү/у and ң/н apart (кол and көл, тұр and түр differ);
һ -> h stays apart from х -> kh. Only ұ/у and і/и share an ASCII letter: Kazakh и
and у are mostly glides, so minimal pairs with і and ұ are rare. ё -> e keeps a
slug stable whether or not the editor typed the dots.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .alphabet import FOLD_TABLE, fix_lookalikes, is_cyrillic

#: Lower-case Cyrillic -> 2021 Kazakh Latin (lower case).
LATIN_TABLE: dict[str, str] = {
    "а": "a",
    "ә": "ä",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "ğ",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ñ",
    "о": "o",
    "ө": "ö",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "ū",
    "ү": "ü",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "ş",
    "щ": "ş",
    "ъ": "",
    "ы": "y",
    "і": "ı",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}

# Default case mapping would give I for и/й; the 2021 alphabet writes İ (and I for і).
_LATIN_UPPER = {"и": "İ", "й": "İ"}

#: Lower-case letter -> ASCII, for slugs. Covers Cyrillic and the Latin letters of
#: the Kazakh alphabets; anything else is reduced by NFKD minus combining marks.
TABLE: dict[str, str] = {
    "а": "a",
    "ә": "ae",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "gh",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "oe",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "ue",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    # 2021 Latin (text already romanised) reduces exactly like its Cyrillic letter.
    "ä": "ae",
    "ğ": "gh",
    "ñ": "ng",
    "ö": "oe",
    "ū": "u",
    "ü": "ue",
    "ı": "i",
    "ş": "sh",
    # Look-alikes of ә and ө from IPA keyboards.
    "ə": "ae",
    "ɵ": "oe",
}

_OTHER = {
    "«": '"',
    "»": '"',
    "„": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "ʼ": "'",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "đ": "d",
    "ł": "l",
    "þ": "th",
}

_APOSTROPHES = re.compile(r"['`]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _is_shouted(text: str, i: int) -> bool:
    """An upper-case letter next to another one: write its digraph in capitals."""
    return (i + 1 < len(text) and text[i + 1].isupper()) or (
        i > 0 and text[i - 1].isupper()
    )


def _recase(out: str, text: str, i: int, upper: dict[str, str]) -> str:
    ch = text[i]
    if not out or not ch.isupper():
        return out
    if len(out) > 1 and _is_shouted(text, i):
        return out.upper()
    return upper.get(ch.lower()) or out[0].upper() + out[1:]


def to_latin(text: str) -> str:
    """Cyrillic -> 2021 Kazakh Latin, keeping case; other characters pass through."""
    text = fix_lookalikes(unicodedata.normalize("NFC", text))
    parts = []
    for i, ch in enumerate(text):
        out = LATIN_TABLE.get(ch.lower())
        parts.append(ch if out is None else _recase(out, text, i, _LATIN_UPPER))
    return unicodedata.normalize("NFC", "".join(parts))


def _ascii_char(ch: str) -> str:
    out = TABLE.get(ch.lower())
    if out is not None:
        return out
    if ch.isascii():
        return ch
    base = "".join(
        c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
    )
    if base and base != ch:
        return "".join(_ascii_char(c) for c in base)
    return _OTHER.get(ch.lower(), "")


def to_ascii(text: str) -> str:
    """Transliterate to plain ASCII, keeping case; unmappable characters are dropped."""
    text = fix_lookalikes(unicodedata.normalize("NFC", text))
    return "".join(_recase(_ascii_char(ch), text, i, {}) for i, ch in enumerate(text))


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case ASCII slug, hyphen-separated, cut at a word boundary.

    Text with letters or digits but nothing transliterable (e.g. Chinese) gets a
    short stable hash instead of an empty slug.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    ascii_text = _APOSTROPHES.sub("", to_ascii(text).lower())
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    if not slug and any(ch.isalnum() for ch in text):
        digest = hashlib.blake2b(
            unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass"),
            digest_size=5,
        )
        slug = f"u-{digest.hexdigest()}"
    if len(slug) > max_length:
        head = slug[: max_length + 1]
        cut = head.rfind("-")
        slug = head[:cut] if cut > 0 else slug[:max_length]
    return slug


# --- Latin -> Cyrillic: words typed in Latin letters -------------------------

#: Latin spellings readers type that neither table writes: the 2018 acute
#: alphabet (á ǵ ń ó ú ý í) and phone habits (ç, w, yo, c for ц). Everything
#: else is read back from ``LATIN_TABLE`` (2021 Latin) and ``TABLE`` (slugs:
#: sh, zh, kh, ng…).
INFORMAL_LATIN: dict[str, str] = {
    "á": "ә",
    "ǵ": "ғ",
    "ń": "ң",
    "ó": "ө",
    "ú": "ү",
    "ý": "у",
    "í": "и",
    "ç": "ч",
    "w": "у",
    "yo": "ё",
    "c": "ц",
}

#: At most this many Cyrillic readings of one Latin word.
MAX_READINGS = 6

_CYRILLIC_VOWELS = frozenset("аәеёиоөуұүыіэюя")


def _fold(letter: str) -> str:
    return FOLD_TABLE.get(letter, letter).replace("ё", "е")


def _latin_readings() -> dict[str, tuple[str, ...]]:
    """Latin spelling -> Cyrillic letters: both tables backwards, then the extras.

    Letters that fold to one another (і/и, ұ/у, һ/х, ё/е) keep one reading: the
    folded search keys meet the others.
    """
    readings: dict[str, list[str]] = {}
    pairs = [
        *((latin, cyrillic) for cyrillic, latin in LATIN_TABLE.items()),
        *(
            (latin, cyrillic)
            for cyrillic, latin in TABLE.items()
            if is_cyrillic(cyrillic)
        ),
        *INFORMAL_LATIN.items(),
    ]
    for latin, cyrillic in pairs:
        found = readings.setdefault(latin, []) if latin else []
        if latin and all(_fold(c) != _fold(cyrillic) for c in found):
            found.append(cyrillic)
    return {latin: tuple(letters) for latin, letters in readings.items()}


_READINGS = _latin_readings()
_LONGEST = max(len(latin) for latin in _READINGS)


def _cost(letter: str, previous: str, choice: int) -> int | None:
    """Less likely readings cost more; impossible ones are ``None``.

    й only after a vowel, where и and ы are unlikely (Qostanai, Kostanay);
    э only at the start or after a vowel (elektr, poet), as Russian spells it.
    """
    after_vowel = previous in _CYRILLIC_VOWELS
    if letter == "й":
        return 0 if after_vowel else None
    if letter in "иы" and after_vowel:
        return 1
    if letter == "э" and not (after_vowel or previous == " "):
        return None
    return min(choice, 1)


def _splits(latin: str) -> bool:
    """May a digraph be read letter by letter? ng (нг), ts (тс), ia (иа) may;
    sh, zh, kh, ch, gh never: the h only marks the digraph."""
    return not latin.endswith("h")


def is_latin_word(word: str) -> bool:
    """True for a word written in Latin letters only (kombinat, Qostanai)."""
    return bool(word) and all(
        ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN") for ch in word
    )


def _steps(text: str, position: int, previous: str):
    """(letters read, Cyrillic letter, cost) for the spellings starting here."""
    fits = [
        n
        for n in range(1, min(_LONGEST, len(text) - position) + 1)
        if text[position : position + n] in _READINGS
    ]
    if not fits:
        return  # a letter the tables do not know (x, w…): no reading
    longest = fits[-1]
    shortest = 1 if _splits(text[position : position + longest]) else longest
    for n in reversed(fits):
        if n < shortest:
            break
        split = int(n < longest)  # a digraph read as two letters
        for choice, letter in enumerate(_READINGS[text[position : position + n]]):
            cost = _cost(letter, previous, choice)
            if cost is not None:
                yield n, letter, cost + split


def from_latin(word: str) -> tuple[str, ...]:
    """Cyrillic readings of a word typed in Latin letters, likeliest first.

    Reads the 2021 Kazakh Latin alphabet, the slug spellings (sh, ch, zh, kh,
    ng, ts, ya…) and the informal ones (q or k, ı or i, ñ/ń or ng, ý or u),
    for Kazakh and Russian words alike (kombinattyń, mamandyq, sotrudniki).
    Where one spelling has two readings (ng as ң or нг, ia as я or ия, e as е
    or э) the likeliest few are kept. Letters that search folds together
    (қ/к, і/и…) are not told apart: the folded keys meet both. Not a Latin
    word: ``()``.
    """
    text = unicodedata.normalize("NFC", word).replace("İ", "i").lower()
    if not is_latin_word(text):
        return ()
    # Readings ending at each position, cheapest first, at most MAX_READINGS.
    ends: dict[int, set[tuple[int, str]]] = {0: {(0, "")}}
    for position in range(len(text)):
        for cost, cyrillic in sorted(ends.pop(position, ()))[:MAX_READINGS]:
            for n, letter, extra in _steps(text, position, cyrillic[-1:] or " "):
                ends.setdefault(position + n, set()).add(
                    (cost + extra, cyrillic + letter)
                )
    readings = sorted(ends.get(len(text), ()))[:MAX_READINGS]
    return tuple(dict.fromkeys(cyrillic for _cost_, cyrillic in readings if cyrillic))
