"""Every admin screen the four roles use, read in Chromium, in the user's language.

Each person of the newsroom (correspondent, translator, moderator, chief
editor) sets Kazakh (or Russian) as their admin language and opens the
screens of their day: dashboard, page explorer, the page editor with every
panel and the block menu, the review actions, history and revisions compare,
wagtail-localize's translation editor, the translations dashboard, reports,
snippets, images and account settings. The crawl reads what the browser shows
(the text, placeholders and the window title) and fails on any interface word
of the wrong language:

* an English word of the admin's vocabulary (the packages' and our msgids)
  that no translation in the user's language keeps (Wagtail, PO, URL…);
* on a Kazakh screen, a Russian word of the admin's vocabulary (the Russian
  catalogues' words) that no Kazakh translation uses.

User content is not interface: every word stored in the database (titles,
bodies, revisions, names, tags, translation strings…) is left out. Kazakh
screenshots of the dashboard, page editor and translation editor go to
tests/artifacts/screenshots/admin-kk-*.png.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.models import User as AuthUser
from taggit.models import Tag
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    Locale,
    Page,
    Revision,
    Site,
    Task,
    Workflow,
)
from wagtail.users.models import UserProfile
from wagtail_localize.models import String, StringSegment, StringTranslation
from wagtail_localize.operations import translate_object

from news.models import Author
from tests.conftest import build_tree
from tests.e2e.conftest import article_body, article_image, desktop_page, screenshot
from tests.factories import AuthorFactory, NewsPageFactory
from tests.newsroom_support import ROLE_GROUPS
from tests.translation_support import newsroom_staff, translation_for
from translations import admin_catalogues as catalogues

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BASE_DIR = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z]{2,}|[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]{2,}")
LATIN = re.compile(r"[A-Za-z]+")
#: Names that stay as they are in every language.
PROPER_NAMES = {"wagtail", "kmpress", "django", "localize"}


def words(text: str) -> set[str]:
    return {word.lower() for word in WORD.findall(text)}


def catalogue_words(paths, *, msgids: bool = False) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for entry in polib.pofile(str(path)):
            if msgids:
                found |= words(entry.msgid + " " + entry.msgid_plural)
            else:
                found |= words(
                    entry.msgstr + " " + " ".join(entry.msgstr_plural.values())
                )
    return found


def catalogues_of(language: str) -> list[Path]:
    """The project's and the packages' catalogues for ``language``."""
    paths = list((BASE_DIR / "locale" / language).glob("LC_MESSAGES/*.po"))
    paths += list((catalogues.UPSTREAM_LOCALE / language).glob("LC_MESSAGES/*.po"))
    for source in catalogues.sources():
        for domain in catalogues.DOMAINS:
            if (path := source.catalogue(language, domain)).exists():
                paths.append(path)
    return paths


@dataclass
class Vocabulary:
    english: set[str]
    russian: set[str]
    kazakh: set[str]
    kept: set[str] = field(default_factory=set)
    content: set[str] = field(default_factory=set)

    def foreign(self, text: str, language: str) -> list[str]:
        """Interface words of another language in ``text``.

        Latin words that a translation keeps (Wagtail, PO, URL) are those of
        our Kazakh catalogues, which translate every message: Wagtail's Russian
        and Django's Kazakh catalogues still hold English never translated.
        """
        kept = {word for word in self.kept if LATIN.fullmatch(word)}
        found = []
        for word in sorted(words(text) - self.content - PROPER_NAMES):
            if LATIN.fullmatch(word):
                if word in self.english and word not in kept:
                    found.append(word)
            elif language == "kk" and word in self.russian - self.kazakh:
                found.append(word)
        return found


def interface_vocabulary() -> Vocabulary:
    english = catalogue_words(
        [catalogues.upstream_catalogue("kk", d) for d in catalogues.DOMAINS]
        + [BASE_DIR / "locale/kk/LC_MESSAGES/django.po"],
        msgids=True,
    )
    return Vocabulary(
        english=english,
        russian=catalogue_words(catalogues_of("ru")),
        kazakh=catalogue_words(catalogues_of("kk")),
        kept=catalogue_words(
            [catalogues.upstream_catalogue("kk", d) for d in catalogues.DOMAINS]
            + [BASE_DIR / "locale/kk/LC_MESSAGES/django.po"]
        ),
    )


def strings_in(value) -> list[str]:
    """The string values of nested data (revisions' JSON), never its keys."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return strings_in(decoded) if isinstance(decoded, dict | list) else [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings_in(item)]
    return []


def content_words() -> set[str]:
    """Every word the newsroom's own data holds: content, not interface."""
    rows = [
        Page.objects.values("title", "draft_title", "slug", "url_path"),
        Revision.objects.values("content"),
        Author.objects.values("name", "position"),
        Tag.objects.values("name"),
        Image.objects.values("title"),
        Collection.objects.values("name"),
        AuthUser.objects.values("username", "first_name", "last_name", "email"),
        Group.objects.values("name"),
        Workflow.objects.values("name"),
        Task.objects.values("name"),
        Site.objects.values("site_name", "hostname"),
        String.objects.values("data"),
        StringTranslation.objects.values("data"),
    ]
    text = " ".join(strings_in([list(query) for query in rows]))
    # Time-zone identifiers (Europe/Moscow) are data too, shown as they are.
    text += " " + " ".join(settings.WAGTAIL_USER_TIME_ZONES)
    return words(text) | {
        locale.get_display_name().lower() for locale in Locale.objects.all()
    }


# ------------------------------------------------------------- the newsroom


@dataclass
class Newsroom:
    urls: dict[str, dict[str, str]]
    vocabulary: Vocabulary


def build_newsroom(language: str) -> Newsroom:
    """Articles in every state a role meets, and the screens each role opens."""
    tree = build_tree()
    staff = newsroom_staff()
    for role in ROLE_GROUPS:
        profile = UserProfile.get_for_user(staff[role])
        profile.preferred_language = language
        profile.save()
    author = AuthorFactory(name="Асель Нурланова", position="корреспондент")
    article = NewsPageFactory(
        parent=tree.section_ru,
        title="На фабрике запустили новый конвейер",
        lead="Руда идёт с дробильного комплекса на фабрику.",
        cover_image=article_image("#5a7088"),
        cover_caption="Конвейер",
        cover_credit="пресс-служба",
        body=article_body(article_image("#8c7a5c")),
    )
    article.tags.add("конвейер")
    article.article_authors.create(author=author)
    first = article.save_revision(user=staff.moderator)
    first.publish(user=staff.moderator)
    article.lead = "Руда идёт с дробильного комплекса без перегрузок."
    second = article.save_revision(user=staff.editor)
    second.publish(user=staff.moderator)

    in_review = NewsPageFactory(parent=tree.section_ru, title="Смена на карьере")
    in_review.save_revision(user=staff.editor)
    in_review.get_workflow().start(in_review, staff.editor)

    kk = Locale.objects.get(language_code="kk")
    translate_object(article, [kk])
    # One segment translated by hand: the editor dates it ("… on 2 December").
    title = StringSegment.objects.get(
        source=translation_for(article, kk).source, string__data=article.title
    )
    StringTranslation.objects.create(
        translation_of=title.string,
        locale=kk,
        context=title.context,
        data="Фабрикада жаңа конвейер іске қосылды",
        translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
        last_translated_by=staff.translator,
    )
    kk_draft = Page.objects.get(translation_key=article.translation_key, locale=kk)
    home_kk = Page.objects.get(translation_key=tree.home_ru.translation_key, locale=kk)

    pages = {
        "dashboard": "/admin/",
        "explorer": f"/admin/pages/{tree.section_ru.pk}/",
        "editor": f"/admin/pages/{article.pk}/edit/",
        "history": f"/admin/pages/{article.pk}/history/",
        "compare": (
            f"/admin/pages/{article.pk}/revisions/compare/{first.pk}...{second.pk}/"
        ),
        "in-review": f"/admin/pages/{in_review.pk}/edit/",
        "images": "/admin/images/",
        "authors": "/admin/snippets/news/author/",
        "account": "/admin/account/",
        "locked": "/admin/reports/locked/",
        "search": "/admin/pages/search/?q=фабрике",
        "explorer-search": f"/admin/pages/{tree.section_ru.pk}/?q=фабрике",
    }
    translator = {
        "dashboard": "/admin/",
        "explorer-kk": f"/admin/pages/{home_kk.pk}/",
        "translation-editor": f"/admin/pages/{kk_draft.pk}/edit/",
        "translations": "/admin/translations/",
        "images": "/admin/images/",
        "authors": "/admin/snippets/news/author/",
        "account": "/admin/account/",
    }
    moderator = {
        **pages,
        "translations": "/admin/translations/",
        "workflow-report": "/admin/reports/workflow/",
        "site-history": "/admin/reports/site-history/",
    }
    chief = {
        **moderator,
        "translation-editor": f"/admin/pages/{kk_draft.pk}/edit/",
        "workflows": "/admin/workflows/list/",
        "users": "/admin/users/",
        "aging": "/admin/reports/aging-pages/",
    }
    urls = {"editor": pages, "translator": translator}
    urls |= {"moderator": moderator, "chief": chief}
    vocabulary = interface_vocabulary()
    vocabulary.content = content_words()
    return Newsroom(urls, vocabulary)


# ---------------------------------------------------------------- the crawl

VISIBLE_TEXT_JS = """
() => [
  document.title,
  document.body.innerText,
  ...[...document.querySelectorAll("[placeholder]")]
    .filter((element) => element.offsetParent !== null)
    .map((element) => element.getAttribute("placeholder")),
].join("\\n")
"""


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator(".js-translation-editor").count():
        page.wait_for_selector(".js-translation-editor li", timeout=15000)


def open_menus(page) -> None:
    """What a person opens on an editing screen: the block menu and the actions."""
    add_block = page.locator("button.c-sf-add-button").first
    if add_block.count() and add_block.is_visible():
        add_block.click(force=True)
        page.wait_for_timeout(300)
    toggle = page.locator("footer [data-w-dropdown-target='toggle']").first
    if toggle.count() and toggle.is_visible():
        toggle.click(force=True)
        page.wait_for_timeout(300)


def read_screens(browser, base: str, role: str, urls: dict, language: str) -> dict:
    """Runs in the browser thread: each screen's visible text, by name."""
    seen = {}
    with desktop_page(browser, base, role) as page:
        for name, path in urls.items():
            response = page.goto(base + path)
            settle(page)
            open_menus(page)
            status = response.status if response else 0
            seen[name] = (status, page.evaluate(VISIBLE_TEXT_JS))
            if (
                language == "kk"
                and role in ("chief", "translator")
                and name in ("dashboard", "editor", "translation-editor")
            ):
                screenshot(page, f"admin-kk-{role}-{name}")
    return seen


def crawl(browser, live_server, language: str) -> dict[str, list[str]]:
    newsroom = build_newsroom(language)
    problems: dict[str, list[str]] = {}
    for role, urls in newsroom.urls.items():
        seen = browser.run(
            lambda chromium, role=role, urls=urls: read_screens(
                chromium, live_server.url, role, urls, language
            ),
            timeout=600,
        )
        for name, (status, text) in seen.items():
            if status != 200:
                problems[f"{role} {name}"] = [f"HTTP {status}"]
                continue
            foreign = newsroom.vocabulary.foreign(text, language)
            if foreign:
                lines = [
                    line.strip()
                    for line in text.splitlines()
                    if set(words(line)) & set(foreign)
                ]
                problems[f"{role} {name}"] = lines[:12]
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{screen}:\n" + "\n".join(f"    {line}" for line in lines)
        for screen, lines in problems.items()
    )


def test_the_whole_admin_reads_in_kazakh_for_every_role(browser, live_server):
    problems = crawl(browser, live_server, "kk")
    assert not problems, "Russian or English on Kazakh screens:\n" + report(problems)


def test_the_russian_admin_shows_no_english_interface_words(browser, live_server):
    problems = crawl(browser, live_server, "ru")
    assert not problems, "English on Russian screens:\n" + report(problems)


def test_the_vocabulary_flags_russian_and_english_but_not_kazakh_or_content():
    vocabulary = Vocabulary(
        english={"more", "actions", "december", "page", "po", "file"},
        russian={"опубликовать", "страница", "бет", "more"},
        kazakh={"бет", "жариялау", "po", "файлын"},
        kept={"po"},
        content={"комбинат"},
    )
    text = (
        "Жариялау бет комбинат 2 December 2026 More actions Опубликовать Wagtail "
        "PO файлын PO file"
    )
    assert vocabulary.foreign(text, "kk") == [
        "actions",
        "december",
        "file",
        "more",
        "опубликовать",
    ]
    assert vocabulary.foreign(text, "ru") == ["actions", "december", "file", "more"]
