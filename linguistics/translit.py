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

from .alphabet import fix_lookalikes

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
