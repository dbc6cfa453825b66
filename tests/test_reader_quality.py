"""What readers of issue 16 noticed: navigation marks, the 404 page, repeated
articles, typography and the untranslated-page notice in the demo."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.rich_text import RichText

from core.text import NBSP, typography
from core.twins import untranslated_original
from demo.content import DATA_DIR
from home.models import HomePage
from news.models import ArticlePage
from questions.models import Question, QuestionDesk, Status
from tests.cache_support import TAG, build_newspaper
from tests.factories import NewsPageFactory, StandardPageFactory

TEASER_LINK = re.compile(r'class="teaser__title"><a href="([^"]+)"')


def nav_of(html: str) -> str:
    start = html.index('<nav class="main-nav"')
    return html[start : html.index("</nav>", start)]


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav_of(html))


# Navigation ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tag_page_does_not_mark_the_home_page_as_current(client, tree):
    paper = build_newspaper(tree)
    for name in ("tag_ru", "tag_kk"):
        response = client.get(paper.urls()[name])
        assert response.status_code == 200
        assert current_links(response.content.decode()) == [], name


@pytest.mark.django_db
def test_a_month_archive_marks_no_item_or_the_section_it_was_narrowed_to(client, tree):
    build_newspaper(tree)
    month = timezone.localtime(ArticlePage.objects.first().publication_date)
    url = f"{tree.home_ru.url}archive/{month:%Y/%m}/"
    assert current_links(client.get(url).content.decode()) == []
    narrowed = client.get(url, {"section": tree.section_ru.slug}).content.decode()
    assert current_links(narrowed) == [tree.section_ru.url]


@pytest.mark.django_db
def test_the_search_page_and_a_404_mark_no_item_as_current(client, tree):
    build_newspaper(tree)
    search = client.get("/ru/search/", {"q": "карьер"})
    missing = client.get("/ru/takoy-stranitsy-net/")
    assert missing.status_code == 404
    for response in (search, missing):
        assert current_links(response.content.decode()) == []


@pytest.mark.django_db
def test_the_home_page_still_marks_itself_as_current(client, tree):
    html = client.get(tree.home_ru.url).content.decode()
    assert current_links(html) == [tree.home_ru.url]


# The 404 page ----------------------------------------------------------------


def error_section(response) -> str:
    html = response.content.decode()
    start = html.index('<section class="error-page">')
    return html[start : html.index("</main>", start)]


@pytest.mark.django_db
def test_the_404_page_offers_search_and_the_latest_articles(client, tree):
    paper = build_newspaper(tree)
    response = client.get("/ru/takoy-stranitsy-net/")
    assert response.status_code == 404
    section = error_section(response)
    assert 'action="/ru/search/"' in section and 'name="q"' in section
    assert paper.article_ru.url in section
    assert paper.article_kk.url not in section


@pytest.mark.django_db
def test_the_kazakh_404_page_lists_kazakh_articles(client, tree):
    paper = build_newspaper(tree)
    section = error_section(client.get("/kk/mundai-bet-zhoq/"))
    assert paper.article_kk.url in section
    assert paper.article_ru.url not in section


@pytest.mark.django_db
def test_made_up_addresses_do_not_read_the_articles_each_time(client, tree):
    """A crawler's stream of 404s costs no article query until content changes."""
    build_newspaper(tree)
    client.get("/ru/pervaya-oshibka/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ru/vtoraya-oshibka/").status_code == 404
    assert not [q for q in queries if "news_articlepage" in q["sql"]]


# Typography ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Акция "Чистый двор"', "Акция «Чистый двор»"),
        ('"Қостанай минералдары" АҚ', "«Қостанай минералдары» АҚ"),
        ("“Жас маман” байқауы", "«Жас маман» байқауы"),
        ("рост на 4 % за год", f"рост на 4{NBSP}% за год"),
        ("өсім 4 %-ға жетті", f"өсім 4{NBSP}%-ға жетті"),
        (
            "130 тонн руды, 18 млн тенге, 5 км",
            f"130{NBSP}тонн руды, 18{NBSP}млн тенге, 5{NBSP}км",
        ),
        ("жылына 800 тонна", f"жылына 800{NBSP}тонна"),
        ("5 минут и 3 мая", "5 минут и 3 мая"),
    ],
)
def test_typography_sets_quotes_and_keeps_numbers_with_their_units(text, expected):
    assert typography(text) == expected


def test_typography_leaves_tags_attributes_and_code_alone():
    html = (
        '<p title="a &quot;b&quot;"><a href="/x?q=&quot;1 %&quot;">"Слово"</a> '
        '<code>"raw" 5 %</code></p>'
    )
    assert typography(html) == (
        '<p title="a &quot;b&quot;"><a href="/x?q=&quot;1 %&quot;">«Слово»</a> '
        '<code>"raw" 5 %</code></p>'
    )


def test_typography_reads_a_quote_after_an_inline_tag_as_closing():
    assert typography('<p>"<b>Слово</b>"</p>') == "<p>«<b>Слово</b>»</p>"


def demo_strings() -> list[tuple[str, str]]:
    found = []

    def walk(value, where):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(inner, f"{where}[{index}]")
        elif isinstance(value, str):
            found.append((where, value))

    for path in [
        DATA_DIR / "site.json",
        *sorted(Path(DATA_DIR / "articles").glob("*.json")),
    ]:
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    return found


def test_the_demo_texts_are_typeset_in_both_languages():
    untypeset = [where for where, text in demo_strings() if typography(text) != text]
    assert untypeset == []


# Demo: no article twice, the untranslated notice ------------------------------


class DemoReaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0)

    def test_no_article_is_shown_twice_on_either_home_page(self):
        for home in HomePage.objects.all():
            html = self.client.get(home.url).content.decode()
            main = html[html.index('<main id="main"') : html.index("</main>")]
            links = TEASER_LINK.findall(main)
            assert links, home.locale
            duplicates = {link for link in links if links.count(link) > 1}
            assert duplicates == set(), home.locale

    def test_no_article_is_shown_twice_in_the_sidebars_of_an_article(self):
        for article in ArticlePage.objects.live().filter(alias_of__isnull=True):
            html = self.client.get(article.url).content.decode()
            aside = html[html.index('<aside class="sidebar">') :]
            aside = aside[: aside.index("</aside>")]
            links = TEASER_LINK.findall(aside) + re.findall(
                r'<li><a href="([^"]+)"', aside
            )
            assert links, article.url
            assert len(links) == len(set(links)), article.url
            assert article.url not in links


def publish_with(article, **fields):
    """The article as an editor typed it: straight quotes, plain spaces."""
    for name, value in fields.items():
        setattr(article, name, value)
    article.save_revision().publish()
    return article


@pytest.mark.django_db
def test_an_article_page_sets_editors_straight_quotes_and_units(client, tree):
    article = publish_with(
        build_newspaper(tree).article_ru,
        title='Акция "Чистый двор"',
        lead="Собрали 12 тонн мусора.",
        body=[("paragraph", RichText('<p>Рост на 4 % и "спасибо" всем.</p>'))],
    )
    html = client.get(article.url).content.decode()
    assert '<h1 class="article__title">Акция «Чистый двор»</h1>' in html
    assert f"12{NBSP}тонн" in html
    assert f"4{NBSP}% и «спасибо» всем" in html


TYPESET_TITLE = f"Рост на 15{NBSP}% в цехе «Обогащение»"


@pytest.mark.django_db
def test_headlines_and_teasers_are_typeset_on_every_listing(client, tree):
    """Not only the article: home, section, tag and month archive."""
    paper = build_newspaper(tree)
    article = publish_with(
        paper.article_ru,
        title='Рост на 15 % в цехе "Обогащение"',
        lead="Добыли 12 тонн руды.",
    )
    month = timezone.localtime(article.publication_date)
    urls = [
        tree.home_ru.url,
        tree.section_ru.url,
        article.url,
        paper.urls()["tag_ru"],
        f"{tree.home_ru.url}archive/{month:%Y/%m}/",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert TYPESET_TITLE in main, url
        assert f"12{NBSP}тонн" in main, url


@pytest.mark.django_db
def test_sidebars_and_related_articles_are_typeset(client, tree):
    paper = build_newspaper(tree)
    other = NewsPageFactory(parent=tree.section_ru)
    other.tags.add(TAG)
    publish_with(other, title='Рост на 15 % в цехе "Обогащение"')
    html = client.get(paper.article_ru.url).content.decode()
    assert TYPESET_TITLE in html[html.index("</h1>") : html.index("</main>")]


@pytest.mark.django_db
def test_standard_pages_are_typeset(client, tree):
    page = StandardPageFactory(
        parent=tree.home_ru,
        title='Контакты "Газеты"',
        intro="Тираж 5 тыс. экземпляров.",
        body=[("paragraph", RichText('<p>Рост на 15 % в цехе "Обогащение"</p>'))],
    )
    html = client.get(page.url).content.decode()
    assert "Контакты «Газеты»</h1>" in html
    assert f"5{NBSP}тыс." in html
    assert TYPESET_TITLE in html


@pytest.mark.django_db
def test_answers_to_readers_are_typeset(client, tree):
    QuestionDesk.objects.create(section=tree.section_ru)
    Question.objects.create(
        section=tree.section_ru,
        text='Когда откроют "Обогащение"?',
        consent=True,
        status=Status.ANSWERED,
        answer="Рост на 15 % уже в мае.",
    )
    html = client.get(tree.section_ru.url).content.decode()
    assert "Когда откроют «Обогащение»?" in html
    assert f"Рост на 15{NBSP}% уже в мае." in html


def test_the_interface_translations_quote_with_guillemets():
    """Readers' strings in ru and kk use «…», not „…“ or “…”."""
    for language in ("ru", "kk"):
        with translation.override(language):
            tagline = translation.gettext(
                "Corporate newspaper of JSC «Kostanay Minerals»"
            )
        assert "«" in tagline and not set("„“”") & set(tagline), language


class DemoUntranslatedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0)

    def test_the_demo_has_one_kazakh_page_showing_the_not_translated_notice(self):
        kazakh = Page.objects.filter(locale__language_code="kk", depth__gt=2)
        placeholders = [page for page in kazakh if untranslated_original(page)]
        assert len(placeholders) == 1
        response = self.client.get(placeholders[0].url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="untranslated-notice"' in html
        assert untranslated_original(placeholders[0]).url in html


# make run ---------------------------------------------------------------------


def test_a_django_log_line_is_printed_once_by_the_development_server():
    """As under ``make run`` (dev settings, DEBUG): one line, not two."""
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import logging; "
            "logging.getLogger('django.request').warning('Not Found: /x/')",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "site_project.settings.dev"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stderr.count("Not Found: /x/") == 1, result.stderr


@pytest.mark.django_db
def test_a_first_newsroom_set_up_prints_no_block_of_fixed_differences():
    """A fresh install's ``make run``: Wagtail's default groups are expected
    to differ from the declared roles; that is set-up, not a repair."""
    output = io.StringIO()
    call_command("setup_newsroom", fix=True, stdout=output)
    assert "Fixed these differences" not in output.getvalue()
    assert "Applied the declared roles to Wagtail's defaults" in output.getvalue()
