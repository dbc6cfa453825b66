"""Reader pages cost a fixed number of SQL queries, however big the archive.

Budgets (bakerydemo for scale: 22 on a blog post, 43 on its home page; the
issue asks article ≤ 12): today's counts, so a new query shows up here.
Pages are fully drawn: no page cache, no fragments; the process memo
(core.layout) is warm after the first view, as in production. An article a
worker has not served yet costs at most 4 (issue 18): its address and twins
are one query, then the page, its authors and its tags.
Measured with 10 and with 100 articles: the counts must be equal, so nothing
grows with the archive. A section's count of its articles, which grows, is
read once per content generation (news.selectors.section_count).
"""

import contextlib
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import pages as wagtail_pages

from core.caching.generation import memo
from core.queries import CompiledQuery
from news.models import NewsPage
from tests.conftest import build_tree
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    NewsPageFactory,
    SectionPageFactory,
    locale,
)

pytestmark = pytest.mark.django_db

BUDGETS = {"article": 5, "home": 5, "section": 3}


def fill(tree, count: int):
    """``count`` articles over three sections, every one with cover, tags, author."""
    sections = [tree.section_ru] + [
        SectionPageFactory(parent=tree.home_ru) for _ in range(2)
    ]
    image = ImageFactory()
    author = AuthorFactory()
    articles = []
    for number in range(count):
        article = NewsPageFactory(
            parent=sections[number % 3], cover_image=image, featured=number % 4 == 0
        )
        article.tags.add(f"тег-{number % 5}", "общий")
        article.article_authors.create(author=author)
        article.save()
        articles.append(article)
    return sections, articles


def count_queries(client, url: str) -> int:
    client.get(url)  # renditions and caches of the first view are not the point
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def page_counts(client, tree, count):
    sections, articles = fill(tree, count)
    return {
        "article": count_queries(client, articles[-1].url),
        "home": count_queries(client, tree.home_ru.url),
        "section": count_queries(client, sections[0].url),
    }


@pytest.fixture(scope="module")
def hundred_article_counts(django_db_setup, django_db_blocker) -> dict[str, int]:
    """The three pages' counts with a hundred articles, measured once for the
    three budgets (the archive takes long to build) and then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        for alias in caches:
            caches[alias].clear()
        counts = page_counts(Client(), build_tree(), 100)
        transaction.set_rollback(True)
    return counts


@pytest.mark.parametrize("kind", sorted(BUDGETS))
def test_page_stays_within_its_query_budget_with_a_hundred_articles(
    hundred_article_counts, kind
):
    counts = hundred_article_counts
    assert counts[kind] <= BUDGETS[kind], counts


def test_query_counts_do_not_grow_with_the_number_of_articles(client, tree):
    small = page_counts(client, tree, 10)

    # Grow the same tree to 100 articles and count again.
    _, more = fill(tree, 90)
    large = {
        "article": count_queries(client, more[-1].url),
        "home": count_queries(client, tree.home_ru.url),
        "section": count_queries(client, tree.section_ru.url),
    }
    assert small == large


def test_an_article_a_worker_has_not_served_yet_costs_at_most_four_queries(
    client, tree, settings
):
    # Fragments kept, as in production (the budgets above draw pages whole).
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    _, articles = fill(tree, 10)
    article = articles[-1]
    NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        translation_key=article.translation_key,
    )
    client.get(articles[0].url)
    # Another worker drew the article (its fragments are shared); this one
    # has served other pages but has not looked up this address or its twins.
    client.get(article.url)
    memo.values = {
        key: value
        for key, value in memo.values.items()
        if key[0] not in ("route", "twins")
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.url)
    assert response.status_code == 200
    assert len(queries) <= 4, [query["sql"][-120:] for query in queries]


def test_an_articles_cover_is_read_from_the_renditions_cache_not_written_again(
    client, tree
):
    article = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    client.get(article.url)  # makes the rendition and caches it
    renditions = caches["renditions"]
    # The social card's cover and the <picture> sources are read together
    # (news.models.cover_renditions, one record); Wagtail would write each
    # rendition back.
    with mock.patch.object(renditions, "set", wraps=renditions.set) as written:
        html = client.get(article.url).content.decode()
    assert "width-1200" in html
    assert written.call_count == 0


@contextlib.contextmanager
def cache_calls(names=("get", "get_many", "set", "set_many", "delete")):
    """Records ``(alias, method)`` for each call to every cache's ``names``
    while the block runs (not the calls a method makes itself: a file
    cache's ``get_many`` gets)."""
    calls: list[tuple[str, str]] = []

    def recorder(alias: str, name: str, method, depth: list[int]):
        def record(*args, **kwargs):
            if not depth[0]:
                calls.append((alias, name))
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return record

    with contextlib.ExitStack() as stack:
        for alias in caches:
            cache, depth = caches[alias], [0]
            for name in names:
                method = recorder(alias, name, getattr(cache, name), depth)
                stack.enter_context(mock.patch.object(cache, name, method))
        yield calls


@pytest.mark.parametrize("page", ["home", "section"])
def test_an_uncached_home_or_section_reads_only_the_generation_from_the_caches(
    client, tree, settings, page
):
    # As in production: fragments kept, the page cache off (a publish has
    # just emptied it). What the page shows besides its own row comes from
    # the process memo: the layout, its pieces ({% kept %}), the sites' root
    # paths, the question desks.
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    fill(tree, 10)
    url = {"home": tree.home_ru.url, "section": tree.section_ru.url}[page]
    client.get(url)

    with cache_calls(names=("get", "get_many")) as calls:
        assert client.get(url).status_code == 200

    assert calls == [("default", "get")]  # the content generation


def test_an_uncached_article_reads_the_generation_its_cover_and_no_fragment(
    client, tree, settings
):
    """Its sidebar, the same for the language's articles, is kept in the
    process (``{% kept %}``); what is its own (cover, related articles of a
    tagged one) comes from the shared caches."""
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    _, articles = fill(tree, 10)
    for article in articles:
        article.tags.clear()  # no related articles: a fragment of its own
        article.save()
    first, second = articles[0], articles[1]
    client.get(first.url)
    client.get(second.url)  # the sidebar's fragment, kept for the next one

    with cache_calls(names=("get", "get_many")) as calls:
        assert client.get(first.url).status_code == 200

    assert calls == [("default", "get"), ("renditions", "get")]


def test_an_uncached_articles_cover_picture_is_one_record_read_and_no_write(
    client, tree
):
    article = NewsPageFactory(parent=tree.section_ru, cover_image=ImageFactory())
    client.get(article.url)  # makes the renditions and caches them
    with cache_calls() as calls:
        html = client.get(article.url).content.decode()
    # Nine renditions in the <picture>, the social card's one of them, from
    # one record (core.caching.renditions), not nine pickled renditions.
    assert html.count("width-1200.") >= 3
    assert 'property="og:image" content="http://testserver/' in html
    assert [name for alias, name in calls if alias == "renditions"] == ["get"]


def compiles():
    """Counts Django compiling SQL for a query (``SQLCompiler.as_sql``)."""
    return mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    )


def test_an_uncached_article_seen_before_in_this_process_compiles_no_sql(
    client, tree, settings
):
    """Its page, authors and tags are read with SQL compiled once per process
    (core.queries); compiling was most of those queries' cost (issue 18)."""
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        },
    }
    _, articles = fill(tree, 6)
    article = articles[2]
    NewsPageFactory(  # its twin: the language switcher links to it
        parent=tree.section_kk,
        locale=locale("kk"),
        translation_key=article.translation_key,
    )
    for each in articles:
        client.get(each.url)  # fills the memo, fragments and renditions
    with compiles() as compiled, CaptureQueriesContext(connection) as queries:
        response = client.get(article.url)
    assert response.status_code == 200
    assert len(queries) == 3  # the page, its authors, its tags
    assert compiled.call_count == 0, [
        call.args[0].query.model.__name__ for call in compiled.call_args_list
    ]


def test_a_compiled_query_reads_the_rows_and_instances_its_queryset_reads(tree):
    _, articles = fill(tree, 4)
    load = CompiledQuery(
        NewsPage,
        lambda pk: NewsPage.objects.select_related("locale", "cover_image").filter(
            pk=pk
        ),
    )
    for article in articles:
        expected = NewsPage.objects.select_related("locale", "cover_image").get(
            pk=article.pk
        )
        (page,) = load(article.pk)
        assert type(page) is NewsPage and not page._state.adding
        assert {k: v for k, v in vars(page).items() if k != "_state"} == {
            k: v for k, v in vars(expected).items() if k != "_state"
        }
        assert page.locale == expected.locale
        assert page.cover_image == expected.cover_image
        assert vars(page.cover_image).keys() == vars(expected.cover_image).keys()
    assert load(-1) == []


def test_a_compiled_query_refuses_querysets_it_cannot_run_as_django_would(tree):
    for build in (
        lambda pk: NewsPage.objects.filter(pk=pk).values("title"),
        lambda pk: NewsPage.objects.filter(pk=pk).annotate(n=Count("tagged_items")),
        lambda pk: NewsPage.objects.filter(pk=pk).prefetch_related("tagged_items"),
        lambda pk: NewsPage.objects.all(),  # the id is not in the SQL
    ):
        with pytest.raises(ImproperlyConfigured):
            CompiledQuery(NewsPage, build)(1)


def test_an_article_seen_before_in_this_process_reverses_only_its_twins_address(
    client, tree
):
    """Each link's address is kept in the process memo for the content
    generation (core.models.BasePage.get_url_parts): Wagtail reversed
    ``wagtail_serve`` for each of an article's twenty links on every request.
    Only the twin, a plain ``Page`` (core.twins), is still reversed: once for
    its hreflang link and once for the language switcher."""
    _, articles = fill(tree, 6)
    article = articles[2]
    twin = NewsPageFactory(
        parent=tree.section_kk,
        locale=locale("kk"),
        translation_key=article.translation_key,
    )
    for each in articles:
        client.get(each.url)
    url, twin_path = article.url, twin.url_path.removeprefix(tree.home_kk.url_path)
    with mock.patch.object(
        wagtail_pages, "reverse", wraps=wagtail_pages.reverse
    ) as reversed_:
        html = client.get(url).content.decode()
    assert articles[3].url in html  # its sidebar links to the others
    assert [call.kwargs["args"] for call in reversed_.call_args_list] == [
        (twin_path,),
        (twin_path,),
    ]
