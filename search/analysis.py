"""One analysis for every search backend: index keys in, query keys out.

Wagtail's backends analyse text their own way (SQLite FTS5 ``unicode61``,
PostgreSQL text search configurations, Elasticsearch analyzers) and none of them
knows Kazakh. So kmpress analyses in Python with ``linguistics`` and hands the
backends *keys*: space-separated stems that any tokenizer keeps whole (lower
case letters and digits only). The query gets the same analysis, so SQLite,
PostgreSQL and Elasticsearch match the same documents.

Two key spaces share each document:

* exact keys, ``analyze(text, language)``: Kazakh letters kept, so қол (hand)
  and көл (lake) stay apart; Russian words also give their light noun stem
  (``linguistics.russian.light_stems``) where Snowball splits a paradigm;
* folded keys, ``FOLDED_MARK`` + ``analyze_folded(text, language)``: ә→а, қ→к…,
  marked so that they never meet an exact key.

A query word typed in Latin letters (``kombinattyń``, ``mamandyq``,
``sotrudniki``) asks for the keys of its Cyrillic readings
(``linguistics.from_latin``: the slug and 2021 Latin tables read backwards)
and for itself; documents are indexed in Cyrillic keys only, so a Cyrillic
query ranks and matches exactly as before.

A query word typed without Kazakh letters (``казакстан`` on a Russian keyboard)
asks for its exact key *or* its folded key; a word with Kazakh letters asks for
its exact key only, so folding never merges words a reader spelled properly. A
document with the exact spelling carries both keys and so outranks one that
only matches through folding.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.search.query import And, Or, PlainText, SearchQuery

from linguistics import analyze, analyze_folded, tokenize
from linguistics.alphabet import has_kazakh_letters
from linguistics.keys import FOLDED_MARK, light_keys
from linguistics.keys import base_language as _language
from linguistics.translit import from_latin, is_latin_word
from news.models import plain_analysis

#: A query is cut to this many distinct words: enough for any real search,
#: and it keeps the SQL or Elasticsearch query small whatever a reader pastes.
MAX_QUERY_TERMS = 8

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


@dataclass(frozen=True)
class QueryTerm:
    """One query word: the keys any of which makes a document match it."""

    word: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class AnalysedQuery:
    terms: tuple[QueryTerm, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        """Every term's keys; asked for each word of every excerpt, so once."""
        return frozenset(key for term in self.terms for key in term.keys)

    def search_query(self) -> SearchQuery | None:
        """Every word must match (AND); each word through any of its keys (OR)."""
        parts: list[SearchQuery] = []
        for term in self.terms:
            alternatives = [PlainText(key) for key in term.keys]
            parts.append(
                alternatives[0] if len(alternatives) == 1 else Or(alternatives)
            )
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(parts)


def _latin_word_keys(word: str, language: str) -> tuple[str, ...]:
    """A word typed in Latin letters: the word as typed (brand names, iPhone)
    or any Cyrillic reading of it (``linguistics.from_latin``), through its
    exact and its folded keys; dropped when its likeliest reading is a stop
    word (men, jäne, dlia)."""
    readings = from_latin(word)
    if not readings or not analyze(readings[0], language, drop_stopwords=True):
        return () if readings else (word,)
    keys = [word]
    for reading in readings:
        keys += analyze(reading, language, drop_stopwords=True)
        keys += light_keys([reading], language)
        keys += [
            FOLDED_MARK + key
            for key in analyze_folded(reading, language, drop_stopwords=True)
        ]
    return tuple(dict.fromkeys(keys))


def word_keys(word: str, language: str, typed: str = "") -> tuple[str, ...]:
    """The keys a query word asks for (see the module docstring).

    ``typed`` is the word as the reader typed it, before Latin look-alikes were
    repaired: жиhаздын has no Kazakh letter on the keyboard that typed it, so it
    also asks for the folded keys, as жихаздын would. A word typed in Latin
    letters asks for the keys of its Cyrillic readings (``_latin_word_keys``).
    """
    if plain_analysis():
        return tuple(tokenize(word)[:1])
    lang = _language(language)
    if lang in {"ru", "kk"} and is_latin_word(word):
        return _latin_word_keys(word, lang)
    exact = analyze(word, lang, drop_stopwords=True)
    if not exact:
        return ()
    keys = [exact[0]]
    for light in light_keys(tokenize(word)[:1], lang):
        if light not in keys:
            keys.append(light)
    if not has_kazakh_letters(typed or word):
        folded = analyze_folded(word, lang, drop_stopwords=True)
        if folded:
            keys.append(FOLDED_MARK + folded[0])
    return tuple(keys)


def analyse_query(text: str, language: str) -> AnalysedQuery:
    """The query's words with their keys; stop words and repeats dropped."""
    terms: list[QueryTerm] = []
    seen: set[tuple[str, ...]] = set()
    words, typed = tokenize(text), tokenize(text, repair=False)
    if len(typed) != len(words):  # equal by construction; else judge repaired words
        typed = words
    for word, as_typed in zip(words, typed, strict=True):
        keys = word_keys(word, language, as_typed)
        if not keys or keys in seen:
            continue
        seen.add(keys)
        terms.append(QueryTerm(word=word, keys=keys))
        if len(terms) == MAX_QUERY_TERMS:
            break
    return AnalysedQuery(terms=tuple(terms))


@functools.lru_cache(maxsize=20_000)
def _text_word_keys(word: str, language: str) -> frozenset[str]:
    """Every key a word of a result's text carries: excerpts of one page share
    most of their words, and each is looked at twice (excerpt, highlight)."""
    keys = analyze(word, language, drop_stopwords=True)
    keys += light_keys(tokenize(word)[:1], language)
    folded = analyze_folded(word, language, drop_stopwords=True)
    return frozenset(keys + [FOLDED_MARK + folded[0]] if folded else keys)


def _matches(word: str, query: AnalysedQuery, language: str) -> bool:
    return not query.keys.isdisjoint(_text_word_keys(word, language))


def first_match(text: str, query: AnalysedQuery, language: str) -> int | None:
    """Index in text of the first word that matches the query, if any."""
    lang = _language(language)
    for match in _WORD.finditer(text):
        if _matches(match.group(), query, lang):
            return match.start()
    return None


def highlight(text: str, query: AnalysedQuery, language: str) -> SafeString:
    """Escaped plain text with the words that match the query in ``<mark>``.

    The text is escaped piece by piece; no markup from the text survives.
    """
    lang = _language(language)
    pieces: list[str] = []
    position = 0
    for match in _WORD.finditer(text):
        if not _matches(match.group(), query, lang):
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above
