"""Readers' pages render with the newspaper's furniture, in both languages."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from wagtail.rich_text import RichText
from wagtail_factories import DocumentFactory

from news.blocks import ArticleBodyBlock
from tests.factories import (
    AuthorFactory,
    HistoryPageFactory,
    ImageFactory,
    InterviewPageFactory,
    NewsPageFactory,
    StandardPageFactory,
    locale,
)

pytestmark = pytest.mark.django_db

EMBED_URL = "https://video.example/plant-tour"


def every_block_body(image, document):
    """One of each body block, as an editor would fill them in."""
    paragraph = "<p>Абзац с <b>жирным</b> и <a href='https://km.kz'>ссылкой</a>.</p>"
    figure = {"image": image, "caption": "Подпись к фото", "credit": "Фото редакции"}
    table = {
        "data": [["Цех", "Тонн"], ["Фабрика", "1200"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_caption": "Выпуск за месяц",
    }
    return [
        ("paragraph", RichText(paragraph)),
        ("heading", {"text": "Подзаголовок статьи", "level": "h2"}),
        ("image", figure),
        ("quote", {"text": "Цитата героя", "attribution": "Мастер смены"}),
        (
            "question_answer",
            {"question": "Как прошёл год?", "answer": RichText("<p>Хорошо.</p>")},
        ),
        ("gallery", {"title": "Фотогалерея", "images": [figure]}),
        ("embed", EMBED_URL),
        ("table", table),
        ("document", {"document": document, "title": "Годовой отчёт"}),
        ("fact_box", {"title": "Цифры", "facts": ["1965 — основание", "3000 человек"]}),
        (
            "timeline_event",
            {
                "date_label": "1965",
                "title": "Первый карьер",
                "text": "Добыча",
                "image": image,
            },
        ),
    ]


@pytest.fixture
def image():
    return ImageFactory()


@pytest.fixture
def document():
    return DocumentFactory(title="Годовой отчёт")


def test_every_body_block_has_its_own_template():
    for name, block in ArticleBodyBlock().child_blocks.items():
        assert (
            block.meta.template
            == f"blocks/{name.replace('document', 'document_link')}.html"
        )


def test_news_article_shows_title_date_section_authors_tags_and_every_block(
    client: Client, tree, image, document
):
    author = AuthorFactory(name="Асель Нурланова", position="корреспондент")
    article = NewsPageFactory(
        parent=tree.section_ru,
        title="Новый конвейер",
        publication_date=datetime(2022, 11, 25, 5, 18, tzinfo=UTC),
        cover_image=image,
        cover_caption="Конвейер на фабрике",
        cover_credit="Фото: пресс-служба",
        body=every_block_body(image, document),
    )
    article.tags.add("конвейер")
    article.article_authors.create(author=author)
    article.save_revision().publish()

    response = client.get(article.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Новый конвейер" in html
    assert "2022-11-25, 11:18" in html, "the date line is in Asia/Almaty time"
    assert "Новости" in html
    assert "Асель Нурланова" in html
    assert "#конвейер" in html
    for text in (
        "Подзаголовок статьи",
        "Подпись к фото",
        "Цитата героя",
        "Как прошёл год?",
        "Фотогалерея",
        f'src="{EMBED_URL}"',
        "Выпуск за месяц",
        "Годовой отчёт",
        "1965 — основание",
        "Первый карьер",
    ):
        assert text in html, text
    assert 'lang="ru"' in html


def test_interview_page_shows_the_interviewee(client, tree):
    page = InterviewPageFactory(parent=tree.section_ru, interviewee="Айгүл Сейітова")
    response = client.get(page.url)
    assert response.status_code == 200
    assert "Айгүл Сейітова" in response.content.decode()


def test_history_page_shows_period_and_archive(client, tree):
    page = HistoryPageFactory(
        parent=tree.section_ru, period="1965–1975", archival_source="Архив"
    )
    html = client.get(page.url).content.decode()
    assert "1965–1975" in html
    assert "Архив" in html


def test_kazakh_article_renders_in_the_kazakh_tree(client, tree):
    page = NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Жұмысшы мамандықтар: нәтижелер",
        lead="<p><strong>Жітіқара</strong>&nbsp;колледжінде</p>",
    )
    response = client.get(page.url)
    html = response.content.decode()
    assert page.url.startswith("/kk/")
    assert 'lang="kk"' in html
    assert "Жұмысшы мамандықтар" in html
    assert "Қостанай минералдары" in html, (
        "the footer and masthead come from kk settings"
    )


def test_section_lists_its_articles_with_clean_excerpts(client, tree):
    NewsPageFactory(
        parent=tree.section_ru,
        title="Итоги года",
        lead="<p><strong>В нашу редакцию</strong><br>пришло письмо</p>",
    )
    html = client.get(tree.section_ru.url).content.decode()
    assert "Итоги года" in html
    assert "В нашу редакцию пришло письмо" in html
    assert "strongВ" not in html


def test_home_page_shows_featured_articles_and_latest_per_section(client, tree):
    NewsPageFactory(parent=tree.section_ru, title="Главная новость", featured=True)
    NewsPageFactory(parent=tree.section_ru, title="Обычная новость")
    html = client.get(tree.home_ru.url).content.decode()
    assert "Главная новость" in html
    assert "Обычная новость" in html


def test_navigation_lists_live_sections_of_the_readers_language(client, tree):
    StandardPageFactory(parent=tree.home_ru, title="Контакты", slug="kontakty")
    html = client.get("/ru/").content.decode()
    assert "Новости" in html and "Контакты" in html
    assert "Жаңалықтар" not in html


def test_footer_shows_contacts_and_copyright_years(client, tree):
    html = client.get("/ru/").content.decode()
    year = datetime.now().year
    assert f"2012 – {year}" in html
    assert "editor@example.kz" in html
    assert "+7 7143 00-00-00" in html


def test_standard_page_shows_contacts(client, tree):
    page = StandardPageFactory(parent=tree.home_ru, show_contacts=True)
    assert "editor@example.kz" in client.get(page.url).content.decode()


def test_tag_page_lists_the_articles_of_that_tag_in_the_readers_language(client, tree):
    tagged = NewsPageFactory(parent=tree.section_ru, title="С тегом")
    tagged.tags.add("спорт")
    tagged.save()
    NewsPageFactory(parent=tree.section_ru, title="Без тега")
    kk = NewsPageFactory(
        parent=tree.section_kk, locale=locale("kk"), title="Қазақша тег"
    )
    kk.tags.add("спорт")
    kk.save()
    html = client.get(f"/ru/tags/{tagged.tags.first().slug}/").content.decode()
    assert "С тегом" in html
    assert "Без тега" not in html
    assert "Қазақша тег" not in html


def test_unknown_tag_is_a_404(client, tree):
    assert client.get("/ru/tags/no-such-tag/").status_code == 404


def test_missing_page_renders_the_sites_404(client, tree):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert (
        "Page not found" in response.content.decode()
        or "не найдена" in response.content.decode()
    )


def test_root_redirects_to_the_readers_preferred_language(client, tree):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="kk").headers["Location"] == "/kk/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").headers["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").headers["Location"] == "/ru/"
