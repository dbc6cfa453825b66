"""The page tree stays a newspaper: each page type only where it belongs."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from editions.models import EditionIndexPage, EditionPage
from home.models import HomePage, StandardPage
from news.models import ArticlePage, HistoryPage, InterviewPage, NewsPage, SectionPage
from tests.conftest import build_tree


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_holds_only_sections_standard_pages_and_the_archive(self):
        self.assertAllowedSubpageTypes(
            HomePage, {SectionPage, StandardPage, EditionIndexPage}
        )

    def test_the_edition_archive_holds_only_editions_and_editions_are_leaves(self):
        self.assertAllowedSubpageTypes(EditionIndexPage, {EditionPage})
        self.assertAllowedSubpageTypes(EditionPage, set())
        self.assertAllowedParentPageTypes(EditionPage, {EditionIndexPage})

    def test_section_holds_only_the_three_article_types(self):
        self.assertAllowedSubpageTypes(
            SectionPage, {NewsPage, InterviewPage, HistoryPage}
        )

    def test_articles_and_standard_pages_are_leaves(self):
        for model in (NewsPage, InterviewPage, HistoryPage, StandardPage):
            with self.subTest(model=model.__name__):
                self.assertAllowedSubpageTypes(model, set())

    def test_articles_live_only_in_sections(self):
        for model in (NewsPage, InterviewPage, HistoryPage):
            with self.subTest(model=model.__name__):
                self.assertAllowedParentPageTypes(model, {SectionPage})
                self.assertCanCreateAt(SectionPage, model)
                self.assertCanNotCreateAt(HomePage, model)

    def test_home_page_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertCanNotCreateAt(SectionPage, HomePage)

    def test_the_shared_article_base_cannot_be_created_directly(self):
        self.assertFalse(ArticlePage.is_creatable)
        self.assertCanNotCreateAt(SectionPage, ArticlePage)


class ArticleCreationThroughTheAdminTests(WagtailPageTestCase):
    def setUp(self):
        self.tree = build_tree()
        # force_login: django-axes refuses authenticate() without a request,
        # which the test client's login() (and so WagtailTestUtils.login) makes.
        self.client.force_login(self.create_superuser("admin"))

    def test_editor_form_creates_a_news_article_with_a_streamfield_body(self):
        self.assertCanCreate(
            self.tree.section_ru,
            NewsPage,
            nested_form_data(
                {
                    "title": "Новый конвейер запущен",
                    "slug": "novyy-konveyer",
                    "publication_date": "2026-11-20 10:15",
                    "lead": "На фабрике заработал новый конвейер.",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text("<p>Текст <b>статьи</b>.</p>")),
                            ("heading", {"text": "Подробности", "level": "h2"}),
                            ("quote", {"text": "Работаем!", "attribution": "Мастер"}),
                        ]
                    ),
                    "article_authors": inline_formset([]),
                    "tags": "конвейер, фабрика",
                }
            ),
        )
