"""`make run` cannot rot: a fresh SQLite site migrates, seeds and serves every page.

Runs the same steps as `make run` (migrate, seed_demo, prepare_renditions,
runserver) in a fresh process with no service URLs set, then crawls the site
over HTTP on loopback.
"""

import re
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from tests.embedded import MANAGE, ROOT, embedded_env, free_port, manage

MAX_PAGES = 200


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(quote(url, safe=":/?=&%"), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def embedded_site(tmp_path_factory):
    env = embedded_env(tmp_path_factory.mktemp("embedded")) | {"DEBUG": "true"}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--admin")
    manage(env, "prepare_renditions")
    port = free_port()
    server = subprocess.Popen(
        [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                fetch(base + "/ru/")
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def crawl(base: str) -> dict[str, int]:
    """Follows every same-site link from both home pages, breadth first."""
    queue, seen = ["/ru/", "/kk/"], {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        status, html = fetch(base + path)
        seen[path] = status
        for link in re.findall(r'href="(/(?:ru|kk)/[^"#?]*)"', html):
            if link not in seen:
                queue.append(link)
    return seen


def test_fresh_embedded_site_serves_every_page_it_links_to(embedded_site):
    statuses = crawl(embedded_site)
    broken = {path: status for path, status in statuses.items() if status != 200}
    assert not broken
    assert len(statuses) > 40, "both trees, all sections and articles are linked"
    for kind in (
        "/ru/",
        "/kk/",
        "/ru/intervyu/",
        "/ru/stranitsy-istorii/",
        "/ru/kontakty/",
    ):
        assert kind in statuses


def test_fresh_embedded_site_searches_and_redirects_by_language(embedded_site):
    status, html = fetch(
        embedded_site + "/ru/search/?q=%D0%BA%D0%BE%D0%BC%D0%B1%D0%B8%D0%BD%D0%B0%D1%82"
    )
    assert status == 200
    assert "teaser__title" in html
    request = urllib.request.Request(
        embedded_site + "/", headers={"Accept-Language": "kk"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.url.endswith("/kk/")
