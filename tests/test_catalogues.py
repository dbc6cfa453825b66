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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
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

Key = tuple[str | None, str]


# --- reading a catalogue (polib) ------------------------------------------


def catalogue_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / "django.po"


def read(path: Path) -> polib.POFile:
    """The catalogue at path; a syntax error or a duplicate entry raises."""
    return polib.pofile(str(path), check_for_duplicates=True)


def load(lang: str, locale_dir: Path = LOCALE_DIR) -> polib.POFile:
    path = catalogue_path(lang, locale_dir)
    assert path.exists(), f"{path} is missing: run makemessages (see module docstring)"
    return read(path)


def current(po: polib.POFile) -> list[polib.POEntry]:
    """The entries in use: obsolete (#~) ones are left out, as gettext does."""
    return [entry for entry in po if not entry.obsolete]


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def forms(entry: polib.POEntry) -> list[str]:
    """The translations of an entry: its msgstr, or every plural form in order."""
    if not entry.msgid_plural:
        return [entry.msgstr]
    return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]


def describe(entry: polib.POEntry) -> str:
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt is not None else ""
    return f"line {entry.linenum}: {entry.msgid!r}{context}"


def listing(problems: list[str]) -> str:
    return "\n".join(f"  {problem}" for problem in problems)


def placeholders(text: str) -> Counter:
    return Counter(
        re.sub(r"\s+", "", found)
        for found in PLACEHOLDER.findall(text.replace("%%", ""))
    )


# --- the checks: each returns what is wrong, empty when all is well --------


def header_problems(po: polib.POFile, lang: str) -> list[str]:
    expected = {
        "Language": lang,
        "Plural-Forms": PLURAL_FORMS[lang],
        "Content-Type": "text/plain; charset=UTF-8",
    }
    return [
        f"{name} is {po.metadata.get(name)!r}, expected {value!r}"
        for name, value in expected.items()
        if po.metadata.get(name) != value
    ]


def fuzzy_entries(po: polib.POFile) -> list[str]:
    header = ["the header"] if po.metadata_is_fuzzy else []
    return header + [describe(entry) for entry in current(po) if entry.fuzzy]


def untranslated_entries(po: polib.POFile) -> list[str]:
    return [describe(entry) for entry in current(po) if not all(forms(entry))]


def entries_with_wrong_plural_forms(po: polib.POFile, lang: str) -> list[str]:
    nplurals = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[lang]).group(1))
    return [
        describe(entry)
        for entry in current(po)
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals))
    ]


def placeholder_mismatches(po: polib.POFile) -> list[str]:
    broken = []
    for entry in current(po):
        if not entry.msgid_plural:
            if placeholders(entry.msgid) != placeholders(entry.msgstr):
                broken.append(describe(entry))
            continue
        expected = set(placeholders(entry.msgid_plural))
        if any(set(placeholders(form)) != expected for form in forms(entry)):
            broken.append(describe(entry))
    return broken


def missing_msgids(po: polib.POFile, extracted: dict[Key, polib.POEntry]) -> list[str]:
    committed = {key(entry) for entry in current(po)}
    return [describe(entry) for k, entry in extracted.items() if k not in committed]


def stale_msgids(po: polib.POFile, extracted: dict[Key, polib.POEntry]) -> list[str]:
    return [describe(entry) for entry in current(po) if key(entry) not in extracted]


def plural_mismatches(
    po: polib.POFile, extracted: dict[Key, polib.POEntry]
) -> list[str]:
    return [
        describe(entry)
        for entry in current(po)
        if key(entry) in extracted
        and entry.msgid_plural != extracted[key(entry)].msgid_plural
    ]


def served_wrongly(po: polib.POFile, lang: str) -> list[str]:
    """Entries served otherwise than the catalogue says (stale .mo, shadowing)."""
    wrong = []
    with translation.override(lang):
        for entry in current(po):
            if not all(forms(entry)):
                continue  # reported by the completeness check; Django falls back
            if not entry.msgid_plural:
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
                expected = forms(entry)[-1]
            if served != expected:
                wrong.append(
                    f"{describe(entry)}: served {served!r}, expected {expected!r}"
                )
    return wrong


# --- the catalogues themselves --------------------------------------------


def test_every_site_language_has_a_catalogue():
    assert sorted(code for code, _name in settings.LANGUAGES) == sorted(LANGUAGES)
    for lang in LANGUAGES:
        assert catalogue_path(lang).exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_declares_language_plural_forms_and_utf8(lang):
    problems = header_problems(load(lang), lang)
    assert not problems, f"the {lang} header:\n{listing(problems)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_entry_is_fuzzy_not_even_the_header(lang):
    fuzzy = fuzzy_entries(load(lang))
    assert not fuzzy, f"fuzzy entries in {lang}:\n{listing(fuzzy)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_in_every_plural_form(lang):
    po = load(lang)
    assert current(po), f"the {lang} catalogue is empty"
    empty = untranslated_entries(po)
    assert not empty, f"untranslated entries in {lang}:\n{listing(empty)}"
    wrong_forms = entries_with_wrong_plural_forms(po, lang)
    assert not wrong_forms, (
        f"plural entries without {PLURAL_FORMS[lang].split(';')[0]} forms in "
        f"{lang}:\n{listing(wrong_forms)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_identical_in_msgid_and_msgstr(lang):
    broken = placeholder_mismatches(load(lang))
    assert not broken, f"placeholders differ in {lang}:\n{listing(broken)}"


def test_the_placeholder_pattern_finds_each_kind_of_placeholder():
    text = "%(tag)s, %s, %d, {{ name }} and 100%% sure"
    assert placeholders(text) == Counter(
        {"%(tag)s": 1, "%s": 1, "%d": 1, "{{name}}": 1}
    )


def test_polib_gives_contexts_plurals_continuations_flags_and_obsolete_entries(
    tmp_path,
):
    """What the checks rely on: polib's reading of each part of an entry."""
    path = tmp_path / "django.po"
    path.write_text(
        '# Header comment\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: kk\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "byline"\nmsgid "A "\n'
        '"%(x)s"\nmsgstr "Б \\"%(x)s\\""\n\n'
        '#~ msgid "gone"\n#~ msgstr "жоқ"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "бір"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    po = read(path)
    assert po.metadata_is_fuzzy
    assert po.metadata == {"Language": "kk"}
    first, plural = current(po)
    assert key(first) == ("byline", "A %(x)s")
    assert first.msgstr == 'Б "%(x)s"'
    assert first.fuzzy
    assert plural.msgid_plural == "many"
    assert forms(plural) == ["бір", ""]
    assert [entry.msgid for entry in po.obsolete_entries()] == ["gone"]


@pytest.mark.parametrize(
    "text",
    [
        'msgid "twice"\nmsgstr "a"\n\nmsgid "twice"\nmsgstr "b"\n',
        'msgid "a"\nmsgstr "b"\nnot a keyword\n',
    ],
    ids=["duplicate", "syntax-error"],
)
def test_a_catalogue_with_a_duplicate_or_a_syntax_error_is_refused(tmp_path, text):
    path = tmp_path / "django.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises((OSError, ValueError)):
        read(path)


# --- each check fails on a broken copy ------------------------------------


@dataclass
class Copy:
    """A catalogue and its broken copy."""

    original: polib.POFile
    broken: polib.POFile

    def added(self, check: Callable[..., list[str]], *args) -> list[str]:
        """What ``check`` finds in the broken copy only: a fault the catalogue
        itself has is its own test's business. Line numbers shift, so aside."""
        before = {_unlined(problem) for problem in check(self.original, *args)}
        found = check(self.broken, *args)
        return [problem for problem in found if _unlined(problem) not in before]


def _unlined(problem: str) -> str:
    return re.sub(r"^line \d+: ", "", problem)


@pytest.fixture
def broken_copy(tmp_path) -> Callable[..., Copy]:
    """A copy of a catalogue in tmp_path, changed by mutate, saved and read back."""

    def make(lang: str, mutate: Callable[[polib.POFile], None]) -> Copy:
        po = load(lang)
        mutate(po)
        path = catalogue_path(lang, tmp_path)
        path.parent.mkdir(parents=True)
        po.save(str(path))
        return Copy(load(lang), read(path))

    return make


def first(po: polib.POFile, wanted: Callable[[polib.POEntry], bool]) -> polib.POEntry:
    entry = next((entry for entry in current(po) if wanted(entry)), None)
    assert entry is not None, "the catalogue has no entry to break"
    return entry


def singular(entry: polib.POEntry) -> bool:
    return not entry.msgid_plural


def plural(entry: polib.POEntry) -> bool:
    return bool(entry.msgid_plural)


def singular_with_placeholder(entry: polib.POEntry) -> bool:
    return singular(entry) and bool(placeholders(entry.msgid))


def test_the_header_check_reports_a_wrong_plural_forms(broken_copy):
    def mutate(po):
        po.metadata["Plural-Forms"] = PLURAL_FORMS["kk"]

    problems = broken_copy("ru", mutate).added(header_problems, "ru")
    assert [problem.split()[0] for problem in problems] == ["Plural-Forms"]


def test_the_fuzzy_check_reports_a_fuzzy_header_and_a_fuzzy_entry(broken_copy):
    def mutate(po):
        po.metadata_is_fuzzy = ["fuzzy"]
        first(po, singular).flags.append("fuzzy")

    fuzzy = broken_copy("kk", mutate).added(fuzzy_entries)
    assert len(fuzzy) == 2
    assert fuzzy[0] == "the header"


def test_the_completeness_check_reports_an_empty_msgstr(broken_copy):
    def mutate(po):
        first(po, singular).msgstr = ""

    assert len(broken_copy("kk", mutate).added(untranslated_entries)) == 1


def test_the_completeness_check_reports_a_missing_plural_form(broken_copy):
    def mutate(po):
        del first(po, plural).msgstr_plural[2]

    copy = broken_copy("ru", mutate)
    assert copy.added(untranslated_entries) == []
    assert len(copy.added(entries_with_wrong_plural_forms, "ru")) == 1


def test_the_placeholder_check_reports_a_dropped_placeholder(broken_copy):
    def mutate(po):
        entry = first(po, singular_with_placeholder)
        entry.msgstr = PLACEHOLDER.sub("", entry.msgstr)
        entry = first(po, plural)
        entry.msgstr_plural[0] = PLACEHOLDER.sub("", entry.msgstr_plural[0])

    assert len(broken_copy("ru", mutate).added(placeholder_mismatches)) == 2


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
def extracted(tmp_path_factory) -> dict[Key, polib.POEntry]:
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
    found = {key(entry): entry for entry in current(load("ru", scratch_locale))}
    assert found, "makemessages found no translatable strings at all"
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_msgid_of_the_source_is_in_the_catalogue(lang, extracted):
    missing = missing_msgids(load(lang), extracted)
    assert not missing, (
        f"the {lang} catalogue lags behind the source; run makemessages (see "
        f"{Path(__file__).name}) and translate:\n{listing(missing)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_keeps_no_msgid_the_source_no_longer_uses(lang, extracted):
    stale = stale_msgids(load(lang), extracted)
    assert not stale, (
        f"the {lang} catalogue holds msgids the source no longer uses; run "
        f"makemessages with --no-obsolete:\n{listing(stale)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_match_the_source(lang, extracted):
    mismatched = plural_mismatches(load(lang), extracted)
    assert not mismatched, f"msgid_plural differs in {lang}:\n{listing(mismatched)}"


def test_the_source_checks_report_a_missing_a_stale_and_a_changed_plural_msgid(
    broken_copy, extracted
):
    removed = []

    def mutate(po):
        removed.append(first(po, singular))
        po.remove(removed[0])
        po.append(polib.POEntry(msgid="No source uses this", msgstr="Нигде"))
        first(po, plural).msgid_plural += " (changed)"

    copy = broken_copy("ru", mutate)
    missing = copy.added(missing_msgids, extracted)
    assert missing == [describe(extracted[key(removed[0])])]
    stale = copy.added(stale_msgids, extracted)
    assert [_unlined(problem) for problem in stale] == ["'No source uses this'"]
    assert len(copy.added(plural_mismatches, extracted)) == 1


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
    wrong = served_wrongly(load(lang), lang)
    assert not wrong, f"stale or shadowed {lang} translations:\n{listing(wrong)}"


@pytest.mark.usefixtures("compiled")
def test_the_runtime_check_reports_a_msgstr_the_compiled_catalogue_lacks(
    broken_copy,
):
    def mutate(po):
        first(po, singular).msgstr += " (changed)"

    wrong = broken_copy("kk", mutate).added(served_wrongly, "kk")
    assert len(wrong) == 1
    assert wrong[0].endswith(" (changed)'")
