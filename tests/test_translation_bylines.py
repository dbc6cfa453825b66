"""A Kazakh article names its authors and tags in Kazakh, never in Russian.

wagtail-localize translates each author link (``ArticleAuthor`` is
translatable: the Kazakh link points at the author's Kazakh translation);
links that still point at another language's author show its translation,
or the author as is while there is none. Tags are each language's own: the
Kazakh twin starts without the Russian tags and keeps its Kazakh ones through
every sync.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail.models import Locale

from demo.content import load
from demo.management.commands.seed_demo import demo_key
from news.models import ArticleAuthor, NewsPage
from tests.factories import AuthorFactory, NewsPageFactory
from tests.test_search_morphology import search_titles
from tests.translation_support import (
    synchronised_kk,
    translate_strings,
    translation_for,
)
from translations.review import translated_revision
from translations.sync import synchronise_trees

pytestmark = pytest.mark.django_db

NAME_RU, NAME_KK = "Айгерим Нурланова", "Әйгерім Нұрланова"
TAG_RU, TAG_KK = "производство", "өндіріс"
NEW_TAG_RU, NEW_TAG_KK = "рекорд месяца", "ай рекорды"


@pytest.fixture
def kk(tree) -> Locale:
    return synchronised_kk()


@pytest.fixture
def author(kk):
    """A Russian author and its Kazakh translation."""
    author_ru = AuthorFactory(name=NAME_RU)
    author_kk = AuthorFactory(
        name=NAME_KK, locale=kk, translation_key=author_ru.translation_key
    )
    return author_ru, author_kk


def publish_russian_article(tree, author_ru, tags=(TAG_RU,)) -> NewsPage:
    article = NewsPageFactory(
        parent=tree.section_ru, title="Рекорд карьера", slug="rekord", live=False
    )
    article.tags.add(*tags)
    article.article_authors = [ArticleAuthor(author=author_ru)]
    article.save_revision().publish()
    return article


def publish_translation(article, kk) -> NewsPage:
    """The translation as the newsroom publishes it: review revision, approved."""
    page, revision = translated_revision(translation_for(article, kk), user=None)
    revision.publish()
    return NewsPage.objects.get(pk=page.pk)


@pytest.fixture
def translator_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief"))
    return client


def test_a_kazakh_reader_sees_the_authors_and_tags_in_kazakh(
    translator_client, tree, kk, author, django_capture_on_commit_callbacks
):
    client = translator_client
    author_ru, author_kk = author
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_russian_article(tree, author_ru)
        synchronise_trees()  # the kk twin appears as an untranslated draft
        translation = translation_for(article, kk)
        # Tags are segments of the translation editor, like the title.
        assert translate_strings(client, translation, {TAG_RU: TAG_KK}) == [TAG_RU]
        kk_page = publish_translation(article, kk)

    # wagtail-localize translated the link itself, not only the byline.
    assert [link.author for link in kk_page.article_authors.all()] == [author_kk]
    client.logout()
    html = client.get(kk_page.url).content.decode()
    assert NAME_KK in html and f"#{TAG_KK}" in html
    assert NAME_RU not in html and TAG_RU not in html
    ru_html = client.get(article.url).content.decode()
    assert NAME_RU in ru_html and f"#{TAG_RU}" in ru_html and TAG_KK not in ru_html

    # The Russian article gets another tag; the translation is synced and the
    # Kazakh tag already translated is kept.
    with django_capture_on_commit_callbacks(execute=True):
        article = NewsPage.objects.get(pk=article.pk)
        article.tags.add(NEW_TAG_RU)
        article.save_revision().publish()
        translation.source.update_from_db()
        client.force_login(get_user_model().objects.get(username="chief"))
        translate_strings(client, translation, {NEW_TAG_RU: NEW_TAG_KK})
        kk_page = publish_translation(article, kk)

    assert set(kk_page.tags.names()) == {TAG_KK, NEW_TAG_KK}
    assert [link.author for link in kk_page.article_authors.all()] == [author_kk]
    client.logout()
    html = client.get(kk_page.url).content.decode()
    assert f"#{NEW_TAG_KK}" in html
    assert NEW_TAG_RU not in html and TAG_RU not in html and NAME_RU not in html


def test_wagtail_localize_publishing_translates_tags_and_authors(
    translator_client, tree, kk, author, django_capture_on_commit_callbacks
):
    """The translation editor's own "Publish" path, not only the review one."""
    author_ru, author_kk = author
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_russian_article(tree, author_ru)
        synchronise_trees()
        translation = translation_for(article, kk)
        translate_strings(translator_client, translation, {TAG_RU: TAG_KK})
        translation.save_target(publish=True)

    kk_page = NewsPage.objects.get(translation_key=article.translation_key, locale=kk)
    assert kk_page.live
    assert set(kk_page.tags.names()) == {TAG_KK}
    assert [link.author for link in kk_page.article_authors.all()] == [author_kk]


def kazakh_article_linking(tree, kk, authors, slug="karer-rekordy") -> NewsPage:
    """A Kazakh article whose links still point at Russian authors."""
    page = NewsPageFactory(
        parent=tree.section_kk, locale=kk, title="Карьер рекорды", slug=slug
    )
    page.article_authors = [ArticleAuthor(author=a) for a in authors]
    page.tags.add(TAG_KK)
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


def test_a_link_to_a_russian_author_shows_its_kazakh_translation_or_the_author(
    client, tree, kk, author
):
    author_ru, _author_kk = author
    untranslated = AuthorFactory(name="Людмила Кравец")
    page = kazakh_article_linking(tree, kk, [author_ru, untranslated])

    assert [a.name for a in page.byline_authors()] == [NAME_KK, "Людмила Кравец"]
    html = client.get(page.url).content.decode()
    assert f"{NAME_KK} (корреспондент), Людмила Кравец" in html
    assert NAME_RU not in html


def test_the_byline_costs_the_same_queries_for_one_author_or_many(tree, kk):
    def queries(count: int) -> int:
        authors = []
        for number in range(count):
            ru = AuthorFactory(name=f"Автор {count}-{number}")
            AuthorFactory(
                name=f"Авторы {count}-{number}",
                locale=kk,
                translation_key=ru.translation_key,
            )
            authors.append(ru)
        page = kazakh_article_linking(tree, kk, authors, slug=f"rekord-{count}")
        with CaptureQueriesContext(connection) as captured:
            names = [a.name for a in page.byline_authors()]
        assert names == [f"Авторы {count}-{n}" for n in range(count)]
        return len(captured)

    assert queries(1) == queries(5) == 2


def test_the_kazakh_article_is_indexed_with_kazakh_names(tree, kk, author):
    author_ru, _author_kk = author
    page = kazakh_article_linking(tree, kk, [author_ru])

    text = page.search_text()
    assert NAME_KK in text and TAG_KK in text
    assert NAME_RU not in text


def test_renaming_the_kazakh_author_reindexes_articles_that_show_it(
    tree, kk, author, django_capture_on_commit_callbacks
):
    author_ru, author_kk = author
    with django_capture_on_commit_callbacks(execute=True):
        kazakh_article_linking(tree, kk, [author_ru])
    with django_capture_on_commit_callbacks(execute=True):
        author_kk.name = "Әйгерім Сәрсенова"
        author_kk.save()
    assert search_titles("kk", "Сәрсеновамен") == ["Карьер рекорды"]
    assert search_titles("kk", "Нұрланованың") == []


def test_tag_pages_of_a_language_list_only_its_own_tags(client, tree, kk, author):
    author_ru, _author_kk = author
    publish_russian_article(tree, author_ru)
    synchronise_trees()  # the untranslated kk draft still carries TAG_RU
    page = kazakh_article_linking(tree, kk, [author_ru])
    kk_tag = Tag.objects.get(name=TAG_KK)
    ru_tag = Tag.objects.get(name=TAG_RU)

    listing = client.get(f"{tree.home_kk.url}tags/{kk_tag.slug}/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert TAG_KK in html and page.title in html
    # A Russian tag is no Kazakh tag: no Kazakh page shows its name.
    assert client.get(f"{tree.home_kk.url}tags/{ru_tag.slug}/").status_code == 404
    assert client.get(f"{tree.home_ru.url}tags/{ru_tag.slug}/").status_code == 200


def test_demo_articles_keep_their_kazakh_tags_and_authors_when_republished(db):
    """The demo files its Kazakh tags as translations of the Russian ones."""
    call_command("seed_demo", verbosity=0)
    kk = Locale.objects.get(language_code="kk")
    demo = load()
    entry = demo.articles[0]
    ru = NewsPage.objects.get(
        translation_key=demo_key(f"article:{entry['key']}"), locale__language_code="ru"
    )
    translation = translation_for(ru, kk)
    translation.source.update_from_db()
    translation.save_target(publish=True)  # rebuilt from the translation's strings

    kk_page = NewsPage.objects.get(translation_key=ru.translation_key, locale=kk)
    assert set(kk_page.tags.names()) == set(entry["kk"]["tags"])
    names = {link.author.name for link in kk_page.article_authors.all()}
    assert names == {
        author["kk"]["name"]
        for author in demo.authors
        if author["key"] in entry["authors"]
    }


def test_a_drafts_preview_names_the_authors_and_tags_of_the_draft_not_the_live_page(
    tree, rf
):
    """Live pages read their authors and tags with queries compiled once
    (news.models.BYLINE_LINKS, ARTICLE_TAGS); a revision's page holds them
    in memory, and a preview shows those."""
    live_author, draft_author = AuthorFactory(), AuthorFactory()
    article = NewsPageFactory(parent=tree.section_ru)
    article.tags.add(TAG_RU)
    article.article_authors.create(author=live_author)
    article.save_revision().publish()

    article.article_authors = [ArticleAuthor(author=draft_author)]
    article.tags.set([NEW_TAG_RU])
    draft = article.save_revision().as_object()
    request = rf.get("/")

    assert draft.byline_authors() == [draft_author]
    assert [name for name, _url in draft.tag_links(request)] == [NEW_TAG_RU]
    live = NewsPage.objects.get(pk=article.pk)
    assert live.byline_authors() == [live_author]
    assert [name for name, _url in live.tag_links(request)] == [TAG_RU]
