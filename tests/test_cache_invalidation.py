"""After any content change commits, every page that shows it is fresh.

Each case caches every reader page of a small bilingual newspaper (both homes,
sections, articles, tag pages), makes one kind of change the way editors make
it, and checks that the next request of every page is rendered anew and shows
the change. Runs on Redis when ``REDIS_URL`` is set (CI), else local memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from core.caching.invalidation import _ClearAfterCommit
from home.models import SiteSettings
from news.models import Author, SectionPage
from tests.cache_support import (
    TAG,
    build_newspaper,
    commit_set_up,
    real_fragment_cache,
    verdict,
)
from tests.factories import NewsPageFactory, SectionPageFactory, locale

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(page_cache, settings):
    """Template fragments cached too, as in production."""
    real_fragment_cache(settings)
    return page_cache


@dataclass
class Scene:
    """The newspaper, plus what some changes need to exist beforehand."""

    paper: object
    other_section_ru: SectionPage
    new_ru: object
    new_kk_draft: object

    @property
    def tree(self):
        return self.paper.tree

    def urls(self) -> dict[str, str]:
        return {
            **self.paper.urls(),
            "other_section_ru": self.other_section_ru.url,
            "new_ru": self.new_ru.url,
            "missing_ru": "/ru/staraya-stranitsa/",
        }


@pytest.fixture
def scene(tree):
    built = build_scene(tree)
    commit_set_up()
    return built


def build_scene(tree):
    paper = build_newspaper(tree)
    other = SectionPageFactory(parent=tree.home_ru, title="Производство", slug="proizv")
    new_ru = NewsPageFactory(
        parent=tree.section_ru, title="Новый цех", slug="novyi-tseh"
    )
    new_kk = NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        title="Жаңа цех",
        slug="zhana-tseh",
        translation_key=new_ru.translation_key,
        live=False,
    )
    return Scene(paper, other, new_ru, new_kk)


def publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def publish_new_article(scene):
    article = NewsPageFactory.build(title="Смена рекордов", slug="smena", live=False)
    scene.tree.section_ru.add_child(instance=article)
    article.save_revision().publish()
    return {"Смена рекордов": ["home_ru", "section_ru", "article_ru", "feed_ru"]}


def edit_published_article(scene):
    publish(scene.paper.article_ru, title="Карьер перевыполнил план")
    where = ["home_ru", "section_ru", "article_ru", "tag_ru", "new_ru", "feed_ru"]
    return {"Карьер перевыполнил план": where}


def unpublish_article(scene):
    scene.paper.article_ru.unpublish()
    gone = ["home_ru", "section_ru", "tag_ru", "new_ru", "feed_ru"]
    return {"!Карьер выполнил план": gone}


def move_article(scene):
    scene.paper.article_ru.move(scene.other_section_ru, pos="last-child")
    return {
        "Карьер выполнил план": ["other_section_ru", "home_ru"],
        "!Карьер выполнил план": ["section_ru"],
    }


def change_article_address(scene):
    """Every link to the article follows it (the process memo keeps page
    addresses for the content generation: core.models.BasePage)."""
    old = scene.paper.article_ru.url
    publish(scene.paper.article_ru, slug="novyi-adres")
    scene.paper.article_ru.refresh_from_db()
    new = scene.paper.article_ru.url
    assert new != old
    where = ["home_ru", "section_ru", "tag_ru", "new_ru", "article_kk", "feed_ru"]
    return {new: where, f"!{old}": where}


def delete_article(scene):
    scene.paper.article_ru.delete()
    gone = ["home_ru", "section_ru", "tag_ru", "new_ru", "feed_ru"]
    return {"!Карьер выполнил план": gone}


def publish_kazakh_translation(scene):
    scene.new_kk_draft.save_revision().publish()
    twin_url = scene.new_kk_draft.url
    return {"Жаңа цех": ["home_kk", "section_kk", "feed_kk"], twin_url: ["new_ru"]}


def edit_site_settings(scene):
    settings = SiteSettings.objects.get(locale=locale("ru"))
    settings.newspaper_name = "Горняцкая правда"
    settings.save()
    where = ["home_ru", "section_ru", "article_ru", "tag_ru", "feed_ru"]
    return {"Горняцкая правда": where}


def edit_author(scene):
    author = Author.objects.get(name="Иван Петров")
    author.name = "Пётр Иванович Сидоров"
    author.save()
    return {"Пётр Иванович Сидоров": ["article_ru"]}


def rename_tag(scene):
    tag = Tag.objects.get(name=TAG)
    tag.name = "открытый-карьер"
    tag.save()
    return {"#открытый-карьер": ["article_ru", "article_kk"]}


def change_navigation(scene):
    publish(scene.tree.section_ru, title="Главные новости")
    return {"Главные новости": ["home_ru", "article_ru", "other_section_ru"]}


def hide_section_from_navigation(scene):
    publish(scene.other_section_ru, show_in_menus=False)
    return {"!Производство": ["home_ru", "article_ru", "section_ru"]}


def restrict_article(scene):
    PageViewRestriction.objects.create(
        page=scene.paper.article_ru, restriction_type=PageViewRestriction.LOGIN
    )
    return {"!Карьер выполнил план": ["article_ru", "feed_ru"]}


def redirect_missing_page(scene):
    Redirect.objects.create(
        old_path="/ru/staraya-stranitsa", redirect_page=scene.paper.article_ru
    )
    return {}


CHANGES = [
    publish_new_article,
    edit_published_article,
    unpublish_article,
    move_article,
    change_article_address,
    delete_article,
    publish_kazakh_translation,
    edit_site_settings,
    edit_author,
    rename_tag,
    change_navigation,
    hide_section_from_navigation,
    restrict_article,
    redirect_missing_page,
]


def page_cache_clears(callbacks):
    return [func for func in callbacks if isinstance(func, _ClearAfterCommit)]


def kept(name: str) -> str:
    """A 404 is never kept (every made-up address would be an entry)."""
    return "skip" if name.startswith("missing") else "hit"


def cache_everything(client, urls):
    for url in urls.values():
        client.get(url)
    for name, url in urls.items():
        assert verdict(client.get(url)) == kept(name), name


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_next_request_of_every_page_is_fresh_after_the_change(
    client, scene, change, django_capture_on_commit_callbacks
):
    urls = scene.urls()
    cache_everything(client, urls)
    with django_capture_on_commit_callbacks(execute=True):
        expectations = change(scene)
    responses = {name: client.get(url) for name, url in urls.items()}
    for name, response in responses.items():
        assert verdict(response) in ("miss", "skip"), (name, verdict(response))
    pages = {name: response.content.decode() for name, response in responses.items()}
    assert stale_pages(expectations, pages) == []


def stale_pages(expectations: dict, pages: dict[str, str]) -> list[tuple[str, str]]:
    """(text, page name) for each expectation of a change that ``pages``
    (name → HTML) do not meet: a "!text" still shown, a text missing."""
    stale = []
    for expected, names in expectations.items():
        absent, text = expected.startswith("!"), expected.removeprefix("!")
        for name in names:
            if (text in pages[name]) == absent:
                stale.append((text, name))
    return stale


def test_the_missing_page_now_redirects(
    client, scene, django_capture_on_commit_callbacks
):
    url = scene.urls()["missing_ru"]
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        redirect_missing_page(scene)
    response = client.get(url)
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(scene.paper.article_ru.url)


def test_cached_pages_stay_until_the_change_commits(
    client, scene, django_capture_on_commit_callbacks
):
    url = scene.urls()["home_ru"]
    cache_everything(client, {"home": url})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edit_published_article(scene)
        assert verdict(client.get(url)) == "hit"
    clears = page_cache_clears(callbacks)
    assert len(clears) == 1  # one per transaction, however many signals
    clears[0]()
    fresh = client.get(url)
    assert verdict(fresh) == "miss"
    assert "Карьер перевыполнил план" in fresh.text


def test_a_subtree_delete_clears_once(
    client, scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        scene.tree.section_ru.delete()
    assert len(page_cache_clears(callbacks)) == 1


def test_saving_a_draft_keeps_cached_pages(
    client, scene, django_capture_on_commit_callbacks
):
    urls = scene.urls()
    cache_everything(client, urls)
    article = scene.paper.article_ru
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Черновик"
        article.save_revision()
    for name, url in urls.items():
        response = client.get(url)
        assert verdict(response) == kept(name), name
        assert "Черновик" not in response.text
