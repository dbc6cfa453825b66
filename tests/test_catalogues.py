"""The ru and kk gettext catalogues are complete, well-formed and up to date.

When you add or change a translatable string, regenerate the catalogues and
translate the new entries before committing::

    DJANGO_SETTINGS_MODULE=site_project.settings.dev .venv/bin/python manage.py \\
        makemessages -l ru -l kk --ignore=.venv --ignore=.tools --ignore=tests \\
        --ignore=linguistics --no-obsolete

``test_every_msgid_of_the_source_is_in_the_catalogue`` runs the same extraction
on a scratch copy of the source and fails, naming the msgids, when the
committed catalogues lag behind the code.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"
LANGUAGES = ["ru", "kk"]

# The same --ignore list as the makemessages command above.
MAKEMESSAGES_IGNORE = [".venv", ".tools", "tests", "linguistics"]
# makemessages reads these extensions by default (domain "django").
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# Never copied into the scratch tree: not source, or ignored anyway.
NOT_SOURCE = {
    *MAKEMESSAGES_IGNORE,
    "locale",
    "media",
    "staticfiles",
    "node_modules",
    "__pycache__",
}

PLURAL_FORMS = {
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "kk": "nplurals=2; plural=(n!=1);",
}

# %(name)s-style and %s-style conversions, and {{ name }} template variables;
# "%%" is a literal percent sign and is removed before matching.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|\{\{\s*[\w.|:\"' ]+?\s*\}\}"
)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


# --- a small PO parser ----------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def _unquote(literal: str, where: str) -> str:
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {literal!r}")
    return re.sub(
        r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), literal[1:-1]
    )


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file in order, header first; obsolete (#~) ones skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # what a "…" line continues

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path}:{number}"
        after_msgstr = target is not None and target[0] == "msgstr"
        if not line:
            if target is not None:
                finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if after_msgstr:
                finish()
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if after_msgstr and not keyword.startswith("msgstr"):
                finish()
            entry = entry or Entry(line=number)
            value = _unquote(literal, where)
            if index is not None:
                entry.msgstr_plural[int(index)] = value
                target = ("msgstr", int(index))
            else:
                if keyword == "msgid":
                    entry.line = number
                setattr(entry, keyword, value)
                target = ("msgstr" if keyword == "msgstr" else keyword, None)
            continue
        if line.startswith('"') and target is not None:
            value = _unquote(line, where)
            name, index = target
            if index is not None:
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"{where}: cannot parse {raw!r}")
    finish()
    return entries


def header_fields(entry: Entry) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in entry.msgstr.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def catalogue_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / "django.po"


def load(lang: str) -> tuple[Entry, list[Entry]]:
    path = catalogue_path(lang)
    assert path.exists(), f"{path} is missing: run makemessages (see module docstring)"
    entries = parse_po(path)
    assert entries and entries[0].is_header, f"{path} has no header entry"
    return entries[0], entries[1:]


def placeholders(text: str) -> Counter:
    return Counter(
        re.sub(r"\s+", "", found)
        for found in PLACEHOLDER.findall(text.replace("%%", ""))
    )


def listing(entries) -> str:
    return "\n".join(f"  {entry}" for entry in entries)


# --- the catalogues themselves --------------------------------------------


def test_every_site_language_has_a_catalogue():
    assert sorted(code for code, _name in settings.LANGUAGES) == sorted(LANGUAGES)
    for lang in LANGUAGES:
        assert catalogue_path(lang).exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_declares_language_plural_forms_and_utf8(lang):
    header, _entries = load(lang)
    fields = header_fields(header)
    assert fields.get("Language") == lang
    assert fields.get("Plural-Forms") == PLURAL_FORMS[lang]
    assert fields.get("Content-Type") == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_entry_is_fuzzy_not_even_the_header(lang):
    header, entries = load(lang)
    assert "fuzzy" not in header.flags, "the header is still marked fuzzy"
    fuzzy = [entry for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries in {lang}:\n{listing(fuzzy)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_in_every_plural_form(lang):
    header, entries = load(lang)
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang]).group(1))
    assert entries, f"the {lang} catalogue is empty"
    empty = [entry for entry in entries if not all(entry.translations)]
    assert not empty, f"untranslated entries in {lang}:\n{listing(empty)}"
    wrong_forms = [
        entry
        for entry in entries
        if entry.msgid_plural is not None
        and sorted(entry.msgstr_plural) != list(range(nplurals))
    ]
    assert not wrong_forms, (
        f"plural entries without exactly {nplurals} forms in {lang}:\n"
        f"{listing(wrong_forms)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_identical_in_msgid_and_msgstr(lang):
    _header, entries = load(lang)
    broken = []
    for entry in entries:
        if entry.msgid_plural is None:
            if placeholders(entry.msgid) != placeholders(entry.msgstr):
                broken.append(entry)
            continue
        expected = set(placeholders(entry.msgid_plural))
        if any(set(placeholders(form)) != expected for form in entry.translations):
            broken.append(entry)
    assert not broken, f"placeholders differ in {lang}:\n{listing(broken)}"


def test_the_placeholder_pattern_finds_each_kind_of_placeholder():
    text = "%(tag)s, %s, %d, {{ name }} and 100%% sure"
    assert placeholders(text) == Counter(
        {"%(tag)s": 1, "%s": 1, "%d": 1, "{{name}}": 1}
    )


def test_the_parser_reads_contexts_plurals_continuations_and_flags(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        '# Header comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: kk\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "byline"\nmsgid "A "\n'
        '"%(x)s"\nmsgstr "Б \\"%(x)s\\""\n\n'
        '#~ msgid "gone"\n#~ msgstr "жоқ"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "бір"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    header, first, plural = parse_po(po)
    assert header.is_header
    assert header.flags == {"fuzzy"}
    assert header_fields(header) == {"Language": "kk"}
    assert first.key == ("byline", "A %(x)s")
    assert first.msgstr == 'Б "%(x)s"'
    assert first.flags == {"fuzzy", "python-format"}
    assert plural.msgid_plural == "many"
    assert plural.translations == ["бір", ""]


# --- the catalogues against the source ------------------------------------


def _copy_source(destination: Path) -> None:
    """Copy only what makemessages reads, so the scratch run is fast and safe."""

    def ignore(directory, names):
        skipped = set()
        for name in names:
            path = Path(directory, name)
            if path.is_dir():
                if name in NOT_SOURCE or name.startswith("."):
                    skipped.add(name)
            elif path.suffix not in SOURCE_SUFFIXES:
                skipped.add(name)
        return skipped

    shutil.copytree(BASE_DIR, destination, ignore=ignore, symlinks=True)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple[str | None, str], Entry]:
    """Msgids makemessages finds in the current source, keyed by (context, msgid).

    Runs in a scratch copy of the source with LOCALE_PATHS pointing into it, so
    the committed catalogues are neither read nor rewritten.
    """
    assert shutil.which("xgettext") and shutil.which("msgmerge"), (
        "GNU gettext is required (apt-get install gettext)"
    )
    source = tmp_path_factory.mktemp("catalogue-source") / "src"
    _copy_source(source)
    scratch_locale = source / "locale"
    previous = Path.cwd()
    os.chdir(source)
    try:
        with override_settings(LOCALE_PATHS=[scratch_locale]):
            call_command(
                "makemessages",
                locale=["ru"],
                ignore_patterns=MAKEMESSAGES_IGNORE,
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(previous)
    entries = parse_po(catalogue_path("ru", scratch_locale))
    found = {entry.key: entry for entry in entries if not entry.is_header}
    assert found, "makemessages found no translatable strings at all"
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_of_the_source_is_in_the_catalogue(lang, extracted):
    _header, entries = load(lang)
    committed = {entry.key for entry in entries}
    missing = [entry for key, entry in extracted.items() if key not in committed]
    assert not missing, (
        f"the {lang} catalogue lags behind the source; run makemessages (see "
        f"{Path(__file__).name}) and translate:\n{listing(missing)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_keeps_no_msgid_the_source_no_longer_uses(lang, extracted):
    _header, entries = load(lang)
    stale = [entry for entry in entries if entry.key not in extracted]
    assert not stale, (
        f"the {lang} catalogue holds msgids the source no longer uses; run "
        f"makemessages with --no-obsolete:\n{listing(stale)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_match_the_source(lang, extracted):
    _header, entries = load(lang)
    mismatched = [
        entry
        for entry in entries
        if entry.key in extracted
        and entry.msgid_plural != extracted[entry.key].msgid_plural
    ]
    assert not mismatched, f"msgid_plural differs in {lang}:\n{listing(mismatched)}"


# --- the compiled catalogues at runtime -----------------------------------


@pytest.fixture
def compiled(settings, monkeypatch, tmp_path):
    """Compile the project's catalogues when their .mo is missing or stale.

    compilemessages walks the working directory, so it runs from an empty one
    and sees LOCALE_PATHS only. Catalogues read before compiling stay cached by
    Django and by Python's gettext module; Django's own reload hook drops both.
    """
    stale = [
        lang
        for lang in LANGUAGES
        if not (mo := catalogue_path(lang).with_suffix(".mo")).exists()
        or mo.stat().st_mtime < catalogue_path(lang).stat().st_mtime
    ]
    if stale:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv(
            "DJANGO_SETTINGS_MODULE",
            os.environ.get("DJANGO_SETTINGS_MODULE", "site_project.settings.test"),
        )
        with override_settings(LOCALE_PATHS=[LOCALE_DIR]):
            call_command("compilemessages", locale=stale, verbosity=0)
    settings.LOCALE_PATHS = [LOCALE_DIR]
    translation_file_changed(None, catalogue_path(LANGUAGES[0]).with_suffix(".mo"))
    yield
    translation_file_changed(None, catalogue_path(LANGUAGES[0]).with_suffix(".mo"))


@pytest.mark.usefixtures("compiled")
def test_compiled_catalogues_translate_at_runtime():
    with translation.override("kk"):
        assert translation.gettext("Search") == "Іздеу"
        assert translation.pgettext("byline", "Author") == "Авторы"
    with translation.override("ru"):
        assert translation.gettext("Search") == "Поиск"
        assert translation.pgettext("byline", "Author") == "Автор"


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_entry_is_served_at_runtime(lang):
    _header, entries = load(lang)
    wrong = []
    with translation.override(lang):
        for entry in entries:
            if not all(entry.translations):
                continue  # reported by the completeness test; Django falls back
            if entry.msgid_plural is None:
                if entry.msgctxt is None:
                    served = translation.gettext(entry.msgid)
                else:
                    served = translation.pgettext(entry.msgctxt, entry.msgid)
                expected = entry.msgstr
            else:
                args = (entry.msgid, entry.msgid_plural, 5)  # n=5: the last form
                if entry.msgctxt is None:
                    served = translation.ngettext(*args)
                else:
                    served = translation.npgettext(entry.msgctxt, *args)
                expected = entry.translations[-1]
            if served != expected:
                wrong.append(f"{entry}: served {served!r}, expected {expected!r}")
    assert not wrong, f"stale or shadowed {lang} translations:\n" + "\n".join(wrong)
