"""Hostile URLs, sent anonymously with the page cache on, never break the site.

Path traversal, dot segments (raw and encoded), double encoding, control
characters, overlong paths, odd Unicode, query floods, ``?page=`` abuse and bad
Host headers, in both languages and on pages, tags, feeds, search, the sitemap
and Wagtail's ``_util`` views: no answer is a server error, and no dot-segment
request changes what a real page answers afterwards. Paths reach Django as
written (the test client decodes ``%xx`` but resolves no dot segment). Runs on
Redis and PostgreSQL when ``REDIS_URL`` and ``DATABASE_URL`` are set.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from tests.cache_support import build_newspaper, verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

LONG = "a" * 4000
TRAVERSAL = [
    "/ru/../admin/",
    "/ru/..%2fadmin/",
    "/ru/%2e%2e/%2e%2e/etc/passwd",
    "/ru/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/ru/....//....//",
    "/ru/novosti/..%5c..%5cwindows/",
    "/kk/..;/admin/",
    "/ru/feed/..%2f..%2fadmin/",
    "/static/../manage.py",
    "/documents/../../etc/passwd",
]
DOUBLE_ENCODING = [
    "/ru/%252e/",
    "/ru/%252e%252e/",
    "/kk/%252e%252e%252fadmin/",
    "/ru/novosti/%25252e/",
    "/ru/%25/",
    "/ru/%/",
    "/ru/%zz/",
]
CONTROL = [
    "/ru/%00/",
    "/ru/novosti/%00",
    "/ru/tags/%00/",
    "/ru/feed/%00/",
    "/ru/%0d%0aSet-Cookie:%20x=1/",
    "/ru/%09/",
    "/ru/%7f/",
    "/kk/%1b[31m/",
    "/ru/search/?q=%00",
    "/ru/search/suggest/?q=%00%0a",
    "/ru/?page=%00",
]
OVERLONG = [
    f"/ru/{LONG}/",
    f"/ru/novosti/{LONG}/",
    f"/ru/tags/{LONG}/",
    f"/ru/feed/{LONG}/",
    f"/ru/search/?q={LONG}",
    f"/ru/search/?section={LONG}",
    f"/ru/?{LONG}={LONG}",
    "/ru/" + "a/" * 500,
]
UNICODE = [
    "/ru/новости/",
    "/kk/жаңалықтар/",
    "/ru/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/",
    "/ru/%ED%A0%80/",
    "/ru/%C0%AE%C0%AE/",
    "/ru/%E2%80%AEpage/",
    "/ru/%EF%BB%BF/",
    "/ru/tags/%F0%9F%92%A3/",
    "/kk/tags/%D2%9B%D0%B0%D1%80%D1%8C%D0%B5%D1%80/",
    "/ru/feed/%E2%80%8B/",
    "/ru/search/?q=%F0%9F%92%A3",
    "/ru/search/?q=%ED%A0%80",
]
QUERY_FLOODS = [
    "/ru/?" + "&".join(f"a{n}=1" for n in range(1500)),
    "/ru/novosti/?" + "&".join("page=2" for _ in range(1500)),
    "/ru/?" + "&".join(f"utm_{n}=x" for n in range(900)),
    "/ru/search/?q=a&" + "&".join(f"q=b{n}" for n in range(1200)),
    "/ru/feed/?" + "x" * 20000,
]
PAGE_ABUSE = [
    f"/ru/novosti/?page={value}"
    for value in (
        "-1",
        "0",
        "1e9",
        "9999999999999999999999999",
        "NaN",
        "%D9%A3",
        "1.5",
        "0x10",
        "%20%202",
        "",
    )
] + [
    "/ru/novosti/?page[]=1",
    "/ru/novosti/?page=1&page=999",
    "/kk/zhanalyqtar/?page=-99999999999",
    "/ru/tags/karer/?page=abc",
    "/ru/search/?q=карьер&page=999999999999",
    "/ru/search/?q=карьер&section=-1",
    "/ru/feed/?page=2",
    "/sitemap.xml?page=0",
    "/sitemap.xml?page=abc",
    "/sitemap.xml?page=99999999999999999999",
]
SERVICES = [
    "/ru/_util/login/",
    "/kk/_util/login/?next=//evil.example/",
    "/ru/_util/authenticate_with_password/1/1/",
    "/ru/_util/authenticate_with_password/99999999999999999999/1/",
    "/ru/_util/authenticate_with_password/0/99999999999999999999999/",
    "/ru/_util/../admin/",
    "/sitemap.xml/",
    "/sitemap.xml/../",
    "/ru/feed/../../sitemap.xml",
    "/ru/search/suggest/?q=" + LONG,
]
ALL = [
    *TRAVERSAL,
    *DOUBLE_ENCODING,
    *CONTROL,
    *OVERLONG,
    *UNICODE,
    *QUERY_FLOODS,
    *PAGE_ABUSE,
    *SERVICES,
]
BAD_HOSTS = [
    "evil.example",
    "localhost:99999999",
    "localhost:abc",
    "localhost:0",
    "localhost:8080",
    "local host",
    "[::1",
    "",
    "localhost@evil.example",
    "localhost/../evil",
    "LOCALHOST:80",
    "localhost.",
    "127.0.0.1:80",
    "[::1]:80",
    "localhost\x00",
]


def dot_segment_forms(url: str) -> list[str]:
    """Ways to write a path that resolves, by dot segments, to ``url``."""
    base = url.rstrip("/")
    return [
        f"{url}./",
        f"{url}%2e/",
        f"{url}%2E/",
        f"{url}.",
        f"{url}x/../",
        f"{url}x/%2e%2e/",
        f"{url}x/%2E%2e",
        f"{url}x/.%2e/",
        f"{url}x/y/../../",
        f"{url}.//",
        f"{base}/./?page=1",
        f"{url}tags/%2e%2e/",
        f"{url}feed/x/../",
    ]


@pytest.fixture
def paper(tree):
    return build_newspaper(tree)


def real_pages(paper) -> dict[str, str]:
    return {**paper.urls(), "sitemap": "/sitemap.xml", "search": "/ru/search/?q=x"}


def server_errors(client, urls, methods=("get",), **headers) -> list[tuple[str, int]]:
    found = []
    for url in urls:
        for method in methods:
            status = getattr(client, method)(url, **headers).status_code
            if status >= 500:
                found.append((url, status))
    return found


def test_no_hostile_url_gets_a_server_error(paper):
    client = Client(raise_request_exception=False)
    dots = [
        form
        for url in real_pages(paper).values()
        if "?" not in url
        for form in dot_segment_forms(url)
    ]
    assert server_errors(client, [*ALL, *dots], methods=("get", "head")) == []
    # Again, now that whatever could be cached is.
    assert server_errors(client, [*ALL, *dots]) == []


def test_no_bad_host_header_gets_a_server_error(paper):
    client = Client(raise_request_exception=False)
    urls = list(real_pages(paper).values())
    for host in BAD_HOSTS:
        assert server_errors(client, urls, HTTP_HOST=host) == [], host


def answers(client, pages: dict[str, str]) -> dict[str, tuple]:
    """Status, language and body of each page, as an anonymous reader gets them."""
    seen = {}
    for name, url in pages.items():
        response = client.get(url)
        seen[name] = (
            response.status_code,
            response.get("Content-Language"),
            response.content if url != "/sitemap.xml" else b"",
        )
    return seen


def test_dot_segments_never_change_what_a_real_page_answers(paper):
    """Every way to reach a page by dot segments lands on an empty cache (as
    after a publish); then every real page is asked for."""
    client = Client(raise_request_exception=False)
    pages = real_pages(paper)
    expected = answers(client, pages)
    assert all(status == 200 for status, _, _ in expected.values())
    for url in pages.values():
        if "?" in url:
            continue
        caches["pagecache"].clear()
        for form in dot_segment_forms(url):
            client.get(form)
            client.get(form, HTTP_ACCEPT_LANGUAGE="kk")
        after = answers(client, pages)
        changed = {name for name in pages if after[name] != expected[name]}
        assert not changed, (url, changed)


def test_hostile_urls_leave_cached_pages_as_they_were(paper):
    client = Client(raise_request_exception=False)
    pages = real_pages(paper)
    expected = answers(client, pages)
    server_errors(client, ALL)
    after = answers(client, pages)
    assert after == expected
    missed = [name for name, url in pages.items() if verdict(client.get(url)) != "hit"]
    assert missed == ["sitemap", "search"]  # never kept: not reader pages
