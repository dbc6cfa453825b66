"""Most read: a beacon counts readings of cached pages; the worker flushes them.

The counts live in the default cache (Redis when the suite runs on Redis),
are written to ``ArticleReads`` by ``flush_most_read`` and shown in the
article sidebar, per language, for the last seven days.
"""

from __future__ import annotations

import pickle
import socket
import time
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

import site_project.settings.base as base_settings
from news.models import ArticleReads
from news.most_read import KEEP_SECONDS, bump
from news.selectors import SIDEBAR_INTERESTING, SIDEBAR_SEE_ALSO
from newsroom.management.commands.run_worker import jobs
from tests.cache_support import commit_set_up, verdict
from tests.factories import NewsPageFactory, SectionPageFactory, locale

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
)
OTHER_BROWSER = "Mozilla/5.0 (Windows NT 10.0; rv:133.0) Gecko/20100101 Firefox/133.0"
BEACON = "/beacon/read/"


def beacon(client, page_id, *, agent=BROWSER, address="203.0.113.7"):
    return client.post(
        BEACON,
        {"page": str(page_id)},
        headers={"User-Agent": agent},
        REMOTE_ADDR=address,
    )


def reads(page) -> int:
    row = ArticleReads.objects.filter(page=page, day=timezone.localdate()).first()
    return row.count if row else 0


def flush() -> None:
    """The worker's job, and the clears it schedules run as its commit would."""
    call_command("flush_most_read", verbosity=0)
    commit_set_up()


@pytest.fixture
def article(tree):
    return NewsPageFactory(parent=tree.section_ru, title="Карьер выполнил план")


def test_the_beacon_endpoint_is_where_the_article_page_sends_its_beacon(
    client, article
):
    assert reverse("read_beacon") == BEACON
    html = client.get(article.url).content.decode()
    assert f'data-read-beacon="{BEACON}"' in html
    assert f'data-page="{article.pk}"' in html
    assert "news/js/read-beacon.js" in html


def test_a_reader_counts_once_a_day_however_often_the_beacon_comes(client, article):
    for _ in range(3):
        assert beacon(client, article.pk).status_code == 204
    flush()
    assert reads(article) == 1


def test_readers_are_told_apart_by_address_and_browser_without_a_cookie(
    client, article
):
    beacon(client, article.pk)
    beacon(client, article.pk, agent=OTHER_BROWSER)
    beacon(client, article.pk, address="198.51.100.4")
    flush()
    assert reads(article) == 3
    assert not client.cookies


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36",
        "TelegramBot (like TwitterBot)",
        "python-requests/2.32",
        "curl/8.5.0",
    ],
)
def test_robots_are_answered_but_not_counted(client, article, agent):
    assert beacon(client, article.pk, agent=agent).status_code == 204
    flush()
    assert reads(article) == 0


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1.5", "9" * 30, "١٢"])
def test_a_malformed_page_id_is_a_400_not_a_500(client, tree, value):
    response = client.post(BEACON, {"page": value}, headers={"User-Agent": BROWSER})
    assert response.status_code == 400


def test_an_unknown_page_id_is_a_404_not_a_500(client, tree):
    assert beacon(client, 2_000_000_000).status_code == 404


def test_only_live_public_articles_are_counted(client, tree, article):
    draft = NewsPageFactory(parent=tree.section_ru, live=False)
    private = NewsPageFactory(parent=tree.section_ru)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    for page in (draft, private, tree.section_ru, tree.home_ru):
        assert beacon(client, page.pk).status_code == 404
    flush()
    assert not ArticleReads.objects.exists()


def test_the_beacon_takes_posts_only(client, article):
    assert client.get(BEACON, {"page": article.pk}).status_code == 405


def test_an_address_past_the_rate_limit_gets_429(client, settings, tree):
    settings.KMPRESS_READ_BEACON_RATE = 3
    pages = [NewsPageFactory(parent=tree.section_ru) for _ in range(4)]
    answers = [beacon(client, page.pk).status_code for page in pages]
    assert answers == [204, 204, 204, 429]
    assert beacon(client, pages[0].pk, address="198.51.100.4").status_code == 204


def test_a_reading_of_a_page_served_from_the_page_cache_still_counts(
    client, page_cache, article
):
    client.get(article.url)
    cached = client.get(article.url)
    assert verdict(cached) == "hit"
    beacon(client, article.pk)
    flush()
    assert reads(article) == 1


def test_the_beacon_answer_is_never_cached(client, page_cache, article):
    response = beacon(client, article.pk)
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in response["Cache-Control"]
    )


def test_a_cache_away_loses_the_reading_not_the_answer(client, settings, article):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.CACHES = base_settings.redis_caches(
        f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    )
    assert beacon(client, article.pk).status_code == 204


def test_counts_work_on_the_embedded_file_cache(client, settings, tmp_path, article):
    settings.CACHES = base_settings.file_caches(tmp_path)
    beacon(client, article.pk)
    beacon(client, article.pk, agent=OTHER_BROWSER)
    beacon(client, article.pk, agent=OTHER_BROWSER)
    flush()
    assert reads(article) == 2


def test_a_flush_never_lowers_a_stored_count(client, article):
    ArticleReads.objects.create(page=article, day=timezone.localdate(), count=40)
    beacon(client, article.pk)  # the cache restarted: it counts from one again
    flush()
    assert reads(article) == 40


def test_flushing_twice_writes_the_same_counts(client, article):
    beacon(client, article.pk)
    flush()
    flush()
    assert reads(article) == 1


def test_the_worker_flushes_the_counts_every_interval(settings):
    job = next(job for job in jobs() if job.command == "flush_most_read")
    assert job.every == settings.KMPRESS_MOST_READ_FLUSH_SECONDS


def sidebar_of(client, page) -> str:
    html = client.get(page.url).content.decode()
    return html.split('<aside class="sidebar">', 1)[1]


def most_read_block(client, page) -> str:
    sidebar = sidebar_of(client, page)
    if 'id="sidebar-most-read"' not in sidebar:
        return ""
    return sidebar.split('id="sidebar-most-read"', 1)[1].split("</section>", 1)[0]


def read_on(page, count, days_ago=0):
    ArticleReads.objects.create(
        page=page, day=timezone.localdate() - timedelta(days=days_ago), count=count
    )


@pytest.fixture
def busy_section(tree):
    """A section whose articles fill the other sidebar lists, so that the ones
    read below are shown only under «Most read»."""
    crowd = SectionPageFactory(parent=tree.home_ru)
    past = timezone.now() - timedelta(days=30)
    read = [
        NewsPageFactory(parent=crowd, title=f"Читаемая {n}", publication_date=past)
        for n in range(3)
    ]
    # "See also" skips the "interesting" ones, so both lists fill from here.
    for _ in range(SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 2):
        NewsPageFactory(parent=crowd, featured=True)
    return read


def test_the_sidebar_lists_the_most_read_articles_most_first(
    client, tree, busy_section, article
):
    first, second, third = busy_section
    read_on(first, 5)
    read_on(second, 9)
    read_on(third, 2, days_ago=3)
    block = most_read_block(client, article)
    assert "Популярное" in block
    assert (
        block.index("Читаемая 1")
        < block.index("Читаемая 0")
        < block.index("Читаемая 2")
    )


def test_readings_older_than_seven_days_do_not_count(
    client, tree, busy_section, article
):
    first, second, _ = busy_section
    read_on(first, 50, days_ago=7)
    read_on(second, 1, days_ago=6)
    block = most_read_block(client, article)
    assert "Читаемая 1" in block
    assert "Читаемая 0" not in block


def test_each_language_has_its_own_most_read_list(client, tree, busy_section):
    read_on(busy_section[0], 5)
    kk_article = NewsPageFactory(
        parent=tree.section_kk, locale=locale("kk"), title="Оқылған мақала"
    )
    other_kk = NewsPageFactory(parent=tree.section_kk, locale=locale("kk"))
    for _ in range(SIDEBAR_INTERESTING + SIDEBAR_SEE_ALSO + 2):
        NewsPageFactory(parent=tree.section_kk, locale=locale("kk"), featured=True)
    read_on(kk_article, 3)
    block = most_read_block(client, other_kk)
    assert "Көп оқылған" in block
    assert "Читаемая" not in block


def test_the_article_itself_and_the_other_lists_articles_are_not_repeated(
    client, tree, article
):
    """An article read most but also among «See also» is shown there only."""
    read_on(article, 100)
    reader = NewsPageFactory(parent=tree.section_ru)
    read_on(reader, 50)
    sidebar = sidebar_of(client, reader)
    assert sidebar.count(f'href="{article.url}"') == 1
    assert sidebar.count(f'href="{reader.url}"') == 0


def test_a_flush_that_changes_the_list_refreshes_cached_pages(
    client, page_cache, tree, busy_section, article
):
    commit_set_up()
    assert "Читаемая 0" not in most_read_block(client, article)
    assert verdict(client.get(article.url)) == "hit"
    beacon(client, busy_section[0].pk)
    flush()
    assert "Читаемая 0" in most_read_block(client, article)


def test_a_flush_that_changes_nothing_keeps_cached_pages(
    client, page_cache, tree, busy_section, article
):
    beacon(client, busy_section[0].pk)
    flush()
    commit_set_up()
    client.get(article.url)
    beacon(client, busy_section[0].pk, agent=OTHER_BROWSER)  # same list
    flush()
    assert verdict(client.get(article.url)) == "hit"
    assert cache.get("mostread:shown") is not None


def test_a_count_on_the_file_cache_keeps_for_days_after_it_grows(settings, tmp_path):
    """A day's counts must outlive the worker's flush interval: ``incr`` on
    our file cache keeps the key's expiry (Django's own would reset it to
    five minutes)."""
    settings.CACHES = base_settings.file_caches(tmp_path)
    bump("mostread:test")
    assert bump("mostread:test") == 2
    default = caches["default"]
    with open(default._key_to_file("mostread:test"), "rb") as f:
        expires = pickle.load(f)  # noqa: S301 - our own test file
    assert expires > time.time() + KEEP_SECONDS - 3600


def test_the_demo_shows_most_read_lists_in_both_languages(client):
    call_command("seed_demo", verbosity=0)
    for code, heading in (("ru", "Популярное"), ("kk", "Көп оқылған")):
        reads = ArticleReads.objects.filter(page__locale__language_code=code)
        assert reads.exists()
        article = reads.first().page.specific
        assert heading in client.get(article.url).content.decode()
