"""Varnish in front: the repository's VCL on a real varnishd, before a live Django.

Varnish keeps what Django's page cache shares and nothing else, serves the
last good page while Django is away, takes PURGE and BAN from the web nodes
only, compresses only what it shares, and is emptied by every change kind
that empties the page cache (the "through Varnish" column of
tests/test_cache_invalidation.py, over the same list of changes).
"""

from __future__ import annotations

import gzip
import logging
import re
import time
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from core.caching import frontend
from tests.cache_support import TcpProxy
from tests.factories import NewsPageFactory
from tests.test_cache_invalidation import CHANGES, build_scene, kept, stale_pages
from tests.varnish_support import (
    get,
    purge_through,
    render_vcl,
    request,
    running_varnish,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_rows_left_behind", "through_varnish"),
]


@pytest.fixture
def article(tree):
    return NewsPageFactory(
        parent=tree.section_ru, title="Обогатительная фабрика", slug="fabrika"
    )


def cached(varnish, path, **headers):
    """The page fetched twice: the second answer, a hit if Varnish kept it."""
    get(varnish, path, **headers)
    return get(varnish, path, **headers)


# --- what is kept --------------------------------------------------------------


def test_an_anonymous_page_is_served_by_varnish_the_second_time(varnish, article):
    first = get(varnish, article.url)
    second = get(varnish, article.url)
    assert first.status == second.status == 200
    assert not first.varnish_hit
    assert second.varnish_hit, sorted(second.headers.items())
    assert second.header("Age") != ""
    assert second.body == first.body
    assert "Обогатительная фабрика" in second.text


def test_a_page_asked_for_on_the_published_port_is_shared_too(varnish, article):
    """compose publishes Varnish on 8080: readers send ``Host: host:8080``."""
    first = get(varnish, article.url, Host="localhost:8080")
    second = get(varnish, article.url, Host="localhost:8080")
    assert first.status == second.status == 200
    assert second.varnish_hit, sorted(second.headers.items())
    assert get(varnish, article.url).varnish_hit


def test_browsers_are_still_told_to_revalidate_and_get_a_304_from_varnish(
    varnish, article
):
    page = cached(varnish, article.url)
    assert page.header("Cache-Control") == "no-cache"
    assert page.header("Surrogate-Control") == ""
    etag = page.header("ETag")
    assert etag
    again = get(varnish, article.url, If_None_Match=etag)
    assert again.status == 304
    assert again.varnish_hit


@pytest.mark.parametrize("cookie", ["sessionid=abc", "csrftoken=abc"])
def test_a_session_or_csrf_cookie_is_answered_by_django(varnish, article, cookie):
    get(varnish, article.url)  # kept for readers without one
    first = get(varnish, article.url, Cookie=f"theme=dark; {cookie}")
    second = get(varnish, article.url, Cookie=cookie)
    assert first.status == second.status == 200
    assert not first.varnish_hit
    assert not second.varnish_hit


def test_other_cookies_share_the_readers_page(varnish, article):
    get(varnish, article.url)
    assert get(varnish, article.url, Cookie="_ga=GA1.2.3; _ym_uid=4").varnish_hit


def test_the_admin_is_never_kept(varnish):
    first = get(varnish, "/admin/login/")
    second = get(varnish, "/admin/login/")
    assert first.status == second.status == 200
    assert not second.varnish_hit


@pytest.mark.parametrize(
    "path", ["/ru/search/?q=karer", "/ru/no-such-page/"], ids=["search", "not-found"]
)
def test_what_django_does_not_share_is_not_kept(varnish, tree, path):
    second = cached(varnish, path)
    assert second.status in (200, 404)
    assert not second.varnish_hit


def tracking_names() -> list[str]:
    """A parameter name each WAGTAIL_CACHE_IGNORE_QS pattern matches."""
    names = []
    for pattern in django_settings.WAGTAIL_CACHE_IGNORE_QS:
        name = pattern.strip("^$").replace(".*", "campaign")
        assert re.fullmatch(pattern, name), pattern
        names.append(name)
    return names


@pytest.mark.parametrize("name", tracking_names())
def test_tracking_parameters_share_the_page(varnish, article, name):
    get(varnish, article.url)
    assert get(varnish, f"{article.url}?{name}=x").varnish_hit
    assert get(varnish, f"{article.url}?{name}=y&{name}=z").varnish_hit


def test_other_parameters_are_another_page(varnish, article):
    get(varnish, article.url)
    assert not get(varnish, f"{article.url}?utm_source=x&page=2").varnish_hit


# --- compression ---------------------------------------------------------------


def test_a_shared_page_is_compressed_for_readers_who_accept_gzip(varnish, article):
    for response in (
        get(varnish, article.url, Accept_Encoding="gzip"),
        get(varnish, article.url, Accept_Encoding="gzip"),
    ):
        assert response.header("Content-Encoding") == "gzip"
        assert "Обогатительная фабрика" in gzip.decompress(response.body).decode()
    plain = get(varnish, article.url)
    assert plain.varnish_hit
    assert plain.header("Content-Encoding") == ""
    assert "Обогатительная фабрика" in plain.text


@pytest.mark.parametrize(
    ("path", "cookie"),
    [("article", "csrftoken=abc"), ("/admin/login/", "")],
    ids=["with-a-csrf-cookie", "carrying-a-csrf-token"],
)
def test_nothing_with_a_csrf_token_is_compressed(varnish, article, path, cookie):
    """BREACH reads secrets out of compressed responses that echo input."""
    url = article.url if path == "article" else path
    headers = {"Accept_Encoding": "gzip"} | ({"Cookie": cookie} if cookie else {})
    response = cached(varnish, url, **headers)
    assert response.status == 200
    assert response.header("Content-Encoding") == ""


# --- purge and ban -------------------------------------------------------------


def test_a_web_node_purges_one_page(varnish, article):
    get(varnish, article.url)
    status, _headers, _body = request(varnish, "PURGE", article.url)
    assert status == 200
    assert not get(varnish, article.url).varnish_hit


def test_purge_and_ban_from_outside_the_acl_are_refused(live_server, tmp_path, article):
    port = int(live_server.url.rsplit(":", 1)[1])
    vcl = render_vcl([port], purgers=("127.0.0.2",))
    with running_varnish(tmp_path, vcl) as elsewhere:
        get(elsewhere, article.url)
        for method in ("PURGE", "BAN"):
            assert request(elsewhere, method, article.url)[0] == 403
        assert get(elsewhere, article.url).varnish_hit


@pytest.mark.parametrize("method", ["PURGE", "BAN"])
def test_purge_and_ban_relayed_by_another_proxy_are_refused(varnish, article, method):
    get(varnish, article.url)
    forwarded = request(varnish, method, article.url, X_Forwarded_For="203.0.113.9")
    assert forwarded[0] == 403
    assert get(varnish, article.url).varnish_hit


def test_an_unknown_method_is_refused(varnish, tree):
    assert request(varnish, "TRACE", "/ru/")[0] == 405


# --- grace ---------------------------------------------------------------------


def test_readers_get_the_last_good_page_while_django_is_away(
    live_server, tmp_path, settings, article
):
    """Past its lifetime, a page is still served while the backend is gone."""
    settings.FRONTEND_CACHE_SECONDS = 1
    proxy = TcpProxy(int(live_server.url.rsplit(":", 1)[1]))
    try:
        with running_varnish(tmp_path, render_vcl([proxy.port])) as varnish:
            assert cached(varnish, article.url).varnish_hit
            proxy.cut()
            # Until the page's second is over, a hit proves nothing.
            for _ in range(50):
                stale = get(varnish, article.url)
                if int(stale.header("Age") or 0) >= 2:
                    break
                time.sleep(0.1)
            again = get(varnish, article.url)
    finally:
        proxy.close()
    assert int(stale.header("Age")) >= 2
    assert stale.status == again.status == 200
    assert "Обогатительная фабрика" in again.text


# --- emptied on every change -----------------------------------------------------


def test_a_publish_is_visible_through_varnish_at_once(varnish, article):
    assert cached(varnish, article.url).varnish_hit
    article.title = "Фабрика на ремонте"
    article.save_revision().publish()
    fresh = get(varnish, article.url)
    assert "Фабрика на ремонте" in fresh.text


def test_publishing_works_while_varnish_is_stopped(
    live_server, tmp_path, settings, article, caplog
):
    port = int(live_server.url.rsplit(":", 1)[1])
    with running_varnish(tmp_path, render_vcl([port])) as stopped:
        purge_through(settings, stopped)
        cached(stopped, article.url)
    article.title = "Фабрика на ремонте"
    with caplog.at_level(logging.WARNING, logger="core.caching.frontend"):
        article.save_revision().publish()
    assert frontend.frontend_debt()
    assert "Front cache not emptied" in caplog.text
    article.refresh_from_db()
    assert article.live and article.title == "Фабрика на ремонте"
    with running_varnish(tmp_path / "again", render_vcl([port])) as restarted:
        assert "Фабрика на ремонте" in get(restarted, article.url).text


def test_an_emptying_varnish_missed_is_asked_again(
    varnish, live_server, settings, client, article
):
    """Out of reach while publishing, Varnish is emptied once it is back."""
    settings.FRONTEND_CACHE_RETRY_SECONDS = 0
    proxy = TcpProxy(varnish.port)
    try:
        settings.WAGTAILFRONTENDCACHE["varnish1"]["LOCATION"] = (
            f"http://127.0.0.1:{proxy.port}"
        )
        assert cached(varnish, article.url).varnish_hit
        proxy.cut()
        article.title = "Фабрика на ремонте"
        article.save_revision().publish()
        assert frontend.frontend_debt()
        assert "Фабрика на ремонте" not in get(varnish, article.url).text
        proxy.restore()
        client.get(article.url)  # any reader request that reaches Django
    finally:
        proxy.close()
    assert not frontend.frontend_debt()
    assert "Фабрика на ремонте" in get(varnish, article.url).text


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_next_request_through_varnish_is_fresh_after_the_change(varnish, tree, change):
    """tests/test_cache_invalidation.py's changes, through Varnish."""
    scene = build_scene(tree)
    urls = scene.urls()
    for name, url in urls.items():
        get(varnish, url)
        assert get(varnish, url).varnish_hit == (kept(name) == "hit"), name
    expectations = change(scene)
    responses = {name: get(varnish, url) for name, url in urls.items()}
    assert [name for name, r in responses.items() if r.varnish_hit] == []
    pages = {name: response.text for name, response in responses.items()}
    assert stale_pages(expectations, pages) == []


def test_clear_caches_after_a_deploy_empties_varnish_and_the_page_cache(
    varnish, article, page_cache
):
    """A new release draws pages differently without any content change:
    the migrate job's ``clear_caches`` makes Varnish fetch them again."""
    assert cached(varnish, article.url).varnish_hit
    out, err = StringIO(), StringIO()

    call_command("clear_caches", stdout=out, stderr=err)

    assert "Front caches emptied" in out.getvalue()
    assert "Page cache and fragments emptied" in out.getvalue()
    assert err.getvalue() == ""
    again = get(varnish, article.url)
    assert not again.varnish_hit
    assert again.header("X-Wagtail-Cache") == "miss"
