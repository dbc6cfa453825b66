"""The demo newspaper's text, read from the JSON files in ``demo/data/``.

``site.json`` holds the site settings, the home page, the authors, the sections
and the contacts page; ``articles/<section key>.json`` the articles of one
section. Everything is written twice, Russian (``ru``) and Kazakh (``kk``), the
Kazakh text a translation of the Russian one, so each kk page is the twin of its
ru page. Rich text is HTML; page bodies are lists of ``{"type", "value"}``
blocks, as in Wagtail's own StreamField JSON. People, figures and events are
invented.

JSON rather than YAML: ``make run`` seeds from the runtime install, and the
runtime dependencies have no YAML parser. ``load`` checks the files against the
models they feed, so a slip in an edited file is reported with its file and key
rather than as a traceback from deep inside Wagtail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from core.models import FooterLink
from demo.images import PALETTES
from home.models import HomePage, SiteSettings, StandardPage
from news.models import Author, HistoryPage, InterviewPage, NewsPage, SectionPage

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("ru", "kk")
ARTICLE_TYPES = {"news": NewsPage, "interview": InterviewPage, "history": HistoryPage}
DATE_FORMAT = "%Y-%m-%d %H:%M"
PAGE = {"title": str, "intro": str}
ARTICLE = {"title": str, "lead": str, "tags": list, "body": list}
ARTICLE_KEYS = {
    "key",
    "type",
    "date",
    "featured",
    "authors",
    "image",
    "untranslated",
    *LANGUAGES,
}
_JSON_NAMES = {
    dict: "object",
    list: "list",
    str: "string",
    bool: "true or false",
    int: "number",
    float: "number",
    type(None): "null",
}


class DemoDataError(Exception):
    """A demo data file that cannot be loaded; the message names file and key."""


@dataclass(frozen=True)
class DemoContent:
    site_settings: dict  # language -> SiteSettings fields
    home: dict  # language -> HomePage title and intro
    authors: list  # {"key", "ru", "kk"}
    sections: list  # {"key", "ru", "kk"}
    contacts: dict  # language -> StandardPage title, intro, body
    articles: list  # {"key", "section", "type", "date", ..., "ru", "kk"}
    # {"key": a section key or "contacts", "ru", "kk"}: the footer's «Информация»
    footer_links: list = field(default_factory=list)


@dataclass(frozen=True)
class _At:
    """A place in a data file, for messages such as ``site.json: authors[2].kk``."""

    file: Path
    key: str = ""

    def __truediv__(self, part: str | int) -> _At:
        if isinstance(part, int):
            return _At(self.file, f"{self.key}[{part}]")
        return _At(self.file, f"{self.key}.{part}" if self.key else part)

    def fail(self, problem: str) -> NoReturn:
        raise DemoDataError(f"{self.file}: {self.key or 'top level'}: {problem}")

    def get(self, data, key: str, kind: type):
        """``data[key]``, which must be a ``kind``."""
        self.expect(data, dict)
        if key not in data:
            self.fail(f"missing key {key!r}")
        return (self / key).expect(data[key], kind)

    def expect(self, value, kind: type):
        """``value``, which must be a ``kind``."""
        if not isinstance(value, kind):
            found = _JSON_NAMES.get(type(value), type(value).__name__)
            self.fail(f"expected {_JSON_NAMES[kind]}, found {found}")
        return value


def load(directory: Path = DATA_DIR) -> DemoContent:
    """The demo content in ``directory``; raises DemoDataError on bad data."""
    at = _At(directory / "site.json")
    site = _read(at.file)
    authors = _keyed_list(site, "authors", at, Author, required={"name": str})
    sections = _keyed_list(site, "sections", at, SectionPage, required={"title": str})
    return DemoContent(
        site_settings=_by_language(site, "site_settings", at, SiteSettings),
        home=_by_language(site, "home", at, HomePage, required=PAGE),
        authors=authors,
        sections=sections,
        contacts=_by_language(site, "contacts", at, StandardPage, required=PAGE),
        articles=_articles(
            directory / "articles",
            sections=[entry["key"] for entry in sections],
            authors={entry["key"] for entry in authors},
        ),
        footer_links=_footer_links(site, at, sections),
    )


def _footer_links(site: dict, at: _At, sections: list) -> list:
    """Footer links, each naming a section (its key) or the contacts page."""
    if "footer_links" not in site:
        return []
    links = _keyed_list(site, "footer_links", at, FooterLink, required={"title": str})
    targets = {"contacts", *(entry["key"] for entry in sections)}
    for index, link in enumerate(links):
        if link["key"] not in targets:
            (at / "footer_links" / index / "key").fail(
                f"expected a section key or 'contacts', found {link['key']!r}"
            )
    return links


def _read(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DemoDataError(f"{path}: cannot be read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise DemoDataError(f"{path}: not UTF-8 text ({error.reason})") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DemoDataError(
            f"{path}: line {error.lineno} column {error.colno}: {error.msg}"
        ) from error


def _by_language(data, key: str, at: _At, model, required=None) -> dict:
    return _languages(at.get(data, key, dict), at / key, model, required)


def _languages(entry: dict, at: _At, model, required=None) -> dict:
    """``{"ru": values, "kk": values}`` from ``entry``, checked against ``model``."""
    return {
        code: _values(at.get(entry, code, dict), at / code, model, required or {})
        for code in LANGUAGES
    }


def _values(data: dict, at: _At, model: type[models.Model], required: dict) -> dict:
    """One language's values: model fields only, a body as (type, value) pairs."""
    for key, kind in required.items():
        at.get(data, key, kind)
    for name in data:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            (at / name).fail(f"{model.__name__} has no field {name!r}")
    values = dict(data)
    if "body" in values:
        values["body"] = _body(at.get(data, "body", list), at / "body", model)
    return values


def _body(blocks: list, at: _At, model: type[models.Model]) -> list[tuple]:
    known = model._meta.get_field("body").stream_block.child_blocks
    body = []
    for index, block in enumerate(blocks):
        here = at / index
        block_type = here.get(block, "type", str)
        if block_type not in known:
            (here / "type").fail(
                f"{model.__name__} has no {block_type!r} block "
                f"(it has {', '.join(known)})"
            )
        if set(block) != {"type", "value"}:
            here.fail('expected exactly the keys "type" and "value"')
        if block_type == "image":
            _motif(here.get(block["value"], "image", str), here / "value" / "image")
        body.append((block_type, block["value"]))
    return body


def _keyed_list(data, key: str, at: _At, model, required: dict) -> list:
    """Entries with a unique ``key`` and their values in each language."""
    entries = []
    seen = set()
    for index, entry in enumerate(at.get(data, key, list)):
        here = at / key / index
        name = here.get(entry, "key", str)
        if name in seen:
            (here / "key").fail(f"{name!r} is used twice")
        seen.add(name)
        _no_other_keys(entry, here, {"key", *LANGUAGES})
        entries.append({"key": name, **_languages(entry, here, model, required)})
    return entries


def _articles(directory: Path, *, sections: list[str], authors: set[str]) -> list:
    """Every section's articles, sections in site.json's order."""
    for path in sorted(directory.glob("*.json")):
        if path.stem not in sections:
            _At(path).fail(f"no section {path.stem!r} in site.json for this file")
    articles = []
    seen: dict[str, Path] = {}
    for section in sections:
        path = directory / f"{section}.json"
        if not path.exists():
            continue  # a section without demo articles
        for index, entry in enumerate(_At(path).expect(_read(path), list)):
            article = _article(entry, _At(path) / index, authors)
            if article["key"] in seen:
                (_At(path) / index / "key").fail(
                    f"{article['key']!r} is used twice (also in {seen[article['key']]})"
                )
            seen[article["key"]] = path
            articles.append({**article, "section": section})
    return articles


def _article(entry, at: _At, authors: set[str]) -> dict:
    at.get(entry, "key", str)
    _no_other_keys(entry, at, ARTICLE_KEYS)
    kind = at.get(entry, "type", str)
    if kind not in ARTICLE_TYPES:
        (at / "type").fail(f"expected one of {', '.join(ARTICLE_TYPES)}")
    try:
        datetime.strptime(at.get(entry, "date", str), DATE_FORMAT)
    except ValueError:
        (at / "date").fail("expected a date and time as YYYY-MM-DD HH:MM")
    if "featured" in entry:
        (at / "featured").expect(entry["featured"], bool)
    for index, author in enumerate(at.get(entry, "authors", list)):
        if not isinstance(author, str) or author not in authors:
            (at / "authors" / index).fail(f"no author {author!r} in site.json")
    _motif(at.get(entry, "image", str), at / "image")
    if entry.get("untranslated"):
        # Russian only: the Kazakh tree shows the "not translated yet" notice.
        (at / "untranslated").expect(entry["untranslated"], bool)
        _no_other_keys(entry, at, ARTICLE_KEYS - {"kk"})
        model = ARTICLE_TYPES[kind]
        return {
            **entry,
            "ru": _values(at.get(entry, "ru", dict), at / "ru", model, ARTICLE),
        }
    languages = _languages(entry, at, ARTICLE_TYPES[kind], required=ARTICLE)
    ru, kk = (len(languages[code]["tags"]) for code in LANGUAGES)
    if ru != kk:
        (at / "kk" / "tags").fail(
            f"{kk} tags for {ru} Russian ones: each translates the one in its place"
        )
    return {**entry, **languages}


def _no_other_keys(entry: dict, at: _At, allowed: set[str]) -> None:
    for key in entry:
        if key not in allowed:
            (at / key).fail(f"unknown key (expected {', '.join(sorted(allowed))})")


def _motif(name: str, at: _At) -> None:
    if name not in PALETTES:
        at.fail(f"no cover motif {name!r} (there are {', '.join(PALETTES)})")
