"""Search keys: the analysed words every search backend indexes whole.

Plain Python like the rest of ``linguistics``: the search app (queries) and the
article pages (documents) both call it, so a document and a query are always
analysed alike. ``plain=True`` gives lower-cased words with no stemming and
no folding: the analyser-less baseline of the search benchmark, and a switch
should the stemmers ever misbehave (``settings.KMPRESS_SEARCH_ANALYSIS``).
"""

from __future__ import annotations

from .alphabet import has_kazakh_letters
from .analysis import analyze, analyze_folded, stopwords, tokenize
from .russian import light_stems

#: The Elasticsearch analyzer of key fields: keys arrive pre-analysed, so it
#: only splits them on whitespace (search.elasticsearch_backend defines it).
KEYS_ANALYZER = "kmpress_keys"

#: Prefix of folded keys. ASCII letters, so every backend's tokenizer keeps
#: ``zzмамандык`` one token (SQLite unicode61, PostgreSQL's parser, whitespace).
FOLDED_MARK = "zz"

#: Title keys are written this many times. SQLite's FTS5 ``bm25()`` in Wagtail's
#: backend has no per-field weight, so the title is weighted by term frequency
#: there; PostgreSQL and Elasticsearch also apply the field boost.
TITLE_REPEAT = 3


def base_language(language: str) -> str:
    """ "kk-KZ" -> "kk"."""
    return (language or "").split("-")[0].lower()


def light_keys(tokens: list[str], language: str) -> list[str]:
    """Russian only: the light stems beside Snowball's (see ``light_stems``)."""
    if language != "ru":
        return []
    return [
        key
        for token in tokens
        if not has_kazakh_letters(token) and token not in stopwords("ru")
        for key in light_stems(token)
    ]


def index_keys(text: str, language: str, *, plain: bool = False) -> str:
    """Exact keys of text, stop words dropped."""
    if plain:
        return " ".join(tokenize(text))
    lang = base_language(language)
    keys = analyze(text, lang, drop_stopwords=True)
    if lang == "ru":
        snowball = set(keys)
        keys += [k for k in light_keys(tokenize(text), lang) if k not in snowball]
    return " ".join(keys)


def folded_keys(text: str, language: str, *, plain: bool = False) -> str:
    """Folded keys of text (ә→а, қ→к…), each carrying ``FOLDED_MARK``."""
    if plain:
        return ""
    return " ".join(
        FOLDED_MARK + key
        for key in analyze_folded(text, base_language(language), drop_stopwords=True)
    )


def title_keys(title: str, language: str, *, plain: bool = False) -> str:
    keys = index_keys(title, language, plain=plain)
    return " ".join([keys] * TITLE_REPEAT) if keys else ""
