"""`seed_demo` builds both language trees once, and never twice."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from core.twins import untranslated_original
from demo.content import DATA_DIR, load
from home.models import HomePage, SiteSettings
from news.models import ArticlePage, Author, HistoryPage, InterviewPage, NewsPage
from tests.embedded import embedded_env, manage

KAZAKH_LETTERS = set("әғқңөұүһі")


def snapshot() -> dict:
    return {
        "pages": Page.objects.count(),
        "revisions": sum(page.revisions.count() for page in Page.objects.all()),
        "authors": Author.objects.count(),
        "images": get_image_model().objects.count(),
        "settings": SiteSettings.objects.count(),
    }


class SeedDemoTests(TestCase):
    """Seeds once per class; each test runs in its own rolled-back transaction."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", verbosity=0)

    def test_seeding_twice_changes_nothing(self):
        before = snapshot()
        call_command("seed_demo", verbosity=0)
        assert snapshot() == before

    def test_every_russian_page_has_a_kazakh_twin(self):
        for page in Page.objects.filter(depth__gte=2, locale__language_code="ru"):
            twin = page.get_translations().filter(locale__language_code="kk").first()
            assert twin is not None, page
            if untranslated_original(twin) is not None:
                continue  # the one left untranslated, to show the notice (issue 16)
            assert twin.live
            assert twin.title != page.title or twin.title == "ЖМП"

    def test_seeding_sets_up_the_newsroom_roles(self):
        for name in ("Корреспонденты", "Выпускающие редакторы", "Переводчики"):
            assert Group.objects.filter(name=name).exists(), name

    def test_a_second_seeding_reports_no_drift_from_the_declared_roles(self):
        """The first run applied the roles, Wagtail's default groups included."""
        output = io.StringIO()
        call_command("seed_demo", stdout=output)
        assert "Drift" not in output.getvalue()
        assert "default group" not in output.getvalue()

    def test_the_site_root_is_the_russian_home_page(self):
        site = Site.objects.get(is_default_site=True)
        assert isinstance(site.root_page.specific, HomePage)
        assert site.root_page.locale.language_code == "ru"
        assert not Page.objects.filter(depth=2, content_type__model="page").exists()

    def test_each_language_has_three_articles_of_every_type(self):
        for code in ("ru", "kk"):
            for model in (NewsPage, InterviewPage, HistoryPage):
                assert model.objects.filter(locale__language_code=code).count() >= 3

    def test_kazakh_demo_text_uses_kazakh_letters_and_slugs_keep_them(self):
        kazakh = ArticlePage.objects.filter(locale__language_code="kk")
        letters = set("".join(page.title + page.lead for page in kazakh).lower())
        assert letters >= KAZAKH_LETTERS
        for page in kazakh:
            assert page.slug.isascii() and page.slug, page.title

    def test_demo_content_is_the_same_set_of_articles_in_both_languages(self):
        for article in load().articles:
            if article.get("untranslated"):
                assert "kk" not in article, article["key"]
                continue
            assert set(article["ru"]) == set(article["kk"]), article["key"]

    def test_synthetic_articles_are_added_in_both_languages(self):
        before = ArticlePage.objects.count()
        call_command("seed_demo", articles=5, verbosity=0)
        assert ArticlePage.objects.count() == before + 10
        synthetic = NewsPage.objects.filter(slug__startswith="synthetic-")
        keys = {page.translation_key for page in synthetic}
        assert len(keys) == 5, "each synthetic ru article has exactly one kk twin"

    def test_synthetic_articles_are_searchable(self):
        call_command("seed_demo", articles=3, verbosity=0)
        results = NewsPage.objects.live().search("комбинат")
        assert any(page.slug.startswith("synthetic-") for page in results)

    def test_negative_article_count_is_a_clear_error(self):
        with pytest.raises(CommandError, match="--articles"):
            call_command("seed_demo", articles=-1, verbosity=0)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the demo data for a test to break."""
    return shutil.copytree(DATA_DIR, tmp_path / "data")


def test_a_data_file_that_is_not_json_is_a_command_error_naming_the_file(data_copy):
    news = data_copy / "articles" / "news.json"
    news.write_text(news.read_text(encoding="utf-8")[:500], encoding="utf-8")
    with pytest.raises(CommandError, match=r"articles/news\.json: line \d+ column"):
        call_command("seed_demo", data=data_copy, verbosity=0)


def test_a_wrong_key_in_a_data_file_is_a_command_error_naming_file_and_key(data_copy):
    news = data_copy / "articles" / "news.json"
    articles = json.loads(news.read_text(encoding="utf-8"))
    articles[1]["authors"] = ["nobody"]
    del articles[2]["kk"]["lead"]
    news.write_text(json.dumps(articles), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"news\.json: \[1\]\.authors\[0\]: no author"
    ):
        call_command("seed_demo", data=data_copy, verbosity=0)
    articles[1]["authors"] = ["sergey-volkov"]
    news.write_text(json.dumps(articles), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"news\.json: \[2\]\.kk: missing key 'lead'"
    ):
        call_command("seed_demo", data=data_copy, verbosity=0)


def test_bad_data_stops_manage_py_with_a_message_and_no_traceback(data_copy):
    (data_copy / "site.json").write_text('{"authors": "many"}', encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        manage(
            embedded_env(data_copy),
            "seed_demo",
            "--data",
            str(data_copy),
            capture_output=True,
            text=True,
        )
    assert "CommandError: Bad demo data:" in failed.value.stderr
    assert "site.json: authors: expected list, found string" in failed.value.stderr
    assert "Traceback" not in failed.value.stderr
