"""The packages' admin strings in Kazakh (and fixed Russian), from locale_upstream/.

Wagtail and wagtail-localize ship no Kazakh catalogue and Django's is partial;
``translations.admin_catalogues`` says which messages the admin uses and
``locale_upstream/kk`` translates them. These tests hold the catalogue to its
promises: every used message translated, every placeholder and tag kept, the
glossary's one word per concept, Django's Kazakh plural rule, and a merge that
names what a package upgrade changed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import django
import polib
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed
from wagtail.users.models import UserProfile

from tests.newsroom_support import make_staff
from translations import admin_catalogues as catalogues

BASE_DIR = Path(__file__).resolve().parent.parent
GLOSSARY = BASE_DIR / "locale" / "kk" / "GLOSSARY.md"
DJANGO_KK = (
    Path(django.__file__).parent / "conf" / "locale" / "kk" / "LC_MESSAGES"
) / "django.po"

# %(name)s and %s conversions, str.format fields ({}, {0}, {name}) and HTML
# tags (by name, opening or closing); "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|\{\w*(?:\.\w+)*\}"
    r"|</?[a-zA-Z][a-zA-Z0-9]*"
)


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def kazakh(domain: str) -> polib.POFile:
    return catalogues.read(catalogues.upstream_catalogue("kk", domain))


def translated_entries(language: str):
    for domain in catalogues.DOMAINS:
        path = catalogues.upstream_catalogue(language, domain)
        for entry in catalogues.read(path):
            if catalogues.is_translated(entry):
                yield domain, entry


def forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def listing(lines, limit: int = 60) -> str:
    lines = list(lines)
    shown = "\n".join(f"  {line}" for line in lines[:limit])
    more = f"\n  … and {len(lines) - limit} more" if len(lines) > limit else ""
    return shown + more


# ------------------------------------------------------------ the catalogue


@pytest.mark.parametrize("domain", catalogues.DOMAINS)
def test_the_kazakh_catalogues_use_djangos_kazakh_plural_rule(domain):
    django_rule = polib.pofile(str(DJANGO_KK)).metadata["Plural-Forms"]
    assert django_rule == "nplurals=2; plural=(n!=1);"
    metadata = kazakh(domain).metadata
    assert metadata["Plural-Forms"] == django_rule
    assert metadata["Language"] == "kk"
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_translation_keeps_the_placeholders_and_tags_of_its_msgid(language):
    broken = []
    for domain, entry in translated_entries(language):
        expected = placeholders(entry.msgid_plural or entry.msgid)
        for form in forms(entry):
            if entry.msgid_plural:
                # A singular form may spell out "one" instead of the number.
                if set(placeholders(form)) - set(expected):
                    broken.append(f"{domain}: {entry.msgid!r} -> {form!r}")
            elif placeholders(form) != expected:
                broken.append(f"{domain}: {entry.msgid!r} -> {form!r}")
    assert not broken, f"placeholders or tags lost in {language}:\n" + listing(broken)


def test_a_plural_translation_keeps_the_number_in_its_plural_form():
    broken = [
        f"{entry.msgid_plural!r} -> {entry.msgstr_plural[1]!r}"
        for _domain, entry in translated_entries("kk")
        if entry.msgid_plural
        and placeholders(entry.msgstr_plural[1]) != placeholders(entry.msgid_plural)
    ]
    assert not broken, "plural forms without the number:\n" + listing(broken)


def test_the_placeholder_pattern_sees_each_kind_of_placeholder():
    text = '%(name)s, %s, %d, {}, {0}, {tool_name}, <a href="x">, </a> and 5%%'
    assert placeholders(text) == Counter(
        ["%(name)s", "%s", "%d", "{}", "{0}", "{tool_name}", "<a", "</a"]
    )


def test_no_kazakh_entry_is_fuzzy_or_obsolete():
    suspect = [
        f"{domain}: {entry.msgid!r}"
        for domain in catalogues.DOMAINS
        for entry in kazakh(domain)
        if entry.obsolete or "fuzzy" in entry.flags
    ]
    assert not suspect, "fuzzy or obsolete entries:\n" + listing(suspect)


# ------------------------------------------------------------- the glossary


def glossary_rows() -> list[tuple[list[str], list[str], list[str]]]:
    """(English words, Kazakh stems, words never used) for each glossary row."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1] or cells[1].startswith(("-", "Kazakh")):
            continue
        rows.append(
            (
                [word.strip() for word in cells[0].split(",")],
                cells[1].lower().split("/"),
                [word.strip() for word in cells[2].split(",") if word.strip()],
            )
        )
    return rows


def glossary_rules() -> list[tuple[re.Pattern, list[str], list[str]]]:
    return [
        (re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b", re.I), stems, never)
        for words, stems, never in glossary_rows()
    ]


def glossary_breaches(entries) -> list[str]:
    rules = glossary_rules()
    found = []
    for _domain, entry in entries:
        # Placeholder names (%(user)s) and tags are not words of the message.
        msgid = PLACEHOLDER.sub(" ", re.sub(r"<[^>]*>", " ", entry.msgid))
        for form in forms(entry):
            text = form.lower()
            for english, stems, never in rules:
                if not english.search(msgid):
                    continue
                if not any(
                    re.search(rf"(?<!\w){re.escape(stem)}", text) for stem in stems
                ):
                    found.append(f"{entry.msgid!r} -> {form!r} lacks «{stems[0]}»")
                found.extend(
                    f"{entry.msgid!r} -> {form!r} uses «{word}»"
                    for word in never
                    if re.search(rf"(?<!\w){re.escape(word.lower())}", text)
                )
    return found


def test_the_glossary_has_one_kazakh_word_per_concept():
    rows = glossary_rows()
    assert len(rows) >= 40
    stems = {stem for _words, stems, _never in rows for stem in stems}
    assert {"бет", "жариял", "жоба", "нұсқа", "аудар", "тексер"} <= stems
    english = Counter(word for words, _stems, _never in rows for word in words)
    assert [word for word, count in english.items() if count > 1] == []


def test_every_kazakh_translation_uses_the_glossarys_terms():
    breaches = glossary_breaches(translated_entries("kk"))
    assert not breaches, "glossary terms not used:\n" + listing(breaches)


def test_the_glossary_check_catches_a_synonym_and_a_missing_term():
    page = polib.POEntry(msgid="Delete page", msgstr="Парақты өшіру")
    assert len(glossary_breaches([("django", page)])) == 4


# ------------------------------------------------------------ coverage


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("domain", catalogues.DOMAINS)
def test_every_admin_message_in_use_is_translated(domain, language):
    """Kazakh: every message; Russian: those the packages' catalogues lack."""
    ours = {
        catalogues.key_of(entry)
        for entry in catalogues.read(catalogues.upstream_catalogue(language, domain))
        if catalogues.is_translated(entry)
    }
    used = catalogues.used_messages(domain, language)
    if language == "kk":
        assert len(used) > (1000 if domain == "django" else 100)
    missing = [message for key, message in used.items() if key not in ours]
    assert not missing, (
        f"{len(missing)} of {len(used)} {domain} messages the admin uses have no "
        f"{language} translation (python manage.py upstream_messages):\n"
        + listing(f"{m.msgid!r} ({m.sources[0]})" for m in missing)
    )


def test_the_russian_catalogues_lack_what_locale_upstream_ru_adds():
    used = catalogues.used_messages("django", "ru")
    assert (None, "Add locale") in used  # wagtail_localize.locales has no ru
    assert (None, "Save draft") not in used


def test_used_messages_leave_out_what_django_translates_itself():
    used = catalogues.used_messages("django")
    assert (None, "Enter a valid URL.") not in used  # Django has kk for it
    assert (None, "Enter a valid email address.") in used  # Django's kk lacks it
    assert (None, "Save draft") in used or (None, "Save Draft") in used


# ------------------------------------------------- upgrade: the PO merge


@pytest.fixture
def upgraded_package(tmp_path, monkeypatch):
    """A package whose new release adds one message and rewords another, and
    our catalogue as it was before: one message translated, one dropped later."""
    template = tmp_path / "package" / "locale" / "en" / "LC_MESSAGES"
    template.mkdir(parents=True)
    (template / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Publish this page"\nmsgstr ""\n\n'
        'msgid "Save the draft of this page now"\nmsgstr ""\n\n'
        'msgid "Brand new message"\nmsgstr ""\n',
        encoding="utf-8",
    )
    (template / "djangojs.po").write_text((template / "django.po").read_text())
    ours = tmp_path / "locale_upstream"
    for domain in catalogues.DOMAINS:
        path = ours / "kk" / "LC_MESSAGES" / f"{domain}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            'msgid ""\nmsgstr ""\n"Language: kk\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Publish this page"\nmsgstr "Бұл бетті жариялау"\n\n'
            'msgid "Save the draft of this page"\n'
            'msgstr "Бұл беттің жобасын сақтау"\n\n'
            'msgid "A message the package dropped"\nmsgstr "Жойылған хабар"\n',
            encoding="utf-8",
        )
    monkeypatch.setattr(
        catalogues,
        "sources",
        lambda: [catalogues.Source("package", tmp_path / "package" / "locale")],
    )
    monkeypatch.setattr(catalogues, "UPSTREAM_LOCALE", ours)
    return ours / "kk" / "LC_MESSAGES" / "django.po"


def test_upstream_messages_lists_new_changed_and_dropped_messages(
    upgraded_package, capsys
):
    with pytest.raises(CommandError, match="6 messages"):
        call_command("upstream_messages")
    report = capsys.readouterr().out
    assert "+ new       'Brand new message'" in report
    assert "~ changed   'Save the draft of this page'" in report
    assert "-> 'Save the draft of this page now'" in report
    assert "- dropped   'A message the package dropped'" in report
    assert "Publish this page" not in report


def test_upstream_messages_write_merges_and_keeps_the_old_translation_as_fuzzy(
    upgraded_package,
):
    call_command("upstream_messages", write=True, stdout=io.StringIO())
    merged = {entry.msgid: entry for entry in polib.pofile(str(upgraded_package))}
    assert set(merged) == {
        "Publish this page",
        "Save the draft of this page now",
        "Brand new message",
    }
    changed = merged["Save the draft of this page now"]
    assert changed.msgstr == "Бұл беттің жобасын сақтау"
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "Save the draft of this page"
    assert merged["Brand new message"].msgstr == ""
    # A fuzzy or empty entry still counts as missing until a translator checks it.
    with pytest.raises(CommandError, match="4 messages"):
        call_command("upstream_messages", stdout=io.StringIO())


# ---------------------------------------------------------- at runtime


@pytest.fixture
def compiled(settings, monkeypatch, tmp_path):
    """Compile locale/ and locale_upstream/ when a .mo is missing or stale."""
    locale_paths = [BASE_DIR / "locale", catalogues.UPSTREAM_LOCALE]
    stale = [
        po
        for directory in locale_paths
        for po in directory.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        assert shutil.which("msgfmt"), "GNU gettext is required"
        monkeypatch.chdir(tmp_path)
        with override_settings(LOCALE_PATHS=locale_paths):
            call_command("compilemessages", verbosity=0)
    settings.LOCALE_PATHS = locale_paths
    translation_file_changed(None, stale[0] if stale else GLOSSARY.with_suffix(".mo"))
    yield
    translation_file_changed(None, GLOSSARY.with_suffix(".mo"))


def admin_user(language: str):
    user = make_staff(prefix=f"{language}-").translator
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled")
def test_the_project_catalogue_wins_over_locale_upstream():
    """locale/ comes first in LOCALE_PATHS: where both translate a msgid
    differently, ours is served."""
    project = polib.pofile(str(BASE_DIR / "locale/kk/LC_MESSAGES/django.po"))
    upstream = {(e.msgctxt, e.msgid): e.msgstr for e in kazakh("django")}
    shared = [
        entry
        for entry in project
        if entry.msgstr
        and not entry.msgid_plural
        and upstream.get((entry.msgctxt, entry.msgid), entry.msgstr) != entry.msgstr
    ]
    assert shared, "no message is translated differently in both catalogues"
    with translation.override("kk"):
        served = [
            translation.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else translation.gettext(entry.msgid)
            for entry in shared
        ]
    assert served == [entry.msgstr for entry in shared]


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled")
def test_a_kazakh_editors_dashboard_is_in_kazakh(client):
    client.force_login(admin_user("kk"))
    dashboard = client.get("/admin/").content.decode()
    assert '<html lang="kk"' in dashboard
    assert "<title>Басқару тақтасы - " in dashboard
    assert "Dashboard" not in dashboard


def served_js_catalogue(client, path: str) -> dict:
    """The catalogue a JavaScriptCatalog view hands to the browser."""
    script = client.get(path).content.decode()
    match = re.search(r"const newcatalog = (\{.*?\});", script, re.S)
    return json.loads(match.group(1)) if match else {}


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled")
def test_the_russian_translation_editor_tells_download_from_upload(client):
    client.force_login(admin_user("ru"))
    catalogue = served_js_catalogue(client, "/admin/localize/jsi18n/")
    assert catalogue["Download PO file"] == "Скачать PO-файл"
    assert catalogue["Upload PO file"] == "Загрузить PO-файл"
    # "Publish in " + the language's name: the space is kept.
    assert catalogue["Publish in "] == "Опубликовать: "
    assert catalogue["Uses %s version"] == "Используется версия: %s"


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled")
def test_the_kazakh_translation_editor_gets_its_javascript_strings_in_kazakh(client):
    client.force_login(admin_user("kk"))
    localize = served_js_catalogue(client, "/admin/localize/jsi18n/")
    assert localize["Download PO file"] == "PO файлын жүктеп алу"
    assert localize["Publish in "] == "Жариялау: "
    wagtail = served_js_catalogue(client, "/admin/jsi18n/")
    assert wagtail["Page explorer"] == "Беттер шолғышы"
    assert wagtail["Dashboard"] == "Басқару тақтасы"


@pytest.mark.usefixtures("compiled")
def test_django_kazakh_slips_are_corrected():
    """Django's kk catalogue misspells (Жума, сүрет) and mistranslates a few
    form errors the admin shows; ours comes first."""
    with translation.override("kk"):
        assert translation.gettext("Friday") == "Жұма"
        assert translation.gettext("Tue") == "Сс"
        assert translation.gettext("Enter a whole number.") == "Бүтін сан енгізіңіз."
        assert translation.gettext("Enter a valid URL.") == "Дұрыс URL енгізіңіз."
