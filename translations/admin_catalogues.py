"""The packages' admin strings in Kazakh (and fixed Russian): what we ship and use.

Wagtail, its contrib apps and wagtail-localize ship no Kazakh catalogue, and
Django's own Kazakh catalogues are incomplete. ``locale_upstream/`` holds ours:
``kk`` translates every message of the packages the newsroom's admin shows,
``ru`` overrides the Russian labels that read badly. It comes after ``locale/``
in ``LOCALE_PATHS``, so the project's own catalogue (which other work edits)
still wins, and both win over the packages' catalogues.

The *used* messages are the msgids of the packages' source catalogues (their
``en`` catalogue, or the first one they ship) for the apps in ``INSTALLED_APPS``
that the newsroom's admin shows, minus what a package already translates into
Kazakh itself. ``python manage.py upstream_messages`` compares that against our
catalogue after an upgrade: new, changed and dropped messages (a PO merge).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings

DOMAINS = ("django", "djangojs")
UPSTREAM_LOCALE = Path(settings.BASE_DIR) / "locale_upstream"
KAZAKH = "kk"
# The packages whose strings the admin shows: Wagtail and its contrib apps,
# wagtail-localize, the tag and filter widgets, and the parts of Django the
# Wagtail admin uses (form errors, dates, time spans, passwords, "N minutes
# ago"). django.contrib.admin is left out: only superusers reach /django-admin/.
PACKAGES = (
    "wagtail",
    "wagtail_localize",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
)
# A source catalogue with the msgids of a package: its English one, if shipped.
TEMPLATE_LANGUAGES = ("en", "ru")
# Closer than this to a message that disappeared, a new message is reported as
# that message changed (and merged as a fuzzy copy of its translation).
CHANGED_RATIO = 0.75

Key = tuple[str | None, str]


@dataclass
class Source:
    """One package's locale directory."""

    label: str
    locale_dir: Path

    def catalogue(self, language: str, domain: str) -> Path:
        return self.locale_dir / language / "LC_MESSAGES" / f"{domain}.po"

    def template(self, domain: str) -> Path | None:
        for language in TEMPLATE_LANGUAGES:
            if (path := self.catalogue(language, domain)).exists():
                return path
        return None


@dataclass
class Message:
    """A msgid a package uses, with where it comes from."""

    msgid: str
    msgctxt: str | None = None
    msgid_plural: str = ""
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)


def in_scope(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in PACKAGES)


def sources() -> list[Source]:
    """Django's core catalogue, then every installed app in scope that has one."""
    found = [Source("django", Path(django.__file__).parent / "conf" / "locale")]
    for config in apps.get_app_configs():
        locale_dir = Path(config.path) / "locale"
        if in_scope(config.name) and locale_dir.is_dir():
            found.append(Source(config.name, locale_dir))
    return found


def key_of(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def is_translated(entry: polib.POEntry) -> bool:
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def read(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=79)


def used_messages(
    domain: str,
    language: str | None = KAZAKH,
    from_sources: Iterable[Source] | None = None,
) -> dict[Key, Message]:
    """Messages in scope that the packages do not translate into ``language``
    (every message in scope when ``language`` is None)."""
    messages: dict[Key, Message] = {}
    for source in from_sources if from_sources is not None else sources():
        template = source.template(domain)
        if template is None:
            continue
        own_path = source.catalogue(language or "", domain)
        own = read(own_path) if language and own_path.exists() else []
        translated = {key_of(entry) for entry in own if is_translated(entry)}
        for entry in read(template):
            if entry.obsolete or key_of(entry) in translated:
                continue
            message = messages.setdefault(
                key_of(entry),
                Message(entry.msgid, entry.msgctxt, entry.msgid_plural),
            )
            message.msgid_plural = message.msgid_plural or entry.msgid_plural
            for flag in entry.flags:
                if flag.endswith("-format") and flag not in message.flags:
                    message.flags.append(flag)
            message.sources.append(source.label)
    return messages


def upstream_catalogue(language: str, domain: str) -> Path:
    return UPSTREAM_LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


@dataclass
class Comparison:
    """What an upgrade changed, between the packages' msgids and our catalogue."""

    new: list[Message] = field(default_factory=list)
    changed: list[tuple[polib.POEntry, Message]] = field(default_factory=list)
    dropped: list[polib.POEntry] = field(default_factory=list)
    untranslated: list[polib.POEntry] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.new or self.changed or self.dropped or self.untranslated)


def closest(message: Message, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    best, best_ratio = None, CHANGED_RATIO
    for entry in candidates:
        if entry.msgctxt != message.msgctxt:
            continue
        ratio = difflib.SequenceMatcher(None, entry.msgid, message.msgid).ratio()
        if ratio > best_ratio:
            best, best_ratio = entry, ratio
    return best


def compare(
    used: dict[Key, Message], known: dict[Key, Message], catalogue: polib.POFile
) -> Comparison:
    """New, changed (a dropped msgid close to a new one), dropped, untranslated.

    ``used`` must be translated; ``known`` (every msgid in scope) may be: an
    entry for a message a package already translates overrides it.
    """
    ours = {key_of(entry): entry for entry in catalogue if not entry.obsolete}
    result = Comparison()
    gone = [entry for key, entry in ours.items() if key not in known]
    for key, message in used.items():
        if key in ours:
            if not is_translated(ours[key]):
                result.untranslated.append(ours[key])
            continue
        previous = closest(message, gone)
        if previous is None:
            result.new.append(message)
        else:
            gone.remove(previous)
            result.changed.append((previous, message))
    result.dropped = gone
    return result


def entry_for(message: Message, previous: polib.POEntry | None) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=message.msgid,
        msgctxt=message.msgctxt,
        msgid_plural=message.msgid_plural,
        flags=list(message.flags),
        comment=", ".join(message.sources),
    )
    if message.msgid_plural:
        entry.msgstr_plural = {0: "", 1: ""}
    if previous is not None:
        # A changed message keeps its old translation, for a translator to check.
        entry.previous_msgid = previous.msgid
        entry.flags.append("fuzzy")
        if message.msgid_plural and previous.msgid_plural:
            entry.msgstr_plural = dict(previous.msgstr_plural)
        elif not message.msgid_plural and not previous.msgid_plural:
            entry.msgstr = previous.msgstr
    return entry


def merge(comparison: Comparison, catalogue: polib.POFile) -> None:
    """Apply ``compare``'s findings: add new and changed entries, drop the rest."""
    for previous, message in comparison.changed:
        catalogue.remove(previous)
        catalogue.append(entry_for(message, previous))
    for message in comparison.new:
        catalogue.append(entry_for(message, None))
    for entry in comparison.dropped:
        catalogue.remove(entry)


def describe(comparison: Comparison) -> Iterator[str]:
    for message in comparison.new:
        yield f"+ new       {message.msgid!r} ({', '.join(message.sources)})"
    for previous, message in comparison.changed:
        yield f"~ changed   {previous.msgid!r}\n         -> {message.msgid!r}"
    for entry in comparison.dropped:
        yield f"- dropped   {entry.msgid!r}"
    for entry in comparison.untranslated:
        yield f"? untranslated {entry.msgid!r}"
