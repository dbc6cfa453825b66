"""Under each article, a few articles that share a tag with it, newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from news.selectors import SIDEBAR_INTERESTING, SIDEBAR_SEE_ALSO
from tests.factories import NewsPageFactory, SectionPageFactory, locale

pytestmark = pytest.mark.django_db


def related_block(client, page) -> str:
    html = client.get(page.url).content.decode()
    if 'id="related-articles"' not in html:
        return ""
    return html.split('id="related-articles"', 1)[1].split("</section>", 1)[0]


def tagged(parent, title, *tags, days_ago=40, **kwargs):
    page = NewsPageFactory(
        parent=parent,
        title=title,
        publication_date=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )
    if tags:
        page.tags.add(*tags)
        page.save_revision().publish()
    return page


@pytest.fixture
def crowd(tree):
    """Newer articles without tags: they fill the sidebar's lists, so that the
    tagged ones below show only where the test looks."""
    section = SectionPageFactory(parent=tree.home_ru)
    # "See also" skips the "interesting" ones, so both lists fill from here.
    for _ in range(SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 2):
        NewsPageFactory(parent=section, featured=True)
    return section


def test_articles_sharing_a_tag_are_listed_newest_first(client, tree, crowd):
    article = tagged(tree.section_ru, "Главная статья", "карьер", "план")
    tagged(tree.section_ru, "Старая о карьере", "карьер", days_ago=60)
    tagged(tree.section_ru, "Новая о плане", "план", days_ago=41)
    tagged(tree.section_ru, "Про другое", "футбол", days_ago=42)
    block = related_block(client, article)
    assert "Материалы по теме" in block
    assert block.index("Новая о плане") < block.index("Старая о карьере")
    assert "Про другое" not in block


def test_the_article_is_never_its_own_related_article(client, tree, crowd):
    article = tagged(tree.section_ru, "Единственная", "карьер")
    tagged(tree.section_ru, "Соседка", "карьер")
    block = related_block(client, article)
    assert "Соседка" in block
    assert "Единственная" not in block


def test_a_shared_tag_lists_an_article_once_however_many_tags_it_shares(
    client, tree, crowd
):
    article = tagged(tree.section_ru, "Главная статья", "карьер", "план", "руда")
    other = tagged(tree.section_ru, "Соседка", "карьер", "план", "руда")
    assert related_block(client, article).count(f'href="{other.url}"') == 1


def test_only_a_few_are_shown(client, tree, crowd):
    article = tagged(tree.section_ru, "Главная статья", "карьер")
    for number in range(7):
        tagged(tree.section_ru, f"Соседка {number}", "карьер")
    assert related_block(client, article).count("<li>") == 4


def test_articles_in_the_sidebar_are_not_repeated_below(client, tree):
    article = tagged(tree.section_ru, "Главная статья", "карьер")
    fresh = tagged(tree.section_ru, "Свежая о карьере", "карьер", days_ago=0)
    html = client.get(article.url).content.decode()
    assert html.count(f'href="{fresh.url}"') == 1  # in «See also» only


def test_other_languages_drafts_and_private_articles_are_not_related(
    client, tree, crowd
):
    article = tagged(tree.section_ru, "Главная статья", "карьер")
    tagged(tree.section_kk, "Қазақша", "карьер", locale=locale("kk"))
    draft = tagged(tree.section_ru, "Черновик", "карьер")
    draft.unpublish()
    private = tagged(tree.section_ru, "Закрытая", "карьер")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert related_block(client, article) == ""


def test_an_untagged_article_has_no_related_block(client, tree, crowd):
    article = tagged(tree.section_ru, "Без тегов")
    assert related_block(client, article) == ""


def test_kazakh_articles_get_the_kazakh_heading(client, tree):
    kk = locale("kk")
    article = tagged(tree.section_kk, "Басты мақала", "кен", locale=kk)
    tagged(tree.section_kk, "Көрші мақала", "кен", locale=kk, days_ago=50)
    for _ in range(SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 2):
        NewsPageFactory(parent=tree.section_kk, locale=kk, featured=True)
    block = related_block(client, article)
    assert "Тақырыпқа қатысты материалдар" in block
    assert "Көрші мақала" in block
